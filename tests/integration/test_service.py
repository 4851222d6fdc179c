"""Analyse, then file (movement_check.service): a result filed in a real clinic record as its Filing says, the
filing in the audit log; an audit log that cannot be written is a problem reported, a record that cannot take
the result an exception (each caller keeps the result its own way)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from movement_check.clinic.home_exercises import HomeExercise
from movement_check.body.poses import Poses
from movement_check.clinic.record import RecordError
from movement_check.service import AUDIT_PROBLEM, Filed, Filing, file_home_check, file_outcome, file_result

from tests.fixtures.results import gait_outcome

UPLOAD = Filing(patient_id="P-0107", kind="upload", who="therapist anna", detail="gait from an uploaded clip",
                initials="JS", therapist="anna", video="P-0107-gait.mp4", client="10.0.0.7")


def _filed_entries(record, patient_id: str) -> list:
    return [e for e in record.audit_entries(patient_id=patient_id) if e.action == "result filed"]


def _lose_the_audit_log(record) -> None:
    """The audit table dropped under the record: filing still works, the audit entry cannot be written."""
    with record.engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_log"))


def test_an_upload_is_filed_as_its_own_session_and_the_audit_log_names_who_from_where(record):
    outcome = gait_outcome(104.0)
    filed = file_outcome(record, UPLOAD, outcome)
    assert filed.audit_error is None and filed.problem is None
    assert record.patients() == [("P-0107", "JS")]
    (session,) = record.sessions("P-0107")
    assert (session.id, session.kind, session.therapist, session.prescription_id) == \
        (filed.session_id, "upload", "anna", None)
    (test,) = session.tests
    assert (test.id, test.video, test.step, test.result) == \
        (filed.test_id, "P-0107-gait.mp4", None, outcome.result_dict)
    assert Poses.from_npz_bytes(record.trajectory(filed.test_id)).times.tolist() == \
        outcome.prepared.poses.times.tolist()
    (entry,) = _filed_entries(record, "P-0107")
    assert (entry.who, entry.session_id, entry.detail, entry.client, entry.ok) == \
        ("therapist anna", filed.session_id, "gait from an uploaded clip", "10.0.0.7", True)


def test_a_visits_step_is_added_to_the_visits_session_and_the_audit_entry_names_the_test(record):
    record.add_patient("P-0042", therapist="jdoe")
    visit = record.start_session("P-0042", "visit", therapist="jdoe")
    outcome = gait_outcome(110.0)
    filing = Filing(patient_id="P-0042", kind="visit", who="therapist jdoe", session_id=visit, step="walk-side",
                    detail="gait (walk-side) in visit 7", detail_names_test=True)
    first = file_result(record, filing, outcome.result_dict, outcome.npz)
    second = file_result(record, filing, outcome.result_dict, None)
    assert first.session_id == second.session_id == visit and first.test_id != second.test_id
    (session,) = record.sessions("P-0042")                       # no session of its own
    assert session.kind == "visit" and [t.step for t in session.tests] == ["walk-side", "walk-side"]
    assert [t.has_trajectory for t in session.tests] == [True, False]
    details = sorted(e.detail for e in _filed_entries(record, "P-0042"))
    assert details == [f"gait (walk-side) in visit 7, test {first.test_id}",
                       f"gait (walk-side) in visit 7, test {second.test_id}"]


def test_an_audit_log_that_cannot_be_written_is_a_problem_reported_and_the_result_stays_filed(record):
    _lose_the_audit_log(record)
    filed = file_outcome(record, UPLOAD, gait_outcome(104.0))
    assert isinstance(filed, Filed) and filed.audit_error
    assert filed.problem == AUDIT_PROBLEM.format(filed.audit_error)
    assert filed.problem.startswith("Filed, but the audit log could not be written: ")
    (session,) = record.sessions("P-0107")
    assert session.id == filed.session_id and [t.id for t in session.tests] == [filed.test_id]


def test_a_result_the_record_cannot_take_raises_and_leaves_no_session_nor_audit_entry(record):
    record.add_patient("P-0001", therapist="jdoe")
    outcome = gait_outcome(104.0)
    someone_else = Filing(patient_id="P-0001", kind="upload", who="therapist asmith", therapist="asmith",
                          detail="gait from an uploaded clip")
    with pytest.raises(RecordError, match="not in your care"):
        file_outcome(record, someone_else, outcome)
    with pytest.raises(RecordError):                               # a visit's session that is not there
        file_result(record, Filing(patient_id="P-0001", kind="visit", who="therapist jdoe", session_id=12345,
                                   step="walk-side", detail="gait"), outcome.result_dict, outcome.npz)
    assert record.sessions("P-0001") == [] and _filed_entries(record, "P-0001") == []


def test_a_home_check_is_counted_filed_against_its_prescription_and_a_failure_said_to_the_patient(record):
    record.add_patient("P-0042", therapist="jdoe")
    rx_id = record.prescribe("P-0042", HomeExercise("walk", minutes=0.25), therapist="jdoe")
    (rx,) = record.prescriptions("P-0042")
    outcome = gait_outcome(110.0)
    checked = file_home_check(record, "P-0042", rx, outcome, who="patient (home link)", client="10.0.0.9")
    assert checked.error is None and checked.filed is not None and checked.filed.audit_error is None
    assert checked.warnings == outcome.result_dict["warnings"]
    (session,) = record.sessions("P-0042")
    assert (session.kind, session.prescription_id, session.note) == ("home", rx_id, checked.check.count)
    (test,) = session.tests
    assert test.result["home_check"] == checked.check.to_dict() and test.has_trajectory and test.video is None
    (entry,) = _filed_entries(record, "P-0042")
    assert (entry.who, entry.client, entry.detail) == \
        ("patient (home link)", "10.0.0.9", f"home check of {rx.exercise.title}: {checked.check.count}")

    with record.engine.begin() as conn:
        conn.execute(text("DROP TABLE metrics"))                 # the record fails underneath
    failed = file_home_check(record, "P-0042", rx, gait_outcome(110.0), who="patient (home link)")
    assert failed.filed is None and failed.check.count
    assert failed.error.startswith("Your check could not be saved: ")
    assert failed.error.endswith(". Please tell your therapist.")
    assert len(record.sessions("P-0042")) == 1


def test_an_outcome_says_a_recordings_warnings_first_and_names_the_uploaded_file():
    outcome = gait_outcome(104.0)
    plain = outcome.result.to_dict()
    outcome.first_warnings = ("the step ran past 180 s; only its first 180 s were kept",)
    outcome.file_name = "walk.mov"
    shown = outcome.result_dict
    assert shown["warnings"] == [*outcome.first_warnings, *plain["warnings"]]
    assert shown["source"]["file"] == "walk.mov" and shown["metrics"] == plain["metrics"]
    assert outcome.result_dict is shown                           # one dict: what is added to it is filed
    assert Poses.from_npz_bytes(outcome.npz).times.tolist() == outcome.prepared.poses.times.tolist()
