"""The live visit's pages under Streamlit's AppTest: the therapist's and the patient's, sharing one VisitBook.

``webrtc_streamer`` cannot run under AppTest (no browser): it is replaced by a
stub that records its arguments, and the test calls the frame callback the
page gave it with real frames of a sample clip, as streamlit-webrtc's worker
thread would. The real browser test is tests/e2e/test_live_browser.py.
"""

import asyncio
from fractions import Fraction

import pytest

from tests.fixtures.app import open_page, signed_in
from tests.fixtures.webrtc_frames import feed_frames

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
av = pytest.importorskip("av")


def _checked_in(at, *, pain=2, flags=()):
    """The patient sends the check-in (pain ``pain``, the red flags ``flags`` ticked)."""
    assert not at.exception
    at.slider(key="checkin-pain").set_value(pain)
    for flag in flags:
        at.checkbox(key=f"checkin-flag-{flag}").check()
    return next(b for b in at.button if b.label == "Send my answers").click().run()


def _link(at) -> str:
    return next(c.value for c in at.code if "/patient?code=" in c.value)


def test_without_a_therapist_configured_the_page_says_how_to_add_one(live_env, monkeypatch):
    from app_pages import state

    monkeypatch.delenv("MOVEMENT_CHECK_THERAPISTS")
    state.live_config.clear()
    at = open_page("therapist")
    assert not at.exception
    assert "movement-check hash-password" in at.error[0].value
    assert not at.text_input                                   # no sign-in form, no default password


def test_a_wrong_password_is_refused_and_the_right_one_opens_a_visit_with_a_join_link(live_env):
    at = signed_in(password="wrong password")
    assert not at.exception
    assert "do not match" in at.error[0].value
    at = signed_in()
    assert not at.error
    at.button(key="new-visit").click().run()
    link = _link(at)
    assert link.endswith("/patient?code=" + link.split("code=")[1]) and len(link.split("code=")[1]) >= 22
    assert any("Waiting for the patient" in i.value for i in at.info)


def test_the_patient_streams_with_no_outside_ice_server_and_a_stranger_sees_nothing(live_env):
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    code = _link(therapist).split("code=")[1]
    patient = open_page("patient", code=code)
    assert not live_env                                         # no camera before the check-in
    patient = _checked_in(patient)
    assert not patient.exception and not patient.error
    (kwargs,) = live_env
    assert kwargs["rtc_configuration"] == {"iceServers": []}
    import aioice.ice
    assert aioice.ice.get_host_addresses(True, True) == ["127.0.0.1"]   # the media on loopback only (the default)
    assert kwargs["mode"].name == "SENDRECV"
    assert kwargs["media_stream_constraints"]["audio"] is False
    token = patient.query_params["t"]
    assert token and token != code
    out, _ = feed_frames(kwargs["queued_video_frames_callback"], limit=30)
    assert len(out) == 10 and out[0].width == 320                # one overlaid frame back per batch, half size
    therapist.run()
    assert not therapist.exception
    assert therapist.get("imgs") or therapist.get("image")
    caption = " ".join(c.value for c in therapist.caption)
    assert "Frames received 30" in caption and "analysed live 10" in caption
    # a second browser with the same link, and a wrong code: refused, no camera started
    for query in ({"code": code}, {"code": code + "x"}, {}):
        stranger = open_page("patient", **query)
        assert not stranger.exception
        assert stranger.error and len(live_env) == 1
    # another therapist does not see the visit
    other = signed_in("asmith")
    assert not other.code and any("Start a visit" in i.value for i in other.info)
    # the patient reloading with their token gets back in
    again = open_page("patient", code=code, t=token)
    assert not again.error and len(live_env) == 2


