"""Findings and confidence on synthetic walks whose answer is known (tests/fixtures/walker.py): a limp's asymmetry
on the right side, a steady walk with nothing abnormal, a short walk too thin to flag, nobody walking."""

import copy
import re

import pytest

from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.pipeline.cleaning import clean
from movement_check.findings.confidence import GOOD, LIMITED, NOT_USABLE, confidence
from movement_check.findings.summary import ABNORMAL, NORMAL, NOT_MEASURED, UNSURE, UNUSABLE, findings, summary_lines
from movement_check.assessments.result import Result

from tests.fixtures.walker import Camera, Script, walk

FPS = 30.0
FAR = Camera(position=(1.5, -10.0, 1.0), target=(1.5, 0.0, 0.9), focal_px=1400.0)


def gait_result(script: Script, *, height: bool = True, fps: float = FPS, **render) -> dict:
    """What analysis.assess files for a synthetic walk: the assessment inside a whole result dict."""
    poses, _ = walk(script, fps=fps, **render)
    found = assess(clean(poses)[0], settings=GaitSettings(height_cm=script.height_m * 100 if height else None))
    return Result(test="gait", source={"measured_fps": fps}, quality={"person_seen_share": 1.0,
                                                                      "assessment": found.quality},
                  metrics=found.metrics, events=found.events, warnings=found.warnings).to_dict()


LONG = [("stand", 1.0), ("walk", 8.0), ("stand", 1.0)]      # 6 strides: enough to flag (test_gait.py)


@pytest.fixture(scope="module")
def limp_right():
    # the right leg runs 0.05 of a cycle late: right steps last 0.55 of a stride, left 0.45 (SI = +20 %)
    return gait_result(Script(segments=LONG, limp=0.05, cadence=100.0, speed_mps=0.9), height=False, noise_px=1.0,
                       seed=5)


@pytest.fixture(scope="module")
def steady():
    return gait_result(Script(segments=LONG), height=False, noise_px=1.0, seed=5)


def test_a_right_limp_comes_first_as_the_right_steps_lasting_longer(limp_right):
    conf = confidence(limp_right)
    assert conf.level == GOOD, conf
    first = findings(limp_right, conf)[0]
    assert first.kind == ABNORMAL and first.metric == "step_time_symmetry_index"
    assert first.side == "right"
    assert first.text.startswith("Right steps last longer than left")
    shown = float(re.search(r"asymmetry (\d+\.\d)%", first.text).group(1))
    assert shown == pytest.approx(20, abs=2)                       # 400 x limp
    assert "within ±10%" in first.text                             # the normal range, stated
    assert first.sure.startswith("from ") and "strides" in first.sure and "side view" in first.sure


def test_an_asymmetry_just_over_the_cut_off_does_not_read_as_the_cut_off_itself(limp_right):
    # 10.4 % flagged against "within ±10%" was written "10 %": a finding that contradicted its own range
    result = copy.deepcopy(limp_right)
    (si,) = [m for m in result["metrics"] if m["name"] == "step_time_symmetry_index"]
    si["value"] = 10.4
    first = findings(result)[0]
    assert first.metric == "step_time_symmetry_index"
    assert "step-time asymmetry 10.4% (normal within ±10%" in first.text, first.text


def test_a_left_limp_names_the_left_side():
    # the same limp on the other leg: a finding that ignored the sign would still say "right"
    result = gait_result(Script(segments=LONG, limp=-0.05, cadence=100.0, speed_mps=0.9), height=False,
                         noise_px=1.0, seed=5)
    first = findings(result)[0]
    assert first.metric == "step_time_symmetry_index" and first.side == "left"
    assert first.text.startswith("Left steps last longer than right")


def test_a_steady_walk_has_no_abnormal_finding_and_says_why_speed_is_missing(steady):
    conf = confidence(steady)
    assert conf.level == GOOD and not conf.reasons
    found = findings(steady, conf)
    kinds = [f.kind for f in found]
    assert ABNORMAL not in kinds and UNUSABLE not in kinds
    # the walker's double support is 24 % by construction; events within a frame read it up to ~28 %, which
    # the assessment flags against 15-25 %: within its own uncertainty, so not an abnormal finding
    assert all("within the measurement's uncertainty" in f.text for f in found if f.kind == UNSURE)
    normal = next(f for f in found if f.kind == NORMAL)
    assert "steps per minute 110" in normal.text and "step-time asymmetry" in normal.text
    missing = [f.text for f in found if f.kind == NOT_MEASURED]
    assert any(t.startswith("Could not measure walking speed") and "no height given" in t for t in missing)
    assert 3 <= len(found) <= 6


