"""The clinic record on SQLite and on a real PostgreSQL server: round trips, history, failures, schema."""

from __future__ import annotations

import io

import numpy as np
import pytest
from sqlalchemy import create_engine, inspect, text

from movement_check.clinic.checkin import CheckIn
from movement_check.body.poses import Poses
from movement_check.clinic.record import Record, RecordError
import movement_check.clinic.record.schema as schema
from movement_check.clinic.record.migrations import LATEST, NewerSchema, upgrade
from tests.fixtures.records import KINDS, database_url
from tests.fixtures.results import gait_result



@pytest.fixture(params=KINDS)
def where(request, tmp_path):
    yield from database_url(request.param, tmp_path)


def test_a_visit_round_trips_with_check_in_result_metrics_and_trajectory(where):
    record = Record(where)
    record.add_patient("P-0042", initials="JD", therapist="jdoe")
    record.add_patient("P-0042", initials="JD")                     # twice is harmless
    visit = record.start_session("P-0042", "visit", therapist="jdoe")
    answers = CheckIn(pain_now=6, since_last="worse", areas=("lower back", "below the knee"), pain_side="left",
                      spreads_below_knee=True, leg_numbness=True, sleep="wakes me sometimes",
                      activities_affected="sitting at work", home_exercises="a little painful")
    record.save_checkin(visit, answers)
    result, poses = gait_result(110.0)
    test_id = record.add_test(visit, result, trajectory=poses.npz_bytes(), step="walk-side")
    record.end_session(visit)

    again = Record(where)                                             # a new process, the same data
    assert again.patients() == [("P-0042", "JD")]
    (session,) = again.sessions("P-0042")
    assert session.id == visit and session.kind == "visit" and session.therapist == "jdoe" and session.ended_at
    assert session.checkin == answers
    (test,) = session.tests
    assert test.result == result and test.step == "walk-side" and test.has_trajectory and test.video is None
    assert test.metric("cadence")["value"] == pytest.approx(110.0, rel=0.01)
    with np.load(io.BytesIO(again.trajectory(test_id)), allow_pickle=False) as data:
        np.testing.assert_array_equal(data["image"], poses.image)
        np.testing.assert_array_equal(data["times"], poses.times)
    rows = again.metric_history("P-0042")
    assert {(r["name"], r["side"]) for r in rows} == {(m["name"], m["side"]) for m in result["metrics"]}
    cadence = next(r for r in rows if r["name"] == "cadence")
    assert cadence["session_id"] == visit and cadence["value"] == result["metrics"][
        [m["name"] for m in result["metrics"]].index("cadence")]["value"]
    again.close()
    record.close()


def test_history_keeps_each_patients_sessions_apart_and_in_order(where):
    record = Record(where)
    for pid in ("P-1", "P-2"):
        record.add_patient(pid)
    first = record.start_session("P-1", "visit", started_at="2026-10-01T10:00:00+00:00")
    second = record.start_session("P-1", "visit", started_at="2026-11-01T10:00:00+00:00")
    other = record.start_session("P-2", "home", started_at="2026-10-15T10:00:00+00:00")
    slow, _ = gait_result(96.0)
    quick, _ = gait_result(116.0)
    record.add_test(second, quick)
    record.add_test(first, slow)
    record.add_test(other, quick)
    assert [s.id for s in record.sessions("P-1")] == [first, second]
    cadences = [(r["session_id"], r["value"]) for r in record.metric_history("P-1") if r["name"] == "cadence"]
    assert [s for s, _ in cadences] == [first, second]
    assert cadences[0][1] == pytest.approx(96.0, rel=0.01) and cadences[1][1] == pytest.approx(116.0, rel=0.01)
    assert [s.id for s in record.sessions("P-2")] == [other]
    record.close()


