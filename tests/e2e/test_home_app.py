"""The patient's home-exercise page under AppTest: the therapist makes the link on the Patients page, the
patient opens it, records with the webcam or uploads, gets the count, and the check is filed in the record.

The leg-raise clip is rendered with a known answer (one right, then one left knee raise:
../shared/synthetic_videos/legraise_front_15fps.gt.json), so the count is checked, not only shown.
"""

import json

import pytest

from movement_check.clinic.home_exercises import HomeExercise
from tests.fixtures.clips import REPO, SHARED
from tests.fixtures.app import open_page, signed_in
from tests.fixtures.webrtc_frames import feed_frames

RAISES = SHARED / "synthetic_videos" / "legraise_front_15fps.mp4"
WALKER = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def _home_link(patient_id: str = "P-0042") -> str:
    """The therapist signs in, opens the patient on the Patients page and makes the link; its secret."""
    at = signed_in().switch_page("app_pages/patients.py").run()
    assert not at.exception, at.exception
    at.selectbox(key="patient").select(patient_id).run()
    at.button(key="make-home-link").click().run()
    assert not at.exception, at.exception
    (link,) = [c.value for c in at.code if "/exercises?link=" in c.value]
    return link.split("link=")[1]


def _patient_page(token: str):
    at = open_page("exercises", link=token)
    assert not at.exception, at.exception
    return at


@pytest.mark.skipif(not RAISES.exists(), reason="../shared not beside the checkout")
def test_a_home_check_uploaded_by_the_patient_is_counted_and_saved_and_a_bad_file_loses_nothing(live_env):
    from app_pages import state

    truth = json.loads(RAISES.with_name("legraise_front_15fps.gt.json").read_text())["repetitions"]
    assert sorted(r["side"] for r in truth) == ["left", "right"]                 # one raise each side
    record = state.clinic_record()
    record.add_patient("P-0042", therapist="jdoe")
    rx = record.prescribe("P-0042", HomeExercise("standing-leg-raise", repetitions_per_side=2, hold_s=1.0,
                                                 per_week=3), therapist="jdoe")
    token = _home_link()

    at = _patient_page(token)
    assert at.radio(key="home-exercise").value == rx
    assert "Raise your left and right knee 2 times each" in at.markdown[0].value
    at.radio(key="home-how").set_value("Upload a video").run()
    at.file_uploader(key="home-clip").upload(RAISES.name, RAISES.read_bytes(), "video/mp4")
    at.button(key="home-check-upload").click().run()
    assert not at.exception, at.exception
    done = {m.label: m.value for m in at.metric}
    assert done["Done"] == "left 1 of 2, right 1 of 2"                           # the clip's truth
    assert done["Of the prescription"] == "50%"                                  # 2 of 4 raises, each held 1 s
    assert any("saved to your record" in s.value.lower() for s in at.success)

    (session,) = record.sessions("P-0042")
    assert session.kind == "home" and session.prescription_id == rx and session.note == done["Done"]
    (test,) = session.tests
    assert test.test == "leg-raise" and test.has_trajectory and test.video is None
    assert test.result["home_check"]["count"] == done["Done"]

    # a file that is not a video: one sentence, the check above still shown, nothing more stored
    at.file_uploader(key="home-clip").upload("notes.mp4", b"this is not a video", "video/mp4")
    at.button(key="home-check-upload").click().run()
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "video" in at.error[0].value.lower()
    assert {m.label: m.value for m in at.metric}["Done"] == done["Done"]
    assert len(record.sessions("P-0042")) == 1

    # the therapist sees the check counted in the week's adherence
    at = signed_in().switch_page("app_pages/patients.py").run()
    (table,) = [d.value for d in at.dataframe if "adherence %" in d.value.columns]
    assert table["checks"].iloc[-1] == 1 and table["adherence %"].iloc[-1] == 33


def test_a_walk_recorded_with_the_webcam_is_timed_and_saved_and_a_link_is_needed(live_env):
    from app_pages import state

    record = state.clinic_record()
    record.add_patient("P-0042", therapist="jdoe")
    rx = record.prescribe("P-0042", HomeExercise("walk", minutes=0.25), therapist="jdoe")
    token = _home_link()

    for wrong in ("", "not-the-link"):                      # no link or a wrong one: nothing of the patient
        at = open_page("exercises", link=wrong)
        assert "not valid" in at.error[0].value and not at.radio and not live_env
    at = _patient_page(token)
    assert at.radio(key="home-how").value == "Record with my camera"
    at.button(key="home-record").click().run()
    assert not at.exception, at.exception
    callback = live_env[-1]["queued_video_frames_callback"]
    assert live_env[-1]["rtc_configuration"] == {"iceServers": []}                 # no outside server
    feed_frames(callback, WALKER)
    at.button(key="home-stop").click().run()
    assert not at.exception, at.exception
    count = {m.label: m.value for m in at.metric}["Done"]
    assert count.endswith("of 0:15 min:s") and not count.startswith("0:00")       # he walks ~4 s across
    (session,) = record.sessions("P-0042")
    assert session.kind == "home" and session.prescription_id == rx and session.tests[0].test == "gait"

    # a new link replaces this one
    _home_link()
    at = open_page("exercises", link=token)
    assert "replaced" in at.error[0].value
