"""Analyse a clip: upload, choose the test (or let the tool find it), see metrics, flags, figures, warnings
and an annotated preview; download JSON, CSV and, once filed, the report.

It finds the patient, cleans their landmark trajectories, shows how well they
could be seen, and runs the test with its metrics, flags and figures, and for
a home exercise the form check a patient can read. With a patient ID the
result and trajectory are filed in the clinic record as an uploaded clip. The
uploaded clip is written to a temporary folder for the analysis and deleted
at once; the annotated clip (faces blurred) is kept in the data folder only
when the box is ticked. Nothing leaves this machine.

Filing needs a therapist's sign-in, and a patient in their care (or a new patient ID, which is then in
their care). Without a sign-in the page is a demo, labelled as such: it analyses the clip shown to it,
files nothing and shows nothing of any record.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from movement_check.assessments import ALL_TESTS, AUTO
from movement_check.clip_upload import UploadedClip, analyse_upload, clip_options, kept_video_path, subject_choice
from movement_check.errors import InputError
from movement_check.body.kinematics import DEFAULT_FOV_DEG
from movement_check.clinic.record import RecordError, check_patient
from movement_check.service import Filing, file_outcome
from movement_check.pipeline.video import VIDEO_SUFFIXES

from app_pages.access import Staff, audit, client_address, sign_in_form, sign_out_button, signed_in
from app_pages.results import report_buttons, show
from app_pages.state import config_or_stop, record_or_stop

TEST_LABELS = {AUTO: "Let the tool decide", **{t.name: t.label for t in ALL_TESTS}}


def run_analysis(data: bytes, name: str, test: str, model: str, subject: str | int, *,
                 keep_video_as: Path | None = None, **options) -> UploadedClip:
    """Analyse the uploaded bytes (:func:`movement_check.clip_upload.analyse_upload`) with a progress bar."""
    progress = st.progress(0.0, text="Finding the person in each frame...")
    uploaded = analyse_upload(data, name, test, model, subject, scheduler=config_or_stop().scheduler,
                              keep_video_as=keep_video_as, say=lambda done, text: progress.progress(done, text=text),
                              **options)
    progress.empty()
    return uploaded


def leg_raise_options() -> dict:
    """The leg-raise inputs inside the form (read only when that test is chosen)."""
    with st.expander("Single-leg raise options"):
        posture = st.radio("Position", ["found in the clip", "standing", "lying on the back"], horizontal=True)
        pain = st.text_input("Pain reported at (s)", "", key="pain",
                             help="seconds from the start of the clip, e.g. 3.5, 7.2: the leg's angle at each "
                                  "moment is reported")
        stance_test = st.checkbox("Single-leg stance test (stand as long as possible): flag under 5 s")
        st.caption("Home exercise (leave raises at 0 for none)")
        cols = st.columns(3)
        reps = cols[0].number_input("Raises per side", min_value=0, max_value=200, value=0, key="reps")
        hold = cols[1].number_input("Hold (s)", min_value=0.0, max_value=300.0, value=5.0, step=0.5, key="hold")
        sides = cols[2].selectbox("Legs", ["both", "left", "right"])
        straight = st.checkbox("Straight-leg raise (keep the knee straight)")
    return {"posture": {"standing": "standing", "lying on the back": "supine"}.get(posture),
            "pain_text": pain, "stance_test": stance_test or None,
            "prescribed_repetitions": int(reps) or None, "prescribed_hold_s": float(hold) if reps else None,
            "prescribed_sides": ("left", "right") if sides == "both" else (sides,),
            "straight_knee": straight or None}


def camera_options() -> dict:
    """What is known of the camera (front-view leg raise and foot rotation use it)."""
    with st.expander("Camera (front view: leg raise, foot rotation)"):
        fov = st.number_input("Field of view (deg)", min_value=20.0, max_value=120.0, value=DEFAULT_FOV_DEG,
                              step=5.0, key="fov",
                              help="across the frame's longer side; most webcams and phones see 60-70 deg. "
                                   "From the front, how high the thigh came up and how far the feet turn "
                                   "depend on it")
        tilt = st.number_input("Downward tilt (deg), if known", min_value=-30.0, max_value=60.0, value=None,
                               step=1.0, key="tilt",
                               help="how far the camera looks down from level (0 = level). Left empty, it is "
                                    "found from a walk toward the camera, or assumed level with a wider "
                                    "uncertainty")
    return {"fov_deg": float(fov), "camera_tilt_deg": None if tilt is None else float(tilt)}


def patient_inputs() -> tuple[str, str, bool]:
    """Patient ID, initials, and whether to keep the annotated clip (inside the form)."""
    cols = st.columns([2, 1])
    patient_id = cols[0].text_input("Patient ID (optional: files the result in the clinic record)",
                                    key="upload-patient", help="a pseudonym such as P-0042, not a name; a new ID "
                                                               "is added. Leave empty to keep nothing")
    initials = cols[1].text_input("Initials (optional)", key="upload-initials", max_chars=4)
    keep = st.checkbox("Keep the annotated clip with the record (faces blurred)", key="keep-video",
                       help="off by default: the uploaded clip is deleted after the analysis and no video is kept")
    return patient_id.strip(), initials.strip(), keep


DEMO = ("**Demo**: see what movement-check measures on a clip. Nothing is filed and no patient's record is "
        "shown. Therapists: sign in to file results in a patient's record.")


def main() -> None:
    st.title("Analyse a clip")
    staff = signed_in()
    if staff is None:
        st.info(DEMO)
        with st.sidebar:
            sign_in_form(required=False)
    else:
        sign_out_button(staff)
    with st.form("clip"):
        uploaded = st.file_uploader("Clip of the test", type=[s.lstrip(".") for s in VIDEO_SUFFIXES])
        test = st.selectbox("Test", tuple(TEST_LABELS), format_func=lambda t: TEST_LABELS[t])
        model = st.radio("Pose model", ["full", "lite"], horizontal=True,
                         help="full is bundled; lite is faster but must be installed (see models/README.md)")
        subject = st.text_input("Person to follow", "auto",
                                help="auto, walker, largest, most-visible, longest, or a person's number")
        height = st.number_input("Patient's height (cm)", min_value=0, max_value=250, value=0, key="height",
                                 help="scales gait speed and step length; 0 = not given")
        patient_id, initials, keep_video = patient_inputs() if staff else ("", "", False)
        raise_options = leg_raise_options()
        camera = camera_options()
        submitted = st.form_submit_button("Analyse")
    if submitted:
        analyse(uploaded, test, model, subject, height, raise_options, camera, patient_id, initials, keep_video,
                staff)
    outcome = st.session_state.get("outcome")
    if outcome and outcome.get("filed") and (staff is None or outcome["filed"]["by"] != staff.name):
        st.session_state.pop("outcome")                  # signed out since: the filed result is not shown
        outcome = None
    if outcome:
        filed = outcome.get("filed")
        if filed:
            st.success(f"Filed in the clinic record: patient {filed['patient']}, session {filed['session']}"
                       + (" (annotated clip kept, faces blurred)" if outcome.get("video") else "") + ".")
            record = record_or_stop()
            show(outcome, downloaded=lambda name: audit("trajectory downloaded", who=staff.who, detail=name,
                                                        patient_id=filed["patient"], session_id=filed["session"],
                                                        record=record))
            report_buttons(record, record.session(filed["session"]), who=staff.who)
        else:
            show(outcome)


def analyse(uploaded, test, model, subject, height, raise_options, camera, patient_id, initials,
            keep_video, staff: Staff | None) -> None:
    """Check the inputs, analyse, and file the result; every refusal says why and keeps earlier results."""
    if uploaded is None:
        st.error("Choose a clip first.")
        return
    try:
        if patient_id:
            check_patient(patient_id, initials or None)
            check_care(record_or_stop(), patient_id, staff)
        elif keep_video:
            raise InputError("Give the patient's ID to keep the annotated clip with their record.")
        options = clip_options(test, height, camera, raise_options)
        keep_as = kept_video_path(config_or_stop().data_dir, patient_id) if keep_video else None
        analysed = run_analysis(uploaded.getvalue(), uploaded.name, test, model, subject_choice(subject),
                                keep_video_as=keep_as, **options)
    except (InputError, RecordError) as exc:
        st.error(str(exc))
        return
    outcome = st.session_state["outcome"] = analysed.shown(uploaded.name)
    if patient_id and staff is not None:
        filing = Filing(patient_id=patient_id, kind="upload", who=staff.who, initials=initials or None,
                        therapist=staff.name, video=analysed.video, client=client_address(),
                        detail=f"{analysed.outcome.test} from an uploaded clip")
        try:
            filed = file_outcome(record_or_stop(), filing, analysed.outcome)
        except RecordError as exc:
            st.error(f"Not saved in the clinic record: {exc}. The result below can still be downloaded.")
            return
        outcome["filed"] = {"patient": patient_id, "session": filed.session_id, "by": staff.name}
        if filed.audit_error:
            st.warning(f"The audit log could not be written: {filed.audit_error}")


def check_care(record, patient_id: str, staff: Staff | None) -> None:
    """Before any work: only a signed-in therapist files, and only for a new patient or one in their care."""
    if staff is None:
        raise InputError("Sign in as a therapist to file a result in a patient's record.")
    record.check_may_file(patient_id, staff.name)


main()