def test_what_the_record_refuses_it_says_why_and_stores_nothing(where):
    record = Record(where)
    with pytest.raises(RecordError, match="pseudonym"):
        record.add_patient("Jane Doe")
    with pytest.raises(RecordError, match="initials"):
        record.add_patient("P-9", initials="J.D.")
    with pytest.raises(RecordError, match="add the patient first"):
        record.start_session("P-404", "visit")
    record.add_patient("P-9")
    with pytest.raises(RecordError, match="one of visit, home, upload"):
        record.start_session("P-9", "party")
    with pytest.raises(RecordError, match="no session 12345"):
        record.add_test(12345, {"test": "gait", "metrics": []})
    session = record.start_session("P-9", "upload")
    kept, _ = gait_result(110.0)
    record.add_test(session, kept)
    broken = {"test": "gait", "metrics": [{"name": "cadence", "value": 100.0}, {"name": None, "value": 1.0}]}
    with pytest.raises(RecordError, match="could not be written"):
        record.add_test(session, broken)                              # a metric with no name: NOT NULL
    (stored,) = record.session(session).tests                         # the failed write left nothing behind
    assert stored.result == kept
    assert sum(r["name"] == "cadence" for r in record.metric_history("P-9")) == 1
    record.close()


def test_an_uploaded_clip_is_filed_as_one_session_and_a_new_patient_is_added(where):
    record = Record(where)
    result, poses = gait_result(104.0)
    session_id, test_id = record.file_test("P-0107", "upload", result, initials="JS", therapist="anna",
                                           trajectory=poses.npz_bytes(), video="P-0107_gait.mp4")
    assert record.patients() == [("P-0107", "JS")]
    (session,) = record.sessions("P-0107")
    assert (session.id, session.kind, session.therapist) == (session_id, "upload", "anna")
    assert session.ended_at is not None
    (test,) = session.tests
    assert (test.id, test.video, test.result) == (test_id, "P-0107_gait.mp4", result)
    assert Poses.from_npz_bytes(record.trajectory(test_id)).times.tolist() == poses.times.tolist()
    with pytest.raises(RecordError, match="names no test"):
        record.file_test("P-0107", "upload", {"metrics": []})
    assert len(record.sessions("P-0107")) == 1                        # the refused one left no empty session
    with pytest.raises(RecordError, match="one of visit, home, upload"):
        record.file_test("P-0200", "party", result)
    assert record.patients() == [("P-0107", "JS")]                    # nor a new patient: one transaction


def test_a_database_failing_underneath_says_so_and_keeps_what_was_stored(where):
    record = Record(where)
    result, _ = gait_result(104.0)
    record.file_test("P-0107", "upload", result)
    with record.engine.begin() as conn:                               # the server loses a table under us
        conn.execute(text("DROP TABLE metrics"))
    with pytest.raises(RecordError, match="could not be written"):
        record.file_test("P-0107", "upload", result)
    assert len(record.sessions("P-0107")) == 1


def test_a_home_link_finds_its_patient_until_replaced_or_expired_and_only_its_hash_is_kept(where):
    record = Record(where)
    record.add_patient("P-7", therapist="jdoe")
    record.add_patient("P-8")
    with pytest.raises(RecordError, match="no patient"):
        record.make_home_link("P-9")
    first = record.make_home_link("P-7", therapist="jdoe")
    other = record.make_home_link("P-8")
    assert len(first) >= 22 and record.home_link_patient(first) == "P-7" and record.home_link_patient(other) == "P-8"
    with record.engine.connect() as conn:                             # the secret itself is not stored
        stored = [r[0] for r in conn.execute(text("SELECT token_hash FROM home_links"))]
    assert len(stored) == 2 and first not in stored and other not in stored
    second = record.make_home_link("P-7")                            # a new link replaces the patient's last
    assert record.home_link_patient(second) == "P-7"
    with pytest.raises(RecordError, match="replaced"):
        record.home_link_patient(first)
    assert record.home_link_patient(other) == "P-8"                  # another patient's link is untouched
    for wrong in ("", "x", second[:-1]):
        with pytest.raises(RecordError, match="not valid"):
            record.home_link_patient(wrong)
    gone = record.make_home_link("P-8", days=-1)
    with pytest.raises(RecordError, match="expired"):
        record.home_link_patient(gone)
    record.close()


