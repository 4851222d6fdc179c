"""The clinic record: patients (pseudonymous), sessions (live visits, home checks, uploaded clips), check-ins,
test results with their trajectories, and the schema's migrations. SQLite by default, PostgreSQL by URL."""

from .database import RecordError
from .patients import check_patient
from .prescriptions import HOME_LINK_DAYS, PrescriptionRecord
from .sessions import KINDS, SessionRecord, TestRecord
from .sign_ins import SIGN_IN_HOURS, SignIn, SignInRefused
from .store import Record

__all__ = ["HOME_LINK_DAYS", "KINDS", "SIGN_IN_HOURS", "PrescriptionRecord", "Record", "RecordError", "SessionRecord",
           "SignIn", "SignInRefused", "TestRecord", "check_patient"]
