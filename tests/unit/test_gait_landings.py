"""A foot's landing from its own movement (assessments/gait/landings.py): known swings, and a step-to walk.

Each swing below has a triangular speed profile: the foot speeds up at a constant rate for ``ACCEL_S``, then
slows down at a constant rate for ``DECEL_S`` and stands still on the floor. Its speed falls to
``LANDED_SHARE_OF_PEAK`` of the peak ``(1 - share) * DECEL_S`` after the peak, i.e. ``share * DECEL_S``
before the foot stops: that is where a landing must be found (within 10 ms, a third of a frame: the speed
is differentiated between frames).
"""

import numpy as np
import pytest

from movement_check.assessments.gait.events import Extremum
from movement_check.assessments.gait.landings import LANDED_SHARE_OF_PEAK, foot_landings, landed
from movement_check.body.landmarks import N_LANDMARKS, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.walking import Bout

FPS = 30.0
LEG_PX = 200.0
ACCEL_S, DECEL_S = 0.2, 0.16


def _swing_path(times: np.ndarray, starts: list[float], length_px: float, x0: float = 0.0, *,
                accel_s: float = ACCEL_S, decel_s: float = DECEL_S) -> np.ndarray:
    """A foot's forward position: standing, then a swing of ``length_px`` from each of ``starts``."""
    x = np.full(times.shape, x0, dtype=float)
    peak = 2 * length_px / (accel_s + decel_s)          # the triangle's area is the swing's length
    for s in starts:
        u = times - s
        up = (u > 0) & (u <= accel_s)
        down = (u > accel_s) & (u <= accel_s + decel_s)
        after = u > accel_s + decel_s
        x[up] += 0.5 * peak / accel_s * u[up] ** 2
        d = u[down] - accel_s
        x[down] += 0.5 * peak * accel_s + peak * d - 0.5 * peak / decel_s * d ** 2
        x[after] += length_px
    return x


def _landing(start: float, *, accel_s: float = ACCEL_S, decel_s: float = DECEL_S) -> float:
    return start + accel_s + decel_s - LANDED_SHARE_OF_PEAK * decel_s


def test_a_slow_swing_lands_where_its_speed_falls_under_its_share_even_below_the_swing_speed():
    """A slow swing (peak 0.55 leg lengths a second, slowing down over 1 s): 30 % of its peak lies under the speed
    that marks a swing, 2 frames after the swing's run ends; its landing is still found there."""
    times = np.arange(0, 4.0, 1 / FPS)
    slow = _swing_path(times, [1.0], 0.385 * LEG_PX, accel_s=0.4, decel_s=1.0)
    found = foot_landings(times, slow, scale=LEG_PX)
    assert len(found) == 1
    assert found[0].time_s == pytest.approx(_landing(1.0, accel_s=0.4, decel_s=1.0), abs=0.01)


def test_a_landing_is_where_the_swing_has_slowed_to_its_share_of_the_peak():
    times = np.arange(0, 4.0, 1 / FPS)
    starts = [0.5, 1.6, 2.7]
    found = foot_landings(times, _swing_path(times, starts, 0.8 * LEG_PX), scale=LEG_PX)
    assert [e.time_s for e in found] == pytest.approx([_landing(s) for s in starts], abs=0.01)
    assert [e.value for e in found] == pytest.approx([0.8] * 3, abs=0.02)     # each swing's length, leg lengths
    # walking the other way, the same path mirrored gives nothing forward
    assert foot_landings(times, -_swing_path(times, starts, 0.8 * LEG_PX), scale=LEG_PX) == []


def test_a_shuffle_and_landmark_jitter_are_not_swings():
    times = np.arange(0, 3.0, 1 / FPS)
    shuffle = _swing_path(times, [1.0], 0.2 * LEG_PX)          # under SWING_MIN_LEGS: the feet set again
    jitter = np.random.default_rng(0).normal(0, 1.5, times.size)
    assert foot_landings(times, shuffle + jitter, scale=LEG_PX) == []
    # a real swing in the same jitter is still found, within a frame
    found = foot_landings(times, _swing_path(times, [1.0], 0.8 * LEG_PX) + jitter, scale=LEG_PX)
    assert len(found) == 1 and found[0].time_s == pytest.approx(_landing(1.0), abs=1 / FPS)


