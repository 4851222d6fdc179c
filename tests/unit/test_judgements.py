"""The body's judgements shared by the clips and the live cues: the view, the leading ankle, a lifted foot, the
leg that bears the weight, one leg up. Known answers on hand-made frames, then the live counters against the
clip's rule on the synthetic raiser."""

import numpy as np
import pytest

import movement_check.assessments.foot_rotation.footprints as footprints
import movement_check.assessments.leg_raise.front_thigh as front_thigh
import movement_check.live.cues as lc
import movement_check.assessments.leg_raise.raises as raises
import movement_check.assessments.leg_raise.stance as stance
from movement_check.assessments import stride_stats
from movement_check.body.landmarks import OTHER, SIDES, Landmark as L
from movement_check.assessments.leg_raise.raises import (RaiseSettings, floor_levels, hysteresis_step, lift_above, one_leg_up,
                                   raise_angles, up_masks)
from movement_check.assessments.leg_raise.stance import stands_under
from movement_check.body.views import FRONT, SIDE, frame_views, shoulder_ratio, view_of
from movement_check.body.body_size import leg_lengths
from movement_check.body.walking import ankles_apart, leading_ankle
from tests.fixtures.raiser import Raise, Script as RaiseScript, perform


def _frame(shoulders_dx: float, shoulders_dy: float = 0.0) -> np.ndarray:
    """A standing body 100 px of trunk tall: hips at (500, 400) +- 20 px, shoulders 100 px above their midpoint,
    ``shoulders_dx`` px apart horizontally (and ``shoulders_dy`` vertically), legs 200 px straight down."""
    p = np.full((33, 3), np.nan)
    p[:, 2] = 0.0
    p[L.LEFT_HIP, :2], p[L.RIGHT_HIP, :2] = (520, 400), (480, 400)
    p[L.LEFT_SHOULDER, :2] = (500 + shoulders_dx / 2, 300 - shoulders_dy / 2)
    p[L.RIGHT_SHOULDER, :2] = (500 - shoulders_dx / 2, 300 + shoulders_dy / 2)
    for side, x in (("left", 520), ("right", 480)):
        hip, knee, ankle = (getattr(L, f"{side.upper()}_{j}") for j in ("HIP", "KNEE", "ANKLE"))
        p[knee, :2], p[ankle, :2] = (x, 500), (x, 600)
    return p


# -- the view --------------------------------------------------------------------------------------

def test_side_on_and_facing_frames_are_told_apart_by_the_shoulders_over_the_trunk():
    side_on, facing = _frame(10.0), _frame(75.0)
    assert shoulder_ratio(side_on) == pytest.approx(0.10)
    assert shoulder_ratio(facing) == pytest.approx(0.75)
    assert view_of(shoulder_ratio(side_on)) == SIDE and view_of(shoulder_ratio(facing)) == FRONT
    assert view_of(0.49) == SIDE and view_of(0.5) == FRONT                        # one cut-off, 0.5
    assert lc.seen_view(side_on) == SIDE and lc.seen_view(facing) == FRONT       # the live cue: the same rule


def test_the_view_counts_the_shoulders_horizontal_distance_only():
    # shoulders one above the other (a side-on body leaning toward the camera): 60 px apart, none of it across
    leaning = _frame(0.0, shoulders_dy=60.0)
    assert shoulder_ratio(leaning) == pytest.approx(0.0) and lc.seen_view(leaning) == SIDE


def test_the_view_of_a_trajectory_is_the_view_of_each_frame_and_unseen_shoulders_are_unknown():
    frames = np.stack([_frame(10.0), _frame(75.0), _frame(30.0)])
    unseen = _frame(75.0)
    unseen[L.LEFT_SHOULDER] = np.nan
    clip = np.concatenate([frames, unseen[None]])
    np.testing.assert_allclose(shoulder_ratio(clip)[:3], [0.10, 0.75, 0.30])
    assert list(frame_views(clip)) == [SIDE, FRONT, SIDE, FRONT]                  # a clip counts unknown as front
    assert lc.seen_view(unseen) is None                                          # the live cue says nothing


# -- the leading ankle -----------------------------------------------------------------------------

