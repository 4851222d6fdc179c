"""The patient's home-exercise page: opened from the link the therapist made on the Patients page.

The patient sees the exercises prescribed to them, records one with the webcam
or uploads a clip, and gets the count and plain-language feedback
(:func:`movement_check.clinic.home_exercises.home_check`); the check is filed in their record as
a home-exercise check of that prescription (result and landmark trajectory, no
video). The link is the only key: it names the patient without showing who
they are, and it works until it expires or the therapist makes a new one.
Webcam frames are kept in memory only while recording, and dropped once
checked; an uploaded clip is written to a temporary folder for the analysis
and deleted at once.
"""

from __future__ import annotations

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from movement_check.errors import InputError
from movement_check.clinic.history import adherence
from movement_check.clinic.record import PrescriptionRecord, Record, RecordError
from movement_check.live.recorder import Recorder
from movement_check.service import HomeChecked, Outcome, analyse, file_home_check
from movement_check.live.step_results import step_settings
from movement_check.pipeline.video import VIDEO_SUFFIXES

from app_pages.access import audit, client_address
from app_pages.camera import CAMERA, MIRRORED, media_on_configured_addresses
from app_pages.state import config_or_stop, record_or_stop


PATIENT = "patient (home link)"


def patient_or_stop(record: Record) -> str:
    """The link's patient (its first use in this browser session audited); a bad link stops the page."""
    try:
        patient_id = record.home_link_patient(st.query_params.get("link", ""))
    except RecordError as exc:
        if not st.session_state.get("home-link-refused"):
            st.session_state["home-link-refused"] = True
            audit("home link used", who="someone", ok=False, detail=str(exc), record=record)
        st.error(str(exc))
        st.stop()
    if st.session_state.get("home-link-opened") != patient_id:
        st.session_state["home-link-opened"] = patient_id
        audit("home link used", who=PATIENT, patient_id=patient_id, record=record)
    return patient_id


def this_week(record: Record, patient_id: str, rx: PrescriptionRecord) -> None:
    weeks = adherence(record.sessions(patient_id), rx)
    if weeks:
        _, done, _ = weeks[-1]
        st.caption(f"This week: {done} of the {rx.exercise.per_week} checks your therapist asked for.")


def check_upload(rx: PrescriptionRecord) -> Outcome | None:
    uploaded = st.file_uploader("Your video of the exercise", type=[s.lstrip(".") for s in VIDEO_SUFFIXES],
                                key="home-clip")
    if not st.button("Check my exercise", key="home-check-upload", type="primary"):
        return None
    if uploaded is None:
        st.error("Choose your video first.")
        return None
    config = config_or_stop()
    with st.spinner("Watching your video..."):    # on the clinic's Dask cluster when one is configured
        return analyse(uploaded.getvalue(), rx.exercise.test, step_settings(config.model), name=uploaded.name,
                       scheduler=config.scheduler, **rx.exercise.options())


def check_recording(rx: PrescriptionRecord) -> Outcome | None:
    recorder: Recorder = st.session_state.setdefault("home-recorder", Recorder())
    config = config_or_stop()
    media_on_configured_addresses(config)
    webrtc_streamer(key="home-camera", mode=WebRtcMode.SENDRECV, rtc_configuration=config.rtc_configuration,
                    media_stream_constraints=CAMERA, queued_video_frames_callback=recorder.callback(),
                    async_processing=True, video_html_attrs=MIRRORED)
    if recorder.recording is None:
        st.caption("Press START to turn your camera on, stand where your whole body is in view, then:")
        if st.button("Start recording", key="home-record", type="primary"):
            recorder.start(max_s=max(180.0, rx.exercise.minutes * 60 + 60))
            st.rerun()
        return None
    st.warning("Recording: do the exercise now.")
    if not st.button("Stop and check", key="home-stop", type="primary"):
        return None
    recording = recorder.stop()
    if recording is None or len(recording) == 0:
        raise InputError("No video reached this page: press START and allow the camera, then record again.")
    with st.spinner("Watching your recording..."):
        outcome = analyse(recording, rx.exercise.test, step_settings(config_or_stop().model),
                          **rx.exercise.options())
    recording.clear()
    return outcome


def show_check(shown: HomeChecked) -> None:
    check = shown.check
    st.subheader("Your check")
    cols = st.columns(2)
    cols[0].metric("Done", check.count)
    cols[1].metric("Of the prescription", f"{round(check.done_pct, 1):.0f}%")
    for line in check.feedback:
        st.write(line)
    for warning in shown.warnings:
        st.caption(f"Note: {warning}")
    if shown.filed is not None:
        st.success("Saved to your record: your therapist will see it.")
    elif shown.error:
        st.error(shown.error)


def main() -> None:
    st.title("Your home exercises")
    record = record_or_stop()
    patient_id = patient_or_stop(record)
    current = record.prescriptions(patient_id)
    if not current:
        st.info("Your therapist has not prescribed a home exercise yet.")
        return
    by_id = {rx.id: rx for rx in current}
    rx = by_id[st.radio("Exercise", list(by_id), format_func=lambda i: by_id[i].exercise.title,
                        key="home-exercise")]
    st.markdown(f"### {rx.exercise.instruction()}")
    this_week(record, patient_id, rx)
    how = st.radio("How", ["Record with my camera", "Upload a video"], horizontal=True, key="home-how")
    try:
        analysed = check_upload(rx) if how == "Upload a video" else check_recording(rx)
    except InputError as exc:
        st.error(str(exc))
        analysed = None
    if analysed is not None:
        checked = file_home_check(record, patient_id, rx, analysed, who=PATIENT, client=client_address())
        if checked.filed is not None and checked.filed.audit_error:
            st.warning(f"The audit log could not be written: {checked.filed.audit_error}")
        st.session_state["home-shown"] = checked
    if st.session_state.get("home-shown"):
        show_check(st.session_state["home-shown"])
    st.caption("Your video is used only to count this check, and is not kept.")


main()
