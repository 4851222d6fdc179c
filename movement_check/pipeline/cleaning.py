"""Cleaning landmark trajectories: left/right swaps, short gaps, zero-lag low-pass filter.

Order: swaps are undone first (on raw positions), then legs thrown away from
the body for a few frames are made unseen (:mod:`movement_check.pipeline.spikes`), then
short gaps are filled, then each stretch of seen data is filtered on its own.

Missing-data rules (axis 0 is time; NaN = not seen):

- Only gaps of at most ``max_gap_s`` are filled (default 0.12 s, after Stenum
  et al. 2021, who filled gaps shorter than 120 ms). A gap's length is the time
  nobody was seen: the span from the last frame seen before it to the first
  frame seen after it, less one typical frame interval (the missing frames'
  own time). So the rule means the same at every frame rate: up to 3 missing
  frames at 30 and 25 fps, 2 at 24 and 20, 1 at 15 and 12. (Measuring the
  whole span instead filled 2 frames at 30 fps, 1 at 24 fps and none at 12:
  a 24 fps home clip lost a heel strike beside a 2-frame dropout.) Gaps at the
  start or end of the clip are never filled. Filling is linear in time, and a
  filled-in landmark's visibility stays NaN: it was not seen.
- Longer gaps stay NaN, and the filter never runs across them: each
  stretch of seen data is filtered separately.
- The low-pass filter is a Butterworth filter run forward and backward
  (zero lag; ``scipy.signal.filtfilt``), default cut-off 6 Hz (Sports2D's
  default; Stenum 2021 used 5 Hz for walking). With ``order`` 2 the combined
  response is ``|H(f)|^2`` of the order-2 design: -6 dB at the cut-off,
  falling 24 dB per octave beyond it. A clip too slow for the cut-off (the
  cut-off at or above 0.45 x frame rate) is left unfiltered, with a warning.
- Variable frame rates: a stretch whose frame intervals vary by more than
  5 % is resampled to an even grid for filtering and back to its own times.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from movement_check.body.landmarks import LEFT_LEG, RIGHT_LEG, Landmark
from movement_check.body.poses import Poses
from movement_check.body.signals import lowpass, runs
from movement_check.pipeline.spikes import find_spikes, remove_spikes


@dataclass(frozen=True)
class CleaningSettings:
    max_gap_s: float = 0.12
    cutoff_hz: float | None = 6.0
    order: int = 2
    fix_swaps: bool = True
    remove_spikes: bool = True
    #: landmark groups that MediaPipe may swap between the two sides
    swap_groups: tuple[tuple[tuple[Landmark, ...], tuple[Landmark, ...]], ...] = ((LEFT_LEG, RIGHT_LEG),)


@dataclass
class CleaningReport:
    """What cleaning did, for the result's quality section."""

    frames_filled: int = 0
    swapped_frames: int = 0
    swap_runs: list[tuple[int, int]] = field(default_factory=list)
    spike_frames: int = 0           # frames in which a leg landmark was thrown away and made unseen
    filtered: bool = False
    cutoff_hz: float | None = None
    max_gap_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "frames_filled": self.frames_filled,
            "max_gap_filled_s": self.max_gap_s,
            "left_right_swaps_corrected": len(self.swap_runs),
            "frames_swapped": self.swapped_frames,
            "frames_with_a_leg_thrown_off": self.spike_frames,
            "low_pass_filter": (f"Butterworth, zero-lag, cut-off {self.cutoff_hz:g} Hz" if self.filtered
                                else "not filtered"),
        }


def low_pass_applied(poses: Poses) -> tuple[float, int] | None:
    """The low-pass filter (cut-off Hz, order) cleaning applied to ``poses``, None when none was: read from the
    cleaning report in ``poses.source`` (None there: not cleaned); without a report (``clean`` called directly),
    what the default settings apply at the clip's frame rate."""
    order = CleaningSettings().order
    if "cleaning" not in poses.source:
        cutoff = CleaningSettings().cutoff_hz
        if cutoff is None or len(poses) < 4:
            return None
        fs = 1.0 / float(np.median(np.diff(poses.times)))
        return (cutoff, order) if cutoff < 0.45 * fs else None
    report = poses.source["cleaning"]
    found = re.search(r"cut-off ([0-9.eE+-]+) Hz", str((report or {}).get("low_pass_filter", "")))
    return (float(found.group(1)), order) if found else None