def test_a_fresh_record_has_exactly_the_tables_of_the_schema(where):
    record = Record(where)
    found = inspect(record.engine)
    for table in schema.metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys()), table.name
    with record.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar_one() == LATEST
    assert upgrade(record.engine) == []                               # opening again changes nothing
    record.close()


def test_a_record_from_a_newer_movement_check_or_not_ours_is_refused_untouched(where):
    record = Record(where)
    with record.engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = :v"), {"v": LATEST + 1})
    with pytest.raises(RecordError, match="upgrade movement-check") as refused:
        Record(where)
    assert isinstance(refused.value.__cause__, NewerSchema)
    record.close()
    engine = create_engine(str(where) if "://" in str(where) else f"sqlite:///{where}")
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE schema_version"))
    with pytest.raises(RecordError, match="no schema version"):
        Record(where)
    engine.dispose()


def test_a_version_1_record_with_data_is_upgraded_and_keeps_everything(where):
    from tests.fixtures import record_v1

    engine = create_engine(str(where) if "://" in str(where) else f"sqlite:///{where}")
    record_v1.create_v1(engine)
    result, poses = gait_result(110.0)
    with engine.begin() as conn:                     # what a clinic on movement-check 0.1 had stored
        conn.execute(record_v1.patients.insert().values(id="P-1", initials="AB", created_at="2026-10-01T09:00:00+00:00"))
        sid = conn.execute(record_v1.sessions.insert().values(
            patient_id="P-1", kind="visit", therapist="jdoe", started_at="2026-10-01T09:00:00+00:00")
        ).inserted_primary_key[0]
        conn.execute(record_v1.checkins.insert().values(session_id=sid, answers=CheckIn(pain_now=4).to_dict(),
                                                        red_flags=[], created_at="2026-10-01T09:01:00+00:00"))
        tid = conn.execute(record_v1.tests.insert().values(
            session_id=sid, test="gait", created_at="2026-10-01T09:05:00+00:00", software_version="0.1.0",
            result=result, trajectory=poses.npz_bytes())).inserted_primary_key[0]
        conn.execute(record_v1.metrics.insert(), [dict(test_id=tid, name=m["name"], side=m["side"],
                                                       value=m["value"], unit=m["unit"], flag=m["flag"])
                                                  for m in result["metrics"]])
    engine.dispose()

    record = Record(where)                            # opening it upgrades it
    with record.engine.connect() as conn:
        assert conn.execute(text("SELECT version FROM schema_version")).scalar_one() == LATEST == 5
    (session,) = record.sessions("P-1")
    assert session.checkin == CheckIn(pain_now=4) and session.prescription_id is None
    assert session.tests[0].result == result and record.trajectory(tid) == poses.npz_bytes()
    assert len(record.metric_history("P-1")) == len(result["metrics"])
    # what version 2 added works on the upgraded record
    from movement_check.clinic.home_exercises import HomeExercise
    pid = record.prescribe("P-1", HomeExercise("walk", minutes=2), therapist="jdoe")
    home = record.start_session("P-1", "home", prescription_id=pid)
    assert record.session(home).prescription_id == pid
    assert [p.exercise.minutes for p in record.prescriptions("P-1")] == [2]
    # and what version 3 added: the patient's home-exercise link
    assert record.home_link_patient(record.make_home_link("P-1", therapist="jdoe")) == "P-1"
    # and version 4: the therapist who ran the old visit has the patient in their care; nobody else does
    assert record.care_team("P-1") == ["jdoe"] and record.patients(therapist="asmith") == []
    with pytest.raises(RecordError, match="not in your care"):
        record.start_session("P-1", "visit", therapist="asmith")
    record.audit("patient opened", who="therapist jdoe", patient_id="P-1")
    assert [e.action for e in record.audit_entries(patient_id="P-1")] == ["patient opened"]
    # and version 5: sign-ins that survive a reload
    token, _ = record.start_sign_in("jdoe", password_tag="t")
    assert record.resume_sign_in(token).therapist == "jdoe"
    found = inspect(record.engine)
    for table in schema.metadata.sorted_tables:       # the same tables as a record made new
        assert {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys()), table.name
    record.close()
