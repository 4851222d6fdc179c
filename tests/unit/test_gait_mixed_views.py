"""A walk seen both from the front and from the side (toward the camera, then across the room): its steps timed from
the side, its side angles from the side, its pelvic drop from the front (known answers: the synthetic walker filmed
both ways and joined, nobody seen for a second between)."""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.body.poses import Poses
from movement_check.pipeline.cleaning import clean

from tests.fixtures.reshaped import one_after_the_other
from tests.fixtures.walker import Camera, Script, walk

FRONT_CAMERA = Camera(position=(14.0, 0.0, 1.1), target=(0.0, 0.0, 0.8), focal_px=1400.0)
STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])


def _metrics(poses: Poses):
    found = assess(clean(poses)[0], settings=GaitSettings(height_cm=STEADY.height_m * 100))
    return {(m.name, m.side): m for m in found.metrics}, found


def _dropped(poses: Poses, share: float, seed: int) -> Poses:
    """``share`` of the frames missing at random (frames arriving unevenly)."""
    keep = np.sort(np.random.default_rng(seed).choice(len(poses), int(round(len(poses) * (1 - share))), replace=False))
    return Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                 visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size,
                 source=poses.source)


@pytest.fixture(scope="module")
def both_ways():
    front, _ = walk(STEADY, fps=30.0, camera=FRONT_CAMERA, noise_px=1.0, seed=2)
    side, _ = walk(STEADY, fps=30.0, noise_px=1.0, seed=2)
    return front, side


def test_a_walk_seen_both_ways_is_timed_from_the_side_and_gives_the_angles_of_each_view(both_ways):
    front, side = both_ways
    alone, _ = _metrics(side)
    facing, _ = _metrics(front)
    mixed, found = _metrics(one_after_the_other(front, side))
    assert found.quality["view"] == "mixed"
    # the steps' timing is the side walk's: the front's strikes, 2-3 frames early, no longer lengthen stance
    for key in [("cadence", None), ("stance", "left"), ("stance", "right"), ("double_support", "left"),
                ("step_time", "left"), ("step_time", "right")]:
        assert mixed[key].value == alone[key].value, key
        assert mixed[key].uncertainty == alone[key].uncertainty, key
    assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.01)
    # the side angles from the side (they read "needs a side view" before), the pelvic drop from the front
    assert mixed[("knee_flexion_swing_peak", "left")].value == alone[("knee_flexion_swing_peak", "left")].value
    assert mixed[("knee_flexion_swing_peak", "left")].value is not None
    assert mixed[("trunk_lateral_lean", None)].value is not None
    for key in [("trunk_lateral_lean", None), ("pelvic_drop", "left"), ("pelvic_drop", "right")]:
        assert mixed[key].value == facing[key].value, key
    assert any(w.startswith("steps timed from the walking seen from the side") for w in found.warnings)


def test_frames_arriving_unevenly_still_time_the_side_walk(both_ways):
    """From the front, unevenly arriving frames are not timed; they withheld every timing of a walk seen both ways,
    the side walk's too (the studio front walk then its side walk, 30 % of the frames dropped: no cadence)."""
    front, side = both_ways
    for seed in range(3):
        mixed, _ = _metrics(_dropped(one_after_the_other(front, side), 0.3, seed))
        assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.03), seed
        assert "from the front" not in (mixed[("cadence", None)].note or "")


def test_a_side_walk_too_short_to_time_leaves_the_timing_to_the_whole_walk(both_ways):
    front, side = both_ways
    n = 105                                   # 1 s standing, 2.5 s walking across: too few strides to time alone
    short = Poses(times=side.times[:n], image=side.image[:n], world=side.world[:n], visibility=side.visibility[:n],
                  presence=side.presence[:n], frame_size=side.frame_size, source=side.source)
    mixed, found = _metrics(one_after_the_other(front, short))
    assert found.quality["view"] == "mixed"
    assert not any(w.startswith("steps timed from the walking seen from the side") for w in found.warnings)
    assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.03)