# ---------------------------------------------------------------- gap filling
def too_long(span_s: float, frame_s: float, max_gap_s: float) -> bool:
    """A gap between two seen frames ``span_s`` apart is longer than :func:`fill_gaps` fills: the time nobody was
    seen (the span less the typical frame interval ``frame_s``) over ``max_gap_s``."""
    return span_s - frame_s > max_gap_s + 1e-9


def fill_gaps(values: np.ndarray, times: np.ndarray, /, *, max_gap_s: float = 0.12) -> np.ndarray:
    """Fill interior NaN gaps of at most ``max_gap_s`` by linear interpolation in time.

    ``values`` has time on axis 0 and any shape after it; each series is filled
    on its own. The gap length is ``times[next seen] - times[last seen]`` less the typical frame interval
    (the median): the time nobody was seen. Returns a new array; longer gaps and gaps at either end stay NaN.
    """
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    frame_s = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    flat = values.reshape(values.shape[0], -1).copy()
    missing = np.isnan(flat)
    # most columns share the same missing frames (the person was not found): group them
    patterns: dict[bytes, list[int]] = {}
    for col in np.flatnonzero(missing.any(axis=0)):
        patterns.setdefault(np.packbits(missing[:, col]).tobytes(), []).append(int(col))
    for cols in patterns.values():
        mask = missing[:, cols[0]]
        for start, stop in runs(mask):
            if start == 0 or stop == len(times):
                continue
            before, after = start - 1, stop
            span = times[after] - times[before]
            if too_long(span, frame_s, max_gap_s):
                continue
            w = (times[start:stop] - times[before]) / span
            flat[start:stop, cols] = (1 - w)[:, None] * flat[before, cols] + w[:, None] * flat[after, cols]
    return flat.reshape(values.shape)


# ---------------------------------------------------------------- swaps
def find_swaps(image: np.ndarray, times: np.ndarray, left: tuple[int, ...], right: tuple[int, ...], /, *,
               max_gap_s: float = 0.25, margin: float = 0.5) -> np.ndarray:
    """(T,) bool: frames where the ``left`` and ``right`` landmark groups are exchanged.

    Follows both groups frame by frame and predicts where each will be from
    its last two positions (constant velocity). Where the other side's
    landmarks fit the prediction much better (cost below ``margin`` times the
    cost of keeping the labels, and by more than 3 % of the leg length per
    landmark), the labels are taken to have switched, and they stay switched
    until the next such frame; a switch that the next frame switches straight back is one frame's glitch,
    skipped (the frame keeps its labels and is not used for predicting). After a loss longer than ``max_gap_s`` the
    labels are trusted again. Works on the x, y pixel positions.
    """
    xy = np.asarray(image, dtype=float)[:, :, :2]
    left, right = list(left), list(right)
    n = xy.shape[0]
    swapped = np.zeros(n, dtype=bool)
    seen = np.isfinite(xy[:, left + right]).all(axis=(1, 2))
    if seen.sum() < 3:
        return swapped
    legs = np.linalg.norm(xy[seen][:, left[0]] - xy[seen][:, left[2]], axis=-1)
    times = np.asarray(times, dtype=float)
    fit = _Fit(xy[:, left], xy[:, right], times.tolist(), margin, min_gain=0.03 * float(np.nanmedian(legs)) * len(left))
    tlist = fit.times
    state = False
    history: list[tuple[int, bool]] = []        # the last two frames kept: (frame, whether its labels were exchanged)
    frames = [t for t in range(n) if seen[t]]
    plain, sure = _plain_switches(xy, times, left, right, frames, margin, fit.min_gain)
    for i, t in enumerate(frames):
        if history and tlist[t] - tlist[history[-1][0]] > max_gap_s:
            history, state = [], False
        # the two frames just before, kept with the labels as they are now: the answer worked out for all frames at
        # once (exchanging every label alike changes no cost); otherwise (after a switch or a glitch, or a frame
        # within a rounding error of a threshold) frame by frame
        usual = i >= 2 and sure[i] and history == [(frames[i - 2], state), (frames[i - 1], state)]
        if history and (plain[i] if usual else fit.switched(t, history, state)):
            # one frame's glitch (the feet thrown onto each other's side for a frame) is skipped: taken as a switch,
            # it exchanged the legs of that frame, and sometimes of the good frame after it
            after = frames[i + 1] if i + 1 < len(frames) else None
            if after is not None and tlist[after] - tlist[t] <= max_gap_s:
                trial = (history + [(t, not state)])[-2:]
                if fit.switched(after, trial, not state):      # the next frame switches straight back: a glitch
                    swapped[t] = state
                    continue
            state = not state
        swapped[t] = state
        history = (history + [(t, state)])[-2:]
    return swapped