def test_one_tab_per_visit_a_second_with_the_whole_address_waits_then_takes_over_and_the_first_stops(
        live_env, monkeypatch):
    """Two browser tabs on the patient's page with the same full address (code and patient token). AppTest
    gives every page the same session id, so the tab's id is set by the test."""
    import time

    from app_pages import browser_tab, state
    from movement_check.live.visits import BUSY, HOLD_S

    tab = {"id": "tab-A"}
    monkeypatch.setattr(browser_tab, "this_tab", lambda: tab["id"])
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    first = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    (visit,) = state.visit_book().of("jdoe")
    address = {"code": visit.code, "t": first.query_params["t"]}
    assert len(live_env) == 1 and visit.held_by("tab-A")

    tab["id"] = "tab-B"                                          # the whole address, opened in another tab
    second = open_page("patient", **address)
    assert not second.exception
    assert [e.value for e in second.error] == [BUSY] and len(live_env) == 1      # no camera
    tab["id"] = "tab-A"
    first.run()                                                  # the first tab carries on
    assert not first.error and len(live_env) == 2

    # the first tab goes quiet (no heartbeat for longer than HOLD_S): the second takes the visit over
    book = state.visit_book()
    monkeypatch.setattr(book, "_clock", lambda: time.monotonic() + HOLD_S + 1)
    tab["id"] = "tab-B"
    second.run()
    assert not second.exception and not second.error and len(live_env) == 3
    assert visit.held_by("tab-B")
    old_callback, new_callback = live_env[1]["queued_video_frames_callback"], live_env[2]["queued_video_frames_callback"]
    out, sent = feed_frames(old_callback, limit=6)                     # the first tab's video, still arriving
    assert out == [] and visit.stream.view().frames_received == 0
    out, sent = feed_frames(new_callback, limit=6)
    assert len(out) == 2 and visit.stream.view().frames_received == 6

    # the first tab's page runs again (its heartbeat fails): refused, no camera
    tab["id"] = "tab-A"
    first.run()
    assert not first.exception
    assert [e.value for e in first.error] == [BUSY] and len(live_env) == 3
    first.run()                                                  # refused again: logged once per tab and reason

    # the audit log: the first join, the refusals (one per tab), the takeover; reruns of a tab add nothing
    entries = [(e.action, e.ok, e.detail) for e in reversed(state.clinic_record().audit_entries())
               if e.action.startswith("visit")]
    assert entries == [("visit started", True, f"visit {visit.number}"),
                       ("visit joined", True, f"visit {visit.number}"),
                       ("visit refused", False, "busy"),
                       ("visit joined", True, f"visit {visit.number}, taken over from another window"),
                       ("visit refused", False, "busy")], entries


def test_a_media_address_this_computer_lacks_stops_the_camera_with_the_reason(live_env, monkeypatch):
    from app_pages import state

    monkeypatch.setenv("MOVEMENT_CHECK_MEDIA_ADDRESSES", "127.0.0.1, 203.0.113.99")
    state.live_config.clear()
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    patient = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    assert not patient.exception
    shown = " ".join(e.value for e in patient.error)
    assert "203.0.113.99" in shown and "MOVEMENT_CHECK_MEDIA_ADDRESSES" in shown
    assert not live_env                                         # no camera
    therapist.run()                                             # nor the therapist's video, with the reason
    assert not therapist.exception and not live_env.viewers
    assert any("No video can reach this page" in e.value and "203.0.113.99" in e.value for e in therapist.error)


def test_the_therapist_sees_moving_video_while_it_plays_and_still_pictures_otherwise(live_env):
    """The therapist's page plays the visit's video track (receive-only, on the configured addresses); it says
    which of moving video and still pictures is in use, and makes no still picture while the video plays."""
    import aioice.ice

    from app_pages import state

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    assert live_env.viewers                                     # the player is there from the visit's start
    assert not [c for c in therapist.caption if c.value.startswith(("Moving video", "Still pictures"))]
    _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    (visit,) = state.visit_book().of("jdoe")
    feed_frames(live_env[0]["queued_video_frames_callback"], limit=6)
    therapist.run()
    assert not therapist.exception
    viewer = live_env.viewers[-1]
    assert viewer["mode"].name == "RECVONLY" and viewer["source_video_track"] is visit.video_track()
    assert viewer["rtc_configuration"] == {"iceServers": []} and viewer["desired_playing_state"] is True
    assert viewer["key"] == f"therapist-video-{visit.number}"
    assert aioice.ice.get_host_addresses(True, True) == ["127.0.0.1"]      # its media on loopback only too
    captions = [c.value for c in therapist.caption]
    assert any(c.startswith("Still pictures of the patient's camera, as analysed, refreshed 2.5 times a second")
               for c in captions), captions
    assert visit.stream._jpeg is not None                       # the still picture shown

    # the therapist's browser plays the video, and the track's pictures go out (as the relay takes them)
    live_env.playing = True
    feed_frames(live_env[0]["queued_video_frames_callback"], limit=6)
    asyncio.run(asyncio.wait_for(visit.video_track().recv(), timeout=5))
    visit.stream._jpeg = None
    therapist.run()
    assert not therapist.exception
    captions = [c.value for c in therapist.caption]
    assert any(c.startswith("Moving video of the patient's camera") for c in captions), captions
    assert not any(c.startswith("Still pictures") for c in captions)
    assert visit.stream._jpeg is None                           # no still picture made while the video plays


