"""The record's patients and their care teams.

Patients are pseudonymous: an ID the clinic chooses (letters, digits, ``-``, ``_``, ``.``) and optional initials;
nothing else about who they are is asked or kept. A therapist files only for the patients in their care; an
administrator puts patients in a therapist's care (or takes them out).
"""

from __future__ import annotations

import re

from sqlalchemy import delete, insert, select

import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.database import RecordError, Transactions, now

PATIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
INITIALS = re.compile(r"^[A-Za-z]{1,4}$")


def check_patient(patient_id: str, initials: str | None = None) -> None:
    """A patient ID and initials the record takes (checked before any work, so a typo costs nothing)."""
    if not PATIENT_ID.match(patient_id or ""):
        raise RecordError("a patient ID is 1-32 letters, digits, '-', '_' or '.', starting with a letter or "
                          f"digit (a pseudonym such as P-0042, not a name); got {patient_id!r}")
    if initials and not INITIALS.match(initials):
        raise RecordError(f"initials are 1-4 letters; got {initials!r}")


class Patients(Transactions):
    """:class:`..store.Record`'s patients and care teams."""

    def add_patient(self, patient_id: str, *, initials: str | None = None, therapist: str | None = None) -> None:
        """Add a patient (an existing ID is left as it is: adding twice is harmless). A new patient added by
        a therapist is in that therapist's care."""
        check_patient(patient_id, initials)
        with self._write() as conn:
            self._insert_patient(conn, patient_id, initials, therapist=therapist)

    def patients(self, *, therapist: str | None = None) -> list[tuple[str, str | None]]:
        """(ID, initials) of every patient, by ID; with ``therapist``, only the patients in their care."""
        p = schema.patients
        query = select(p.c.id, p.c.initials).order_by(p.c.id)
        if therapist is not None:
            c = schema.care_team
            query = query.where(p.c.id.in_(select(c.c.patient_id).where(c.c.therapist == therapist)))
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(query)]

    def check_may_file(self, patient_id: str, therapist: str) -> None:
        """Before any work: ``therapist`` may file for a new patient ID or one in their care; otherwise the
        same RecordError the filing itself would raise."""
        with self._read() as conn:
            if self._has_patient(conn, patient_id):
                self._check_care(conn, patient_id, therapist)

    def care_team(self, patient_id: str) -> list[str]:
        """The therapists the patient belongs to, by name."""
        c = schema.care_team
        with self._read() as conn:
            return list(conn.execute(select(c.c.therapist).where(c.c.patient_id == patient_id)
                                     .order_by(c.c.therapist)).scalars())

    def in_care_of(self, patient_id: str, therapist: str) -> bool:
        with self._read() as conn:
            return self._in_care(conn, patient_id, therapist)

    def assign(self, patient_id: str, therapist: str, *, by: str) -> bool:
        """Put the patient in ``therapist``'s care (an administrator's act, ``by`` whom); False if already."""
        with self._write() as conn:
            self._patient_row(conn, patient_id)
            if self._in_care(conn, patient_id, therapist):
                return False
            conn.execute(insert(schema.care_team).values(patient_id=patient_id, therapist=therapist,
                                                         added_at=now(), added_by=by))
            return True

    def unassign(self, patient_id: str, therapist: str) -> bool:
        """Take the patient out of ``therapist``'s care; False if they were not in it."""
        c = schema.care_team
        with self._write() as conn:
            gone = conn.execute(delete(c).where((c.c.patient_id == patient_id) & (c.c.therapist == therapist)))
            return bool(gone.rowcount)

    # -- helpers, inside a transaction --------------------------------------------------------------------------
    @classmethod
    def _insert_patient(cls, conn, patient_id: str, initials: str | None, *, therapist: str | None = None) -> None:
        """The patient, unless already there (an existing ID keeps its initials and care team); a new
        patient added by a therapist is in their care."""
        if cls._has_patient(conn, patient_id):
            return
        stamp = now()
        conn.execute(insert(schema.patients).values(id=patient_id, initials=initials or None, created_at=stamp))
        if therapist:
            conn.execute(insert(schema.care_team).values(patient_id=patient_id, therapist=therapist,
                                                         added_at=stamp, added_by=therapist))

    @staticmethod
    def _in_care(conn, patient_id: str, therapist: str) -> bool:
        c = schema.care_team
        return conn.execute(select(c.c.patient_id).where((c.c.patient_id == patient_id)
                                                          & (c.c.therapist == therapist))).first() is not None

    @classmethod
    def _check_care(cls, conn, patient_id: str, therapist: str | None) -> None:
        """A therapist files only for the patients in their care (``therapist`` None: the command line, a
        patient's own link, which are checked elsewhere)."""
        if therapist and not cls._in_care(conn, patient_id, therapist):
            raise RecordError(f"patient {patient_id} is not in your care: an administrator can add you to "
                              "their care team")

    @staticmethod
    def _has_patient(conn, patient_id: str) -> bool:
        return conn.execute(select(schema.patients.c.id).where(schema.patients.c.id == patient_id)).first() is not None

    @classmethod
    def _patient_row(cls, conn, patient_id: str) -> None:
        if not cls._has_patient(conn, patient_id):
            raise RecordError(f"no patient {patient_id!r} in the record: add the patient first")
