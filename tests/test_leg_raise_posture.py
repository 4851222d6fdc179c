"""Leg raises measured in their own posture, through the same path as a clip or a live step (a stub pose
model "sees" the synthetic raiser's known landmarks in each frame)."""

import numpy as np
import pytest

import movement_check.extraction as extraction
from movement_check.analysis import analyze_frames
from movement_check.poses import Poses

from .live_stubs import KnownPeople, grey_frame
from .raiser import Raise, Script, perform
from .walker import Camera


def _through_the_pipeline(monkeypatch, poses: Poses, **options):
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    frames = [(float(t), grey_frame(poses.frame_size)) for t in poses.times]
    result, prepared = analyze_frames(frames, "leg-raise", name="synthetic raiser", **options)
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
    from movement_check.assessments.leg_raise import LegRaiseSettings, assess
    from movement_check.cleaning import clean

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
