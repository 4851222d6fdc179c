"""Where a clinic record lives and how it is opened: a SQLite file (the default) or a PostgreSQL URL, the same
code on both through SQLAlchemy Core; and every database failure turned into a :class:`RecordError` in words.

Each write is one transaction: a failure leaves what was stored before untouched. A database that fails
underneath (a server gone, a disk full) raises :class:`RecordError` with the reason, never a driver's exception.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from movement_check.clinic.record.migrations import LATEST, upgrade, version

# the databases a record may live in: backend name -> how to give one
SUPPORTED = {"sqlite": "a SQLite file path (or sqlite:///PATH)",
             "postgresql": "a PostgreSQL URL (postgresql+psycopg://user:password@host/dbname)"}
# a SQLite record another program is writing to is retried this long (MOVEMENT_CHECK_RECORD_BUSY_S to change it)
BUSY_TIMEOUT_S = float(os.environ.get("MOVEMENT_CHECK_RECORD_BUSY_S") or 15.0)
SQLITE_HEADER = b"SQLite format 3\x00"


class RecordError(ValueError):
    """A request the record cannot meet, in words a user acts on."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
        raise RecordError(f"{safe(path)} is a folder, not a clinic record") from None
    except OSError as exc:
        raise RecordError(f"cannot read the record {safe(path)}: {(exc.strerror or str(exc)).lower()}") from None
    if head != SQLITE_HEADER:
        raise RecordError(f"{safe(path)} is not a movement-check record (it is not a SQLite database); "
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


def open_engine(where: str | Path, *, create: bool, read_only: bool, make_folder: bool) -> Engine:
    """The engine of the record at ``where``, its schema brought up to date (see :class:`..store.Record` for what
    ``create``, ``read_only`` and ``make_folder`` allow); anything else is a RecordError, the engine let go."""
    file = sqlite_file(where)
    if file is not None:
        if file.exists():
            check_sqlite_file(file)
        elif read_only or not create:
            raise RecordError(f"there is no clinic record at {safe(file)}; check the path"
                              + ("" if read_only else ", or add --create-record to start a new one there"))
        elif not make_folder and not file.parent.is_dir():
            raise RecordError(f"the folder {safe(file.parent)} for a new clinic record does not exist")
    engine = engine_for(where, read_only=read_only, make_folder=make_folder and create)
    try:
        with engine.connect() as conn:
            found = version(conn)
        if found is None and (read_only or not create or (file is not None and file.exists()
                                                          and file.stat().st_size > 0)):
            raise RecordError(f"{safe(where)} is a database but not a movement-check record"
                              + ("" if file is not None else "; add --create-record to start one in it"))
        if read_only:
            if found != LATEST:
                raise RecordError(f"the record's schema is version {found}, not this movement-check's "
                                  f"({LATEST}): open it once with the app or a filing command to upgrade it")
        else:
            upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise RecordError(f"cannot open the record at {safe(where)}: {reason(exc)}") from exc
    except RuntimeError as exc:        # tables of ours but no schema version; a newer schema
        engine.dispose()
        raise RecordError(f"cannot use the record at {safe(where)}: {exc}") from exc
    except RecordError:
        engine.dispose()
        raise
    return engine


class Transactions:
    """What every part of :class:`..store.Record` reads and writes through: ``self.engine`` (and ``self.where``,
    for messages), one transaction per write."""

    where: str | Path
    engine: Engine

    def check_writable(self) -> None:
        """Take the record's write lock and let it go at once: before the work, so a record that is locked,
        read-only or gone says so before the analysis, not after it."""
        try:
            with self.engine.connect() as conn:        # rolled back: a DELETE of no row still takes the lock
                conn.exec_driver_sql("DELETE FROM schema_version WHERE 1 = 0")
        except SQLAlchemyError as exc:
            raise RecordError(f"the clinic record at {safe(self.where)} cannot be written now: "
                              f"{reason(exc)}") from exc

    def close(self) -> None:
        self.engine.dispose()

    def _write(self):
        """One transaction; a database failure becomes a RecordError (and nothing of it is kept)."""
        return guarded(self.engine.begin, "written")

    def _read(self):
        return guarded(self.engine.connect, "read")


@contextmanager
def guarded(open_connection, verb: str):
    """A connection whose database failures become a RecordError saying the record could not be ``verb``."""
    try:
        with open_connection() as conn:
            yield conn
    except SQLAlchemyError as exc:
        raise RecordError(f"the clinic record could not be {verb}: {reason(exc)}") from exc


def reason(exc: SQLAlchemyError) -> str:
    said = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
    if "database is locked" in said:
        return (f"it is busy (another program is writing to it) and stayed busy for {BUSY_TIMEOUT_S:g} s; "
                "try again when that program has finished")
    if "readonly database" in said:
        return "it is read-only for this user"
    return f"{exc.__class__.__name__}: {said.splitlines()[0] if said else ''}"


def safe(where: str | Path) -> str:
    """The location without a password (``postgresql://user:secret@host`` -> ``postgresql://user:***@host``)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", str(where))
