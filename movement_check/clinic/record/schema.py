"""The clinic record's tables as they are now (the newest migration's result); queries use these.

Every table the record holds, and what it keeps:

- ``patients``: a pseudonymous ID the clinic chooses and optional initials. No name, birth date or contact.
- ``sessions``: one live visit, home-exercise check or uploaded clip of one patient: its kind, who ran it,
  when it started and ended.
- ``checkins``: the patient's answers before the tests (JSON, see :mod:`movement_check.clinic.checkin`) and the
  red flags ticked; one per session.
- ``tests``: one assessed test of a session: the result JSON (metrics, events, warnings, quality), the
  landmark trajectory (the ``.npz`` of :class:`movement_check.body.poses.Poses`, so a result can be recomputed
  when the algorithms improve), the package version that computed it, and a kept video's file name only if
  the user asked for it to be kept.
- ``metrics``: each test's metrics as rows (name, side, value, unit, flag) for history and trends.
- ``prescriptions`` (version 2): a home exercise the therapist prescribed (JSON, see
  :class:`movement_check.clinic.home_exercises.HomeExercise`), from when, until when; a home check's session names the
  prescription it checks (``sessions.prescription_id``).
- ``home_links`` (version 3): the link a patient opens to check their home exercises: only a hash of its
  secret is kept (SHA-256 of 128 random bits), who made it, when it expires, and when a newer link
  replaced it.
- ``care_team`` (version 4): which therapists a patient belongs to. A therapist sees and files only for
  the patients whose care team holds them; an administrator assigns (see :mod:`app_pages.access`).
- ``audit_log`` (version 4): who did what to which patient, when and from where (sign-ins, a patient's
  record opened, a result filed, a report or trajectory downloaded, a home link made, a visit started,
  joined or ended). The app only ever adds rows: no code of movement-check changes or deletes one.
- ``sign_ins`` (version 5): a therapist's sign-in that survives a reload of their browser tab: only a hash
  of its secret (SHA-256 of 256 random bits, which the browser keeps in a cookie), whose it is, a tag of
  the password hash it was made under (a changed password ends it), when it was made, last used, expires,
  and when it was ended (signed out). Rows expired a week are deleted.

Times are ISO 8601 text in UTC, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

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
    Column("prescription_id", Integer),                         # version 2: a home check's prescription
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

prescriptions = Table(
    "prescriptions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False, index=True),
    Column("therapist", String(64)),
    Column("exercise", JSON, nullable=False),                   # HomeExercise.to_dict()
    Column("created_at", String(32), nullable=False),
    Column("ended_at", String(32)),
)

home_links = Table(
    "home_links", metadata,
    Column("token_hash", String(64), primary_key=True),         # sha256 hex of the link's secret
    Column("patient_id", String(32), ForeignKey("patients.id"), nullable=False, index=True),
    Column("therapist", String(64)),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked_at", String(32)),                           # a newer link for the patient replaced it
)

care_team = Table(
    "care_team", metadata,
    Column("patient_id", String(32), ForeignKey("patients.id"), primary_key=True),
    Column("therapist", String(64), primary_key=True, index=True),
    Column("added_at", String(32), nullable=False),
    Column("added_by", String(64)),                             # who assigned (the first filing: themselves)
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False, index=True),
    Column("who", String(96), nullable=False),                  # "therapist jdoe", "patient link P-0042", ...
    Column("action", String(32), nullable=False),               # see movement_check.clinic.audit.ACTIONS
    Column("ok", Boolean, nullable=False),
    Column("patient_id", String(32), index=True),               # no foreign key: a refused ID is logged too
    Column("session_id", Integer),
    Column("detail", Text),
    Column("client", String(64)),                               # the browser's address as the server saw it
)

sign_ins = Table(
    "sign_ins", metadata,
    Column("token_hash", String(64), primary_key=True),         # sha256 hex of the cookie's secret
    Column("therapist", String(64), nullable=False, index=True),
    Column("password_tag", String(16), nullable=False),         # of the password hash it was made under
    Column("created_at", String(32), nullable=False),
    Column("last_used_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False, index=True),
    Column("revoked_at", String(32)),                           # signed out
)
