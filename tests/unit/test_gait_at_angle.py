"""A walk the camera sees at an angle: the shoulders apart (a front view by the shoulders' rule) while the feet
cross the picture. Its steps are timed along the image x as from the side; the angles that need the camera square
to the walk are withheld with the reason (synthetic walker, known heel strikes)."""

import numpy as np
import pytest

from movement_check.assessments.gait.angles import AT_AN_ANGLE
from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.body.views import FRONT, SIDE, shoulder_ratio, SIDE_VIEW_MAX_RATIO
from movement_check.body.walking import MAX_INTERRUPTION_S, find_bouts
from movement_check.pipeline.cleaning import clean

from tests.fixtures.cameras import camera
from tests.fixtures.walker import SIDE_CAMERA, Script, walk

# on a treadmill (no travel) at the walk's start, 3.6 m to the side of where the camera points: 39 deg off its
# axis, so the near shoulder shows beside the far one (the shoulders' ratio ~0.6: "front"), while the feet move
# across the picture as side-on
TREADMILL = Script(segments=[("walk", 8.0)], speed_mps=0.0)


def _cadence(found):
    return next(m for m in found.metrics if m.name == "cadence")


@pytest.mark.parametrize("fps", [30.0, 24.0, 15.0])
@pytest.mark.parametrize("cadence", [85.0, 110.0])
def test_a_treadmill_seen_at_an_angle_is_timed_from_the_feet_crossing_the_picture(fps, cadence):
    script = Script(segments=TREADMILL.segments, speed_mps=0.0, cadence=cadence)
    poses, _ = walk(script, fps=fps, noise_px=2.0, seed=1, camera=SIDE_CAMERA)
    poses = clean(poses)[0]
    assert np.nanmedian(shoulder_ratio(poses.image)) > SIDE_VIEW_MAX_RATIO      # the shoulders say front
    # the shoulders' rule alone: a front view, whose timing from the feet's height fails here
    assert {b.view for b in find_bouts(poses, bridge_s=MAX_INTERRUPTION_S)} == {FRONT}
    bouts = find_bouts(poses, bridge_s=MAX_INTERRUPTION_S, across=True)
    assert [(b.view, b.at_angle) for b in bouts] == [(SIDE, True)]
    found = assess(poses, settings=GaitSettings(height_cm=175.0))
    c = _cadence(found)
    assert c.value == pytest.approx(cadence, rel=0.03)
    assert found.quality["walking_bouts"][0]["seen_at_an_angle"] is True
    assert any("at an angle" in w for w in found.warnings)
    by_name = {(m.name, m.side): m for m in found.metrics}
    # foreshortened: the sagittal angles, and speed and step length, are not given; nor the pelvis's tilt
    for name in ("knee_flexion_swing_peak", "knee_range", "hip_range", "ankle_dorsiflexion_mid_swing"):
        for side in ("left", "right"):
            assert by_name[(name, side)].value is None and by_name[(name, side)].note == AT_AN_ANGLE
    assert by_name[("gait_speed", None)].value is None
    assert "at an angle" in by_name[("step_length", "left")].note
    assert by_name[("pelvic_drop", "left")].value is None


def test_the_heel_strikes_of_a_walk_seen_at_an_angle_are_on_time():
    poses, truth = walk(TREADMILL, fps=30.0, noise_px=2.0, seed=2, camera=SIDE_CAMERA)
    found = assess(clean(poses)[0])
    detected = np.array(sorted(e.time_s for e in found.events if e.name == "heel_strike"))
    expected = [t for s, n, t in truth.events if n == "heel_strike" and 1.0 < t < 7.0]
    errors = [np.min(np.abs(detected - t)) for t in expected]
    assert np.median(errors) <= 1.0 / 30 and max(errors) <= 2.0 / 30


def test_a_walk_toward_the_camera_stays_a_front_view():
    """Walking straight at the camera the feet keep their sides of the picture: not taken for a walk across."""
    script = Script(segments=[("stand", 0.5), ("walk", 4.0), ("stand", 0.5)], speed_mps=0.8, cadence=100)
    poses, _ = walk(script, fps=30.0, noise_px=2.0, seed=1, camera=camera(7.0, 1.0, 5.0, 0.0, middle=1.6))
    bouts = find_bouts(clean(poses)[0], bridge_s=MAX_INTERRUPTION_S, across=True)
    assert bouts and all(b.view == FRONT and not b.at_angle for b in bouts)


def test_a_walk_seen_square_from_the_side_is_not_at_an_angle():
    poses, _ = walk(Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)]), fps=30.0, noise_px=2.0, seed=1)
    bouts = find_bouts(clean(poses)[0], bridge_s=MAX_INTERRUPTION_S, across=True)
    assert bouts and all(b.view == SIDE and not b.at_angle for b in bouts)
    assert "seen_at_an_angle" not in bouts[0].to_dict()
