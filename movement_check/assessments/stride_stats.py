"""Small statistics for stride-based metrics: means that skip missing values, values at a time, windows.

Shared by the gait metrics and the gait angles; each returns None (not 0)
when there is nothing to summarise.
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import SIDES
from movement_check.assessments.result import Metric


def mean_of(values) -> float | None:
    vals = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(vals)) if vals else None


def sd_of(values) -> float | None:
    vals = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.std(vals, ddof=1)) if len(vals) > 1 else None


def typical_of(values) -> float:
    """The values' centre: the Hodges-Lehmann estimate, the median of all pairwise means (each value with itself
    included; Hodges and Lehmann 1963), from four values; the median of three.

    Nearly as efficient as the mean where the values scatter evenly (95 %), and robust to odd values up to 29 %
    of them. Strides are timed in whole frames: a 1.1 s stride at 25 fps is seen as 27 or 28 frames, and so is
    the median of an odd number of them, 2 % off either way; the pairwise means fall between. The real walks'
    cadence (as filmed, mirrored, re-encoded smaller, thinned to 25-12 fps and with frames dropped): 109 of 118
    within 3 % of the labels' and a mean error of 1.1 %, against 106 and 1.5 % by the median; the step-to limp
    mirrored read +3.4 % where it read +10.8 %. One odd value in three is past the 29 %, and the median of three
    ignores it."""
    v = np.asarray(list(values), dtype=float)
    if v.size <= 3:
        return float(np.median(v)) if v.size else float("nan")
    i, j = np.triu_indices(v.size)
    return float(np.median((v[i] + v[j]) / 2.0))


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def value_at(times: np.ndarray, series: np.ndarray, t: float) -> float:
    """``series`` at time ``t``, between its seen samples (NaN outside them, or with under two seen)."""
    return sampler(times, series)(t)


def sampler(times: np.ndarray, series: np.ndarray):
    """:func:`value_at` of one series at many times: its seen samples picked out once (a minute's walk asks for
    thousands of values)."""
    ok = np.isfinite(series)
    seen_t, seen_v = times[ok], series[ok]
    if seen_t.size < 2:
        return lambda t: float("nan")
    first, last = seen_t[0], seen_t[-1]
    return lambda t: float("nan") if t < first or t > last else float(np.interp(t, seen_t, seen_v))


def window(times: np.ndarray, series: np.ndarray, a: float, b: float) -> np.ndarray:
    """``series`` from time ``a`` to ``b``, both included (``times`` ascending)."""
    return series[np.searchsorted(times, a, side="left"):np.searchsorted(times, b, side="right")]


def range_flag(value: float | None, normal: tuple[float, float]) -> str | None:
    if value is None:
        return None
    return "low" if value < normal[0] else "high" if value > normal[1] else None


def make_metric(name, value, unit, *, side=None, normal=None, flag=None, note=None, why_missing="") -> Metric:
    if value is None:
        return Metric.unmeasured(name, unit, why_missing or "not enough clean strides to measure it", side=side)
    return Metric(name, value, unit, side=side, normal_range=normal, flag=flag, note=note)


def lower_side(values: dict[str, list[float]], min_gap: float) -> str | None:
    """The side clearly lower than the other: means differ by more than ``min_gap`` and 2 standard errors."""
    if any(len(values[s]) < 2 for s in SIDES):
        return None
    m = {s: float(np.mean(values[s])) for s in SIDES}
    se = np.sqrt(sum(np.var(values[s], ddof=1) / len(values[s]) for s in SIDES))
    gap = abs(m["left"] - m["right"])
    if gap > max(min_gap, 2 * se):
        return min(SIDES, key=lambda s: m[s])
    return None
