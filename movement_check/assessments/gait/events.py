"""Gait events from landmark trajectories.

Coordinate method of Zeni, Richards & Higginson (2008), *Two simple methods
for determining gait events during treadmill and overground walking using
kinematic data*, Gait & Posture 27(4):710-714 -- the best of seven kinematic
methods compared there, 94 % of healthy events within one frame at 60 Hz.
Stenum et al. (2021, PLoS Comput Biol 17(4):e1008935) used the same idea on
2-D video. The foot's position is taken **relative to the pelvis** (hip
midpoint) along the direction of travel, which removes walking speed and
works on a treadmill or with a camera that follows the walker:

- heel strike: the heel is farthest **in front of** the pelvis (a maximum);
- toe-off: the toe is farthest **behind** the pelvis (a minimum).

An extremum's time is refined below the frame interval by fitting a parabola
through the sample and its two neighbours (in time, so a variable frame rate
is handled).

Events are small ordered values ``Event(time_s, name, side, frame)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from movement_check.body.signals import runs


HEEL_STRIKE = "heel_strike"
TOE_OFF = "toe_off"


@dataclass(frozen=True)
class Extremum:
    """A refined extremum: fractional frame index, time (s), value, and how far it stands out of the signal
    around it (``prominence``, the signal's unit; NaN where not measured)."""

    frame: float
    time_s: float
    value: float
    prominence: float = float("nan")


def refine_peak(times: np.ndarray, values: np.ndarray, i: int) -> Extremum:
    """Sub-frame location of the extremum at sample ``i`` (parabola through i-1, i, i+1)."""
    if i <= 0 or i >= len(values) - 1 or not np.all(np.isfinite(values[i - 1:i + 2])):
        return Extremum(float(i), float(times[i]), float(values[i]))
    # the parabola through the three points, in plain floats (np.polyfit's least squares took a fifth of a
    # minute's gait analysis, called for every peak): times from the middle one, t0 < 0 < t2
    t_mid = float(times[i])
    t0, t2 = float(times[i - 1]) - t_mid, float(times[i + 1]) - t_mid
    y0, c, y2 = (float(v) for v in values[i - 1:i + 2])
    det = t0 * t2 * (t0 - t2)
    if det == 0:
        return Extremum(float(i), t_mid, c)
    a = ((y0 - c) * t2 - (y2 - c) * t0) / det
    b = ((y2 - c) * t0 * t0 - (y0 - c) * t2 * t2) / det
    if a == 0:
        return Extremum(float(i), t_mid, c)
    dt = min(max(-b / (2 * a), t0), t2)
    # fractional frame by interpolating the time axis
    frame = i + (dt / t2 if dt >= 0 else -dt / t0)
    return Extremum(frame, t_mid + dt, a * dt * dt + b * dt + c)


def autocorrelation(times: np.ndarray, signal: np.ndarray) -> tuple[np.ndarray, float] | None:
    """A signal's autocorrelation (lag 0 = 1) on an even grid at its median frame interval, and that interval (s);
    unseen samples interpolated; None with under 10 seen or a flat signal."""
    ok = np.isfinite(signal)
    if ok.sum() < 10:
        return None
    dt = float(np.median(np.diff(times)))
    x = np.interp(np.arange(times[0], times[-1], dt), times[ok], signal[ok])
    x = x - x.mean()
    if not np.any(x):
        return None
    ac = np.correlate(x, x, mode="full")[x.size - 1:]
    return ac / ac[0], dt


def dominant_period(times: np.ndarray, signal: np.ndarray, *, lo_s: float = 0.6, hi_s: float = 2.5) -> float | None:
    """The period (s) between ``lo_s`` and ``hi_s`` of a signal: its autocorrelation's strongest peak, or the
    peak at a half or a third of its lag where that stands near as high (``FUNDAMENTAL_SHARE``); None when no
    peak reaches 0.2.

    Used to set how far apart two heel strikes of the same foot must be
    (a stride lasts 0.8-1.6 s in adults; slower walkers up to ~2.5 s).
    """
    found = autocorrelation(times, signal)
    if found is None:
        return None
    ac, dt = found
    best = period_peak(ac, int(lo_s / dt), min(int(hi_s / dt), ac.size - 1))
    return float(best * dt) if best is not None and ac[best] > 0.2 else None


def period_peak(ac: np.ndarray, lo: int, hi: int, *, floor: int | None = None) -> int | None:
    """The lag (samples, ``lo``-``hi``) of an autocorrelation's strongest peak, or of the peak at a whole share of
    it (a half, a third, ...) where that stands near as high (``FUNDAMENTAL_SHARE``) and over 0.2; None without a
    peak there.

    ``floor`` (< ``lo``): that share is looked for down to this lag, so a period shorter than ``lo`` (or at its
    very edge, where no peak can be seen within the range) is returned as it is, below ``lo``, rather than a
    multiple of it: the caller decides what a period out of its range means."""
    floor = lo if floor is None else min(floor, lo)
    if hi <= lo + 2:
        return None
    peaks, _ = find_peaks(ac[floor:hi + 1])
    peaks = floor + peaks
    inside = peaks[peaks >= lo]
    if inside.size == 0:
        return None
    best = int(inside[np.argmax(ac[inside])])
    # a period's multiples repeat too: a noisy signal's strongest peak may be at twice or three times its period
    # (the backlit limp's feet: 0.28 at two strides, 0.21 at one), a clean one's at any multiple the range holds
    # (jogging on the spot at 250 steps a minute: 0.98 at five strides, 0.95 at one). The shortest near-equal
    # one is the period.
    for p in peaks[peaks < best]:
        k = best / p
        if round(k) >= 2 and abs(k - round(k)) <= FUNDAMENTAL_SLACK * min(round(k), 3) \
                and ac[p] >= FUNDAMENTAL_SHARE * ac[best] and ac[p] > 0.2:
            return int(p)
    return best


#: a peak at a half, a third (within this share), or a smaller whole share of the strongest one's lag (within 3 times
#: this share) is the period ...
FUNDAMENTAL_SLACK = 0.1
#: ... when it is at least this share of the strongest peak's height
FUNDAMENTAL_SHARE = 0.7


def find_extrema(times: np.ndarray, signal: np.ndarray, *, kind: str, min_interval_s: float,
                 min_prominence: float, edges: bool = False) -> list[Extremum]:
    """Maxima (``kind="max"``) or minima of ``signal``, at least ``min_interval_s`` apart.

    Only peaks standing out by ``min_prominence`` (signal units) count. A peak
    needs seen samples on both sides: NaN stretches (gaps, the region outside
    a walking bout) never hold one. ``edges``: also peaks right where the seen
    data starts or stops, judged by the seen side (:func:`_edge_peaks`).
    """
    x = np.asarray(signal, dtype=float)
    sign = 1.0 if kind == "max" else -1.0
    finite = np.isfinite(x)
    if finite.sum() < 3:
        return []
    # bridge gaps and the region outside a bout by interpolation (edges held): a
    # filled stretch can neither hold a peak nor lend prominence to one beside it
    idx = np.arange(x.size)
    y = sign * np.interp(idx, idx[finite], x[finite])
    dt = float(np.median(np.diff(times)))
    distance = max(1, int(round(min_interval_s / dt)))
    peaks, props = find_peaks(y, distance=distance, prominence=min_prominence)
    found = [(int(i), float(p)) for i, p in zip(peaks, props["prominences"])]
    if edges:
        tops = [i for i, _ in found if finite[i]]
        # an edge peak reaches half way from the signal's middle to the walk's usual peaks (a bump on the way
        # down from a peak before the clip does not: the limp clip cut 3-5 frames later made one, 4.6 frames early)
        middle = float(np.median(y[finite]))
        reach = middle + EDGE_REACH * (float(np.median(y[tops])) - middle) if tops else -np.inf
        found += _edge_peaks(y, finite, [i for i, _ in found], distance=distance, min_prominence=min_prominence,
                             reach=reach)
    out = []
    for i, prominence in sorted(found):
        if not np.all(np.isfinite(x[max(0, i - 1):i + 2])):
            continue
        e = refine_peak(times, sign * x, int(i))
        out.append(Extremum(e.frame, e.time_s, sign * e.value, float(prominence)))
    return out


#: a peak this many samples from where the seen data starts or stops is judged by the side that was seen
EDGE_SAMPLES = 3
#: ... and counts when it reaches this share of the way from the signal's median to its other peaks' median
EDGE_REACH = 0.5


def _edge_peaks(y: np.ndarray, finite: np.ndarray, taken: list[int], *, distance: int,
                min_prominence: float, reach: float = -np.inf) -> list[tuple[int, float]]:
    """Peaks right where the seen data starts or stops (a person entering the picture at a heel strike).

    A peak's prominence needs the signal to fall on both sides; within ``EDGE_SAMPLES`` of the first or last
    seen sample one side was not seen, and the held edge value gave such a peak almost none. Here it counts
    when the short side rises into it all the way from the edge (no seen sample there lower than the one before:
    a held frame or a flat top is no fall, in either direction), it reaches ``reach`` (a heel strike's height:
    not a bump on the way down from a peak before the clip) and the seen side falls by ``min_prominence`` before
    rising above it again.
    """
    out = []
    for start, stop in runs(finite):
        for i in list(range(start + 1, min(stop - 1, start + 1 + EDGE_SAMPLES))) + \
                list(range(max(start + 1, stop - 1 - EDGE_SAMPLES), stop - 1)):
            if not (y[i - 1] < y[i] >= y[i + 1]) or y[i] < reach \
                    or any(abs(i - j) < distance for j in taken + [k for k, _ in out]):
                continue
            near_start = i - start <= EDGE_SAMPLES
            short = y[start:i + 1] if near_start else y[i:stop][::-1]
            if np.any(np.diff(short) < 0):           # it fell somewhere between the edge and the peak
                continue
            side = y[i + 1:stop] if near_start else y[start:i][::-1]
            higher = np.flatnonzero(side > y[i])
            drop = y[i] - float(np.min(side[:higher[0]] if higher.size else side))
            if drop >= min_prominence:
                out.append((i, drop))
    return out


def zeni_events(times: np.ndarray, heel_ahead: np.ndarray, toe_ahead: np.ndarray, *,
                stride_s: float, scale: float) -> tuple[list[Extremum], list[Extremum]]:
    """Heel strikes and toe-offs of one foot by the Zeni method.

    ``heel_ahead`` / ``toe_ahead``: how far the heel / toe is in front of the
    pelvis along the direction of travel (any unit; positive = in front).
    ``stride_s``: the expected stride time (sets the minimum spacing, 60 % of
    it). ``scale``: a body length in the same unit (e.g. leg length): a peak
    must stand out by 10 % of it.
    """
    spacing = 0.6 * stride_s
    strikes = find_extrema(times, heel_ahead, kind="max", min_interval_s=spacing, min_prominence=0.1 * scale)
    offs = find_extrema(times, toe_ahead, kind="min", min_interval_s=spacing, min_prominence=0.1 * scale)
    return strikes, offs


def foot_top_strikes(times: np.ndarray, toe_above_ankle: np.ndarray, coarse: list[Extremum], *,
                     stride_s: float, before: float = 0.2, after: float = 0.2) -> tuple[list[Extremum], int]:
    """Front-view heel strikes: each coarse strike moved to the foot's terminal-swing top.

    The foot is most dorsiflexed (toe highest over the ankle) at initial
    contact, then drops flat in loading response (Perry & Burnfield, *Gait
    Analysis*, 2nd ed. 2010: ankle at neutral at initial contact, then
    plantarflexion; Winter 1992, Phys Ther 72:45-53: the toe's late-swing
    height maximum just before heel contact). Seen from the side, this top
    falls within 0.5 frame of the Zeni heel strike on the real studio clip
    (25 fps), while a front camera's heel landmark, hidden behind the foot,
    settles on the floor 4-5 frames early. ``toe_above_ankle``: how far the
    toe is above the ankle in the image (pixels, up positive), which keeps the
    foot's pitch and drops the whole foot's travel toward the camera.

    Searches ``before`` / ``after`` (fractions of ``stride_s``) around each
    coarse strike; a strike with no top inside that window (only an edge
    value) is kept as it was. Returns the strikes and how many were kept.
    """
    dt = float(np.median(np.diff(times)))
    out, kept = [], 0
    for e in coarse:
        c = int(round(e.frame))
        lo = max(0, c - int(np.ceil(before * stride_s / dt)))
        hi = min(len(times) - 1, c + int(np.ceil(after * stride_s / dt)))
        window = toe_above_ankle[lo:hi + 1]
        if hi - lo < 2 or not np.isfinite(window).any():
            out.append(e)
            kept += 1
            continue
        i = lo + int(np.nanargmax(window))
        if i in (lo, hi):
            out.append(e)
            kept += 1
            continue
        out.append(refine_peak(times, toe_above_ankle, i))
    return out, kept


def alternate_sides(strike_times: list[float], leading: list[float], *,
                    max_step_ratio: float = 1.6) -> tuple[list[str | None], int, int]:
    """Which foot made each event, from alternation and from which labelled foot made it.

    ``leading[k]``: at event ``k``, positive when the pose model's left foot made it (e.g. its rear point
    was ahead of the right's at a heel strike), negative for the right. The pose model often swaps the far
    leg's identity for a few frames, so each event's own label is only a vote: steps alternate, so within a
    run of events with none missing (no interval longer than ``max_step_ratio`` times the median) one parity
    is chosen for the whole run by majority. A run whose vote is tied keeps each event's own label, and
    counts half its labels as agreeing (a coin toss).

    Returns the sides, how many events' own labels agreed with the side given, and how many had a label
    (all agreeing: the labels never contradicted alternation; about half: the model could not tell the legs
    apart).
    """
    n = len(strike_times)
    if n == 0:
        return [], 0, 0
    own = ["left" if v > 0 else "right" if v < 0 else None for v in leading]
    intervals = np.diff(strike_times)
    typical = float(np.median(intervals)) if intervals.size else 0.0
    breaks = [0] + [k + 1 for k, d in enumerate(intervals) if d > max_step_ratio * typical] + [n]
    sides: list[str | None] = list(own)
    agreeing = judged = 0
    for a, z in zip(breaks[:-1], breaks[1:]):
        labelled = [k for k in range(a, z) if own[k] is not None]
        judged += len(labelled)
        vote = sum((1 if own[k] == "left" else -1) * (-1) ** (k - a) for k in labelled)
        if vote == 0:
            agreeing += len(labelled) // 2        # a tie is a coin toss, not labels agreeing with themselves
            continue
        first, second = ("left", "right") if vote > 0 else ("right", "left")
        for k in range(a, z):
            sides[k] = first if (k - a) % 2 == 0 else second
        agreeing += sum(own[k] == sides[k] for k in labelled)
    return sides, agreeing, judged
