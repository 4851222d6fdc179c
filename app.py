"""movement-check in the browser (Streamlit). Streamlit lives here only; the package never imports it.

This first page analyses an uploaded clip: it finds the patient, cleans their
landmark trajectories, shows how well they could be seen, and runs the chosen
test (gait, single-leg raise) with its metrics, flags and figures, and for a
home exercise the form check a patient can read. The uploaded
clip is written to a temporary folder for the analysis and deleted at once;
nothing leaves this machine. The server listens on this computer only
(``make app``); the live telehealth session and sign-in come later.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import streamlit as st

from movement_check import __version__
from movement_check.analysis import analyze_clip
from movement_check.assessments import TESTS
from movement_check.assessments.leg_raise import parse_times
from movement_check.errors import InputError
from movement_check.estimator import EstimatorSettings
from movement_check.extraction import ExtractionSettings
from movement_check.kinematics import DEFAULT_FOV_DEG
from movement_check.figures import figures_for
from movement_check.video import VIDEO_SUFFIXES

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
        npz = prepared.poses.save(Path(folder) / "poses.npz").read_bytes()
        csv_text = prepared.poses.to_csv(Path(folder) / "poses.csv").read_text()
    result_dict = result.to_dict()
    result_dict["source"]["file"] = name
    figures = {}
    for fig_name, fig in figures_for(test, prepared.poses, **options).items():
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=110)
        figures[fig_name] = png.getvalue()
    return {"result": result_dict, "npz": npz, "csv": csv_text, "name": Path(name).stem,
            "figures": figures}


def show(outcome: dict) -> None:
    result = outcome["result"]
    quality = result["quality"]
    subject = quality["subject"]
    source = result["source"]
    st.subheader("What was analysed")
    cols = st.columns(4)
    cols[0].metric("Frames", quality["frames"])
    cols[1].metric("Person found in", f"{quality['person_seen_share']:.0%}")
    cols[2].metric("Frame rate", f"{source['measured_fps']:.1f} fps" if source.get("measured_fps") else "unknown")
    cols[3].metric("People in view", subject["people_seen"])
    st.write(f"Following **person {subject['person']}**: {subject['reason']}.")
    for warning in result["warnings"]:
        st.warning(warning)
    if result["metrics"]:
        st.subheader("Results")
        columns = ("name", "side", "value", "uncertainty", "unit", "normal_range", "flag", "note")
        st.dataframe([{k: m.get(k) for k in columns} for m in result["metrics"]], hide_index=True)
    for png in outcome.get("figures", {}).values():
        st.image(png)
    assessment = quality.get("assessment", {})
    if assessment.get("form_check"):
        show_form_check(assessment["form_check"])
    if assessment.get("repetitions"):
        with st.expander("Each repetition"):
            st.dataframe(assessment["repetitions"], hide_index=True)
    with st.expander("People seen in the clip"):
        st.dataframe(subject["people"], hide_index=True)
    with st.expander("How well each landmark was seen"):
        st.dataframe([{"landmark": name, **q} for name, q in quality["landmarks"].items()], hide_index=True)
    st.download_button("Download result (JSON)", json.dumps(result, indent=2),
                       file_name=f"{outcome['name']}_{result['test']}.json", mime="application/json")
    st.download_button("Download trajectories (.npz)", outcome["npz"], file_name=f"{outcome['name']}_poses.npz")
    st.download_button("Download trajectories (CSV)", outcome["csv"], file_name=f"{outcome['name']}_poses.csv",
                       mime="text/csv")


def show_form_check(form: dict) -> None:
    """The home-exercise check in the patient's words."""
    st.subheader("Home exercise check")
    st.metric("Done as prescribed", f"{form['adherence_pct']:.0f} %")
    for line in form["summary"]:
        st.write(line)
    st.dataframe([{"leg": r["side"], "raise": r["number"], "at (s)": r["start_s"],
                   "as prescribed": "yes" if r["meets_prescription"] else "no",
                   "feedback": "; ".join(r["feedback"])} for r in form["repetitions"]], hide_index=True)


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
    st.set_page_config(page_title="movement-check", layout="wide")
    st.title("movement-check")
    st.caption(f"Objective movement tests from one camera · version {__version__} · "
               "everything stays on this computer")
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
