"""Leg raises measured in their own posture, through the same path as a clip or a live step (a stub pose
model "sees" the synthetic raiser's known landmarks in each frame)."""

import numpy as np
import pytest

import movement_check.pipeline.extraction as extraction
from movement_check.analysis import analyse_frames
from movement_check.assessments.metric_names import label
from movement_check.findings.metric_table import display_rows, other_posture_tables
from movement_check.body.poses import Poses

from tests.fixtures.live_stubs import KnownPeople, grey_frame
from tests.fixtures.raiser import Raise, Script, perform
from tests.fixtures.walker import Camera


def _through_the_pipeline(monkeypatch, poses: Poses, **options):
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    frames = [(float(t), grey_frame(poses.frame_size)) for t in poses.times]
    result, prepared = analyse_frames(frames, "leg-raise", name="synthetic raiser", **options)
    return result, prepared


def _value(result, name, side=None):
    return next(m for m in result.metrics if m.name == name and m.side == side)


def _table_camera(y: float) -> Camera:
    return Camera(position=(0.2, y, 0.12), target=(0.2, 0.0, 0.12), focal_px=600.0, size=(1280, 720))


@pytest.mark.parametrize("side_of_table", [-3.0, 3.0])
def test_supine_straight_leg_raise_of_each_leg_seen_from_either_side(monkeypatch, side_of_table):
    script = Script([Raise("left", 1.0, hip=60, knee=0, up=1.5, hold=1.5),
                     Raise("right", 6.0, hip=72, knee=0, up=1.5, hold=1.0)], duration=11, posture="supine")
    poses, truth = perform(script, camera=_table_camera(side_of_table), noise_px=1.0, seed=4)
    result, prepared = _through_the_pipeline(monkeypatch, poses)
    assert prepared.extraction.subject.to_dict()["people_seen"] == 1
    assert result.quality["assessment"]["posture"] == "supine"
    for t in truth:
        assert _value(result, "repetitions", t.side).value == 1
        assert _value(result, "leg_elevation_peak", t.side).value == pytest.approx(t.peak, abs=5.0)
        assert _value(result, "hold_time", t.side).value == pytest.approx(t.hold_s, abs=0.2)


def test_standing_during_the_lying_straight_leg_raise_is_refused(monkeypatch):
    poses, _ = perform(Script([Raise("left", 1.0, hip=70, knee=90)], duration=5))       # standing knee raise
    result, _ = _through_the_pipeline(monkeypatch, poses, posture="supine")
    reps = _value(result, "repetitions")
    assert reps.value is None
    assert reps.note == "the patient was standing: the straight-leg raise is done lying on the back"
    assert all(m.value is None for m in result.metrics)                # nothing to file in the trends
    assert result.quality["assessment"]["posture_refused"] == reps.note


def test_only_the_raises_made_in_the_tests_posture_are_counted():
    """Lying with a straight-leg raise, then standing with a knee raise: the supine test counts the first."""
    from movement_check.assessments.leg_raise.assess import LegRaiseSettings, assess
    from movement_check.pipeline.cleaning import clean

    cam = _table_camera(-3.0)
    lying, lying_truth = perform(Script([Raise("left", 1.0, hip=60, knee=0, up=1.5, hold=1.5)], duration=5,
                                        posture="supine"), camera=cam)
    standing, _ = perform(Script([Raise("right", 1.0, hip=70, knee=90)], duration=5), camera=cam)
    gap = np.full((15,) + lying.image.shape[1:], np.nan)
    stitched = Poses(times=np.arange(len(lying) + 15 + len(standing)) / 30.0,
                     image=np.concatenate([lying.image, gap, standing.image]),
                     world=np.concatenate([lying.world, gap, standing.world]),
                     visibility=np.concatenate([lying.visibility, gap[..., 0], standing.visibility]),
                     presence=np.concatenate([lying.presence, gap[..., 0], standing.presence]),
                     frame_size=lying.frame_size, source={})
    found = assess(clean(stitched)[0], settings=LegRaiseSettings(posture="supine"))
    reps = {m.side: m.value for m in found.metrics if m.name == "repetitions"}
    assert reps == {None: 1, "left": 1, "right": 0}
    assert "standing left out" in found.quality["posture_parts_left_out"]
    peak = next(m.value for m in found.metrics if m.name == "leg_elevation_peak" and m.side == "left")
    assert peak == pytest.approx(lying_truth[0].peak, abs=5.0)


