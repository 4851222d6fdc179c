"""The walk's rhythm seen from the front: the stride time as the period of the feet's to-and-fro, not from steps.

Seen from the front, a foot's position toward the camera shows only as a small change of its height in the
picture, and a heel strike is timed from a landmark hidden behind the foot (:mod:`.assess`). Single events are
then found early, late, twice or not at all, and a cadence from the strides between them is off where a few are
(the studio front walk slowed to 0.8 of its pace read -5 %; the synthetic walker coming toward a camera from
7.5 m to 2.5 m had its cadence withheld in 16 of 16 cases). The feet still go to and fro once a stride however
poorly each moment is placed, and the period of that repeat (the autocorrelation of each foot's height below the
pelvis) needs no single event: over a whole walk it is the mean stride time.

Three things make it hold as the walker comes nearer (measured on the synthetic walker coming from 7.5 to 2.5 m,
which grows threefold in the picture): the feet's heights are divided by the walker's size at each moment
(:func:`movement_check.body.body_size.leg_length_over_time`), and the two feet's difference by its own swing over
about a stride (:func:`even`: the to-and-fro toward the camera grows as the square of the size; each foot's own
height, about a leg length, changes little by it); each lag's correlation is taken
over the samples it overlaps (:func:`lag_correlation`; summed over the whole signal, the autocorrelation falls
with the lag and pulls its peak short: +1 to +3 %); and the peak is placed between frames (a parabola through the
peak and its two neighbours): a whole-frame lag at 30 fps is a stride of 32 or 33 frames, 112.5 or 109.1 steps a
minute for a true 110. What is left: +0.5 to +1.6 % coming nearer, -0.6 to +0.1 % on a treadmill, -1.4 to +0.2 %
on the real front walk with 30 % of its frames dropped (``SYSTEMATIC`` allows for it in the stated uncertainty).
The moments themselves (stance, double support) still need the heel strikes; only the cadence comes from here.

The period is the stride's, whatever the gait: each foot's signal repeats once a stride, and a limp's long and
short steps are both inside it (Perry & Burnfield, *Gait Analysis*, 2nd ed. 2010: a stride is one gait cycle; two
steps). Cadence is 2 x 60 / the stride time (CLINICAL.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

import movement_check.assessments.gait.reference as ref
from movement_check.assessments.gait.events import period_peak
from movement_check.assessments.gait.strides import ahead_signals
from movement_check.assessments.result import Metric
from movement_check.assessments.stride_stats import range_flag, rounded
from movement_check.body.body_size import leg_length_over_time
from movement_check.body.landmarks import SIDES
from movement_check.body.poses import Poses
from movement_check.body.views import SIDE
from movement_check.body.walking import Bout

#: a stride lasts 0.6-2.5 s (cadence 48-200 steps a minute)
SHORTEST_STRIDE_S, LONGEST_STRIDE_S = 0.6, 2.5
#: a repeat is looked for down to this lag, so that one faster than the shortest stride is seen as such (and
#: refused), not taken at twice its period: jogging on the spot at 205 steps a minute read 102.5 +- 2.1
FASTEST_REPEAT_S = 0.3
#: the repeat is taken as the walk's when its autocorrelation peak reaches this (0: none, 1: a perfect repeat) ...
CLEAR_REPEAT = 0.4
#: ... and the feet's own periods agree within this share of each other
FEET_AGREE = 0.05
#: a bout gives a period when it holds at least this many strides
MIN_STRIDES = 3


@dataclass(frozen=True)
class Rhythm:
    """The walk's stride time (s) from the feet's repeat, its standard error (s), and the strides it spans."""

    stride_s: float
    stride_se: float
    strides: float

    @property
    def cadence(self) -> float:
        return 120.0 / self.stride_s

    @property
    def cadence_se(self) -> float:
        """+- steps/min: the stride's standard error carried by the slope of 120 / T."""
        return 120.0 * self.stride_se / self.stride_s ** 2


def period(times: np.ndarray, signal: np.ndarray, lo_s: float = SHORTEST_STRIDE_S,
           hi_s: float = LONGEST_STRIDE_S) -> tuple[float, float] | None:
    """(period s, the autocorrelation's height there) of a signal, placed between frames; the shortest near-equal
    peak where a noisy signal's multiple stands higher (as :func:`.events.dominant_period`); None without a peak."""
    ac, dt = lag_correlation(times, signal, hi_s)
    if ac is None:
        return None
    best = period_peak(ac, int(lo_s / dt), ac.size - 2, floor=max(int(FASTEST_REPEAT_S / dt), 2))
    if best is None:
        return None
    y0, y1, y2 = ac[best - 1:best + 2]
    bend = y0 - 2 * y1 + y2
    shift = 0.5 * (y0 - y2) / bend if bend < 0 else 0.0
    found = float((best + np.clip(shift, -0.5, 0.5)) * dt)
    return (found, float(y1)) if found >= lo_s else None       # faster than a stride can be: no walk's period


