"""The therapist's page when its visit ends under it (second reviewer of the visit-end changes)."""

import pytest

from tests.fixtures.app import signed_in

pytest.importorskip("streamlit.testing.v1")


def test_a_visit_ended_by_another_pages_sweep_reruns_the_therapists_page(live_env, monkeypatch):
    """Since b16ea84 the patient's heartbeat ends a visit at its limit (a closing one after its grace, its
    analysis still running): the therapist's live panel, which reruns the page only on a new result, a check-in
    or the visit closing, kept showing the dead visit. Here the visit ends while the page draws it."""
    from app_pages import patient_video, state

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    (visit,) = state.visit_book().of("jdoe")
    drawn = patient_video.video_state

    def ended_meanwhile(shown, player):
        if not shown.ended:
            shown.end()                # as the sweep does: ended, no longer the book's (closing shown already)
            state.visit_book()._visits.pop(shown.code, None)
        return drawn(shown, player)
    monkeypatch.setattr(patient_video, "video_state", ended_meanwhile)
    therapist.run()
    assert not therapist.exception and visit.ended
    assert any("Start a visit" in i.value for i in therapist.info)        # the page ran again: no visit open


def test_ending_the_visit_while_a_step_records_says_the_step_is_not_analysed(live_env):
    """Ending drops the step recording now (Visit.end): the confirmation says so and how to keep it, rather than
    promising it is analysed first."""
    from tests.fixtures.app import open_page

    therapist = signed_in()
    therapist.button(key="new-visit").click().run()
    code = next(c.value for c in therapist.code if "/patient?code=" in c.value).split("code=")[1]
    patient = open_page("patient", code=code)
    patient.slider(key="checkin-pain").set_value(2)
    next(b for b in patient.button if b.label == "Send my answers").click().run()
    therapist.run()
    therapist.button(key="start").click().run()
    therapist.button(key="end").click().run()
    (asked,) = [w.value for w in therapist.warning if w.value.startswith("End the visit?")]
    assert "is not analysed" in asked and "Stop and analyse first" in asked
