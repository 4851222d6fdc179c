"""The therapist's page: sign in, start a visit, send the link, guide the tests, see live figures and results."""

from __future__ import annotations

import math
import time

import streamlit as st

from movement_check.errors import InputError
from movement_check.live.knee_figure import knee_angles_image
from movement_check.clinic.protocol import STEPS, step
from movement_check.clinic.record import RecordError
from movement_check.live.visit import CLOSING, RedFlagStop, VisitClosing
from movement_check.live.visits import Visit

from app_pages.access import Staff, audit, still_going, therapist_or_sign_in
from app_pages.checkin_form import checkin_summary
from app_pages.layout import fit_the_screen
from app_pages.patient_video import REFRESH_S, video_player, video_state
from app_pages.results import show
from app_pages.state import config_or_stop, server_base, visit_book

LIVE_EVERY_S = REFRESH_S


def join_link(visit: Visit) -> str:
    """The patient's link, on the address the therapist's browser used to reach this server."""
    return f"{server_base()}/patient?code={visit.code}"


def new_visit_form(staff: Staff) -> None:
    """Patient ID, initials and "Start a new visit" (the new visit is then the one shown)."""
    cols = st.columns([2, 1])
    patient_id = cols[0].text_input("Patient ID (a pseudonym such as P-0042, not a name)", key="patient-id",
                                    help="the visit, the check-in and each test are kept in the clinic record "
                                         "under this ID; leave empty to keep nothing in the record")
    initials = cols[1].text_input("Initials (optional)", key="initials", max_chars=4)
    if st.button("Start a new visit", key="new-visit", type="primary"):
        try:
            visit = visit_book().create(staff.name, patient_id=patient_id.strip() or None,
                                        initials=initials.strip() or None)
        except RecordError as exc:
            st.error(str(exc))
        else:
            st.session_state["visit"] = visit.number
            audit("visit started", who=staff.who, patient_id=visit.patient_id, session_id=visit.session_id,
                  detail=f"visit {visit.number}")
            st.rerun()


def choose_visit(staff: Staff) -> Visit | None:
    """The visit shown (the newest started, unless another is picked); None before the first."""
    visits = visit_book().of(staff.name)
    if not visits:
        new_visit_form(staff)
        st.info("Start a visit to get a link for your patient.")
        return None
    numbers = [v.number for v in visits]
    # after a reload: the visit this therapist last looked at
    current = st.session_state.get("visit") or max(visits, key=lambda v: v.inputs.get("shown", 0.0)).number
    chosen = st.selectbox("Visit", numbers, index=numbers.index(current) if current in numbers else 0,
                          format_func=lambda n: _visit_label(next(v for v in visits if v.number == n)),
                          key="visit-choice", label_visibility="collapsed")
    st.session_state["visit"] = chosen
    visit = next(v for v in visits if v.number == chosen)
    visit.inputs["shown"] = time.time()
    return visit


def set_up(visit: Visit, staff: Staff) -> None:
    """The visit's set-up: the link to send, the check-in, a new visit. Folded away once the patient has
    checked in, so the live picture and the step controls fit one screen."""
    ready = visit.checkin is not None and not visit.tests_stopped
    with st.expander("Set-up: the patient's link, check-in, a new visit", expanded=not ready):
        st.write("Send this link to your patient (it works for one person; it expires if unused):")
        st.code(join_link(visit), language=None)
        st.markdown("**Check-in**")
        checkin_summary(visit.checkin)
        st.divider()
        new_visit_form(staff)


def _visit_label(visit: Visit) -> str:
    return f"visit {visit.number}" + (f" · patient {visit.patient_id}" if visit.patient_id else "") \
        + (" · ending" if visit.closing else "")


def sign_in_ended(every_s: float = 5.0) -> bool:
    now = time.monotonic()
    if now - st.session_state.get("sign-in-checked", 0.0) < every_s:
        return False
    st.session_state["sign-in-checked"] = now
    return not still_going()


@st.fragment(run_every=LIVE_EVERY_S)
def live_panel(visit: Visit) -> None:
    """Beside the patient's video: the state of their camera and of the recording, cues, counters and the
    live figure, refreshed a few times a second. A sign-in ended elsewhere (another tab signed out, or its
    hours over) reruns the whole page, which then shows the sign-in (checked every few seconds, not each run)."""
    if sign_in_ended():
        st.rerun(scope="app")
    view = visit.stream.view()
    state_of_the_stream(visit, view)
    signs(view)
    job = visit.analysis
    if job is not None:
        st.progress(min(1.0, job.done / max(job.frames, 1)), text=job.progress_text)
    if (len(visit.outcomes) != st.session_state.get("outcomes-shown", 0)
            or (visit.checkin is not None) != st.session_state.get("checkin-shown", False)
            or visit.closing != st.session_state.get("closing-shown", False)       # closed by another page's sweep
            or (visit.closing and visit.analysis is None)       # its last result filed: the next run ends it
            or visit.ended):        # ended by another page's sweep (past its grace, its analysis still running)
        st.rerun(scope="app")


