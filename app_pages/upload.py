"""Analyse a clip: upload, choose the test, see metrics, flags, figures and warnings.

It finds the patient, cleans their landmark trajectories, shows how well they
could be seen, and runs the chosen test with its metrics, flags and figures,
and for a home exercise the form check a patient can read. The uploaded clip
is written to a temporary folder for the analysis and deleted at once; nothing
leaves this machine. On a server that listens beyond this computer the page
needs the therapist's sign-in.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from movement_check.analysis import analyze_clip
from movement_check.assessments import TESTS
from movement_check.assessments.leg_raise import parse_times
from movement_check.errors import InputError
from movement_check.estimator import EstimatorSettings
from movement_check.extraction import ExtractionSettings
from movement_check.kinematics import DEFAULT_FOV_DEG
from movement_check.figures import figure_pngs
from movement_check.video import VIDEO_SUFFIXES

from app_pages.results import show
from app_pages.state import require_sign_in_off_this_computer

TEST_LABELS = {"gait": "Gait (walk for me)", "leg-raise": "Single-leg raise", "foot-rotation": "Foot rotation"}


def run_analysis(data: bytes, name: str, test: str, model: str, subject: str | int, **options) -> dict:
    """Analyse the uploaded bytes; returns what the page shows (plain values, kept in session state)."""
    progress = st.progress(0.0, text="Finding the person in each frame...")

    def report(done: int, total: int) -> None:
        if total:
            progress.progress(min(1.0, done / total), text=f"Finding the person: frame {done} of {total}")

    with tempfile.TemporaryDirectory(prefix="movement-check-") as folder:
        clip = Path(folder) / ("clip" + Path(name).suffix.lower())
        clip.write_bytes(data)
        settings = ExtractionSettings(model=model, estimator=EstimatorSettings(max_people=2))
        result, prepared = analyze_clip(clip, test, settings, subject=subject, progress=report, **options)
    progress.empty()
    with tempfile.TemporaryDirectory() as folder:
        csv_text = prepared.poses.to_csv(Path(folder) / "poses.csv").read_text()
    result_dict = result.to_dict()
    result_dict["source"]["file"] = name
    return {"result": result_dict, "npz": prepared.poses.npz_bytes(), "csv": csv_text, "name": Path(name).stem,
            "figures": figure_pngs(test, prepared.poses, **options)}


def leg_raise_options() -> dict:
    """The leg-raise inputs inside the form (read only when that test is chosen)."""
    with st.expander("Single-leg raise options"):
        posture = st.radio("Position", ["found in the clip", "standing", "lying on the back"], horizontal=True)
        pain = st.text_input("Pain reported at (s)", "", help="seconds from the start of the clip, e.g. 3.5, 7.2: "
                                                              "the leg's angle at each moment is reported")
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


def main() -> None:
    st.title("Analyse a clip")
    require_sign_in_off_this_computer()
    with st.form("clip"):
        uploaded = st.file_uploader("Clip of the test", type=[s.lstrip(".") for s in VIDEO_SUFFIXES])
        test = st.selectbox("Test", TESTS, format_func=lambda t: TEST_LABELS[t])
        model = st.radio("Pose model", ["full", "lite"], horizontal=True,
                         help="full is bundled; lite is faster but must be installed (see models/README.md)")
        subject = st.text_input("Person to follow", "auto",
                                help="auto, walker, largest, most-visible, longest, or a person's number")
        height = st.number_input("Patient's height (cm)", min_value=0, max_value=250, value=0, key="height",
                                 help="scales gait speed and step length; 0 = not given")
        raise_options = leg_raise_options()
        camera = camera_options()
        submitted = st.form_submit_button("Analyse")
    if submitted:
        if uploaded is None:
            st.error("Choose a clip first.")
        else:
            choice: str | int = int(subject) if subject.strip().isdigit() else subject.strip()
            try:
                options = {"height_cm": float(height) if height >= 50 else None, **camera}
                if test == "leg-raise":
                    options.update(raise_options)
                    options["pain_at_s"] = parse_times(options.pop("pain_text"))
                st.session_state["outcome"] = run_analysis(uploaded.getvalue(), uploaded.name, test, model, choice,
                                                           **options)
            except InputError as exc:
                st.session_state.pop("outcome", None)
                st.error(str(exc))
    if "outcome" in st.session_state:
        show(st.session_state["outcome"])


main()