def _step_to_walk(seconds: float = 5.0, stop_s: float | None = None, way: int = 1):
    """Walking to the right (``way`` -1: to the left, the picture mirrored), a step-to gait: the left foot steps
    0.8 leg lengths ahead, the right foot comes down beside it, every 1.2 s stride; the pelvis travels the 0.8
    leg lengths a stride, and stands still from ``stop_s`` on (None: it walks on)."""
    times = np.arange(0, seconds, 1 / FPS)
    left_starts = [0.3 + 1.2 * k for k in range(4)]
    right_starts = [s + 0.6 for s in left_starts]
    step = 0.8 * LEG_PX
    left = _swing_path(times, left_starts, step, x0=100.0)
    right = _swing_path(times, right_starts, step, x0=100.0)
    image = np.full((times.size, N_LANDMARKS, 3), np.nan)
    for heel, toe, x in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX, left), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX, right)):
        image[:, heel, 0], image[:, toe, 0] = x - 20, x + 40
        if way < 0:                                  # walking to the left: the picture mirrored
            image[:, heel, 0], image[:, toe, 0] = 1600 - image[:, heel, 0], 1600 - image[:, toe, 0]
        image[:, heel, 1] = image[:, toe, 1] = 600.0
    pelvis = 100.0 + step / 1.2 * (np.minimum(times, stop_s) if stop_s is not None else times)
    image[:, L.LEFT_HIP, 0] = image[:, L.RIGHT_HIP, 0] = pelvis if way > 0 else 1600 - pelvis
    vis = np.ones((times.size, N_LANDMARKS))
    poses = Poses(times=times, image=image, world=np.zeros_like(image), visibility=vis, presence=vis,
                  frame_size=(1600, 720))
    bout = Bout(start=0, stop=times.size, view="side", direction=way, start_s=0.0, stop_s=float(times[-1]))
    return poses, bout, left_starts, right_starts


@pytest.mark.parametrize("way", [1, -1])
def test_a_foot_that_never_leads_is_timed_at_its_landing_and_the_walk_s_last_step_is_added(way):
    poses, bout, left_starts, right_starts = _step_to_walk(way=way)
    lefts = [Extremum(_landing(s) * FPS, _landing(s), 1.0, 0.5) for s in left_starts[:3]]
    # where filling put the right foot's strikes: its own Zeni peak, 3 frames after it landed
    late = [Extremum(_landing(s) * FPS + 3, _landing(s) + 3 / FPS, -0.2, 0.2) for s in right_starts[:2]]
    events = sorted(lefts + late, key=lambda e: e.time_s)
    votes = [1.0 if e in lefts else -1.0 for e in events]
    out, out_votes = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6)
    # the leading foot's strikes are kept; the right's are moved to its landings; the right foot's last step,
    # after the last left strike and found by nobody, is added at its landing
    want = sorted([_landing(s) for s in left_starts[:3]] + [_landing(s) for s in right_starts[:3]])
    assert [e.time_s for e in out] == pytest.approx(want, abs=0.01)
    assert out_votes == [1.0, -1.0, 1.0, -1.0, 1.0, -1.0]
    for e in lefts:
        assert e in out                                    # untouched, not re-timed


def test_a_closing_step_into_standing_is_not_added():
    """The same walk, but the walker stops and stands after the right foot's third landing (the pelvis still
    from then on): that last step is not steady walking, and is not added."""
    third_right = _landing(_step_to_walk()[3][2])
    poses, bout, left_starts, right_starts = _step_to_walk(stop_s=third_right)
    lefts = [Extremum(_landing(s) * FPS, _landing(s), 1.0, 0.5) for s in left_starts[:3]]
    rights = [Extremum(_landing(s) * FPS, _landing(s), -0.2, 0.2) for s in right_starts[:2]]
    events = sorted(lefts + rights, key=lambda e: e.time_s)
    votes = [1.0 if e in lefts else -1.0 for e in events]
    out, _ = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6)
    assert len(out) == 5


def test_an_added_edge_step_is_voted_to_the_foot_that_landed_not_copied_from_its_neighbour():
    """The walk's last step is the right foot's landing; the last strike before it carries a wrong (right) vote,
    as a pose model's brief swap gives. The added step says what its own foot says (right), instead of the
    opposite of its neighbour's label, which would always agree with alternation."""
    poses, bout, left_starts, right_starts = _step_to_walk()
    lefts = [Extremum(_landing(s) * FPS, _landing(s), 1.0, 0.5) for s in left_starts[:3]]
    rights = [Extremum(_landing(s) * FPS, _landing(s), -0.2, 0.2) for s in right_starts[:2]]
    events = sorted(lefts + rights, key=lambda e: e.time_s)
    votes = [1.0 if e in lefts else -1.0 for e in events]
    votes[-1] = -1.0                                       # the last left strike mislabelled
    out, out_votes = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6)
    assert len(out) == 6 and out[-1].time_s == pytest.approx(_landing(right_starts[2]), abs=0.01)
    assert out_votes[-1] == -1.0


