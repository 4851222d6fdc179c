"""The record's home exercises: a patient's prescriptions and the secret link to their home-exercise page."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select, update

from movement_check.clinic.home_exercises import HomeExercise
import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.database import RecordError, now
from movement_check.clinic.record.patients import Patients
from movement_check.clinic.record.tokens import hashed

HOME_LINK_DAYS = 90                  # a home-exercise link works this long, unless a newer one replaces it


@dataclass(frozen=True)
class PrescriptionRecord:
    id: int
    patient_id: str
    therapist: str | None
    exercise: HomeExercise
    created_at: str
    ended_at: str | None


class Prescriptions(Patients):
    """:class:`..store.Record`'s home exercises and home-exercise links."""

    def prescribe(self, patient_id: str, exercise: HomeExercise, *, therapist: str | None = None,
                  created_at: str | None = None) -> int:
        """A home exercise for the patient, from now until ended; its ID."""
        with self._write() as conn:
            self._patient_row(conn, patient_id)
            self._check_care(conn, patient_id, therapist)
            return conn.execute(insert(schema.prescriptions).values(
                patient_id=patient_id, therapist=therapist, exercise=exercise.to_dict(),
                created_at=created_at or now())).inserted_primary_key[0]

    def end_prescription(self, prescription_id: int) -> None:
        with self._write() as conn:
            conn.execute(update(schema.prescriptions).where(schema.prescriptions.c.id == prescription_id)
                         .values(ended_at=now()))

    def prescriptions(self, patient_id: str, *, current_only: bool = True) -> list[PrescriptionRecord]:
        """The patient's prescriptions, oldest first (only those not ended, unless ``current_only=False``)."""
        p = schema.prescriptions
        query = select(p).where(p.c.patient_id == patient_id).order_by(p.c.created_at, p.c.id)
        if current_only:
            query = query.where(p.c.ended_at.is_(None))
        with self._read() as conn:
            return [PrescriptionRecord(id=r["id"], patient_id=r["patient_id"], therapist=r["therapist"],
                                       exercise=HomeExercise.from_dict(r["exercise"]), created_at=r["created_at"],
                                       ended_at=r["ended_at"]) for r in conn.execute(query).mappings()]

    def make_home_link(self, patient_id: str, *, therapist: str | None = None,
                       days: float = HOME_LINK_DAYS) -> str:
        """A new secret for the patient's home-exercise page (128 random bits; only its SHA-256 is kept, so
        it is shown once). It replaces the patient's earlier links and works for ``days``."""
        token = secrets.token_urlsafe(16)
        links, made = schema.home_links, datetime.now(timezone.utc)
        stamp = made.isoformat(timespec="seconds")
        with self._write() as conn:
            self._patient_row(conn, patient_id)
            self._check_care(conn, patient_id, therapist)
            conn.execute(update(links).where((links.c.patient_id == patient_id) & links.c.revoked_at.is_(None))
                         .values(revoked_at=stamp))
            conn.execute(insert(links).values(
                token_hash=hashed(token), patient_id=patient_id, therapist=therapist, created_at=stamp,
                expires_at=(made + timedelta(days=days)).isoformat(timespec="seconds")))
        return token

    def home_link_patient(self, token: str) -> str:
        """The patient whose home-exercise link ``token`` is; a link unknown, replaced or expired is refused
        with what to do."""
        links = schema.home_links
        with self._read() as conn:
            row = conn.execute(select(links).where(links.c.token_hash == hashed(token or ""))).mappings().first()
        if row is None:
            raise RecordError("This link is not valid: open the link your therapist sent you, whole.")
        if row["revoked_at"]:
            raise RecordError("This link was replaced by a newer one: use the latest link your therapist sent.")
        if datetime.fromisoformat(row["expires_at"]) <= datetime.now(timezone.utc):
            raise RecordError("This link has expired: ask your therapist for a new one.")
        return row["patient_id"]
