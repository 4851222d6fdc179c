"""Who may see what, page by page, under Streamlit's AppTest: a stranger, a patient with a link, therapist A,
therapist B, an administrator. None but the right person sees or changes a patient's data, and each act is
written once to the audit log. (The real-browser checks are in tests/e2e/test_live_browser.py.)"""

from __future__ import annotations

import json

import pytest

from movement_check.clinic.accounts import hash_password
from movement_check.clinic.home_exercises import HomeExercise
from movement_check.clinic.sign_in_limits import FREE_FAILURES

from tests.fixtures.clips import REPO
from tests.fixtures.accounts import PASSWORD
from tests.fixtures.app import audit_entries_for, open_page, page_text, sign_in_as

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
LUNGE = REPO / "sample_videos" / "lab_lunge_portrait_60fps.mp4"


@pytest.fixture
def clinic(live_env, monkeypatch):
    """jdoe and asmith (therapists) and boss (administrator); patient P-A in jdoe's care with a visit, a
    prescription and a home link; P-B in asmith's care. Returns (record, P-A's home-link token)."""
    from app_pages import access, state

    hashed = hash_password(PASSWORD, iterations=1000)
    monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({"jdoe": hashed, "asmith": hashed, "boss": hashed}))
    monkeypatch.setenv("MOVEMENT_CHECK_ADMINS", "boss")
    state.live_config.clear()
    access.sign_in_limits.clear()
    record = state.clinic_record()
    record.add_patient("P-A", initials="AA", therapist="jdoe")
    record.start_session("P-A", "visit", therapist="jdoe")
    record.prescribe("P-A", HomeExercise("walk", minutes=0.25), therapist="jdoe")
    token = record.make_home_link("P-A", therapist="jdoe")
    record.add_patient("P-B", initials="BB", therapist="asmith")
    yield record, token
    access.sign_in_limits.clear()


@pytest.mark.parametrize("page, query", [
    ("patients", {}), ("therapist", {}),
    ("exercises", {}), ("exercises", {"link": "wrong"}), ("exercises", {"link": "SHORTENED"}),
    ("patient", {}), ("patient", {"code": "wrong"}),
])
def test_a_stranger_sees_no_patient_on_any_page(clinic, page, query):
    record, token = clinic
    if query.get("link") == "SHORTENED":
        query = {"link": token[:-3]}
    at = open_page(page, **query)
    assert not at.exception
    shown = page_text(at)
    for secret in ("P-A", "P-B", "AA", "BB", token):
        assert secret not in shown, (page, query, secret)
    if page in ("patients", "therapist"):
        assert at.text_input(key="password") is not None and "Therapist sign-in" in shown
    else:
        assert at.error, "a patient's page without its link says why"


def test_replaced_and_expired_home_links_show_nothing_and_are_audited_as_refused(clinic):
    record, token = clinic
    newer = record.make_home_link("P-A", therapist="jdoe")
    at = open_page("exercises", link=token)
    assert "replaced" in at.error[0].value and "P-A" not in page_text(at)
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import update

    import movement_check.clinic.record.schema as schema
    with record.engine.begin() as conn:
        conn.execute(update(schema.home_links).values(
            expires_at=(datetime.now(timezone.utc) - timedelta(days=1)).isoformat(timespec="seconds")))
    at = open_page("exercises", link=newer)
    assert "expired" in at.error[0].value and "P-A" not in page_text(at)
    refused = audit_entries_for(record, "home link used", ok=False)
    assert len(refused) == 2 and all(e.patient_id is None for e in refused)


def test_the_clip_page_without_a_sign_in_is_a_labelled_demo_that_files_nothing(clinic):
    record, _ = clinic
    at = open_page("upload")
    assert not at.exception
    assert "**Demo**" in at.info[0].value
    keys = {w.key for w in at.text_input}
    assert "upload-patient" not in keys and "user" in keys                # no patient ID; the sign-in is there
    assert "keep-video" not in {c.key for c in at.checkbox}                # nothing to keep a clip with
    assert "P-A" not in page_text(at)


def test_a_therapist_sees_and_files_only_for_patients_in_their_care(clinic):
    record, _ = clinic
    at = sign_in_as(open_page("patients"), "asmith")
    assert not at.exception
    assert list(at.selectbox(key="patient").options) == ["P-B (BB)"]
    assert "P-A" not in page_text(at)
    # filing a clip for jdoe's patient is refused before any analysis
    clip = sign_in_as(open_page("upload"), "asmith")
    clip.file_uploader[0].upload(LUNGE.name, LUNGE.read_bytes(), "video/mp4")
    clip.text_input(key="upload-patient").input("P-A")
    clip = next(b for b in clip.button if b.label == "Analyse").click().run()
    assert len(clip.error) == 1 and "not in your care" in clip.error[0].value
    assert "Findings" not in page_text(clip) and "All measures" not in page_text(clip)
    # and so is a live visit for that patient
    visit = sign_in_as(open_page("therapist"), "asmith")
    visit.text_input(key="patient-id").input("P-A")
    visit = visit.button(key="new-visit").click().run()
    assert "not in your care" in visit.error[0].value
    assert [s.therapist for s in record.sessions("P-A")] == ["jdoe"]
    assert not audit_entries_for(record, "result filed")


