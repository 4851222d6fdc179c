"""The record's audit log: who did what to which patient's record, when (see :mod:`movement_check.clinic.audit`).
Entries are only ever added."""

from __future__ import annotations

from sqlalchemy import insert, select

from movement_check.clinic.audit import ACTIONS, AuditEntry
import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.database import Transactions, now


class AuditTrail(Transactions):
    """:class:`..store.Record`'s audit log."""

    def audit(self, action: str, *, who: str, ok: bool = True, patient_id: str | None = None,
              session_id: int | None = None, detail: str | None = None, client: str | None = None) -> None:
        """Add one entry to the audit log (see :mod:`movement_check.clinic.audit`). Entries are only ever added."""
        if action not in ACTIONS:
            raise ValueError(f"not an audit action: {action!r}")
        with self._write() as conn:
            conn.execute(insert(schema.audit_log).values(
                at=now(), who=who[:96], action=action, ok=ok, patient_id=(patient_id or None) and patient_id[:32],
                session_id=session_id, detail=detail[:500] if detail else None,
                client=client[:64] if client else None))

    def audit_entries(self, *, patient_id: str | None = None, who: str | None = None,
                      since: str | None = None, limit: int | None = 500) -> list[AuditEntry]:
        """Audit entries, newest first; only one patient's, one person's or since a time when asked."""
        a = schema.audit_log
        query = select(a).order_by(a.c.id.desc())
        if patient_id is not None:
            query = query.where(a.c.patient_id == patient_id)
        if who is not None:
            query = query.where(a.c.who == who)
        if since is not None:
            query = query.where(a.c.at >= since)
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [AuditEntry(**dict(r)) for r in conn.execute(query).mappings()]
