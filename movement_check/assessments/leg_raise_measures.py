"""What one repetition of a single-leg raise showed: angles, compensations and sway (pure functions).

Windows: knee angles are read over the **hold** (the longest time within
the tolerance of the peak; the peak moment +- 0.1 s when there was no hold).
Compensations (trunk leans, pelvic drop) and sway are read over the
**steady** part: the time on one foot less 0.5 s at each end (lift-off and
landing are movement, not posture), or the hold when that leaves under
0.5 s (1 s for sway). Not the hold alone: a brief over-reading of the thigh
angle at the top of a raise (seen with MediaPipe on the rendered test clip)
shortens the hold to a fraction of the time the leg was kept up.

Changes from standing still (trunk leans, pelvic drop) are measured from the
median of the frames with both feet down and no raise near
(:func:`movement_check.raises.rest_mask`); with fewer than 0.5 s of such
frames the angle itself is used and the note says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..cleaning import lowpass
from ..kinematics import inclination, knee_flexion, lateral_tilt, trunk_lateral_lean
from ..landmarks import Landmark as L
from ..poses import Poses
from ..landmarks import LEG
from ..raises import OTHER, STANDING, Repetition, facing
from ..walking import LEG_SHARE_OF_HEIGHT, SIDE, leg_length_px, midpoint

#: above this thigh elevation MediaPipe's hip landmark on the raised side follows the thigh (see raises)
PELVIC_DROP_MAX_THIGH_DEG = 20.0
SWAY_CUTOFF_HZ = 2.0


@dataclass(frozen=True)
class RepMeasure:
    """One repetition's measures; None where the view cannot show it. Angles in degrees."""

    rep: Repetition
    raised_knee_flexion: float | None = None
    stance_knee_flexion: float | None = None
    trunk_lateral_lean: float | None = None       # toward the stance leg, change from standing
    trunk_backward_lean: float | None = None      # change from standing
    pelvic_drop: float | None = None              # raised side lower, change from standing
    sway: float | None = None                     # % body height per second

    def to_dict(self) -> dict:
        d = self.rep.to_dict()
        d.update({k: (None if v is None else round(float(v), 2)) for k, v in asdict(self).items() if k != "rep"})
        return d


@dataclass(frozen=True)
class Context:
    """What every repetition of one clip shares."""

    poses: Poses
    posture: str
    view: str
    rest: np.ndarray          # (T,) bool, both feet down and still
    baseline_ok: bool         # at least 0.5 s at rest


def hold_window(times: np.ndarray, rep: Repetition) -> np.ndarray:
    """(T,) bool: the frames of the hold (or the peak +- 0.1 s without a hold)."""
    if rep.hold_s >= 0.3:
        return (times >= rep.hold_start_s - 1e-9) & (times <= rep.hold_end_s + 1e-9)
    return np.abs(times - rep.peak_s) <= 0.1 + 1e-9


def _mean(x: np.ndarray, mask: np.ndarray) -> float | None:
    vals = x[mask & np.isfinite(x)]
    return float(np.mean(vals)) if vals.size else None


def _change(ctx: Context, x: np.ndarray, window: np.ndarray) -> float | None:
    value = _mean(x, window)
    if value is None:
        return None
    base = _mean(x, ctx.rest) if ctx.baseline_ok else None
    return value - base if base is not None else value


def sway_path(poses: Poses, window: np.ndarray) -> float | None:
    """Path of the hip midpoint per second over ``window``, in % of body height (module notes)."""
    idx = np.flatnonzero(window)
    if idx.size < 4:
        return None
    times = poses.times
    hips = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    fs = 1.0 / float(np.median(np.diff(times)))
    if SWAY_CUTOFF_HZ < 0.5 * fs:
        hips = lowpass(hips, times, cutoff_hz=SWAY_CUTOFF_HZ)
    seg = hips[idx[0]:idx[-1] + 1]
    steps = np.linalg.norm(np.diff(seg, axis=0), axis=1)
    if not np.isfinite(steps).any():
        return None
    duration = float(times[idx[-1]] - times[idx[0]])
    height_px = leg_length_px(poses) / LEG_SHARE_OF_HEIGHT
    return 100.0 * float(np.nansum(steps)) / height_px / duration


def steady_window(times: np.ndarray, rep: Repetition, *, min_s: float = 0.5) -> np.ndarray | None:
    """(T,) bool: the time on one foot less 0.5 s at each end, else the hold; None if under ``min_s``."""
    if rep.up_s - 1.0 >= min_s:
        return (times >= rep.start_s + 0.5) & (times <= rep.end_s - 0.5)
    if rep.hold_s >= min_s:
        return (times >= rep.hold_start_s) & (times <= rep.hold_end_s)
    return None


def measure(ctx: Context, rep: Repetition, thigh_angle: np.ndarray) -> RepMeasure:
    """The measures of one repetition. ``thigh_angle``: the raised side's angle series (raises)."""
    p = ctx.poses
    im = p.image
    times = p.times
    win = hold_window(times, rep)
    steady = steady_window(times, rep)
    if steady is None:
        steady = win
    raised, stance = LEG[rep.side], LEG[OTHER[rep.side]]
    out: dict = {}
    if ctx.view == SIDE:
        out["raised_knee_flexion"] = _mean(knee_flexion(im[:, raised[0]], im[:, raised[1]], im[:, raised[2]]), win)
    if ctx.posture == STANDING:
        shoulders = midpoint(p, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        hips = midpoint(p, L.LEFT_HIP, L.RIGHT_HIP)
        if ctx.view == SIDE:
            out["stance_knee_flexion"] = _mean(knee_flexion(im[:, stance[0]], im[:, stance[1]], im[:, stance[2]]), win)
            backward = -inclination(shoulders, hips, facing(p))
            out["trunk_backward_lean"] = _change(ctx, backward, steady)
        else:
            toward_right = trunk_lateral_lean(hips, shoulders)
            toward_stance = toward_right if rep.side == "left" else -toward_right
            out["trunk_lateral_lean"] = _change(ctx, toward_stance, steady)
            thigh = _mean(thigh_angle, steady)
            if thigh is not None and thigh <= PELVIC_DROP_MAX_THIGH_DEG:
                left_lower = lateral_tilt(im[:, L.LEFT_HIP], im[:, L.RIGHT_HIP])
                raised_lower = left_lower if rep.side == "left" else -left_lower
                out["pelvic_drop"] = _change(ctx, raised_lower, steady)
        sw = steady_window(times, rep, min_s=1.0)
        if sw is not None:
            out["sway"] = sway_path(p, sw)
    return RepMeasure(rep=rep, **out)


def make_context(poses: Poses, posture: str, view: str, rest: np.ndarray) -> Context:
    dt = float(np.median(np.diff(poses.times))) if len(poses) > 1 else 1 / 30
    return Context(poses=poses, posture=posture, view=view, rest=rest, baseline_ok=rest.sum() * dt >= 0.5)


__all__ = ["Context", "PELVIC_DROP_MAX_THIGH_DEG", "RepMeasure", "hold_window", "make_context", "measure",
           "sway_path"]