def lag_correlation(times: np.ndarray, signal: np.ndarray, hi_s: float) -> tuple[np.ndarray | None, float]:
    """The signal's correlation with itself ``k`` frames later (Pearson's r of the overlapping samples), for lags
    up to ``hi_s`` and one more, on an even grid at the median frame interval (unseen samples interpolated); and
    that interval. Each lag's r is over the samples it overlaps, scaled by their own spread: an autocorrelation
    summed over the whole signal falls with the lag as the overlap shrinks, and as a walker coming nearer makes the
    to-and-fro grow, which pulls its peaks toward shorter lags (+1 to +3 % on the cadence of the synthetic walker
    coming from 7.5 m, and a treadmill walk's +0.3 %, where each lag's own r gives +0.5 to +1.6 % and -0.6 to +0.1 %).
    None when under 10 samples are seen."""
    ok = np.isfinite(signal)
    dt = float(np.median(np.diff(times)))
    if ok.sum() < 10:
        return None, dt
    x = np.interp(np.arange(times[0], times[-1], dt), times[ok], signal[ok])
    lags = np.arange(min(int(np.ceil(hi_s / dt)) + 2, x.size - 3))
    r = np.array([1.0] + [_pearson(x[:-k], x[k:]) for k in lags[1:]])
    return r, dt


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    den = float(np.sqrt(np.dot(a, a) * np.dot(b, b)))
    return float(np.dot(a, b)) / den if den > 0 else 0.0


def feet_depth(poses: Poses, bout: Bout) -> dict[str, np.ndarray]:
    """Each foot's heel below the pelvis in the picture (toward the camera, for a front view) within the bout, in
    the bout's leg lengths at the walker's size of the moment; and the two feet's difference (``"apart"``)."""
    sl = slice(bout.start, bout.stop)
    size = leg_length_over_time(poses)[sl]
    out = {side: ahead_signals(poses, bout, side)[0][sl] / size for side in SIDES}
    out["apart"] = out[SIDES[0]] - out[SIDES[1]]
    return {name: even(poses.times[sl], x) for name, x in out.items()}


def even(times: np.ndarray, x: np.ndarray, window_s: float = 1.1) -> np.ndarray:
    """``x`` divided by its root mean square over ``window_s`` of time around each moment (taken on an even grid at
    the median frame interval, so that missing frames neither stretch the window nor move the gaps' fill). For the
    two feet's difference, whose mean is near 0, that is its swing, which grows in the picture as the square of the
    walker's size; each foot's own height below the pelvis is about a leg length more than its swing, so it is
    divided by about that and changes little (the 288-case front sweep read the same without it)."""
    ok = np.isfinite(x)
    if ok.sum() < 10:
        return x
    dt = float(np.median(np.diff(times)))
    grid = np.arange(times[0], times[-1] + 0.5 * dt, dt)
    y = np.interp(grid, times[ok], x[ok])
    rms = np.sqrt(uniform_filter1d(y * y, max(3, int(round(window_s / dt))), mode="nearest"))
    return np.where(ok, x / np.maximum(np.interp(times, grid, rms), 1e-9), np.nan)


def bout_rhythm(poses: Poses, bout: Bout) -> Rhythm | None:
    """One front-view bout's stride time: the median of the feet's periods (each foot's and their difference's)
    when each is a clear repeat and they agree; None otherwise, or over fewer than ``MIN_STRIDES`` strides. Its
    standard error: half the periods' spread, no less than a frame's placing over the strides spanned, nor than
    half the gap between the bout's two halves' strides where each half shows its own (a walk that sped up from 80
    to 140 steps a minute read +5.4 % with +-1.5 from the periods' spread alone, s44 review)."""
    times = poses.times[bout.start:bout.stop]
    signals = feet_depth(poses, bout)
    stride, spread = _agreed(times, signals.values())
    if stride is None or bout.duration_s < MIN_STRIDES * stride:
        return None
    n = bout.duration_s / stride
    dt = float(np.median(np.diff(times)))
    se = max(0.5 * spread, dt / np.sqrt(6.0) / np.sqrt(n))
    # a walk that changed pace: the two halves' strides apart (each half of MIN_STRIDES strides or more, both clear)
    if n >= 2 * MIN_STRIDES:
        half = len(times) // 2
        halves = [_agreed(times[part], [x[part] for x in signals.values()])[0]
                  for part in (slice(0, half), slice(half, None))]
        if None not in halves:
            se = max(se, 0.5 * abs(halves[0] - halves[1]))
    return Rhythm(stride, se, n)