@pytest.mark.slow
def test_a_gait_step_guided_by_the_therapist_gives_a_result_from_every_frame(live_env, tmp_path):
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    code = _link(therapist).split("code=")[1]
    patient = _checked_in(open_page("patient", code=code))
    callback = live_env[0]["queued_video_frames_callback"]
    therapist.selectbox(key="step").select("walk-side").run()
    therapist.button(key="start").click().run()
    patient.run()
    assert any("side-on to the camera" in m.value for m in patient.markdown)   # the instruction, large
    _, sent = feed_frames(callback, batch=4)
    therapist.button(key="stop").click().run()
    from app_pages import state
    (visit,) = state.visit_book().of("jdoe")
    if visit.analysis is not None:
        visit.analysis.thread.join(timeout=300)
    therapist.run()
    # the clip's frames have all been fed: after the analysis the camera has been silent for seconds, which
    # the page says (and nothing else is an error)
    assert not therapist.exception
    assert [e.value for e in therapist.error if "camera stopped" not in e.value] == []
    assert len(visit.outcomes) == 1
    outcome = visit.outcomes[0]
    assert outcome.frames_received == outcome.frames_processed == sent        # not just the ones drawn live
    result = outcome.result
    strikes = {e["side"] for e in result["events"] if e["name"] == "heel_strike"}
    assert strikes == {"left", "right"}
    table = therapist.dataframe[0].value
    assert "Steps per minute" in list(table["Measure"])
    assert any(b.value.startswith("**Confidence:") for b in (*therapist.success, *therapist.warning,
                                                                *therapist.error))
    assert any("frames received" in c.value for c in therapist.caption)
    saved = sorted(p.name for p in (tmp_path / "data").rglob("*"))
    assert any(n.endswith("walk-side.json") for n in saved) and not any(n.endswith(".mp4") for n in saved)
    # the visit passes its time limit (12 hours on): it ends, and its result stays on the page, folded
    visit.created -= state.visit_book().max_s + 1
    therapist.run()
    assert not therapist.exception and visit.ended
    (folded,) = [e for e in therapist.expander if "ended at its time limit" in e.label]
    assert folded.label.startswith(f"Visit {visit.number}") and "its 1 result" in folded.label
    assert "Steps per minute" in list(folded.dataframe[0].value["Measure"])
    assert any("Start a visit" in i.value for i in therapist.info)        # no open visit left


def test_the_patients_pain_button_during_a_straight_leg_raise_gives_the_legs_angle_at_that_moment(
        live_env, monkeypatch):
    """A supine straight-leg raise (the synthetic raiser, seen by a stub pose model, on the patient's
    real page and callback): the patient presses PAIN while the leg rises; the result gives the leg's
    elevation at that moment, which the test knows from the raiser's own profile."""
    import numpy as np

    import movement_check.pipeline.extraction as extraction
    from app_pages import state
    from tests.fixtures.live_stubs import KnownPeople, grey_frame
    from tests.fixtures.raiser import SUPINE_CAMERA, Raise, Script, perform, profile

    lift = Raise("left", 1.0, hip=60, knee=0, up=2.0, hold=1.0)
    poses, _ = perform(Script([lift], duration=6, posture="supine"), camera=SUPINE_CAMERA)
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    patient = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    callback = live_env[0]["queued_video_frames_callback"]
    (visit,) = state.visit_book().of("jdoe")
    visit.stream._factory = lambda: KnownPeople(poses)
    therapist.selectbox(key="step").select("slr-left").run()
    therapist.button(key="start").click().run()
    patient.run()
    assert not patient.exception
    assert not therapist.button(key="pain").disabled

    grey = grey_frame(poses.frame_size)
    pressed_at = None
    for i, t in enumerate(poses.times):
        vf = av.VideoFrame.from_ndarray(grey, format="bgr24")
        vf.pts, vf.time_base = int(round(t * 90000)), Fraction(1, 90000)
        asyncio.run(callback([vf]))
        if pressed_at is None and t >= 2.2:                 # halfway up the rise
            patient.button(key="pain").click().run()
            assert not patient.exception
            pressed_at = t
    assert visit.pain_marks == [pytest.approx(pressed_at - poses.times[0], abs=0.01)]
    therapist.run()                                         # the therapist's live panel (refreshed every 0.4 s)
    (marker,) = [e.value for e in therapist.error if "PAIN reported at" in e.value]
    assert f"{visit.pain_marks[0]:.1f} s into this step" in marker
    therapist.button(key="stop").click().run()
    visit.analysis.thread.join(timeout=300)
    therapist.run()
    assert not therapist.exception
    assert [e.value for e in therapist.error if "camera stopped" not in e.value] == []
    (outcome,) = visit.outcomes
    assert outcome.error is None, outcome.error
    at_pain = next(m for m in outcome.result["metrics"] if m["name"] == "leg_elevation_at_pain")
    expected = 60 * float(profile(lift, np.array([pressed_at]))[0])
    assert 10 < expected < 55 and at_pain["side"] == "left"
    assert at_pain["value"] == pytest.approx(expected, abs=3.0)
    assert any(e["name"] == "pain_marked" for e in outcome.result["events"])
    table = therapist.dataframe[0].value
    assert "Straight-leg raise angle at pain" in list(table["Measure"])