def state_of_the_stream(visit: Visit, view) -> None:
    """Joined or not, the camera on, stopped; what is recording, the patient's pain presses."""
    if not visit.joined:
        st.info("Waiting for the patient to open the link.")
    elif view.camera_lost:
        st.error(f"The patient's camera stopped {view.silent_s:.0f} s ago: their page was closed, the "
                 "connection was lost or the camera was switched off. The visit goes on when they are back.")
    elif not view.streaming:
        st.info("The patient has joined; waiting for their camera (they press START on their page).")
    # what is being recorded, and the patient's pain, above the picture: seen without scrolling
    if view.step and view.camera_lost:
        st.warning(f"Recording paused, no picture: {step(view.step).title} · {view.recording_s:.0f} s kept. "
                   "It goes on when the camera is back; Stop and analyse uses what was recorded.")
    elif view.step:
        so_far = visit.analysed_so_far
        st.success(f"Recording: {step(view.step).title} · {view.recording_s:.0f} s"
                   + (f" · {so_far[0]} of {so_far[1]} frames analysed so far" if so_far else ""))
        marks = list(visit.pain_marks)            # the patient's PAIN presses (or the therapist's), this step
        if marks:
            st.error("PAIN reported at " + ", ".join(f"{t:.1f} s" for t in marks) + " into this step: the "
                     "result gives the leg's angle at each moment")


def signs(view) -> None:
    """Cues, counters, angles, the knee-angle figure and the frame rates."""
    for cue in view.cues:
        st.warning(cue)
    counters = view.counters
    cols = st.columns(3)
    cols[0].metric("Steps", counters["steps"])
    cols[1].metric("Hold", f"{counters['hold_s']:.1f} s")
    cols[2].metric("Longest hold", f"{counters['longest_hold_s']:.1f} s")
    # resting, the angles are the last analysed frame's, seconds old: not shown as if live
    angles = {k: counters[k] for k in ("left_knee", "right_knee", "left_hip", "right_hip") if k in counters}
    if angles and not view.resting:
        cols = st.columns(4)
        for col, (k, v) in zip(cols, angles.items()):
            col.metric(k.replace("_", " "), f"{v:.0f}°")
        st.caption("Knee and hip angles mean something side-on to the camera only.")
    st.image(knee_angles_image(view.angle_times, view.angles, before_stop=view.resting), channels="BGR")
    st.caption(f"Frames received {view.frames_received} ({view.received_fps:.0f}/s) · "
               f"analysed live {view.frames_processed} ({view.processed_fps:.0f}/s)"
               + (f" · {view.latency_ms:.0f} ms per frame" if math.isfinite(view.latency_ms) and not view.resting
                  else "")
               + (" · resting while the step's result is worked out" if view.resting else ""))


def step_controls(visit: Visit) -> None:
    if visit.closing:
        st.warning(CLOSING)
        return
    if visit.tests_stopped:
        st.error("The on-camera tests are stopped: the patient ticked a red flag in the check-in. "
                 "Arrange in-person care.")
        return
    keys = [s.key for s in STEPS]
    if st.session_state.get("inputs-of") != visit.number:     # a reload, or another visit: the visit's inputs
        st.session_state["inputs-of"] = visit.number
        st.session_state["step"] = visit.inputs.get("step", keys[0])
        st.session_state["height"] = visit.inputs.get("height", 0)
    # the test, the height and the buttons in one row: the live picture starts higher up the screen
    cols = st.columns([3, 1.2, 0.6, 1.2, 0.9], vertical_alignment="bottom")
    chosen = step(cols[0].selectbox("Test", keys, format_func=lambda k: step(k).title, key="step"))
    height = cols[1].number_input("Patient's height (cm)", min_value=0, max_value=250, key="height",
                                  help="scales gait speed and step length; 0 = not given")
    visit.inputs.update(step=chosen.key, height=height)
    recording = visit.step is not None
    if cols[2].button("Start", key="start", disabled=recording, type="primary", width="stretch"):
        try:
            visit.start_step(chosen)
        except VisitClosing as exc:          # the visit passed its limit between the page's run and the click
            st.warning(str(exc))
        except RedFlagStop as exc:           # the patient sent a check-in with a red flag since the page ran
            st.error(str(exc))
        else:
            st.rerun()
    if cols[3].button("Stop and analyse", key="stop", disabled=not recording, width="stretch"):
        try:
            visit.stop_step(height_cm=float(height) if height >= 50 else None)
        except InputError as exc:           # e.g. a height out of range: the step records on, nothing is lost
            st.error(str(exc))
        else:
            st.rerun()
    if cols[4].button("Pain now", key="pain", disabled=not (recording and visit.step.pain_button),
                      width="stretch"):
        moment = visit.mark_pain()
        st.toast(f"Pain marked at {moment:.1f} s" if moment is not None else "Not recording")
    st.caption(f"The patient reads: *{chosen.instruction}*")


