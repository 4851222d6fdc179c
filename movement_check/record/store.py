"""The clinic record's reads and writes: one :class:`Record` on SQLite (a file, the default) or
PostgreSQL (a URL), the same code on both through SQLAlchemy Core.

Patients are pseudonymous: an ID the clinic chooses (letters, digits, ``-``, ``_``, ``.``) and optional
initials; nothing else about who they are is asked or kept. A test keeps its result JSON, its metrics
as rows and the landmark trajectory; video only when the user asked (a file name in ``tests.video``).
Each write is one transaction: a failure leaves what was stored before untouched. A database that
fails underneath (a server gone, a disk full) raises :class:`RecordError` with the reason, never a
driver's exception.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, delete, event, insert, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from .. import __version__
from ..audit import ACTIONS, AuditEntry
from ..checkin import CheckIn
from ..home import HomeExercise
from . import schema
from .migrations import LATEST, upgrade, version

# a session's kind -> what the pages and reports call it
KINDS = {"visit": "Video visit", "home": "Home-exercise check", "upload": "Uploaded clip"}
HOME_LINK_DAYS = 90                  # a home-exercise link works this long, unless a newer one replaces it
SIGN_IN_HOURS = 12.0                 # a therapist's sign-in survives reloads this long (a visit's longest)
SIGN_IN_KEPT_DAYS = 7                # a sign-in expired this long ago is deleted
PATIENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
INITIALS = re.compile(r"^[A-Za-z]{1,4}$")
# the databases a record may live in: backend name -> how to give one
SUPPORTED = {"sqlite": "a SQLite file path (or sqlite:///PATH)",
             "postgresql": "a PostgreSQL URL (postgresql+psycopg://user:password@host/dbname)"}
# a SQLite record another program is writing to is retried this long (MOVEMENT_CHECK_RECORD_BUSY_S to change it)
BUSY_TIMEOUT_S = float(os.environ.get("MOVEMENT_CHECK_RECORD_BUSY_S") or 15.0)
SQLITE_HEADER = b"SQLite format 3\x00"


class RecordError(ValueError):
    """A request the record cannot meet, in words a user acts on."""


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


def check_patient(patient_id: str, initials: str | None = None) -> None:
    """A patient ID and initials the record takes (checked before any work, so a typo costs nothing)."""
    if not PATIENT_ID.match(patient_id or ""):
        raise RecordError("a patient ID is 1-32 letters, digits, '-', '_' or '.', starting with a letter or "
                          f"digit (a pseudonym such as P-0042, not a name); got {patient_id!r}")
    if initials and not INITIALS.match(initials):
        raise RecordError(f"initials are 1-4 letters; got {initials!r}")


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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


@dataclass(frozen=True)
class PrescriptionRecord:
    id: int
    patient_id: str
    therapist: str | None
    exercise: HomeExercise
    created_at: str
    ended_at: str | None


def backend(where: str | Path) -> str:
    """The database kind of a record location ("sqlite" for a file path); an unsupported or malformed URL is
    refused with the kinds supported."""
    text = str(where)
    if "://" not in text:
        return "sqlite"
    try:
        name = make_url(text).get_backend_name()
    except ArgumentError:
        name = None
    if name not in SUPPORTED:
        scheme = text.split("://", 1)[0][:30]
        raise RecordError(f"{scheme}:// is not a database the clinic record can use; give "
                          + " or ".join(SUPPORTED.values()))
    return name


def sqlite_file(where: str | Path) -> Path | None:
    """The file of a SQLite record (None for PostgreSQL or an in-memory database)."""
    text = str(where)
    if "://" not in text:
        return Path(text).expanduser()
    url = make_url(text)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def check_sqlite_file(path: Path) -> None:
    """An existing file must be a SQLite database before the record opens it (SQLite would turn an empty or
    unrelated file into a database)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise RecordError(f"{_safe(path)} is a folder, not a clinic record") from None
    except OSError as exc:
        raise RecordError(f"cannot read the record {_safe(path)}: {(exc.strerror or str(exc)).lower()}") from None
    if head != SQLITE_HEADER:
        raise RecordError(f"{_safe(path)} is not a movement-check record (it is not a SQLite database); "
                          "give the record's path, or a new file name with --create-record")


