"""How long a step lasts, from how the feet repeat: the spacing that side-view heel strikes are looked for at.

Seen from the side, the signal of both feet together (the leading foot's rear point ahead of the pelvis,
:func:`movement_check.assessments.gait.strides.side_view_events`) repeats once a step; in a limp whose short step
leaves no mark of its own (a step-to gait: one foot lands beside the other and never leads) it repeats once a
stride. One foot's own signal repeats once a stride: when it repeats as often as both feet together, the repeat
is a stride, the limp's. Unless the pose model named the feet front and back rather than left and right: a
low-resolution side view may call the foot ahead "right" whatever foot it is, and each named foot's signal then
repeats once a step too. Taken for a limp's stride, that repeat halves the step and lets a bump between two heel
strikes count as a third (the lab walk, which the model names so, slowed to 69 steps a minute read 112).

The repeat is a stride, as before, when each step of it shows (both feet's signal repeats, weaker, half way
through it: steps that differ, in a limp, or near and far feet seen at different depths), when the walk is seen
at an angle (the step width then keeps one foot ahead in the picture whatever the naming), or with no pelvis
travel to judge by (a treadmill, a camera following the walker). Otherwise the pelvis tells: a step-to limp surges
and nearly stops once a stride (the labelled limp: its forward speed's interquartile range 0.79-1.08 times its
median as filmed, at 12 and 15 fps and 0.8-1.8 times slower; 0.63-0.79 at 8 fps); a walk's pelvis goes on at a
steady speed (0.10-0.37 on the labelled walks at the same rates and paces; up to 0.38 on the synthetic slow walk
with 6 px of landmark noise): then the repeat is a step. The speed is the pelvis's travel over SPEED_OVER_S.
Unless the pelvis goes further over the repeat than any step covers: a step-to limp whose pelvis goes on
steadily (the synthetic walker's: steps of 0.3 and 0.7 of its stride, 1.6 leg lengths a stride) is a stride.
"Further than any step covers" is measured as the pelvis-travel gates measure it, in leg lengths or the feet's reach
along the walk where that is longer (:mod:`movement_check.assessments.gait.step_scale`): on leg lengths alone, a
camera looking down (legs shorter in the picture, steps not) made a slow walk's step a stride and halved it.
"""

from __future__ import annotations

import numpy as np

from scipy.signal import find_peaks

from movement_check.assessments.gait.events import autocorrelation, dominant_period
from movement_check.body.landmarks import Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.walking import Bout, midpoint, travel_slope

#: a limp's pelvis speed varies at least this much over its walk: (upper - lower quartile) / median (between the
#: walks' 0.37 and the limp's 0.63 at most and least: module notes)
LIMP_SPEED_SPREAD = 0.5
#: the lags (shares of the repeat) where a step inside a stride shows in both feet's signal
HALF_WAY = (0.35, 0.65)
#: a typical adult step (s) when the feet show no clear repeat
TYPICAL_STEP_S = 0.55
#: the pelvis's speed is its travel over this long (s): a frame-to-frame difference is mostly landmark noise
SPEED_OVER_S = 0.2


def step_duration(times: np.ndarray, rear: dict[str, np.ndarray], poses: Poses, bout: Bout, *,
                  longest_step_px: float = np.inf) -> float:
    """A side-view bout's step (s): the repeat of both feet's signals together (``rear``: per side, the foot's
    rear point ahead of the pelvis), halved when it is a limp's stride (see the module notes), or when the pelvis
    travels further over one repeat than a step can cover (``longest_step_px``)."""
    strides = [p for p in (dominant_period(times, rear[s]) for s in rear) if p]
    stride_s = float(np.median(strides)) if strides else None
    both = np.maximum(*rear.values())
    repeat = dominant_period(times, both, lo_s=0.25, hi_s=2.5)
    if not repeat:
        return stride_s / 2 if stride_s else TYPICAL_STEP_S
    if not stride_s or repeat <= 0.75 * stride_s:
        return repeat
    if bout.direction_from != "travel" or bout.at_angle or _marks_between(times, both, repeat):
        return repeat / 2
    if abs(travel_slope(poses, bout.start, bout.stop)) * repeat > longest_step_px:
        return repeat / 2
    spread = pelvis_speed_spread(poses, bout)
    return repeat / 2 if spread is None or spread >= LIMP_SPEED_SPREAD else repeat


def _marks_between(times: np.ndarray, both: np.ndarray, repeat: float) -> bool:
    """Both feet's signal repeats, weaker, about half way through ``repeat`` (s): the steps of a stride differ
    (a limp, or near and far foot at different depths), but each step shows."""
    found = autocorrelation(times, both)
    if found is None:
        return False
    ac, dt = found
    lo, hi = int(np.floor(HALF_WAY[0] * repeat / dt)), min(int(np.ceil(HALF_WAY[1] * repeat / dt)), ac.size - 2)
    peaks, _ = find_peaks(ac[max(lo - 1, 0):hi + 2])
    return peaks.size > 0


def pelvis_speed_spread(poses: Poses, bout: Bout) -> float | None:
    """How much the pelvis's forward speed varies over a bout: its interquartile range over its median (None
    when too few frames are seen or it does not go forward). The speed is the travel over SPEED_OVER_S (or the
    nearest frame after): from one frame to the next, a few pixels of landmark noise on a slow walk spread it
    as much as a limp's surge (the synthetic walk at 60-66 steps a minute, 6 px of noise: 0.42-0.68)."""
    x = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[:, 0] * bout.direction
    t = poses.times
    start = np.arange(bout.start, bout.stop)
    end = np.searchsorted(t, t[start] + SPEED_OVER_S - 1e-9)
    inside = end < bout.stop
    start, end = start[inside], end[inside]
    speed = (x[end] - x[start]) / (t[end] - t[start])
    speed = speed[np.isfinite(speed)]
    if speed.size < 10:
        return None
    lower, median, upper = np.percentile(speed, [25, 50, 75])
    return float((upper - lower) / median) if median > 0 else None
