"""The clinic record's tables at schema version 1 (movement-check 0.1, commit 3ef0304), frozen: the
migration test builds a version-1 database from these, fills it, and upgrades it. Never edit to match
schema.py: this is what clinics' databases of that version hold."""

from sqlalchemy import JSON, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

metadata = MetaData()

patients = Table(
    "patients", metadata,
    Column("id", String(32), primary_key=True),
    Column("initials", String(4)),
    Column("created_at", String(32), nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),                 # visit | home | upload
    Column("therapist", String(64)),
    Column("started_at", String(32), nullable=False),
    Column("ended_at", String(32)),
    Column("note", Text),
)

checkins = Table(
    "checkins", metadata,
    Column("session_id", Integer, ForeignKey("sessions.id"), primary_key=True),
    Column("answers", JSON, nullable=False),
    Column("red_flags", JSON, nullable=False),
    Column("created_at", String(32), nullable=False),
)

tests = Table(
    "tests", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id"), nullable=False, index=True),
    Column("test", String(32), nullable=False),                 # gait | leg-raise | foot-rotation
    Column("step", String(32)),                                 # the live protocol's step, when there was one
    Column("created_at", String(32), nullable=False),
    Column("software_version", String(32), nullable=False),
    Column("result", JSON, nullable=False),
    Column("trajectory", LargeBinary),                          # Poses.npz_bytes()
    Column("video", String(255)),                               # a kept clip's file name, only when asked
)

metrics = Table(
    "metrics", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("test_id", Integer, ForeignKey("tests.id"), nullable=False, index=True),
    Column("name", String(64), nullable=False),
    Column("side", String(8)),
    Column("value", Float),
    Column("unit", String(16)),
    Column("flag", String(128)),
)


schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))


def create_v1(engine) -> None:
    """A version-1 database at ``engine``, as movement-check 0.1 made it."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(schema_version.insert().values(version=1))
