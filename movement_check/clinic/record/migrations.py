"""Schema versions of the clinic record, so a clinic's data survives an upgrade of movement-check.

The record keeps its schema version in the one-row table ``schema_version``.

- A new, empty database gets the newest tables at once (``schema.metadata``) and is stamped with
  ``LATEST``.
- A database at an older version gets each later migration in turn, in one transaction each, and is
  stamped after each; a failed migration leaves the database at the version before it.
- A database newer than this code (written by a newer movement-check) is refused rather than touched.

To change the schema: change ``schema.py``, then append to ``MIGRATIONS`` a function that brings a
database of the previous version to the new one (portable SQL: ``ALTER TABLE ... ADD COLUMN``,
``CREATE TABLE`` through SQLAlchemy), and a test that upgrades a database of the old version with
data in it (tests/fixtures/record_v1.py freezes version 1's tables; tests/integration/test_record.py upgrades it).
"""

from __future__ import annotations

from typing import Callable

from sqlalchemy import Column, Integer, MetaData, Table, inspect, select, text
from sqlalchemy.engine import Connection, Engine

import movement_check.clinic.record.schema as schema

version_table = Table("schema_version", MetaData(), Column("version", Integer, nullable=False))


def _v2_home_exercises(conn: Connection) -> None:
    """Version 2 (movement-check 0.2): home-exercise prescriptions, and the prescription a home check's
    session checks. (If ``prescriptions`` changes later, copy its version-2 definition here first.)"""
    schema.prescriptions.create(conn)
    conn.execute(text("ALTER TABLE sessions ADD COLUMN prescription_id INTEGER"))


def _v3_home_links(conn: Connection) -> None:
    """Version 3 (movement-check 0.2): the patients' home-exercise links. (If ``home_links`` changes later,
    copy its version-3 definition here first.)"""
    schema.home_links.create(conn)


def _v4_care_team_and_audit(conn: Connection) -> None:
    """Version 4 (movement-check 0.3): the patients' care teams and the audit log. Each existing patient's
    care team is every therapist who ran a session, prescribed or made a home link for them, so nobody
    loses a patient they worked with; a patient nobody is named on (filed from the command line) is left
    for an administrator to assign. (If these tables change later, copy their version-4 definitions here.)"""
    # checkfirst: SQLite commits a CREATE TABLE at once, so a failure later in this migration leaves the tables
    # behind at version 3; the next upgrade then finds them there
    schema.care_team.create(conn, checkfirst=True)
    schema.audit_log.create(conn, checkfirst=True)
    first: dict[tuple[str, str], str] = {}           # (patient, therapist) -> when they first worked together
    for table, when in ((schema.sessions, "started_at"), (schema.prescriptions, "created_at"),
                        (schema.home_links, "created_at")):
        rows = conn.execute(select(table.c.patient_id, table.c.therapist, table.c[when])
                            .where(table.c.therapist.isnot(None)))
        for patient_id, therapist, at in rows:
            key = (patient_id, therapist)
            first[key] = min(first.get(key, at), at)
    if first:
        conn.execute(schema.care_team.insert(), [
            dict(patient_id=p, therapist=t, added_at=when, added_by="upgrade to version 4")
            for (p, t), when in sorted(first.items())])


def _v5_sign_ins(conn: Connection) -> None:
    """Version 5 (movement-check 0.3): therapists' sign-ins that survive a reload. (If ``sign_ins`` changes
    later, copy its version-5 definition here first.)"""
    schema.sign_ins.create(conn, checkfirst=True)


# version reached -> (what it does, the migration); a migration takes the connection of its own transaction
MIGRATIONS: dict[int, tuple[str, Callable[[Connection], None]]] = {
    2: ("home-exercise prescriptions", _v2_home_exercises),
    3: ("the patients' home-exercise links", _v3_home_links),
    4: ("care teams and the audit log", _v4_care_team_and_audit),
    5: ("sign-ins that survive a reload", _v5_sign_ins),
}
LATEST = 1 + len(MIGRATIONS)


class NewerSchema(RuntimeError):
    """The database was written by a newer movement-check."""


def version(conn: Connection) -> int | None:
    """The database's schema version; None for an empty database (no tables of ours)."""
    names = set(inspect(conn).get_table_names())
    if "schema_version" not in names:
        if names & set(schema.metadata.tables):
            raise RuntimeError("the database has movement-check tables but no schema version; "
                               "it was not made by movement-check, or is damaged")
        return None
    return conn.execute(select(version_table.c.version)).scalar_one()


def upgrade(engine: Engine) -> list[int]:
    """Bring the database to ``LATEST``; the versions applied (``[LATEST]`` for a new database)."""
    with engine.begin() as conn:
        found = version(conn)
        if found is None:
            schema.metadata.create_all(conn)
            version_table.create(conn)
            conn.execute(version_table.insert().values(version=LATEST))
            return [LATEST]
    if found > LATEST:
        raise NewerSchema(f"the record's schema is version {found}, newer than this movement-check knows "
                          f"({LATEST}): upgrade movement-check before using this record")
    applied = []
    for v in range(found + 1, LATEST + 1):
        _, migrate = MIGRATIONS[v]
        with engine.begin() as conn:
            migrate(conn)
            conn.execute(version_table.update().values(version=v))
        applied.append(v)
    return applied
