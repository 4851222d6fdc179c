"""The clinic record: patients (pseudonymous), sessions (live visits, home checks, uploaded clips), check-ins,
test results with their trajectories, and the schema's migrations. SQLite by default, PostgreSQL by URL."""

from movement_check.clinic.record.database import RecordError
from movement_check.clinic.record.patients import check_patient
from movement_check.clinic.record.prescriptions import HOME_LINK_DAYS, PrescriptionRecord
from movement_check.clinic.record.sessions import KINDS, SessionRecord, TestRecord
from movement_check.clinic.record.sign_ins import SIGN_IN_HOURS, SignIn, SignInRefused
from movement_check.clinic.record.store import Record

__all__ = ["HOME_LINK_DAYS", "KINDS", "SIGN_IN_HOURS", "PrescriptionRecord", "Record", "RecordError", "SessionRecord",
           "SignIn", "SignInRefused", "TestRecord", "check_patient"]
