"""A live visit kept in the clinic record: its session, the patient's check-in, each step's result;
a red flag in the check-in stops the on-camera tests."""

import pytest

import movement_check.pipeline.extraction as extraction
from movement_check.clinic.checkin import CheckIn
from movement_check.live.stream import LiveStream
from movement_check.clinic.protocol import step
from movement_check.clinic.record import Record, RecordError
from movement_check.live.visits import RedFlagStop, VisitBook
from tests.fixtures.live_stubs import KnownPeople, feed_grey, grey_frame
from tests.fixtures.walker import Script, walk


def _book(record, poses=None):
    return VisitBook(record=record, stream_factory=lambda model: LiveStream(
        model, estimator_factory=lambda: KnownPeople(*([poses] if poses is not None else []))))


def test_a_visit_for_a_patient_keeps_its_check_in_and_each_steps_result(tmp_path, monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    record = Record(tmp_path / "record.sqlite")
    visit = _book(record, poses).create("jdoe", patient_id="P-0042", initials="JD")
    answers = CheckIn(pain_now=5, since_last="same", leg_pain=True)
    visit.check_in(answers)
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream)
    visit.stop_step(wait=True, height_cm=175)
    visit.end()
    assert visit.record_errors == []
    (session,) = Record(tmp_path / "record.sqlite").sessions("P-0042")
    assert session.kind == "visit" and session.therapist == "jdoe" and session.ended_at
    assert session.checkin == answers
    (test,) = session.tests
    assert test.step == "walk-side" and test.test == "gait" and test.has_trajectory
    assert test.metric("cadence")["value"] == pytest.approx(110.0, rel=0.01)
    assert test.result == visit.outcomes[0].result
    (filed,) = [e for e in record.audit_entries() if e.action == "result filed"]      # one audit entry
    assert filed.who == "therapist jdoe" and filed.patient_id == "P-0042" and filed.session_id == session.id
    # the patient is in jdoe's care, and another therapist cannot open a visit for them
    assert record.care_team("P-0042") == ["jdoe"]
    with pytest.raises(RecordError, match="not in your care"):
        _book(record).create("asmith", patient_id="P-0042")


def test_a_red_flag_in_the_check_in_stops_the_tests_and_drops_a_recording_step(tmp_path):
    record = Record(tmp_path / "record.sqlite")
    visit = _book(record).create("jdoe", patient_id="P-7")
    visit.start_step(step("walk-side"))
    visit.stream.receive([(0.0, grey_frame((640, 480)))])
    visit.check_in(CheckIn(pain_now=8, red_flags=("bladder_bowel",)))
    assert visit.tests_stopped and visit.step is None and visit.analysis is None
    with pytest.raises(RedFlagStop, match="in-person care"):
        visit.start_step(step("raise-left"))
    (session,) = record.sessions("P-7")
    assert session.checkin.red_flags == ("bladder_bowel",) and session.tests == []


def test_a_visit_without_a_patient_id_is_not_recorded_and_a_bad_id_is_refused(tmp_path):
    record = Record(tmp_path / "record.sqlite")
    book = _book(record)
    visit = book.create("jdoe")
    visit.check_in(CheckIn(pain_now=2))
    assert visit.session_id is None and record.patients() == []
    with pytest.raises(RecordError, match="pseudonym"):
        book.create("jdoe", patient_id="Jane Doe")


def test_a_record_that_fails_mid_visit_is_reported_and_the_visit_goes_on(tmp_path):
    record = Record(tmp_path / "record.sqlite")
    visit = _book(record).create("jdoe", patient_id="P-8")
    record.engine.dispose()
    (tmp_path / "record.sqlite").unlink()
    (tmp_path / "record.sqlite").mkdir()                        # the file is gone: writes fail
    visit.check_in(CheckIn(pain_now=1))
    assert visit.checkin == CheckIn(pain_now=1)                 # kept in the visit all the same
    assert visit.record_errors and "Not saved in the clinic record" in visit.record_errors[0]
    visit.start_step(step("walk-side"))                         # the tests go on