def _clip_starting_mid_walk(seen_before_s: float, *, standing: bool = False, way: int = 1):
    """The step-to walk as a clip that starts ``seen_before_s`` before the right foot's first landing, that
    foot hidden (behind the near leg) until it has landed, so no landing of it is seen; ``standing``: the
    pelvis still until then (the first step from standing). Returns the heel strikes as the Zeni rule and
    filling give them (the left foot's, found; the right foot's second), the right foot's own Zeni peak (3
    frames after it landed: a foot that never leads peaks late) and its first landing's time."""
    poses, bout, left_starts, right_starts = _step_to_walk(way=way)
    first_landing = _landing(right_starts[0])
    start = int(round((first_landing - seen_before_s) * FPS))
    poses.image[:start] = np.nan
    poses.image[:int(first_landing * FPS) + 1, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]] = np.nan
    if standing:
        poses.image[:int(first_landing * FPS) + 1, [L.LEFT_HIP, L.RIGHT_HIP], 0] = poses.image[
            int(first_landing * FPS) + 1, L.LEFT_HIP, 0]
    lefts = [Extremum(_landing(s) * FPS, _landing(s), 1.0, 0.5) for s in left_starts[1:3]]
    rights = [Extremum(_landing(s) * FPS, _landing(s), -0.2, 0.2) for s in right_starts[1:2]]
    events = sorted(lefts + rights, key=lambda e: e.time_s)
    votes = [1.0 if e in lefts else -1.0 for e in events]
    peak = Extremum(first_landing * FPS + 3, first_landing + 3 / FPS, -0.2, 0.2)
    return poses, bout, events, lefts, votes, peak, first_landing


def test_a_clip_starting_mid_walk_gets_its_first_step_from_the_other_foot_s_own_peak():
    """The clip starts 0.4 s (two thirds of a step) before the right foot lands, the walker under way: that
    step, whose swing nobody saw, is the right foot's own Zeni peak before the first strike; given only to the
    foot that did not make the first strike, voted to it."""
    poses, bout, events, lefts, votes, peak, _ = _clip_starting_mid_walk(0.4)
    own = {"left": [], "right": [peak]}
    out, out_votes = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6, own=own)
    assert out[0] == peak and out_votes[0] == -1.0
    assert [e.time_s for e in out[1:len(events) + 1]] == pytest.approx([e.time_s for e in events], abs=0.01)
    # without the feet's own peaks, or with the peak given to the foot that made the first strike, nothing
    for given in (None, {"left": [peak], "right": []}):
        out, _ = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6, own=given)
        assert out[0] == events[0]


@pytest.mark.parametrize("seen_before_s, standing", [(0.15, False), (0.4, True), (1.0, False)])
def test_a_first_step_is_not_added_from_too_little_of_the_clip_nor_from_standing_nor_inside_it(seen_before_s, standing):
    """A quarter of the step before it seen (under ``EDGE_SEEN_SHARE``): whether the walker was walking is not
    known; two thirds seen but the pelvis still (the first step from standing): not steady walking; the whole
    step seen (the clip starts earlier) and no landing in it: a peak with no swing seen is no step."""
    poses, bout, events, lefts, votes, peak, _ = _clip_starting_mid_walk(seen_before_s, standing=standing)
    out, _ = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6,
                    own={"left": [], "right": [peak]})
    assert out[0] == events[0]


@pytest.mark.parametrize("hidden", [False, True])
def test_a_clip_ending_mid_walk_adds_the_last_step_only_where_its_swing_was_seen_to_land(hidden):
    """The step-to walk's clip ends 0.4 s (two thirds of a step) after the right foot's third landing, the
    walker under way. Its landing is the walk's last step, judged by the part of the step after it the clip
    shows. With that swing hidden (behind the near leg) no landing is seen, and its own Zeni peak does not stand
    in: a swing ends at its landing, so this one was inside the clip; the clip's end hid nothing of it (as with
    a clip ending later, a hidden swing inside the clip is no step)."""
    poses, bout, left_starts, right_starts = _step_to_walk()
    third = _landing(right_starts[2])
    peak = Extremum(third * FPS + 3, third + 3 / FPS, -0.2, 0.2)
    poses.image[int(round((peak.time_s + 0.4) * FPS)):] = np.nan
    if hidden:
        swing = slice(int((right_starts[2] - 0.05) * FPS), int(third * FPS) + 2)
        poses.image[swing, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]] = np.nan
    lefts = [Extremum(_landing(s) * FPS, _landing(s), 1.0, 0.5) for s in left_starts[:3]]
    rights = [Extremum(_landing(s) * FPS, _landing(s), -0.2, 0.2) for s in right_starts[:2]]
    events = sorted(lefts + rights, key=lambda e: e.time_s)
    votes = [1.0 if e in lefts else -1.0 for e in events]
    out, out_votes = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6,
                            own={"left": [], "right": [peak]})
    if hidden:
        assert [e.time_s for e in out] == pytest.approx([e.time_s for e in events], abs=0.01)
    else:
        assert len(out) == 6 and out[-1].time_s == pytest.approx(third, abs=0.01) and out_votes[-1] == -1.0