def test_lying_filmed_from_the_feet_is_not_refused_as_standing(monkeypatch):
    """End-on, a lying trunk looks upright: the test's posture is taken as given, with the end-on warning."""
    script = Script([Raise("left", 1.0, hip=60, knee=0, up=1.5, hold=1.5)], duration=5, posture="supine")
    poses, _ = perform(script, camera=Camera(position=(2.5, 0.0, 1.2), target=(0.0, 0.0, 0.12), focal_px=900.0,
                                             size=(1280, 720)))
    result, _ = _through_the_pipeline(monkeypatch, poses, posture="supine")
    assert "posture_refused" not in result.quality["assessment"]
    assert _value(result, "repetitions", "left").value == 1


# ------------------------------------------------------------------ a clip in two postures, the test found (issue 18)
def _standing_then_lying(standing_script, lying_script, gap_s=0.5):
    """One camera beside the patient: standing, then (after ``gap_s`` nobody seen) lying on a table."""
    cam = Camera(position=(0.2, -3.0, 0.5), target=(0.2, 0.0, 0.5), focal_px=600.0, size=(1280, 720))
    standing, standing_truth = perform(standing_script, camera=cam)
    lying, lying_truth = perform(lying_script, camera=cam)
    offset = standing.times[-1] + gap_s
    lying = Poses(times=lying.times + offset, image=lying.image, world=lying.world, visibility=lying.visibility,
                  presence=lying.presence, frame_size=lying.frame_size, source=lying.source)
    times = np.arange(0.0, lying.times[-1] + 1e-6, 1 / 30)
    return standing, lying, times, standing_truth, lying_truth, offset


def _auto(monkeypatch, *poses, times):
    """What ``analyse_clip(..., "auto")`` does (the test found from the subject's trajectories), on frames
    a stub pose model "sees"."""
    from movement_check.analysis import assess
    from movement_check.assessments.which_test import detect_test

    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(*poses))
    frames = [(float(t), grey_frame(poses[0].frame_size)) for t in times]
    _, prepared = analyse_frames(frames, "leg-raise", name="synthetic visit")
    test, why = detect_test(prepared.poses)
    result = assess(test, prepared)
    result.quality["test_detected"] = why
    return result, prepared


