"""The clinic record: patients (pseudonymous), sessions (live visits, home checks, uploaded clips), check-ins,
test results with their trajectories, and the schema's migrations. SQLite by default, PostgreSQL by URL."""

from .store import (HOME_LINK_DAYS, KINDS, SIGN_IN_HOURS, PrescriptionRecord, Record, RecordError, SessionRecord,
                    SignIn, SignInRefused, TestRecord, check_patient)

__all__ = ["HOME_LINK_DAYS", "KINDS", "SIGN_IN_HOURS", "PrescriptionRecord", "Record", "RecordError", "SessionRecord",
           "SignIn", "SignInRefused", "TestRecord", "check_patient"]
