"""The record's sessions (live visits, home checks, uploaded clips), their check-ins and their tests.

A test keeps its result JSON, its metrics as rows and the landmark trajectory; video only when the user asked (a
file name in ``tests.video``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import insert, select, update

from movement_check import __version__
from movement_check.clinic.checkin import CheckIn
import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.database import RecordError, now
from movement_check.clinic.record.patients import Patients, check_patient

# a session's kind -> what the pages and reports call it
KINDS = {"visit": "Video visit", "home": "Home-exercise check", "upload": "Uploaded clip"}


@dataclass(frozen=True)
class TestRecord:
    """One stored test of a session."""

    __test__ = False                 # not a pytest test class, despite the name

    id: int
    session_id: int
    test: str
    step: str | None
    created_at: str
    software_version: str
    result: dict
    video: str | None
    has_trajectory: bool

    def metric(self, name: str, side: str | None = None) -> dict | None:
        return next((m for m in self.result.get("metrics", []) if m["name"] == name and m.get("side") == side),
                    None)


@dataclass(frozen=True)
class SessionRecord:
    id: int
    patient_id: str
    kind: str
    therapist: str | None
    started_at: str
    ended_at: str | None
    note: str | None
    prescription_id: int | None = None
    checkin: CheckIn | None = None
    tests: list[TestRecord] = field(default_factory=list)


class Sessions(Patients):
    """:class:`..store.Record`'s sessions, check-ins and tests (filing)."""

    def start_session(self, patient_id: str, kind: str, *, therapist: str | None = None,
                      note: str | None = None, started_at: str | None = None,
                      prescription_id: int | None = None) -> int:
        """A new session of ``kind`` (visit, home, upload) for a known patient; its ID. A home check names
        the prescription it checks."""
        with self._write() as conn:
            return self._insert_session(conn, patient_id, kind, therapist=therapist, note=note,
                                        started_at=started_at, prescription_id=prescription_id)

    def file_test(self, patient_id: str, kind: str, result: dict, *, initials: str | None = None,
                  therapist: str | None = None, trajectory: bytes | None = None, video: str | None = None,
                  prescription_id: int | None = None, note: str | None = None) -> tuple[int, int]:
        """One analysed clip (an upload, a home check) filed as a session of its own, in one transaction:
        the patient is added if new. Returns (session ID, test ID)."""
        check_patient(patient_id, initials)
        with self._write() as conn:
            self._insert_patient(conn, patient_id, initials, therapist=therapist)
            session_id = self._insert_session(conn, patient_id, kind, therapist=therapist, note=note,
                                              prescription_id=prescription_id, ended_at=now())
            test_id = self._insert_test(conn, session_id, result, trajectory=trajectory, video=video)
            return session_id, test_id

    def end_session(self, session_id: int) -> None:
        with self._write() as conn:
            conn.execute(update(schema.sessions).where(schema.sessions.c.id == session_id)
                         .values(ended_at=now()))

    def save_checkin(self, session_id: int, checkin: CheckIn) -> None:
        """The session's check-in (a second one replaces the first: the patient corrected an answer)."""
        values = dict(answers=checkin.to_dict(), red_flags=list(checkin.red_flags), created_at=now())
        with self._write() as conn:
            self._session_row(conn, session_id)
            table = schema.checkins
            if conn.execute(select(table.c.session_id).where(table.c.session_id == session_id)).first():
                conn.execute(update(table).where(table.c.session_id == session_id).values(**values))
            else:
                conn.execute(insert(table).values(session_id=session_id, **values))

    def add_test(self, session_id: int, result: dict, *, trajectory: bytes | None = None,
                 step: str | None = None, video: str | None = None) -> int:
        """Keep one test's result (its JSON dict), metrics and trajectory; the test's ID."""
        with self._write() as conn:
            self._session_row(conn, session_id)
            return self._insert_test(conn, session_id, result, trajectory=trajectory, step=step, video=video)

    def trajectory(self, test_id: int) -> bytes | None:
        with self._read() as conn:
            return conn.execute(select(schema.tests.c.trajectory).where(schema.tests.c.id == test_id)).scalar()

    def session(self, session_id: int) -> SessionRecord:
        with self._read() as conn:
            return self._session(conn, self._session_row(conn, session_id))

    def sessions(self, patient_id: str) -> list[SessionRecord]:
        """The patient's sessions, oldest first, each with its check-in and tests."""
        with self._read() as conn:
            rows = conn.execute(select(schema.sessions).where(schema.sessions.c.patient_id == patient_id)
                                .order_by(schema.sessions.c.started_at, schema.sessions.c.id)).mappings().all()
            return [self._session(conn, r) for r in rows]

    def metric_history(self, patient_id: str) -> list[dict]:
        """Every stored metric of the patient with its session's time and kind, oldest first:
        dicts of session_id, started_at, kind, test, name, side, value, unit, flag."""
        s, t, m = schema.sessions, schema.tests, schema.metrics
        query = (select(s.c.id.label("session_id"), s.c.started_at, s.c.kind, t.c.test, m.c.name, m.c.side,
                        m.c.value, m.c.unit, m.c.flag)
                 .select_from(s.join(t, t.c.session_id == s.c.id).join(m, m.c.test_id == t.c.id))
                 .where(s.c.patient_id == patient_id).order_by(s.c.started_at, s.c.id, t.c.id, m.c.id))
        with self._read() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    # -- helpers, inside a transaction --------------------------------------------------------------------------
    def _insert_session(self, conn, patient_id: str, kind: str, *, therapist: str | None, note: str | None,
                        started_at: str | None = None, prescription_id: int | None = None,
                        ended_at: str | None = None) -> int:
        if kind not in KINDS:
            raise RecordError(f"a session is one of {', '.join(KINDS)}; got {kind!r}")
        self._patient_row(conn, patient_id)
        self._check_care(conn, patient_id, therapist)
        return conn.execute(insert(schema.sessions).values(
            patient_id=patient_id, kind=kind, therapist=therapist, note=note, started_at=started_at or now(),
            ended_at=ended_at, prescription_id=prescription_id)).inserted_primary_key[0]

    @staticmethod
    def _insert_test(conn, session_id: int, result: dict, *, trajectory: bytes | None, step: str | None = None,
                     video: str | None = None) -> int:
        test = result.get("test")
        if not test:
            raise RecordError("the result names no test")
        test_id = conn.execute(insert(schema.tests).values(
            session_id=session_id, test=test, step=step, created_at=now(), software_version=__version__,
            result=result, trajectory=trajectory, video=video)).inserted_primary_key[0]
        rows = [dict(test_id=test_id, name=m["name"], side=m.get("side"), value=m.get("value"),
                     unit=m.get("unit"), flag=m.get("flag")) for m in result.get("metrics", [])]
        if rows:
            conn.execute(insert(schema.metrics), rows)
        return test_id

    @staticmethod
    def _session_row(conn, session_id: int):
        row = conn.execute(select(schema.sessions).where(schema.sessions.c.id == session_id)).mappings().first()
        if row is None:
            raise RecordError(f"no session {session_id} in the record")
        return row

    @staticmethod
    def _session(conn, row) -> SessionRecord:
        answers = conn.execute(select(schema.checkins.c.answers)
                               .where(schema.checkins.c.session_id == row["id"])).scalar()
        t = schema.tests
        tests = [TestRecord(id=r["id"], session_id=r["session_id"], test=r["test"], step=r["step"],
                            created_at=r["created_at"], software_version=r["software_version"],
                            result=r["result"], video=r["video"], has_trajectory=bool(r["has_trajectory"]))
                 for r in conn.execute(select(t.c.id, t.c.session_id, t.c.test, t.c.step, t.c.created_at,
                                              t.c.software_version, t.c.result, t.c.video,
                                              t.c.trajectory.isnot(None).label("has_trajectory"))
                                       .where(t.c.session_id == row["id"]).order_by(t.c.id)).mappings()]
        return SessionRecord(id=row["id"], patient_id=row["patient_id"], kind=row["kind"],
                             therapist=row["therapist"], started_at=row["started_at"], ended_at=row["ended_at"],
                             note=row["note"], prescription_id=row["prescription_id"],
                             checkin=CheckIn.from_dict(answers) if answers else None, tests=tests)
