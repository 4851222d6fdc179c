"""The record's sign-ins that survive a reload: a therapist's sign-in kept (as the SHA-256 of its secret) until
it expires or is ended (signed out)."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, select, update

import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.database import RecordError, Transactions, now
from movement_check.clinic.record.tokens import hashed

SIGN_IN_HOURS = 12.0                 # a therapist's sign-in survives reloads this long (a visit's longest)
SIGN_IN_KEPT_DAYS = 7                # a sign-in expired this long ago is deleted


class SignInRefused(RecordError):
    """A sign-in secret that does not sign anyone in: ``reason`` is ``unknown`` (never made here, or deleted),
    ``expired`` or ``ended`` (signed out); ``therapist`` is whose it was (None when unknown)."""

    def __init__(self, reason: str, therapist: str | None = None):
        super().__init__(f"this sign-in is {reason}")
        self.reason = reason
        self.therapist = therapist


@dataclass(frozen=True)
class SignIn:
    """A therapist's sign-in kept in the record (:meth:`Record.start_sign_in`)."""

    therapist: str
    password_tag: str
    created_at: str
    expires_at: str


class SignIns(Transactions):
    """:class:`..store.Record`'s sign-ins."""

    def start_sign_in(self, therapist: str, *, password_tag: str,
                      hours: float = SIGN_IN_HOURS) -> tuple[str, SignIn]:
        """A new sign-in for ``therapist``: its secret (256 random bits, for the browser's cookie; only its
        SHA-256 is kept, so it is given once) and the sign-in, good for ``hours`` unless ended. ``password_tag`` names the
        password it was made under (:meth:`resume_sign_in` returns it, so a changed password can end it).
        Sign-ins expired over ``SIGN_IN_KEPT_DAYS`` ago are deleted."""
        token = secrets.token_urlsafe(32)
        made = datetime.now(timezone.utc)
        signed = SignIn(therapist=therapist, password_tag=password_tag, created_at=made.isoformat(timespec="seconds"),
                        expires_at=(made + timedelta(hours=hours)).isoformat(timespec="seconds"))
        rows = schema.sign_ins
        with self._write() as conn:
            conn.execute(delete(rows).where(
                rows.c.expires_at < (made - timedelta(days=SIGN_IN_KEPT_DAYS)).isoformat(timespec="seconds")))
            conn.execute(insert(rows).values(token_hash=hashed(token), last_used_at=signed.created_at,
                                             **asdict(signed)))
        return token, signed

    def resume_sign_in(self, token: str) -> SignIn:
        """The sign-in whose secret is ``token``, its last use set to now; :class:`SignInRefused` for a
        secret unknown here (forged, another server's, deleted), expired or ended."""
        rows, token_hash = schema.sign_ins, hashed(token or "")
        with self._write() as conn:
            row = conn.execute(select(rows).where(rows.c.token_hash == token_hash)).mappings().first()
            # the lookup is by a hash of 256 random bits: its timing tells nothing; compared again anyway
            if row is None or not hmac.compare_digest(row["token_hash"], token_hash):
                raise SignInRefused("unknown")
            if row["revoked_at"]:
                raise SignInRefused("ended", row["therapist"])
            if datetime.fromisoformat(row["expires_at"]) <= datetime.now(timezone.utc):
                raise SignInRefused("expired", row["therapist"])
            conn.execute(update(rows).where(rows.c.token_hash == token_hash).values(last_used_at=now()))
        return SignIn(therapist=row["therapist"], password_tag=row["password_tag"], created_at=row["created_at"],
                      expires_at=row["expires_at"])

    def end_sign_in(self, token: str) -> bool:
        """End (sign out) the sign-in whose secret is ``token``; False if there was none still going."""
        rows = schema.sign_ins
        with self._write() as conn:
            ended = conn.execute(update(rows).where((rows.c.token_hash == hashed(token or ""))
                                                    & rows.c.revoked_at.is_(None)).values(revoked_at=now()))
            return bool(ended.rowcount)

    def end_sign_ins(self, therapist: str) -> int:
        """End every sign-in of ``therapist`` still going (signing out signs out every browser); how many."""
        rows = schema.sign_ins
        with self._write() as conn:
            ended = conn.execute(update(rows).where((rows.c.therapist == therapist) & rows.c.revoked_at.is_(None))
                                 .values(revoked_at=now()))
            return ended.rowcount

    def sign_in_going(self, token: str) -> bool:
        """The sign-in whose secret is ``token`` is known here, not ended and not expired (a cheap read, for
        every page run of a signed-in browser session)."""
        rows = schema.sign_ins
        with self._read() as conn:
            row = conn.execute(select(rows.c.revoked_at, rows.c.expires_at)
                               .where(rows.c.token_hash == hashed(token or ""))).first()
        return (row is not None and row.revoked_at is None
                and datetime.fromisoformat(row.expires_at) > datetime.now(timezone.utc))
