"""A walk the camera sees at an angle: the shoulders apart (a front view by the shoulders' rule) while the feet
cross the picture. Its steps are timed along the image x as from the side; the angles that need the camera square
to the walk are withheld with the reason (synthetic walker, known heel strikes). And a front view whose strides
disagree gives no cadence (step_timing.front_strides_problem)."""

import numpy as np
import pytest

from movement_check.assessments.gait.angles import AT_AN_ANGLE, angle_metrics_for, side_angle_metrics
from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.assessments.gait.figures import gait_cycle_figure
from movement_check.assessments.gait.strides import analyse
from movement_check.body.views import FRONT, SIDE, shoulder_ratio, SIDE_VIEW_MAX_RATIO
from movement_check.body.walking import MAX_INTERRUPTION_S, find_bouts
from movement_check.pipeline.cleaning import clean

from tests.fixtures.cameras import camera
from tests.fixtures.walker import SIDE_CAMERA, Camera, Script, walk

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


@pytest.mark.parametrize("oblique_deg", [0.0, 10.0])
@pytest.mark.parametrize("speed, cadence", [(0.8, 100), (1.2, 110), (1.5, 130)])
@pytest.mark.parametrize("distance", [5.0, 10.0])
def test_a_walk_toward_the_camera_stays_a_front_view(oblique_deg, speed, cadence, distance):
    """Walking at the camera, straight or a little diagonal (10 deg: the feet swing across the picture by up to
    0.14 leg lengths walking fast, as much as a side view's threshold, but no more than along the image y):
    not taken for a walk across, so the pelvis and trunk are still measured from the front."""
    script = Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)], speed_mps=speed, cadence=cadence)
    poses, _ = walk(script, fps=30.0, noise_px=2.0, seed=1,
                    camera=camera(distance, 1.0, 5.0, oblique_deg, middle=1.5))
    bouts = find_bouts(clean(poses)[0], bridge_s=MAX_INTERRUPTION_S, across=True)
    assert bouts and all(b.view == FRONT and not b.at_angle for b in bouts)


def test_a_walk_well_off_the_camera_axis_is_timed_across():
    """30 deg from the walking line, the shoulders still apart, the feet cross the picture: promoted."""
    script = Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)], speed_mps=1.2, cadence=110)
    poses, _ = walk(script, fps=30.0, noise_px=2.0, seed=1, camera=camera(10.0, 1.0, 5.0, 30.0, middle=1.5))
    poses = clean(poses)[0]
    assert {b.view for b in find_bouts(poses, bridge_s=MAX_INTERRUPTION_S)} == {FRONT}
    bouts = find_bouts(poses, bridge_s=MAX_INTERRUPTION_S, across=True)
    assert bouts and all(b.view == SIDE and b.at_angle for b in bouts)
    assert _cadence(assess(poses)).value == pytest.approx(110, rel=0.03)


def test_a_walk_seen_square_from_the_side_is_not_at_an_angle():
    poses, _ = walk(Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)]), fps=30.0, noise_px=2.0, seed=1)
    bouts = find_bouts(clean(poses)[0], bridge_s=MAX_INTERRUPTION_S, across=True)
    assert bouts and all(b.view == SIDE and not b.at_angle for b in bouts)
    assert "seen_at_an_angle" not in bouts[0].to_dict()


# a wide-angle camera (focal 500 px: 104 deg across) 4.5 m from a walk across: near the picture's left edge the walker
# is seen at an angle (shoulders apart: a bout at_angle), then square (a side bout) -- one clip holding both
WIDE_ANGLE = Camera(position=(6.0, -4.5, 1.0), target=(6.0, 0.0, 0.9), focal_px=500.0)


def _wide_angle_walk():
    poses, _ = walk(Script(segments=[("walk", 9.0)], speed_mps=1.0), fps=30.0, noise_px=2.0, seed=1,
                    camera=WIDE_ANGLE)
    return clean(poses)[0]