def test_a_short_walk_is_limited_and_its_large_asymmetry_is_reported_unflagged():
    # 4 s of a strong limp from far away: the asymmetry is large but rests on too few strides to flag
    result = gait_result(Script(segments=[("walk", 4.0)], limp=0.08, cadence=100.0), camera=FAR)
    conf = confidence(result)
    assert conf.level == LIMITED and "stride" in conf.reason
    found = findings(result, conf)
    assert not any(f.kind == ABNORMAL for f in found)
    unsure = [f for f in found if f.kind == UNSURE and f.metric == "step_time_symmetry_index"]
    assert unsure and "not flagged" in unsure[0].text
    assert unsure[0].side == "right" and "(right steps longer)" in unsure[0].text       # limp > 0: right late


def test_nobody_walking_is_not_usable_and_shows_no_numbers():
    result = gait_result(Script(segments=[("stand", 5.0)]))
    conf = confidence(result)
    assert conf.level == NOT_USABLE and "no steady walking" in conf.reason
    found = findings(result, conf)
    assert found[0].kind == UNUSABLE
    assert all(f.value == "" and not re.search(r"\d", f.text) for f in found)


def test_a_camera_delivering_12_frames_a_second_limits_the_confidence():
    result = gait_result(Script(segments=LONG), fps=12.0)
    conf = confidence(result)
    assert conf.level == LIMITED and "12 frames a second" in conf.reason


def test_a_camera_at_20_frames_a_second_does_not_limit_the_confidence():
    """An exact 20 fps clip's frames over time add up to 19.999999999999996 a second: its stride phases are
    measured (gait.timing.RATE_SLACK), so the confidence does not say the camera fell short of 20."""
    result = _walk_with()
    result["quality"]["assessment"]["camera_delivered"]["frames_per_second"] = 19.999999999999996
    assert confidence(result).level == GOOD, confidence(result).reasons
    result["quality"]["assessment"]["camera_delivered"]["frames_per_second"] = 19.5
    assert confidence(result).level == LIMITED
    assert confidence(result).reason == "the camera delivered 19.5 frames a second (stride phases need 20)"


def test_a_dark_clip_limits_the_confidence(steady):
    """The warning movement_check.pipeline.exposure gives a dark clip: the walk's values stay, limited."""
    from movement_check.pipeline.exposure import dark_warning

    result = copy.deepcopy(steady)
    result["warnings"].append(dark_warning([(0, 48.0), (8, 50.0)]))
    conf = confidence(result)
    assert confidence(steady).level == GOOD
    assert conf.level == LIMITED and conf.reasons == ("the clip is dark (the pose model sees less in dim light "
                                                      "without saying so)",)


def _metric(name, value, unit, side=None, normal=None, flag=None, note=None):
    return {"name": name, "value": value, "unit": unit, "side": side, "normal_range": normal, "flag": flag,
            "note": note, "uncertainty": None}


def _walk_with(*metrics) -> dict:
    quality = {"person_seen_share": 1.0, "assessment": {
        "view": "side", "walking_bouts": [{"start_s": 0, "stop_s": 8}], "strides": {"left": 6, "right": 6},
        "camera_delivered": {"frames_per_second": 30.0}, "steps": {"sides": "told apart"}}}
    return {"test": "gait", "source": {}, "quality": quality, "warnings": [],
            "metrics": [_metric("cadence", 104.0, "steps/min", normal=[100, 120])] + list(metrics)}


