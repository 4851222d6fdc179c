"""The patient's page: opened from the therapist's link; the camera, the current instruction, live cues.

The page needs the link's code; the first browser to open it holds the visit
(its patient token is put in the address so a reload keeps the place). One
browser tab at a time: another with the whole address is told the visit is
open elsewhere and tries again every few seconds; the tab that loses the visit
(:mod:`movement_check.live.visits`) stops taking frames at once and shows why.
Frames go to the visit's live stream (:class:`movement_check.live.stream.LiveStream`)
from streamlit-webrtc's worker thread; nothing is stored from them unless
the therapist is recording a step, and then only until it is analysed.
"""

from __future__ import annotations

import time
from typing import Callable

import av
import cv2
import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from movement_check.live.stream import LiveStream
from movement_check.clinic.protocol import step
from movement_check.live.visits import ENDING, Joined, JoinKind, Refused, Visit

from app_pages.access import audit
from app_pages.browser_tab import tab_closed, this_tab
from app_pages.camera import CAMERA, MIRRORED, media_on_configured_addresses
from app_pages.checkin_form import checkin_form, red_flag_notice
from app_pages.layout import fit_the_screen
from app_pages.state import config_or_stop, visit_book

CUES_EVERY_S = 0.5
HEARTBEAT_EVERY_S = 1.0      # this tab says it is still there (the visit waits HOLD_S for it, 10 beats)
RETRY_EVERY_S = 2.0          # a page refused because the visit is open elsewhere tries again this often


def frame_callback(stream: LiveStream, still_held: Callable[[], bool]):
    """streamlit-webrtc's queued-frames callback for ``stream``: every frame received since the last call
    is handed over (for a recording step), the newest comes back with the skeleton drawn. Once
    ``still_held()`` is False (another tab took the visit over) frames are dropped and none come back."""

    async def callback(frames: list[av.VideoFrame]) -> list[av.VideoFrame]:
        if not still_held():
            return []
        # only a recording step needs every frame's pixels; otherwise just the newest is decoded
        keep = frames if stream.recording else frames[-1:]
        items = [(f.time if f.time is not None else time.monotonic(), f.to_ndarray(format="bgr24")) for f in keep]
        out = stream.receive(items, skipped=len(frames) - len(keep))
        if out is None:     # the preview rests and passes few pictures on; streamlit-webrtc sends the last one
            return []       # back again for each frame (still encoded, at the camera's rate, but not made anew)
        # sent back at half size: encoding the return video costs the server's CPU for every frame
        # received, and the patient's own view needs no more (measured: see benchmarks/live.py)
        small = cv2.resize(out, (out.shape[1] // 2, out.shape[0] // 2), interpolation=cv2.INTER_AREA)
        return [av.VideoFrame.from_ndarray(small, format="bgr24")]

    return callback


PATIENT = "patient (visit link)"


def join_visit(code: str, token: str | None) -> Joined:
    """This tab joins the visit (:meth:`movement_check.live.visits.VisitBook.join`); ``kind`` says whether it
    was the first join, this tab again, or a takeover from another tab. Raises ``Refused``."""
    return visit_book().join(code, token, holder=this_tab(), holder_gone=tab_closed)


def join() -> Visit:
    params = st.query_params
    code, token = params.get("code", ""), params.get("t")
    try:
        joined = join_visit(code, token)
    except Refused as exc:
        if st.session_state.get("visit-refused") != exc.reason:      # once per tab and reason, not per retry
            st.session_state["visit-refused"] = exc.reason
            audit("visit refused", who="someone", ok=False, detail=exc.reason)
        # the visit over (or ending) is the usual end of a visit, not a fault: said calmly
        (st.success if exc.reason in ("ended", "closing") else st.error)(str(exc))
        if exc.reason == "busy":
            try_again(code, token)
        st.stop()
    audit_join(joined)
    if token != joined.token:
        st.query_params["t"] = joined.token
    return joined.visit


@st.fragment(run_every=RETRY_EVERY_S)
def try_again(code: str, token: str | None) -> None:
    """The visit is open in another tab: join as soon as that tab has closed or gone quiet, then show the visit."""
    try:
        audit_join(join_visit(code, token))       # a takeover here: the page's rerun then joins as the same tab
    except Refused as exc:
        if exc.reason == "busy":
            return
    st.rerun()                       # joined, or refused for good (the page then says why)


def audit_join(joined: Joined) -> None:
    """A first join or a takeover goes to the audit log (this tab again does not)."""
    if joined.kind is not JoinKind.SAME:
        visit = joined.visit
        audit("visit joined", who=PATIENT, patient_id=visit.patient_id, session_id=visit.session_id,
              detail=f"visit {visit.number}" + (", taken over from another window"
                                                if joined.kind is JoinKind.TAKEOVER else ""))


@st.fragment(run_every=HEARTBEAT_EVERY_S)
def still_here(visit: Visit, tab: str) -> None:
    """This tab's sign of life, from the check-in on (:meth:`movement_check.live.visits.VisitBook.heartbeat`).
    Once another tab has taken the visit over, or the visit has ended, the whole page runs again: it says why
    and shows no camera (the browser stops sending the patient's video)."""
    if visit.ended or not visit_book().heartbeat(visit, tab) or visit.ended:
        st.rerun()


@st.fragment(run_every=CUES_EVERY_S)
def instruction(visit: Visit) -> None:
    """The current instruction in large type, and what to fix now."""
    if visit.ended:
        st.success("The visit has ended. Thank you.")
        return
    if visit.closing:
        st.info(ENDING)
        return
    view = visit.stream.view()
    current = step(view.step) if view.step else None
    if current is None:
        st.markdown("### Your therapist will start the next test. Press **START** below if your camera is off.")
    else:
        st.markdown(f"## {current.instruction}")
        if current.pain_button and st.button("PAIN: it hurts now", key="pain", type="primary"):
            visit.mark_pain()
            st.toast("Your therapist has been told.")
    for cue in view.cues:
        st.warning(f"**{cue}**")
    if current is not None and current.raised_side and view.counters["hold_s"] > 0:
        st.metric("Holding", f"{view.counters['hold_s']:.0f} s")


def main() -> None:
    fit_the_screen(patient=True)
    st.title("Your movement check")
    config = config_or_stop()
    visit = join()
    tab = this_tab()
    still_here(visit, tab)
    if visit.checkin is None:
        answers = checkin_form("checkin")
        if answers is None:
            st.stop()
        visit.check_in(answers)
    if visit.tests_stopped:
        red_flag_notice(visit.checkin)
        st.stop()
    instruction(visit)
    media_on_configured_addresses(config)
    webrtc_streamer(
        key="patient", mode=WebRtcMode.SENDRECV, rtc_configuration=config.rtc_configuration,
        media_stream_constraints=CAMERA,
        queued_video_frames_callback=frame_callback(visit.stream, lambda: visit.held_by(tab)),
        async_processing=True,
        video_html_attrs=MIRRORED,
    )
    st.caption("Your video goes to your therapist's computer only, and is not kept. "
               "The picture is mirrored, like a mirror.")


main()