def _plain_switches(xy: np.ndarray, times: np.ndarray, left: list, right: list, frames: list[int], margin: float,
                    min_gain: float) -> tuple[np.ndarray, np.ndarray]:
    """(len(frames),) bool twice: :meth:`_Fit.switched` of each seen frame against the two seen frames before it as
    they were labelled, for all frames at once (the same sums in the same order), and whether that answer is sure;
    neither for the first two. NumPy's hypot and Python's math.hypot (which ``_Fit`` uses) can differ in the last
    bit (here, for about one distance in 500), so a frame whose costs lie within a rounding error of either
    threshold is not sure: :func:`find_swaps` asks ``_Fit`` for it."""
    out, sure = np.zeros(len(frames), dtype=bool), np.zeros(len(frames), dtype=bool)
    if len(frames) < 3:
        return out, sure
    f = np.asarray(frames)
    now, last, before = f[2:], f[1:-1], f[:-2]
    k = ((times[now] - times[last]) / (times[last] - times[before]))[:, None, None]

    def cost(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        each = np.hypot(a[..., 0] - b[..., 0], a[..., 1] - b[..., 1])
        total = each[:, 0]
        for j in range(1, each.shape[1]):
            total = total + each[:, j]
        return total

    pred_l = xy[last][:, left] + k * (xy[last][:, left] - xy[before][:, left])
    pred_r = xy[last][:, right] + k * (xy[last][:, right] - xy[before][:, right])
    cur_l, cur_r = xy[now][:, left], xy[now][:, right]
    keep = cost(cur_l, pred_l) + cost(cur_r, pred_r)
    swap = cost(cur_r, pred_l) + cost(cur_l, pred_r)
    out[2:] = (swap < margin * keep) & (keep - swap > min_gain)
    rounding = 1e-9 * (keep + swap)
    sure[2:] = (np.abs(swap - margin * keep) > rounding) & (np.abs(keep - swap - min_gain) > rounding)
    return out, sure


class _Fit:
    """Both landmark groups of every frame, and whether a frame fits the prediction better with the labels
    exchanged (in plain floats: one frame at a time, NumPy's per-call overhead on 5 points dominated)."""

    def __init__(self, lefts: np.ndarray, rights: np.ndarray, times: list, margin: float, *, min_gain: float):
        self.lefts, self.rights, self.times, self.margin, self.min_gain = lefts, rights, times, margin, min_gain

    def labelled(self, t: int, exchanged: bool) -> tuple[list, list]:
        """Frame t's (left, right) points, with the labels exchanged or not."""
        a, b = self.lefts[t].tolist(), self.rights[t].tolist()
        return (b, a) if exchanged else (a, b)

    @staticmethod
    def cost(a_pts: list, b_pts: list) -> float:
        return sum(math.hypot(p[0] - q[0], p[1] - q[1]) for p, q in zip(a_pts, b_pts))

    def switched(self, t: int, history: list[tuple[int, bool]], state: bool) -> bool:
        """Do frame t's landmarks fit the prediction from ``history`` (frames and their states) better with the
        labels exchanged?"""
        cur_l, cur_r = self.labelled(t, state)
        l1, r1 = self.labelled(*history[-1])
        if len(history) >= 2:
            l0, r0 = self.labelled(*history[-2])
            t1, t0 = self.times[history[-1][0]], self.times[history[-2][0]]
            k = (self.times[t] - t1) / (t1 - t0)
            pred_l = [(p[0] + k * (p[0] - q[0]), p[1] + k * (p[1] - q[1])) for p, q in zip(l1, l0)]
            pred_r = [(p[0] + k * (p[0] - q[0]), p[1] + k * (p[1] - q[1])) for p, q in zip(r1, r0)]
        else:
            pred_l, pred_r = l1, r1
        keep = self.cost(cur_l, pred_l) + self.cost(cur_r, pred_r)
        swap = self.cost(cur_r, pred_l) + self.cost(cur_l, pred_r)
        return swap < self.margin * keep and keep - swap > self.min_gain


def swap_sides(poses: Poses, frames: np.ndarray, left: tuple[int, ...], right: tuple[int, ...]) -> Poses:
    """Exchange the ``left`` and ``right`` landmarks in the given frames (all arrays)."""
    li, ri = list(left), list(right)
    arrays = {}
    for name in ("image", "world", "visibility", "presence"):
        arr = getattr(poses, name).copy()
        sub = arr[frames]
        sub[:, li + ri] = sub[:, ri + li]
        arr[frames] = sub
        arrays[name] = arr
    return poses.with_arrays(**arrays)


# ---------------------------------------------------------------- all together
def clean(poses: Poses, settings: CleaningSettings = CleaningSettings()) -> tuple[Poses, CleaningReport]:
    """Undo left/right swaps, fill short gaps and low-pass filter; say what was done."""
    report = CleaningReport(max_gap_s=settings.max_gap_s)
    if settings.fix_swaps:
        for left, right in settings.swap_groups:
            mask = find_swaps(poses.image, poses.times, tuple(map(int, left)), tuple(map(int, right)))
            if mask.any():
                poses = swap_sides(poses, mask, tuple(map(int, left)), tuple(map(int, right)))
                report.swapped_frames += int(mask.sum())
                report.swap_runs += runs(mask)
    if settings.remove_spikes:
        spikes = find_spikes(poses.image, poses.times)
        if spikes.any():
            image, world, visibility = remove_spikes(poses.image, poses.world, poses.visibility, spikes)
            poses = poses.with_arrays(image=image, world=world, visibility=visibility)
            report.spike_frames = int(spikes.any(axis=1).sum())
    was_missing = ~poses.frames_with_person
    unseen = np.isnan(poses.image[..., 0])
    arrays = {name: fill_gaps(getattr(poses, name), poses.times, max_gap_s=settings.max_gap_s)
              for name in ("image", "world", "presence")}
    # a filled-in position was not seen: its visibility stays NaN (not seen), so nothing that needs a seen
    # landmark (a footprint) takes the straight line drawn across the gap for an observation, and averages of
    # visibility (an event's confidence) leave it out rather than count it as unseen
    arrays["visibility"] = np.where(unseen, np.nan, poses.visibility)
    filled = poses.with_arrays(**arrays)
    report.frames_filled = int((was_missing & filled.frames_with_person).sum())
    if settings.cutoff_hz is not None and len(poses) >= 4:
        fs = 1.0 / float(np.median(np.diff(poses.times)))
        if settings.cutoff_hz < 0.45 * fs:
            filled = filled.with_arrays(
                image=lowpass(filled.image, poses.times, cutoff_hz=settings.cutoff_hz, order=settings.order),
                world=lowpass(filled.world, poses.times, cutoff_hz=settings.cutoff_hz, order=settings.order))
            report.filtered, report.cutoff_hz = True, settings.cutoff_hz
        else:
            report.warnings.append(f"not low-pass filtered: at {fs:.0f} frames a second a {settings.cutoff_hz:g} Hz "
                                   "filter is not possible; landmark noise is left in")
    return filled, report