def test_an_administrator_sees_every_patient_and_assigns_one_to_a_therapist(clinic):
    record, _ = clinic
    admin = sign_in_as(open_page("patients"), "boss")
    assert list(admin.selectbox(key="patient").options) == ["P-A (AA)", "P-B (BB)"]
    admin.selectbox(key="patient").select("P-A").run()
    # the administrator assigns, but sees the clinical record only of patients in their own care
    assert ("Trends" not in page_text(admin) and not admin.get("download_button")
            and not audit_entries_for(record, "patient opened"))
    assert "add yourself" in admin.info[0].value
    admin.multiselect(key="team-P-A").select("asmith").run()
    admin = admin.button(key="save-team-P-A").click().run()
    assert not admin.exception
    assert record.care_team("P-A") == ["asmith", "jdoe"]
    (change,) = audit_entries_for(record, "care team changed")
    assert change.who == "therapist boss" and change.patient_id == "P-A" and change.detail == "added asmith"
    at = sign_in_as(open_page("patients"), "asmith")
    assert list(at.selectbox(key="patient").options) == ["P-A (AA)", "P-B (BB)"]
    # a therapist who is not an administrator has no care-team control and no audit log
    assert not [m for m in at.multiselect if (m.key or "").startswith("team-")]
    assert "Audit log" not in [e.label for e in at.expander]
    admin.run()
    (log,) = [d.value for d in admin.dataframe if "action" in d.value.columns]
    assert {"care team changed", "sign-in"} <= set(log["action"])


def test_repeated_wrong_passwords_cost_a_growing_wait_shown_to_the_user(clinic, monkeypatch):
    import movement_check.clinic.sign_in_limits as sign_in_limits

    monkeypatch.setattr(sign_in_limits, "FIRST_WAIT_S", 30.0)           # longer than a slow machine's runs
    record, _ = clinic
    at = open_page("therapist")
    for attempt in range(FREE_FAILURES):
        at = sign_in_as(at, "jdoe", "wrong password")
        assert "do not match" in at.error[0].value
    assert "try again in 30 s" in at.error[0].value                       # the third failure starts the waits
    at = sign_in_as(at, "jdoe")                                             # the right password, too soon
    assert "Too many failed sign-ins: try again in" in at.error[0].value
    at = sign_in_as(at, "jdoe")                                             # again: refused, not logged again
    assert "Too many failed sign-ins: try again in" in at.error[0].value
    assert at.text_input(key="password") is not None and not at.get("code")    # still signed out
    entries = audit_entries_for(record, "sign-in")
    assert [e.ok for e in entries] == [False] * (FREE_FAILURES + 1)
    assert "refused unchecked" in entries[0].detail
    # a name that is no account is logged as "someone", and not as typed (it may be a password)
    sign_in_as(open_page("therapist"), "my secret pw", "x")
    last = audit_entries_for(record, "sign-in")[0]
    assert last.who == "someone" and "secret" not in last.detail and "12 characters" in last.detail


def test_each_act_on_a_patients_record_is_audited_exactly_once(clinic):
    record, _ = clinic
    at = sign_in_as(open_page("patients"), "jdoe")
    (signed,) = audit_entries_for(record, "sign-in", ok=True)
    assert signed.who == "therapist jdoe"
    at.run()
    at.run()                                                              # reruns do not log the opening again
    (opened,) = audit_entries_for(record, "patient opened")
    assert opened.patient_id == "P-A" and opened.who == "therapist jdoe"
    at = at.button(key="make-home-link").click().run()
    assert len(audit_entries_for(record, "home link made")) == 1
    session_id = record.sessions("P-A")[0].id
    at = at.button(key=f"report-{session_id}").click().run()
    assert not audit_entries_for(record, "report downloaded")                      # made, not yet downloaded
    at = at.get("download_button")[0].click().run()
    (report,) = audit_entries_for(record, "report downloaded")
    assert report.session_id == session_id and report.detail == "PDF"
    assert "home-link" in at.session_state
    at = at.button(key="sign-out").click().run()
    assert len(audit_entries_for(record, "sign-out")) == 1
    # the next person at this browser finds nothing of the session: no link shown once, no report made
    assert "home-link" not in at.session_state and f"report-{session_id}-files" not in at.session_state
    assert at.text_input(key="password") is not None and "P-A" not in page_text(at)
    # a live visit: started and ended, once each
    visit = sign_in_as(open_page("therapist"), "jdoe")
    visit.text_input(key="patient-id").input("P-A")
    visit = visit.button(key="new-visit").click().run()
    captions = " ".join(c.value for c in visit.caption)
    assert "Frames received 0" in captions and "nan" not in captions      # no "nan ms" before the first frame
    (started,) = audit_entries_for(record, "visit started")
    assert started.patient_id == "P-A" and started.session_id is not None
    visit = visit.button(key="end").click().run()
    assert not audit_entries_for(record, "visit ended") and "End the visit?" in visit.warning[0].value     # asks first
    visit = visit.button(key="end-no").click().run()
    assert not audit_entries_for(record, "visit ended") and visit.button(key="end")
    visit = visit.button(key="end").click().run()
    visit = visit.button(key="end-yes").click().run()
    assert len(audit_entries_for(record, "visit ended")) == 1


def test_a_sign_out_keeps_only_the_video_players_own_state():
    """A sign-out clears the session but a live video player's context and frontend value, which its callback
    reads on the very rerun that signs out (the CI browser run showed a KeyError instead of the sign-in)."""
    import sys

    sys.path.insert(0, str(REPO))
    from app_pages.access import video_component_state

    class WebRtcStreamerContext:         # the player's context, by its class name (as streamlit-webrtc's)
        pass

    from streamlit_webrtc.component import generate_frontend_component_key

    # the frontend's key as streamlit-webrtc makes it (":frontend" and a fixed random suffix)
    assert video_component_state(generate_frontend_component_key("therapist-video-a0857b"), {"playing": True})
    assert video_component_state("therapist-video-a0857b", WebRtcStreamerContext())
    for key, value in (("therapist", "jdoe"), ("sign-in-token", "secret"), ("patient", "P-0042"),
                       ("results", [{"test": "gait"}]), ("therapist-video-a0857b", None)):
        assert not video_component_state(key, value)