def test_the_leading_ankle_is_read_along_x_side_on_and_along_y_toward_the_camera():
    p = _frame(10.0)
    p[L.LEFT_ANKLE, :2] = (540, 600)                      # left 60 px ahead in x, level in y
    assert ankles_apart(p, SIDE) == pytest.approx(60.0) and ankles_apart(p, FRONT) == pytest.approx(0.0)
    leg = 200.0
    assert leading_ankle(60.0, leg, SIDE) == 1 and leading_ankle(-60.0, leg, SIDE) == -1
    assert leading_ankle(15.0, leg, SIDE) == 0            # under 10 % of the leg apart side-on: not known
    assert leading_ankle(7.0, leg, FRONT) == 1            # toward the camera 3 % is enough (6 px)
    assert leading_ankle(float("nan"), leg, SIDE) == 0
    np.testing.assert_array_equal(leading_ankle(np.array([60.0, 15.0, -7.0]), leg, np.array([SIDE, SIDE, FRONT])),
                                  [1, 0, -1])
    np.testing.assert_allclose(leg_lengths(p), [np.hypot(20, 200), 200.0])


def test_the_live_step_counter_counts_each_change_of_the_leading_ankle_once():
    counters = lc.Counters()
    for dx in (60, 10, -10, -60, -5, 5, -5, 60, 60, -60):      # jitter near the crossing counts nothing
        p = _frame(10.0)
        p[L.LEFT_ANKLE, 0] = 500 + dx / 2
        p[L.RIGHT_ANKLE, 0] = 500 - dx / 2
        counters.update(0.0, p)
    assert counters.steps == 3


# -- a raise ---------------------------------------------------------------------------------------

def test_a_foot_is_off_the_floor_by_its_height_above_its_own_floor_in_leg_lengths():
    assert lift_above(585.0, 600.0, 200.0) == pytest.approx(0.075)
    np.testing.assert_allclose(lift_above(np.array([600.0, 590.0]), 600.0, 200.0), [0.0, 0.05])
    s = RaiseSettings()
    # on above 0.06, off below 0.03: 0.05 does not lift a foot that is down, nor bring down one that is up
    assert [hysteresis_step(False, v, s.lift_on, s.lift_off) for v in (0.05, 0.07)] == [False, True]
    assert [hysteresis_step(True, v, s.lift_on, s.lift_off) for v in (0.05, 0.02)] == [True, False]
    # a foot never seen down (its "floor" 30 px above the other's, 4 x 0.06 x 100 = 24 px) takes the other's
    assert floor_levels({"left": 570.0, "right": 600.0}, 100.0) == {"left": 600.0, "right": 600.0}
    assert floor_levels({"left": 590.0, "right": 600.0}, 100.0) == {"left": 590.0, "right": 600.0}


def test_a_leg_bears_the_weight_while_its_hip_keeps_most_of_its_upright_height():
    assert stands_under(170.0, 200.0) and not stands_under(150.0, 200.0)
    assert not stands_under(float("nan"), 200.0)
    np.testing.assert_array_equal(stands_under(np.array([200.0, 159.0]), 200.0), [True, False])


def test_one_leg_is_up_only_on_its_own_and_over_a_leg_bearing_the_weight():
    up = one_leg_up({"left": True, "right": False}, {"left": True, "right": True})
    assert up == {"left": True, "right": False}
    assert not any(one_leg_up({"left": True, "right": True}, {"left": True, "right": True}).values())   # a jump
    assert not any(one_leg_up({"left": True, "right": False}, {"left": True, "right": False}).values())  # a squat
    assert one_leg_up({"left": False, "right": True})["right"]                              # lying: no stance
    lifted = {"left": np.array([True, True, False]), "right": np.array([False, True, False])}
    np.testing.assert_array_equal(one_leg_up(lifted)["left"], [True, False, False])


def test_the_live_hold_timer_lying_down_follows_the_clips_raise_rule():
    r = Raise("right", 1.0, hip=50, knee=0, hold=2.0)
    poses, _ = perform(RaiseScript([r], duration=5.0, posture="supine"))
    counters = lc.Counters()
    for i, t in enumerate(poses.times):
        counters.update(float(t), poses.image[i], raised_side="right", lying=True)
    angles = raise_angles(poses, "supine", SIDE)
    up = up_masks(poses, "supine", angles)["right"]
    frames = np.flatnonzero(up)
    expected = float(poses.times[frames[-1]] - poses.times[frames[0]])
    assert expected > 2.0 and counters.raises == 1
    assert counters.longest_hold_s == pytest.approx(expected, abs=1.5 / 30)


def test_the_legs_are_named_once():
    assert SIDES == ("left", "right") and OTHER == {"left": "right", "right": "left"}
    for module in (stance, raises, front_thigh, footprints, stride_stats):
        assert module.SIDES is SIDES