def ended_at_limit(staff: Staff) -> None:
    """The therapist's visits that ended at their time limit (a step may have been left recording): folded,
    with their results, for a day (the page lists open visits only)."""
    for visit in visit_book().ended_at_limit(staff.name):
        title = f"Visit {visit.number}" + (f" (patient {visit.patient_id})" if visit.patient_id else "") \
            + f" ended at its time limit: its {len(visit.outcomes)} result{'s' if len(visit.outcomes) != 1 else ''}"
        with st.expander(title):
            results(visit, list(visit.outcomes), staff, key=f"ended-{visit.number}-")


def results(visit: Visit, outcomes: list, staff: Staff, *, key: str = "") -> None:
    """Each step's result, newest first; ``key``: prefix of the widgets' keys (one page can show two visits)."""
    if not outcomes:
        return
    st.header("Results")
    for i, outcome in reversed(list(enumerate(outcomes))):
        with st.container(border=True):
            st.subheader(f"{i + 1}. {outcome.title}")
            st.caption(f"{outcome.frames_received} frames received ({outcome.received_fps:.1f}/s); "
                       f"{outcome.frames_processed} analysed for this result; the live preview drew "
                       f"{outcome.live_fps:.1f}/s")
            if outcome.error:
                st.error(outcome.error)
                continue
            show({"result": outcome.result, "npz": outcome.npz, "figures": outcome.figures,
                  "name": f"visit-{visit.number}-{i + 1:02d}-{outcome.step}"}, key=f"{key}step-{i}",
                 downloaded=None if visit.patient_id is None else
                 lambda name: audit("trajectory downloaded", who=staff.who, patient_id=visit.patient_id,
                                    session_id=visit.session_id, detail=name))


def main() -> None:
    fit_the_screen()
    st.title("Live visit")
    staff = therapist_or_sign_in()
    ended_at_limit(staff)
    if not visit_book().of(staff.name):
        choose_visit(staff)                     # the form for the first visit, across the page
        return
    top = st.columns([2, 3])                    # the visit shown, and its set-up folded beside it
    with top[0]:
        visit = choose_visit(staff)
    if visit is None:
        return
    outcomes = list(visit.outcomes)
    st.session_state["outcomes-shown"] = len(outcomes)      # the live panel reruns the page when one more is in
    st.session_state["checkin-shown"] = visit.checkin is not None
    st.session_state["closing-shown"] = visit.closing
    with top[1]:
        set_up(visit, staff)
    with st.container():                # one place whatever it holds: the video player below never moves
        for problem in visit.record_errors:
            st.warning(problem)
    step_controls(visit)
    left, right = st.columns(2)
    with left:                          # the patient's video: moving, or still pictures (app_pages.patient_video)
        player = video_player(visit, config_or_stop())
        video_state(visit, player)
    with right:
        live_panel(visit)
    results(visit, outcomes, staff)
    end_visit(visit, staff)


def end_visit(visit: Visit, staff: Staff) -> None:
    """"End the visit" asks once more: ending closes the patient's link for good."""
    if not st.session_state.get("confirm-end"):
        if st.button("End the visit", key="end"):
            st.session_state["confirm-end"] = True
            st.rerun()
        return
    st.warning("End the visit? The patient's link stops working and their camera is disconnected"
               + (". The step recording now is not analysed: to keep it, press Stop and analyse first."
                  if visit.step is not None else "."))
    cols = st.columns(2)
    if cols[0].button("Yes, end the visit", key="end-yes", type="primary"):
        st.session_state.pop("confirm-end", None)
        visit_book().end(visit)
        audit("visit ended", who=staff.who, patient_id=visit.patient_id, session_id=visit.session_id,
              detail=f"visit {visit.number}")
        st.session_state.pop("visit", None)
        st.rerun()
    if cols[1].button("No, go on", key="end-no"):
        st.session_state.pop("confirm-end", None)
        st.rerun()


main()