def _agreed(times: np.ndarray, signals) -> tuple[float | None, float]:
    """The median of the signals' periods and their spread (s), when each is a clear repeat and they agree."""
    found = [period(times, x) for x in signals]
    if any(f is None or f[1] < CLEAR_REPEAT for f in found):
        return None, float("nan")
    periods = np.array([f[0] for f in found])
    stride = float(np.median(periods))
    spread = float(periods.max() - periods.min())
    return (stride, spread) if spread <= FEET_AGREE * stride else (None, spread)


def front_rhythm(poses: Poses, bouts: list[Bout]) -> Rhythm | None:
    """The front-view bouts' stride time, weighted by the strides each spans; None when any front bout has no clear
    repeat, or there is none."""
    found = [bout_rhythm(poses, b) for b in bouts if b.view != SIDE]
    if not found or any(r is None for r in found):
        return None
    w = np.array([r.strides for r in found])
    stride = float(np.average([r.stride_s for r in found], weights=w))
    se = float(np.sqrt(np.sum((w / w.sum()) ** 2 * np.array([r.stride_se for r in found]) ** 2)))
    return Rhythm(stride, se, float(w.sum()))


#: the feet's rhythm and the heel strikes' cadence agree within this share of it (the cadence target of issue 17) ...
AGREE = 0.03
#: ... and the rhythm's cadence is stated no surer than this share of it: seen coming toward the camera, the
#: feet's signals change shape as the walker nears, and the synthetic walker (7.5 to 2.5 m, and 9 to 3 m) read
#: +0.5 to +1.6 % high (a treadmill -0.6 to +0.1 %); the real front walk with 30 % of its frames dropped -1.4 to
#: +0.2 % against its labels (-0.3 to -1.7 % before its swing was evened over time)
SYSTEMATIC = 0.02
#: the timing measures the heel strikes give besides the cadence (withheld when those strikes miss the rhythm)
TIMED_BY_STRIKES = ("step_time", "stride_time", "stance", "swing", "double_support", "step_time_asymmetry",
                    "step_time_symmetry_index", "stride_time_cv")


def with_rhythm(metrics: list[Metric], warnings: list[str], rhythm: Rhythm | None, untimed: str | None = None
                ) -> tuple[list[Metric], list[str], bool]:
    """A front view's cadence checked against the feet's rhythm: kept where the two agree (``AGREE``); the rhythm's
    where the heel strikes' cadence was not given or disagrees, then with the other measures the heel strikes
    time withheld (they missed or added steps) and a warning saying so; the rhythm's too where the camera's frames
    cannot time single steps (``untimed``: why). The last value: the rhythm's was taken."""
    at = next((i for i, m in enumerate(metrics) if m.name == "cadence"), None)
    if rhythm is None or at is None:
        return metrics, warnings, False
    strikes, cadence = metrics[at], rhythm.cadence
    if not untimed and strikes.value is not None and abs(strikes.value - cadence) <= AGREE * cadence:
        return metrics, warnings, False
    if untimed or strikes.value is None:
        why = f"the steps could not be timed one by one ({untimed or strikes.note})"
        warnings = [w for w in warnings if not w.startswith("cadence not given")]
    else:
        why = (f"the heel strikes found gave {strikes.value:g} steps a minute: they missed or added steps, so the "
               "step and stride times and their phases are withheld")
        metrics = [Metric.unmeasured(m.name, m.unit, "the heel strikes found missed or added steps (their cadence "
                                     f"{strikes.value:g}, the feet's rhythm {cadence:.1f})", side=m.side)
                   if m.name in TIMED_BY_STRIKES and m.value is not None else m for m in metrics]
    se = float(np.hypot(rhythm.cadence_se, SYSTEMATIC * cadence))
    metrics[at] = Metric("cadence", rounded(cadence, 1), "steps/min", normal_range=ref.CADENCE_NORMAL,
                         flag=range_flag(cadence, ref.CADENCE_NORMAL), uncertainty=rounded(se, 1),
                         note=f"2 x 60 / the stride time of the feet's to-and-fro toward the camera (its period over "
                              f"{rhythm.strides:.1f} strides; +- its standard error and up to {100 * SYSTEMATIC:g} % "
                              f"of bias); {ref.CADENCE_SOURCE}")
    return metrics, warnings + [f"cadence from the feet's rhythm, not from single steps: {why}"], True
