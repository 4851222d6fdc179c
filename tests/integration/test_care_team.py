"""Who a patient belongs to (care teams) and the audit log, in the clinic record, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from movement_check.clinic.audit import ACTIONS
from movement_check.clinic.home_exercises import HomeExercise
from movement_check.clinic.record import RecordError

from tests.fixtures.results import gait_result


def test_a_new_patient_is_in_the_care_of_the_therapist_who_filed_them_and_nobody_else(record):
    result, poses = gait_result(110.0)
    record.file_test("P-1", "upload", result, therapist="jdoe", trajectory=poses.npz_bytes())
    record.add_patient("P-2", therapist="asmith")
    record.add_patient("P-3")                                    # from the command line: nobody's yet
    assert record.care_team("P-1") == ["jdoe"]
    assert record.patients(therapist="jdoe") == [("P-1", None)]
    assert record.patients(therapist="asmith") == [("P-2", None)]
    assert [p for p, _ in record.patients()] == ["P-1", "P-2", "P-3"]          # the administrator's view
    assert record.in_care_of("P-1", "jdoe") and not record.in_care_of("P-1", "asmith")
    # adding an existing patient again, as someone else, does not put them in that therapist's care
    record.add_patient("P-1", therapist="asmith")
    assert record.care_team("P-1") == ["jdoe"]


def test_a_therapist_files_prescribes_and_makes_links_only_for_patients_in_their_care(record):
    result, _ = gait_result(110.0)
    record.add_patient("P-1", therapist="jdoe")
    before = record.sessions("P-1")
    for act in (lambda: record.file_test("P-1", "upload", result, therapist="asmith"),
                lambda: record.start_session("P-1", "visit", therapist="asmith"),
                lambda: record.prescribe("P-1", HomeExercise("walk", minutes=2), therapist="asmith"),
                lambda: record.make_home_link("P-1", therapist="asmith")):
        with pytest.raises(RecordError, match="not in your care"):
            act()
    assert record.sessions("P-1") == before and record.prescriptions("P-1") == []
    # an administrator puts asmith in the care team: now asmith may
    assert record.assign("P-1", "asmith", by="admin") is True
    assert record.assign("P-1", "asmith", by="admin") is False                 # already
    record.start_session("P-1", "visit", therapist="asmith")
    assert record.care_team("P-1") == ["asmith", "jdoe"]
    assert record.unassign("P-1", "jdoe") is True and record.unassign("P-1", "jdoe") is False
    with pytest.raises(RecordError, match="not in your care"):
        record.start_session("P-1", "visit", therapist="jdoe")
    with pytest.raises(RecordError, match="no patient"):
        record.assign("P-404", "jdoe", by="admin")


def test_the_audit_log_keeps_each_entry_once_newest_first_and_filters(record):
    record.audit("sign-in", who="therapist jdoe", client="10.0.0.5")
    record.audit("sign-in", who="someone", ok=False, detail="wrong name or password; a name that is no account (1 characters)")
    record.audit("patient opened", who="therapist jdoe", patient_id="P-1")
    record.audit("report downloaded", who="therapist asmith", patient_id="P-2", session_id=7, detail="PDF")
    entries = record.audit_entries()
    assert [e.action for e in entries] == ["report downloaded", "patient opened", "sign-in", "sign-in"]
    assert [e.ok for e in entries] == [True, True, False, True]
    assert entries[-1].client == "10.0.0.5" and entries[0].session_id == 7
    assert [e.action for e in record.audit_entries(patient_id="P-1")] == ["patient opened"]
    assert len(record.audit_entries(who="therapist jdoe")) == 2
    assert len(record.audit_entries(limit=1)) == 1
    assert record.audit_entries(since="2999-01-01") == []
    line = entries[0].line()
    assert "therapist asmith | report downloaded | patient P-2 | session 7" in line and line.endswith("PDF")
    assert "(refused)" in entries[2].line()
    with pytest.raises(ValueError, match="not an audit action"):
        record.audit("deleted everything", who="someone")
    # the record offers no way to change or remove an entry
    assert not [m for m in dir(record) if "audit" in m and m not in ("audit", "audit_entries")]
    assert set(ACTIONS) >= {e.action for e in entries}