def test_findings_are_ranked_by_clinical_weight_and_a_foot_drop_sign_is_one_line():
    result = _walk_with(
        _metric("stride_time_cv", 8.0, "%", normal=[0, 6], flag="high"),
        _metric("gait_speed", 0.7, "m/s", normal=[0.94, 1.43], flag="low"),
        _metric("ankle_dorsiflexion_mid_swing", 2.0, "deg", side="left", flag="lower than the other side"),
        _metric("ankle_dorsiflexion_mid_swing", 10.0, "deg", side="right"),
        _metric("toe_height_mid_swing", -0.12, "leg lengths", side="left", flag="lower than the other side"),
        _metric("toe_height_mid_swing", -0.03, "leg lengths", side="right"))
    found = findings(result)
    assert [f.metric for f in found if f.kind == ABNORMAL] == ["gait_speed", "ankle_dorsiflexion_mid_swing",
                                                                "stride_time_cv"]
    assert "limited community walker" in found[0].text and "0.70 m/s" in found[0].text
    drop = found[1]
    assert drop.side == "left" and drop.text.startswith("Foot drop sign on the left")
    assert "2.0°" in drop.text and "10.0°" in drop.text and "-0.120 leg lengths" in drop.text


def test_the_summary_lines_start_with_the_confidence():
    lines = summary_lines(_walk_with())
    assert lines[0] == "confidence: good (from 12 strides (6 left, 6 right), side view, 30 fps)"
    assert lines[1:] and all(line.startswith("- ") for line in lines[1:])
    assert not any("from 12 strides" in line for line in lines[1:])          # said once


def test_a_flag_within_the_values_own_uncertainty_is_unsure_and_one_beyond_it_abnormal():
    near = _metric("double_support", 28.0, "%", side="left", normal=[15, 25], flag="high")
    far = _metric("double_support", 35.0, "%", side="right", normal=[15, 25], flag="high")
    near["uncertainty"] = far["uncertainty"] = 6.0
    found = findings(_walk_with(near, far))
    assert [(f.kind, f.side) for f in found if f.metric == "double_support"] == [(ABNORMAL, "right"),
                                                                                  (UNSURE, "left")]
    assert "35.0% ± 6.0%" in found[0].text and "(normal 15-25%)" in found[0].text


def test_two_sides_outside_the_range_for_different_reasons_are_two_findings():
    # the left rests on too few strides (not flagged); the right is flagged but within its uncertainty
    left = _metric("double_support", 27.9, "%", side="left", normal=[15, 25],
                   note="not flagged: only 3 clean strides; about 20 % of the cycle")
    right = _metric("double_support", 27.8, "%", side="right", normal=[15, 25], flag="high")
    left["uncertainty"] = right["uncertainty"] = 5.3
    found = [f for f in findings(_walk_with(left, right)) if f.metric == "double_support"]
    assert [(f.kind, f.side) for f in found] == [(UNSURE, "left"), (UNSURE, "right")]
    assert "only 3 clean strides" in found[0].text and "within the measurement's uncertainty" in found[1].text


def test_a_stiff_knee_names_its_side_the_other_sides_value_and_both_cut_offs():
    # the assessment flags the lower knee "low, asymmetric" when it is under 44 deg and 17 deg below the other
    result = _walk_with(
        _metric("knee_flexion_swing_peak", 38.0, "deg", side="left", normal=[44, None], flag="low, asymmetric"),
        _metric("knee_flexion_swing_peak", 60.0, "deg", side="right", normal=[44, None]))
    (knee,) = [f for f in findings(result) if f.kind == ABNORMAL]
    assert knee.side == "left"
    assert knee.text == ("Stiff knee in swing on the left: the knee bends 38.0° (normal at least 44°); the left "
                         "knee bends less in swing than the right: 38.0° against 60.0° (more than 17° apart: "
                         "stiff-knee gait)")


def test_a_pain_mark_in_a_straight_leg_raise_reads_against_the_lasegue_range():
    result = {"test": "leg-raise", "source": {}, "warnings": [],
              "quality": {"person_seen_share": 1.0, "assessment": {"posture": "supine", "view": "side"}},
              "metrics": [_metric("repetitions", 2, "count"), _metric("repetitions", 1, "count", side="left"),
                          _metric("repetitions", 1, "count", side="right"),
                          _metric("leg_elevation_peak", 62.0, "deg", side="left"),
                          _metric("leg_elevation_peak", 70.0, "deg", side="right"),
                          _metric("leg_elevation_at_pain", 45.0, "deg", side="left")]}
    pain = [f for f in findings(result) if f.metric == "leg_elevation_at_pain"]
    assert len(pain) == 1 and pain[0].side == "left"
    assert pain[0].text.startswith("Pain marked with the left leg at 45.0° (inside the 30°-70°")