@pytest.mark.parametrize("way", [1, -1])
@pytest.mark.parametrize("at_edge", [True, False])
def test_a_walker_found_as_they_come_into_the_picture_walked_through_their_first_step(at_edge, way):
    """As above, a quarter of the step before the first strike seen, but the walker is first found at the
    picture's edge behind them (the left edge walking right, the right edge walking left): they walked into the
    picture, so they were walking, and the step counts. Whether the detector found them a frame sooner or later
    (the same walk re-encoded or mirrored) no longer decides it. Found away from that edge (a clip that starts
    then), it is not known, as before."""
    poses, bout, events, lefts, votes, peak, _ = _clip_starting_mid_walk(0.15, way=way)
    first = int(np.flatnonzero(np.isfinite(poses.image[:, L.LEFT_HIP, 0]))[0])
    gap = 5.0 if at_edge else 60.0
    if way > 0:
        poses.image[..., 0] -= np.nanmin(poses.image[first, :, 0]) - gap
    else:
        poses.image[..., 0] += (poses.frame_size[0] - gap) - np.nanmax(poses.image[first, :, 0])
    out, out_votes = landed(poses, bout, events, lefts, votes, leg=LEG_PX, pad=0, step_s=0.6,
                            own={"left": [], "right": [peak]})
    if at_edge:
        assert out[0] == peak and out_votes[0] == -1.0
    else:
        assert out[0] == events[0]


def test_after_the_last_strike_the_other_foot_s_landing_comes_first():
    """After the last strike (0.0 s), made by the foot named left (its landing at 0.03 s), the next step is the
    other foot's: the right's landing at 0.75 s is taken before a left one 0.58 s later, though that is nearer (the
    two-people walk as a JPEG-8 video call took such a one, 5 frames before the right foot's true landing). Where
    the other foot has none in reach, the same foot's is all there is (the model may name one foot for both); with
    no landing at the strike, which foot made it is not seen and the landings are one group."""
    from movement_check.assessments.gait.landings import _other_first

    left_at, left_later, right_later = (Extremum(1.0, 0.03, 0.5), Extremum(18.4, 0.58, 0.5),
                                        Extremum(23.2, 0.75, 0.5))
    lands = [(left_at, 1.0), (left_later, 1.0), (right_later, -1.0)]
    assert _other_first(lands, 0.0, 0.6) == [[(right_later, -1.0)], [(left_at, 1.0), (left_later, 1.0)]]
    assert _other_first(lands[1:], 0.0, 0.6) == [lands[1:]]


def test_the_edge_step_looks_through_the_other_foot_s_landings_first_then_the_same_foot_s():
    """``_edge_step`` with the groups of ``_other_first``: the other foot's landing (0.75 s) is taken though the same
    foot's (0.58 s) is nearer; with no other-foot landing in reach, the same foot's is (the model named one foot for
    both). The group test above holds whether ``_edge_step`` looks through the groups in turn, pools them, or
    stops at the first; this one does not."""
    from movement_check.assessments.gait.landings import _edge_step, _other_first

    left_at, left_later, right_later = (Extremum(1.0, 0.03, 0.5), Extremum(18.4, 0.58, 0.5),
                                        Extremum(23.2, 0.75, 0.5))

    def after(lands):
        return _edge_step(_other_first(lands, 0.0, 0.6), [], 0.0, 1, 0.6, lambda t, way: True, -np.inf, (0.36, 0.9))
    assert after([(left_at, 1.0), (left_later, 1.0), (right_later, -1.0)]) == (right_later, -1.0)
    assert after([(left_at, 1.0), (left_later, 1.0)]) == (left_later, 1.0)
