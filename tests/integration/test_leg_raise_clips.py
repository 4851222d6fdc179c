"""Leg raises on a real clip and a rendered clip with exact ground truth (local files in ../shared, never committed)."""

import json

import numpy as np
import pytest

from movement_check.analysis import analyse_clip, assess

from tests.fixtures.clips import SHARED

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared not beside the checkout")]
VIDEOS, SYNTHETIC = SHARED / "videos", SHARED / "synthetic_videos"


def _metric(result, name, side=None):
    return next(m for m in result["metrics"] if m["name"] == name and m["side"] == side)


def test_real_single_leg_stance_is_one_stance_of_5_to_7_s():
    result, _ = analyse_clip(VIDEOS / "single_leg_stance_10fps.mp4", "leg-raise")
    result = result.to_dict()
    reps = result["quality"]["assessment"]["repetitions"]
    assert len(reps) == 1, "one stance, no invented repetitions"
    raised = reps[0]["side"]
    standing = "left" if raised == "right" else "right"
    assert 5.0 <= _metric(result, "single_leg_time", standing)["value"] <= 7.0
    assert _metric(result, "repetitions", raised)["value"] == 1
    assert _metric(result, "repetitions", standing)["value"] == 0
    # a tree pose: the knee goes out to the side (hip abduction), which is not a hip flexion to report
    peak = _metric(result, "hip_flexion_peak", raised)
    assert peak["value"] is None and "out to the side" in peak["note"]


def test_rendered_knee_raises_against_ground_truth():
    clip = SYNTHETIC / "legraise_front_15fps.mp4"
    truth = json.loads(clip.with_suffix(".gt.json").read_text())
    camera = truth["camera"]
    fov = float(np.degrees(2 * np.arctan(camera["sensor_width_mm"] / 2 / camera["lens_mm"])))     # 54.4 deg
    result, prepared = analyse_clip(clip, "leg-raise", fov_deg=fov)
    result = result.to_dict()
    assert result["quality"]["assessment"]["view"] == "front"
    reps = result["quality"]["assessment"]["repetitions"]
    assert [r["side"] for r in reps] == [t["side"] for t in truth["repetitions"]]
    for found, true in zip(reps, truth["repetitions"]):
        # the peak falls inside the true hold; with the camera's own field of view the height is within 3 deg
        # (measured +2.1 at 70 and +2.5 at 55: MediaPipe over-reads the top)
        lo, hi = true["hold_frames_within_5deg"]
        assert lo <= found["peak"] <= hi
        assert abs(found["peak_angle"] - true["peak_hip_flexion_deg"]) < 3.0
    # with the default guess of the field of view (65 deg, 11 too wide): +3.1 and +4.1 measured
    guessed = assess("leg-raise", prepared).to_dict()["quality"]["assessment"]["repetitions"]
    for found, true in zip(guessed, truth["repetitions"]):
        assert abs(found["peak_angle"] - true["peak_hip_flexion_deg"]) < 5.0
    # trunk lean toward the standing leg: 5 deg planted in the right raise (standing on the left), none in the left
    assert abs(_metric(result, "trunk_lateral_lean", "left")["value"] - truth["repetitions"][0]["trunk_lateral_lean_deg_hold"]["mean"]) < 1.5
    assert abs(_metric(result, "trunk_lateral_lean", "right")["value"]) < 1.5
    # the hip-landmark trap: pelvic drop is not reported during a knee raise, never as a hike or the wrong way
    for side in ("left", "right"):
        assert _metric(result, "pelvic_drop", side)["value"] is None
    # the left raise is held steadily: its hold within 0.15 s of the truth; the right one reads about 7 deg high
    # for 0.3 s as the thigh arrives (MediaPipe), which the hold band rides out: 1.34 s of 1.73 measured
    holds = [t["hold_duration_within_5deg_s_continuous"] for t in truth["repetitions"]]
    assert abs(reps[1]["hold_s"] - holds[1]) < 0.15
    assert abs(reps[0]["hold_s"] - holds[0]) < 0.5


#: one person in each; the webcam squat (a skeleton burnt into the frames) once read as three people and a
#: 'raise' of the right leg at 9.6 s (issue 18: tests/unit/test_tracking.py and tests/unit/test_leg_raise.py, the causes)
RAISE_LABELS = ["single_leg_stance_10fps", "squat_front_portrait_60fps", "webcam_squat_overlay"]


@pytest.mark.parametrize("name", RAISE_LABELS)
def test_foot_off_and_foot_down_against_labels_by_eye(name):
    """benchmarks/labels/raises_*.json: every foot lift labelled by eye (none in the squats). The raise's start
    and end fall within 1 frame of the labelled foot-off and foot-down, on the labelled foot; no raise where no
    foot left the floor. (The lunge clip's sideways swing of a straight leg is a known miss: see the README.)"""
    from benchmarks.accuracy import LABELS, clip_path

    labels = json.loads((LABELS / f"raises_{name}.json").read_text())
    result, prepared = analyse_clip(clip_path(labels["clip"]), "leg-raise")
    assert result.quality["subject"]["people_seen"] == 1
    starts = [e for e in result.events if e.name == "raise_start"]
    ends = [e for e in result.events if e.name == "raise_end"]
    assert len(starts) == len(labels["lifts"])
    for lift, start, end in zip(labels["lifts"], starts, ends):
        assert start.side == lift["foot"]
        assert abs(start.frame - lift["foot_off"]) <= 1 and abs(end.frame - lift["foot_down"]) <= 1
