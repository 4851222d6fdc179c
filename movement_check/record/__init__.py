"""The clinic record: patients (pseudonymous), sessions (live visits, home checks, uploaded clips), check-ins,
test results with their trajectories, and the schema's migrations. SQLite by default, PostgreSQL by URL."""

from .store import (HOME_LINK_DAYS, KINDS, PrescriptionRecord, Record, RecordError, SessionRecord, TestRecord,
                    check_patient)

__all__ = ["HOME_LINK_DAYS", "KINDS", "PrescriptionRecord", "Record", "RecordError", "SessionRecord", "TestRecord",
           "check_patient"]
