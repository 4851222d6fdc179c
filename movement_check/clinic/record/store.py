"""The clinic record's one object, :class:`Record`: SQLite (a file, the default) or PostgreSQL (a URL), the
same code on both through SQLAlchemy Core. Its reads and writes are grouped by what they are about:

* :mod:`.database`: where the record lives, opening it, one transaction per write, failures in words;
* :mod:`.patients`: patients (pseudonymous) and their care teams;
* :mod:`.sessions`: sessions, check-ins and tests (filing);
* :mod:`.prescriptions`: home exercises and the patient's home-exercise link;
* :mod:`.sign_ins`: therapists' sign-ins that survive a reload;
* :mod:`.audit_trail`: the audit log.
"""

from __future__ import annotations

from pathlib import Path

from movement_check.clinic.record.audit_trail import AuditTrail
from movement_check.clinic.record.database import open_engine
from movement_check.clinic.record.prescriptions import Prescriptions
from movement_check.clinic.record.sessions import Sessions
from movement_check.clinic.record.sign_ins import SignIns


class Record(Sessions, Prescriptions, SignIns, AuditTrail):
    """The clinic record at ``where`` (a file path or a database URL); the schema is brought up to date.

    ``create``: a record that does not exist yet (a new SQLite file, an empty database) is made; otherwise it
    is refused. ``read_only``: nothing is created, upgraded or written (a report); the record must be at this
    version's schema. ``make_folder``: a new SQLite file's folder is made too. An existing file that is not a
    movement-check record is always refused, never turned into one.
    """

    def __init__(self, where: str | Path, *, create: bool = True, read_only: bool = False,
                 make_folder: bool = True):
        self.where = where
        self.engine = open_engine(where, create=create, read_only=read_only, make_folder=make_folder)