def test_a_foot_turn_out_difference_within_its_uncertainty_is_a_reading_that_says_so():
    result = {"test": "foot-rotation", "source": {"measured_fps": 30.0}, "warnings": [],
              "quality": {"person_seen_share": 1.0, "assessment": {"mode": "walking", "steps": [
                  {"side": s} for s in ("left", "right") * 3]}},
              "metrics": [_metric("foot_progression_angle", 6.9, "deg", side="left", normal=[-3, 20]),
                          _metric("foot_progression_angle", 8.5, "deg", side="right", normal=[-3, 20]),
                          {**_metric("foot_progression_asymmetry", 1.6, "deg"), "uncertainty": 5.5}]}
    found = findings(result)
    assert [f.kind for f in found] == [NORMAL, "reading"]
    assert "foot turn-out while walking left 6.9° / right 8.5°" in found[0].text
    assert found[1].text.startswith("Foot turn-out: side difference 1.6° ± 5.5°: the right turns out more")
    assert "smaller than its uncertainty" in found[1].text


def test_a_walk_whose_sides_were_not_told_apart_gives_no_stride_count_a_side():
    # "left and right could not be told apart ... from 18 strides (9 left, 9 right)" contradicted itself
    from movement_check.findings.confidence import basis

    found = {"strides": {"left": 9, "right": 9}, "view": "side"}
    told = {"test": "gait", "quality": {"assessment": {**found, "steps": {"sides": "told apart"}}}}
    withheld = {"test": "gait", "quality": {"assessment": {**found, "steps": {"sides": "withheld: 11 of 20"}}}}
    assert basis(told).startswith("from 18 strides (9 left, 9 right), side view")
    assert basis(withheld).startswith("from 18 strides, side view")


def test_a_walk_seen_at_an_angle_says_so_in_its_confidence():
    """The synthetic walker on a treadmill 39 deg off the camera's axis (tests/unit/test_gait_at_angle.py): timed
    across, its angles withheld; the confidence is limited and its basis says the view was at an angle."""
    from tests.fixtures.walker import SIDE_CAMERA
    result = gait_result(Script(segments=[("walk", 8.0)], speed_mps=0.0), camera=SIDE_CAMERA, noise_px=2.0, seed=1)
    conf = confidence(result)
    assert conf.level == LIMITED and "at an angle" in conf.reason
    assert "side view (at an angle)" in conf.basis


def test_with_nothing_flagged_four_values_outside_their_range_are_all_findings(steady):
    """The step-to limp (6 strides, nothing flagged: 3 clean strides per side) had knee bend, step-time asymmetry,
    variability and cadence outside their ranges; only three "check" lines were shown, and its low cadence (93 for
    100-120) was only in the table. With nothing flagged they fill what "could not measure" leaves."""
    result = copy.deepcopy(steady)
    outside = {"knee_flexion_swing_peak": 30.0, "step_time_symmetry_index": -30.0, "stride_time_cv": 9.0,
               "cadence": 90.0}
    for m in result["metrics"]:
        if m["name"] in outside and m["value"] is not None:
            m["value"], m["flag"], m["note"] = outside[m["name"]], None, "not flagged: only 3 clean strides; " + (m["note"] or "")
    found = findings(result)
    shown = {f.metric for f in found if f.kind == UNSURE}
    assert shown == set(outside), [f.line for f in found]
    assert len(found) <= 6 and sum(f.kind == NOT_MEASURED for f in found) >= 1


def test_a_front_walk_timed_from_the_feet_rhythm_says_so_in_its_confidence():
    """The synthetic walker coming toward the camera from 7.5 m (its heel strikes from the front disagree): the
    cadence is the feet's rhythm (tests/unit/test_gait_rhythm.py); the confidence is limited and says so."""
    from tests.fixtures.cameras import camera
    result = gait_result(Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)]),
                         camera=camera(5.0, 1.0, 5.0, 0.0, middle=3.0), noise_px=2.0, seed=1)
    conf = confidence(result)
    cadence = next(m for m in result["metrics"] if m["name"] == "cadence")
    assert cadence["value"] is not None
    assert conf.level == LIMITED and "the cadence is the feet's rhythm over" in conf.reason
    # what it rests on says it too, not only the clean strides the other values rest on
    rhythm = result["quality"]["assessment"]["cadence_strides"]["rhythm"]
    assert f"the cadence from the feet's rhythm over {rhythm:g} strides" in conf.basis