def test_the_angles_of_a_clip_partly_seen_at_an_angle_come_from_the_square_walk_only():
    """The knee's and foot's angles need no direction of travel, so the strides of the walk at an angle would
    be read too: only those of the square bouts count."""
    poses = _wide_angle_walk()
    walk_ = analyse(poses)
    assert [(b.view, b.at_angle) for b in walk_.bouts] == [(SIDE, True), (SIDE, False)]
    assert any(st.bout == 0 for st in walk_.strides)               # the walk at an angle has strides of its own
    per_side = {s: [st for st in walk_.strides if st.side == s] for s in ("left", "right")}
    square_only = {s: [st for st in per_side[s] if st.bout == 1] for s in per_side}
    shipped, _, _ = angle_metrics_for(poses, walk_.bouts, per_side)
    expected, _ = side_angle_metrics(poses, [walk_.bouts[1]], square_only)
    shipped = {(m.name, m.side): m.value for m in shipped}
    for m in expected:
        assert shipped[(m.name, m.side)] == m.value, (m.name, m.side)


def test_the_gait_cycle_figure_draws_no_angles_from_a_walk_seen_at_an_angle():
    poses, _ = walk(TREADMILL, fps=30.0, noise_px=2.0, seed=1, camera=SIDE_CAMERA)
    poses = clean(poses)[0]
    walk_ = analyse(poses)
    assert walk_.bouts and all(b.at_angle for b in walk_.bouts) and walk_.strides
    fig = gait_cycle_figure(poses, walk=walk_)
    for ax in fig.axes:
        assert not ax.lines
        assert any("square" in t.get_text() for t in ax.texts)


def test_the_front_angles_of_a_walk_seen_at_an_angle_say_why_they_are_withheld():
    poses, _ = walk(TREADMILL, fps=30.0, noise_px=2.0, seed=1, camera=SIDE_CAMERA)
    found = assess(clean(poses)[0])
    lean = next(m for m in found.metrics if m.name == "trunk_lateral_lean")
    assert lean.value is None and "at an angle" in lean.note


def test_a_front_view_whose_strides_disagree_gives_the_feet_rhythm_not_its_strides():
    """From the front, the synthetic walker (its feet do not tip in swing, so the feet's height and pitch time
    little): 3 of the 7 possible strides agreed, and the cadence read 60.3 for 85 (-29 %) with a standard error of
    3.7. Then withheld with the reason; now the cadence is the feet's rhythm (:mod:`.rhythm`: 86.4 +- 1.8), said so,
    and the step and stride times timed from the same strikes stay withheld."""
    script = Script(segments=[("stand", 0.5), ("walk", 8.0), ("stand", 0.5)], speed_mps=0.6, cadence=85)
    poses, _ = walk(script, fps=30.0, noise_px=2.0, seed=2, swap=(40, 70), camera=camera(5.0, 1.0, 5.0, 0.0, middle=2.4))
    found = assess(clean(poses)[0])
    assert found.quality["view"] == FRONT
    c = _cadence(found)
    assert abs(c.value - 85) <= 0.03 * 85 and abs(c.value - 85) <= 1.5 * c.uncertainty
    assert "to-and-fro" in c.note and found.quality["cadence_strides"]["rhythm"] >= 3
    assert any(w.startswith("cadence from the feet's rhythm") and "agreed with each other" in w
               for w in found.warnings)
    assert not any(w.startswith("cadence not given") for w in found.warnings)
    timed = [m for m in found.metrics if m.name in ("step_time", "stride_time", "stance", "stride_time_cv")]
    assert timed and all(m.value is None for m in timed)
    assert all("agreed with each other" in m.note for m in timed if m.name == "step_time")


def test_the_front_strides_rule_counts_the_strides_the_strikes_could_make():
    from movement_check.assessments.gait.events import Extremum, HEEL_STRIKE, TOE_OFF
    from movement_check.assessments.gait.step_timing import front_strides_problem
    from movement_check.assessments.gait.strides import GaitAnalysis
    from movement_check.body.walking import Bout

    def strikes(times):
        return [Extremum(t * 30, t, 0.0, 1.0) for t in times]

    def analysis(view):
        found = {0: {"left": {HEEL_STRIKE: strikes([0.0, 1.2, 2.4, 3.6]), TOE_OFF: []},
                     "right": {HEEL_STRIKE: strikes([0.6, 1.8, 3.0, 4.2]), TOE_OFF: []}}}
        return GaitAnalysis(bouts=[Bout(0, 150, view, 1, 0.0, 5.0)], found=found, strides=[],
                            steps={"left": [], "right": []}, side_votes={}, dropped=None, asked=(None, 1.5))
    # eight strikes: six strides possible; four needed
    assert front_strides_problem(analysis(FRONT), 4) is None
    assert "3 of the 6" in front_strides_problem(analysis(FRONT), 3)
    assert front_strides_problem(analysis(SIDE), 0) is None       # a side view's events are surer: not this rule