def test_a_red_flag_in_the_patients_check_in_stops_the_tests_on_both_pages_and_is_recorded(live_env):
    from app_pages import state

    therapist = signed_in()
    therapist.text_input(key="patient-id").input("P-0042")
    therapist.button(key="new-visit").click().run()
    patient = open_page("patient", code=_link(therapist).split("code=")[1])
    patient = _checked_in(patient, pain=7, flags=("saddle_numbness",))
    assert not patient.exception
    shown = " ".join(e.value for e in patient.error)
    assert "in person" in shown and "emergency" in shown and "saddle" in shown
    assert not live_env                                         # no camera, no tests
    therapist.run()
    assert not therapist.exception
    assert any("red flag" in e.value for e in therapist.error)
    assert not [b for b in therapist.button if b.key == "start"]  # no step can be started
    (session,) = state.clinic_record().sessions("P-0042")
    assert session.checkin.red_flags == ("saddle_numbness",) and session.checkin.pain_now == 7


def test_a_red_flag_sent_as_the_therapist_clicks_start_refuses_it_with_the_reason(live_env, monkeypatch):
    """The patient's check-in with a red flag lands between the page's check and the visit's start (the page
    ran, saw no red flag, and is starting the step): the click is refused with the reason on the page, not a
    traceback, and nothing records."""
    from app_pages import state
    from movement_check.clinic.checkin import CheckIn
    from movement_check.live.visit import Visit

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    therapist.run()
    (visit,) = state.visit_book().of("jdoe")
    assert [b for b in therapist.button if b.key == "start"] and not visit.tests_stopped
    start = Visit.start_step

    def flagged_first(self, step):
        self.check_in(CheckIn(pain_now=6, red_flags=("saddle_numbness",)))     # the patient's second check-in
        return start(self, step)
    monkeypatch.setattr(Visit, "start_step", flagged_first)
    therapist.button(key="start").click().run()
    assert not therapist.exception
    assert any("red flag" in e.value and "in-person care" in e.value for e in therapist.error)
    assert visit.step is None


def test_once_the_therapist_ends_the_visit_the_patients_page_says_so_and_shows_no_camera(live_env):
    """The patient's page runs again (its heartbeat sees the visit ended, or a reload): "This visit has ended",
    not "This link is not valid", and no camera: the browser stops sending the patient's video."""
    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    patient = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    assert len(live_env) == 1                                   # the camera is on the page
    therapist.button(key="end").click().run()
    therapist.button(key="end-yes").click().run()
    patient.run()
    assert not patient.exception
    assert [e.value for e in patient.success] == ["This visit has ended. Thank you."] and not patient.error
    assert len(live_env) == 1                                   # no camera on the page's run after the end


def test_a_visit_for_a_patient_id_keeps_the_check_in_and_a_bad_id_is_refused_with_the_reason(live_env):
    from app_pages import state

    therapist = signed_in()
    therapist.text_input(key="patient-id").input("Jane Doe")
    therapist.button(key="new-visit").click().run()
    assert any("pseudonym" in e.value for e in therapist.error) and not therapist.code
    assert therapist.text_input(key="patient-id").value == "Jane Doe"     # what was typed is kept
    therapist.text_input(key="patient-id").input("P-0043")
    therapist.button(key="new-visit").click().run()
    patient = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]), pain=3)
    assert not patient.error and len(live_env) == 1
    therapist.run()
    table = therapist.table[0].value
    assert "3" in list(table["Answer"])
    (session,) = state.clinic_record().sessions("P-0043")
    assert session.checkin.pain_now == 3 and session.therapist == "jdoe"


