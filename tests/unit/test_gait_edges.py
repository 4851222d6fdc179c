"""A walk's edges (synthetic inputs with known answers; the real clips cut a few frames later are in
test_gait_accuracy): a heel strike where the seen data starts or stops (events._edge_peaks), and a walk's first or
last step added from a landing (landings.edge_step_window)."""

import numpy as np
import pytest


def test_a_bump_on_the_way_down_from_a_strike_before_the_clip_is_no_strike():
    """A clip that starts just after a heel strike: the signal falls from its first sample, with a small bump on the
    way down (the limp cut 3-5 frames later had one, 5 px of a 64 px strike). The bump is a strict local peak
    within EDGE_SAMPLES of the start and the seen side falls far after it, but the signal fell before it (it did
    not rise into it from the edge) and it is well short of the walk's strikes: no strike. The same bump rising
    from the edge all the way, but short of the strikes' height, is none either."""
    from movement_check.assessments.gait.events import find_extrema

    times = np.arange(60) / 30.0
    signal = 0.5 * np.cos(2 * np.pi * (times - 0.4) / 1.1)       # peaks at frame 12 and 45
    seen = signal.copy()
    seen[:16] = np.nan                                             # first seen 4 frames after the peak
    seen[16:21] += np.array([0.0, -0.05, 0.0, 0.04, 0.0])          # falling, dipping, then a bump at frame 19
    assert [round(e.frame) for e in find_extrema(times, seen, kind="max", min_interval_s=0.3, min_prominence=0.1,
                                                 edges=True)] == [45]
    low = signal.copy()
    low[:18] = np.nan
    low[18:21] = signal[21] + np.array([-0.04, -0.02, 0.005])     # rising from the edge into a bump at frame 20,
    assert low[20] < 0.0                                           # near the signal's middle, far from a strike
    assert [round(e.frame) for e in find_extrema(times, low, kind="max", min_interval_s=0.3, min_prominence=0.1,
                                                 edges=True)] == [45]


def test_a_walk_s_first_or_last_step_is_like_its_other_steps():
    from movement_check.assessments.gait.landings import EDGE_STEP_RANGE, edge_step_window

    even = [0.0, 0.5, 1.0, 1.5]
    assert edge_step_window(even, 0.5) == pytest.approx((0.425, 0.75))
    limp = [0.0, 0.4, 1.2, 1.6, 2.4]                              # short and long steps: both count
    assert edge_step_window(limp, 0.6) == pytest.approx((0.36, 0.9))
    early = [0.0, 0.5, 1.0, 1.42]                                 # the last strike found early: the next step long
    assert edge_step_window(early, 0.5) == pytest.approx((0.357, 0.75))
    assert edge_step_window([0.0, 0.5], 0.5) == pytest.approx((EDGE_STEP_RANGE[0] * 0.5, EDGE_STEP_RANGE[1] * 0.5))


def test_an_edge_strike_with_a_flat_top_or_a_held_edge_frame_is_kept_at_either_end():
    """A strike right where the seen data starts or stops keeps counting when two samples are equal on the short
    side: a flat top (the last two frames before the clip stops at the same height) or a frame held at the edge (a
    video call repeats a frame). Neither is the signal falling between the edge and the peak, and the rule is the
    same at the start as at the (mirrored) end."""
    from movement_check.assessments.gait.events import find_extrema

    times = np.arange(60) / 30.0
    signal = 0.5 * np.cos(2 * np.pi * (times - 0.4) / 1.1)       # peaks at frame 12 and 45

    def strikes(seen):
        return [round(e.frame) for e in find_extrema(times, seen, kind="max", min_interval_s=0.3,
                                                     min_prominence=0.1, edges=True)]
    flat = signal.copy()
    flat[:11] = np.nan                                             # seen from frame 11, a flat top at 12-13
    flat[13] = flat[12]
    assert strikes(flat)[0] in (12, 13)
    assert strikes(flat[::-1].copy())[-1] in (46, 47)              # the same stopping: before, lost
    held = signal.copy()
    held[:9] = np.nan                                              # seen from frame 9, held for one frame
    held[9] = held[10]
    assert strikes(held) == [12, 45]
    assert strikes(held[::-1].copy()) == [14, 47]


def test_a_high_bump_on_the_way_down_is_no_strike_though_it_reaches_a_strike_s_height():
    """The clip starts 2 frames after a strike: the signal falls, then bumps up again still near the strike's
    height (above EDGE_REACH of the way to the walk's strikes). Only the rise-into-it rule tells it is no strike
    (the bump test above is also short of the strikes' height, so it holds without that rule)."""
    from movement_check.assessments.gait.events import EDGE_REACH, find_extrema

    times = np.arange(60) / 30.0
    signal = 0.5 * np.cos(2 * np.pi * (times - 0.4) / 1.1)       # peaks at frame 12 and 45
    seen = signal.copy()
    seen[:14] = np.nan
    seen[15] -= 0.05                                               # a dip, then a bump at frame 16
    seen[16] = seen[14] - 0.01
    assert seen[16] > EDGE_REACH * 0.5 and seen[16] > seen[17]
    assert [round(e.frame) for e in find_extrema(times, seen, kind="max", min_interval_s=0.3, min_prominence=0.1,
                                                 edges=True)] == [45]