def test_auto_reports_the_raises_of_each_posture_in_their_own(monkeypatch):
    """Standing knee raises, then the lying straight-leg raise, in one clip with the test found from it: the
    standing raises are the result's metrics (held longest); the lying ones are measured as lying raises
    beside them, not dropped. Before: '9 s lying down left out', their raises nowhere."""
    import json

    from movement_check.analysis import assess as assess_result

    standing, lying, times, standing_truth, lying_truth, offset = _standing_then_lying(
        Script([Raise("left", 1.0, hip=70, knee=90), Raise("right", 5.0, hip=60, knee=90)], duration=10),
        Script([Raise("left", 1.0, hip=60, knee=0, up=1.5, hold=1.5),
                Raise("right", 5.5, hip=50, knee=0, up=1.5, hold=1.0)], duration=9, posture="supine"))
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(standing, lying))
    frames = [(float(t), grey_frame(standing.frame_size)) for t in times]
    result, prepared = analyse_frames(frames, "leg-raise", name="synthetic visit")
    assert prepared.extraction.subject.to_dict()["people_seen"] == 1
    found = result.quality["assessment"]
    assert found["posture"] == "standing"
    assert [r["side"] for r in found["repetitions"]] == ["left", "right"]
    (lying_part,) = found["other_postures"]
    assert lying_part["posture"] == "supine" and lying_part["from_s"] >= offset - 0.1
    assert [r["side"] for r in lying_part["repetitions"]] == ["left", "right"]
    for rep, truth in zip(lying_part["repetitions"], lying_truth):
        assert rep["peak_angle"] == pytest.approx(truth.peak, abs=5.0)
        assert rep["start_s"] > offset
    assert any("made lying down" in w and "other_postures" in w for w in result.warnings)
    json.dumps(result.to_dict())                                           # the CLI's JSON holds it
    # the app and the report show the lying raises as their own table, under their own heading
    (heading, part), = other_posture_tables(result.to_dict())
    assert heading.startswith("Raises made lying on the back (") and heading.endswith("measured on their own")
    rows = {(r["Measure"], r["Side"]): r["Value"] for r in display_rows(part)}
    peaks = {side: float(v.split()[0].rstrip("°")) for (measure, side), v in rows.items()
             if measure == label("leg_elevation_peak") and v}
    assert peaks.keys() == {"left", "right"}
    for truth in lying_truth:
        assert peaks[truth.side] == pytest.approx(truth.peak, abs=5.0)
    # the test found from the clip gives the same
    auto, _ = _auto(monkeypatch, standing, lying, times=times)
    assert auto.test == "leg-raise"
    assert [p["posture"] for p in auto.quality["assessment"]["other_postures"]] == ["supine"]
    # a posture given is the test's posture: the other part is left out, as before
    given = assess_result("leg-raise", prepared, posture="standing")
    assert "other_postures" not in given.quality["assessment"]


def test_auto_finds_raises_made_only_in_the_shorter_posture(monkeypatch):
    """Standing still for 12 s (no raise), then lying for one straight-leg raise: a leg-raise test measured
    lying down. Before: read as a standing raise by the test finder, then 0 raises standing."""
    standing, lying, times, _, lying_truth, offset = _standing_then_lying(
        Script([], duration=12), Script([Raise("left", 1.0, hip=60, knee=0, up=1.5, hold=1.5)], duration=5,
                                        posture="supine"))
    result, _ = _auto(monkeypatch, standing, lying, times=times)
    assert result.test == "leg-raise" and "lying down" in result.quality["test_detected"]
    found = result.quality["assessment"]
    assert found["posture"] == "supine"
    assert [r["side"] for r in found["repetitions"]] == ["left"]
    assert found["repetitions"][0]["peak_angle"] == pytest.approx(lying_truth[0].peak, abs=5.0)
    assert "standing left out" in found["posture_parts_left_out"]


def test_leaving_for_two_seconds_and_coming_back_is_one_patient(monkeypatch):
    """A knee raise, out of the picture for 2 s, back 300 px to the side for the other knee: one person,
    both raises counted (the leaving and coming back is no raise)."""
    first, _ = perform(Script([Raise("left", 1.0, hip=70, knee=90)], duration=4.5))
    second, _ = perform(Script([Raise("right", 1.0, hip=70, knee=90)], duration=4.5))
    offset = first.times[-1] + 2.0
    second = Poses(times=second.times + offset, image=second.image + np.array([300.0, 0.0, 0.0]),
                   world=second.world, visibility=second.visibility, presence=second.presence,
                   frame_size=second.frame_size, source=second.source)
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(first, second))
    frames = [(float(t), grey_frame(first.frame_size)) for t in np.arange(0.0, second.times[-1] + 1e-6, 1 / 30)]
    result, prepared = analyse_frames(frames, "leg-raise", name="synthetic visit")
    assert prepared.extraction.subject.to_dict()["people_seen"] == 1
    assert [r["side"] for r in result.quality["assessment"]["repetitions"]] == ["left", "right"]