def test_the_patients_page_shows_two_visits_their_trends_and_makes_the_report(live_env, tmp_path):
    from app_pages import state
    from movement_check.clinic.checkin import CheckIn
    from tests.fixtures.results import gait_result

    record = state.clinic_record()
    record.add_patient("P-0042", initials="JD", therapist="jdoe")
    for when, pain, cadence in (("2026-10-01T10:00:00+00:00", 6, 96.0), ("2026-11-01T10:00:00+00:00", 3, 116.0)):
        sid = record.start_session("P-0042", "visit", therapist="jdoe", started_at=when)
        record.save_checkin(sid, CheckIn(pain_now=pain))
        result, poses = gait_result(cadence)
        record.add_test(sid, result, trajectory=poses.npz_bytes(), step="walk-side")
    at = signed_in()
    at = at.switch_page("app_pages/patients.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="patient").value == "P-0042"
    titles = [m.value for m in at.markdown]
    assert any("Steps per minute" in t for t in titles) and any("Pain now" in t for t in titles)
    assert len(at.expander) == 2 and "2026-11-01" in at.expander[0].label
    at.button(key="report-2").click().run()
    assert not at.exception, at.exception
    assert len(at.get("download_button")) == 2                     # the visit's report, PDF and HTML
    # the prescribed exercise is kept
    at.selectbox(key="rx-kind").select("walk")                         # a form: sent with its button
    at.number_input(key="rx-minutes").set_value(3.0)
    next(b for b in at.button if b.label == "Prescribe").click().run()
    assert not at.exception
    (rx,) = record.prescriptions("P-0042")
    assert rx.exercise.exercise == "walk" and rx.exercise.minutes == 3.0


def test_the_therapist_sees_when_the_patients_camera_stops_and_the_step_keeps_what_was_recorded(live_env):
    """Pictures arrive, a step records, then nothing for more than STOPPED_S (the patient's page closed):
    the therapist's page says the camera stopped and the recording is paused, not a frozen 'Recording'."""
    import time

    from app_pages import state
    from movement_check.live.stream import STOPPED_S

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    (visit,) = state.visit_book().of("jdoe")
    callback = live_env[0]["queued_video_frames_callback"]
    therapist.selectbox(key="step").select("walk-side").run()
    therapist.button(key="start").click().run()
    feed_frames(callback, limit=30)
    therapist.run()
    assert any(s.value.startswith("Recording: ") for s in therapist.success)
    assert not [e for e in therapist.error if "camera stopped" in e.value]
    kept = visit.stream.view().recording_s
    visit.stream._clock = lambda: time.monotonic() + STOPPED_S + 1          # no picture since
    therapist.run()
    assert not therapist.exception
    (lost,) = [e.value for e in therapist.error if "camera stopped" in e.value]
    assert "The visit goes on when they are back" in lost
    (paused,) = [w.value for w in therapist.warning if w.value.startswith("Recording paused")]
    assert f"{kept:.0f} s kept" in paused and not any(s.value.startswith("Recording: ") for s in therapist.success)


def test_while_a_steps_result_is_worked_out_the_therapist_is_not_shown_stale_figures_as_live(live_env):
    """The preview rests (pictures passed on unanalysed): the panel says so, and the last analysed frame's
    angles and time per frame, seconds old, are not shown as if live; the still picture is not called analysed."""
    from app_pages import state

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    patient = _checked_in(open_page("patient", code=_link(therapist).split("code=")[1]))
    (kwargs,) = live_env
    feed_frames(kwargs["queued_video_frames_callback"], limit=30)
    therapist.run()
    (visit,) = state.visit_book().of("jdoe")

    def shown(page):
        assert not page.exception
        return " ".join(c.value for c in page.caption), [m.label for m in page.metric]

    caption, metrics = shown(therapist)
    assert "ms per frame" in caption and "resting" not in caption and "left knee" in metrics
    assert "Still pictures of the patient's camera, as analysed" in caption
    with visit.stream.resting():
        feed_frames(kwargs["queued_video_frames_callback"], limit=6)
        caption, metrics = shown(therapist.run())
    assert "resting while the step's result is worked out" in caption and "ms per frame" not in caption
    assert "left knee" not in metrics and "Steps" in metrics
    # a still picture gives one rate only, its own (not the moving video's too)
    assert ("Still pictures of the patient's camera, not analysed while the step's result is worked out, "
            "refreshed 2.5 times a second") in caption
    assert "nan" not in caption and "None" not in caption
    live_env.playing = True                               # the moving video plays: the pictures it passes on
    with visit.stream.resting():
        feed_frames(kwargs["queued_video_frames_callback"], limit=3)
        asyncio.run(asyncio.wait_for(visit.video_track().recv(), timeout=5))
        caption, _ = shown(therapist.run())
    assert ("Moving video of the patient's camera, not analysed while the step's result is worked out "
            "(at most 5 pictures a second)") in caption and "Still pictures" not in caption
    assert not patient.exception