def engine_for(where: str | Path, *, read_only: bool = False, make_folder: bool = True) -> Engine:
    """An engine for a database URL (``postgresql+psycopg://...``, ``sqlite:///...``) or a file path (SQLite).

    A SQLite record waits up to ``BUSY_TIMEOUT_S`` for another program's write to finish; ``read_only`` opens
    a SQLite file so that nothing can change it."""
    text = str(where)
    backend(text)
    if "://" not in text:
        path = Path(text).expanduser()
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        text = f"sqlite:///{path}"
    args = {}
    if make_url(text).get_backend_name() == "sqlite":
        args["timeout"] = BUSY_TIMEOUT_S
        file = sqlite_file(text)
        if read_only and file is not None:
            text = f"sqlite:///file:{file.resolve()}?mode=ro&uri=true"
    engine = create_engine(text, connect_args=args)
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _foreign_keys(dbapi_conn, _record):          # SQLite checks foreign keys only when asked
            dbapi_conn.execute("PRAGMA foreign_keys=ON")
    return engine


class Record:
    """The clinic record at ``where`` (a file path or a database URL); the schema is brought up to date.

    ``create``: a record that does not exist yet (a new SQLite file, an empty database) is made; otherwise it
    is refused. ``read_only``: nothing is created, upgraded or written (a report); the record must be at this
    version's schema. ``make_folder``: a new SQLite file's folder is made too. An existing file that is not a
    movement-check record is always refused, never turned into one.
    """

    def __init__(self, where: str | Path, *, create: bool = True, read_only: bool = False,
                 make_folder: bool = True):
        self.where = where
        file = sqlite_file(where)
        if file is not None:
            if file.exists():
                check_sqlite_file(file)
            elif read_only or not create:
                raise RecordError(f"there is no clinic record at {_safe(file)}; check the path"
                                  + ("" if read_only else ", or add --create-record to start a new one there"))
            elif not make_folder and not file.parent.is_dir():
                raise RecordError(f"the folder {_safe(file.parent)} for a new clinic record does not exist")
        self.engine = engine_for(where, read_only=read_only, make_folder=make_folder and create)
        try:
            with self.engine.connect() as conn:
                found = version(conn)
            if found is None and (read_only or not create or (file is not None and file.exists()
                                                              and file.stat().st_size > 0)):
                raise RecordError(f"{_safe(where)} is a database but not a movement-check record"
                                  + ("" if file is not None else "; add --create-record to start one in it"))
            if read_only:
                if found != LATEST:
                    raise RecordError(f"the record's schema is version {found}, not this movement-check's "
                                      f"({LATEST}): open it once with the app or a filing command to upgrade it")
            else:
                upgrade(self.engine)
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise RecordError(f"cannot open the record at {_safe(where)}: {_reason(exc)}") from exc
        except RuntimeError as exc:        # tables of ours but no schema version; a newer schema
            self.engine.dispose()
            raise RecordError(f"cannot use the record at {_safe(where)}: {exc}") from exc
        except RecordError:
            self.engine.dispose()
            raise

    def check_writable(self) -> None:
        """Take the record's write lock and let it go at once: before the work, so a record that is locked,
        read-only or gone says so before the analysis, not after it."""
        try:
            with self.engine.connect() as conn:        # rolled back: a DELETE of no row still takes the lock
                conn.exec_driver_sql("DELETE FROM schema_version WHERE 1 = 0")
        except SQLAlchemyError as exc:
            raise RecordError(f"the clinic record at {_safe(self.where)} cannot be written now: "
                              f"{_reason(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def _write(self):
        """One transaction; a database failure becomes a RecordError (and nothing of it is kept)."""
        return _guarded(self.engine.begin, "written")

    def _read(self):
        return _guarded(self.engine.connect, "read")

    # -- patients and their care teams ----------------------------------------------------------------------
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

    # -- sessions ---------------------------------------------------------------------------------------------
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

    # -- home exercises ---------------------------------------------------------------------------------------
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
                token_hash=_hashed(token), patient_id=patient_id, therapist=therapist, created_at=stamp,
                expires_at=(made + timedelta(days=days)).isoformat(timespec="seconds")))
        return token

    def home_link_patient(self, token: str) -> str:
        """The patient whose home-exercise link ``token`` is; a link unknown, replaced or expired is refused
        with what to do."""
        links = schema.home_links
        with self._read() as conn:
            row = conn.execute(select(links).where(links.c.token_hash == _hashed(token or ""))).mappings().first()
        if row is None:
            raise RecordError("This link is not valid: open the link your therapist sent you, whole.")
        if row["revoked_at"]:
            raise RecordError("This link was replaced by a newer one: use the latest link your therapist sent.")
        if datetime.fromisoformat(row["expires_at"]) <= datetime.now(timezone.utc):
            raise RecordError("This link has expired: ask your therapist for a new one.")
        return row["patient_id"]

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

    # -- sign-ins that survive a reload ----------------------------------------------------------------------
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
            conn.execute(insert(rows).values(token_hash=_hashed(token), last_used_at=signed.created_at,
                                             **asdict(signed)))
        return token, signed

    def resume_sign_in(self, token: str) -> SignIn:
        """The sign-in whose secret is ``token``, its last use set to now; :class:`SignInRefused` for a
        secret unknown here (forged, another server's, deleted), expired or ended."""
        rows, hashed = schema.sign_ins, _hashed(token or "")
        with self._write() as conn:
            row = conn.execute(select(rows).where(rows.c.token_hash == hashed)).mappings().first()
            # the lookup is by a hash of 256 random bits: its timing tells nothing; compared again anyway
            if row is None or not hmac.compare_digest(row["token_hash"], hashed):
                raise SignInRefused("unknown")
            if row["revoked_at"]:
                raise SignInRefused("ended", row["therapist"])
            if datetime.fromisoformat(row["expires_at"]) <= datetime.now(timezone.utc):
                raise SignInRefused("expired", row["therapist"])
            conn.execute(update(rows).where(rows.c.token_hash == hashed).values(last_used_at=now()))
        return SignIn(therapist=row["therapist"], password_tag=row["password_tag"], created_at=row["created_at"],
                      expires_at=row["expires_at"])

    def end_sign_in(self, token: str) -> bool:
        """End (sign out) the sign-in whose secret is ``token``; False if there was none still going."""
        rows = schema.sign_ins
        with self._write() as conn:
            ended = conn.execute(update(rows).where((rows.c.token_hash == _hashed(token or ""))
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
                               .where(rows.c.token_hash == _hashed(token or ""))).first()
        return (row is not None and row.revoked_at is None
                and datetime.fromisoformat(row.expires_at) > datetime.now(timezone.utc))

    # -- audit trail ------------------------------------------------------------------------------------------
    def audit(self, action: str, *, who: str, ok: bool = True, patient_id: str | None = None,
              session_id: int | None = None, detail: str | None = None, client: str | None = None) -> None:
        """Add one entry to the audit log (see :mod:`movement_check.audit`). Entries are only ever added."""
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

    # -- helpers ----------------------------------------------------------------------------------------------
    @staticmethod
    def _insert_patient(conn, patient_id: str, initials: str | None, *, therapist: str | None = None) -> None:
        """The patient, unless already there (an existing ID keeps its initials and care team); a new
        patient added by a therapist is in their care."""
        if Record._has_patient(conn, patient_id):
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
    def _has_patient(conn, patient_id: str) -> bool:
        return conn.execute(select(schema.patients.c.id).where(schema.patients.c.id == patient_id)).first() is not None

    @classmethod
    def _patient_row(cls, conn, patient_id: str) -> None:
        if not cls._has_patient(conn, patient_id):
            raise RecordError(f"no patient {patient_id!r} in the record: add the patient first")

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


@contextmanager
def _guarded(open_connection, verb: str):
    """A connection whose database failures become a RecordError saying the record could not be ``verb``."""
    try:
        with open_connection() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise RecordError(f"the clinic record could not be {verb}: {_reason(exc)}") from exc


def _hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _reason(exc: SQLAlchemyError) -> str:
    said = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
    if "database is locked" in said:
        return (f"it is busy (another program is writing to it) and stayed busy for {BUSY_TIMEOUT_S:g} s; "
                "try again when that program has finished")
    if "readonly database" in said:
        return "it is read-only for this user"
    return f"{exc.__class__.__name__}: {said.splitlines()[0] if said else ''}"


def _safe(where: str | Path) -> str:
    """The location without a password (``postgresql://user:secret@host`` -> ``postgresql://user:***@host``)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(where))
