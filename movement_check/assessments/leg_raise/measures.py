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
mean of the frames with both feet down and no raise near
(:func:`movement_check.assessments.leg_raise.raises.rest_mask`); with fewer than 0.5 s of such
frames the angle itself is used (the metrics' notes then say so).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from movement_check.body.signals import lowpass
from movement_check.body.kinematics import inclination, knee_flexion, lateral_tilt, trunk_lateral_lean
from movement_check.body.landmarks import LEG, OTHER, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.posture import STANDING, facing
from movement_check.assessments.leg_raise.raises import Repetition
from movement_check.body.views import SIDE
from movement_check.body.body_size import leg_length_px
from movement_check.body.walking import LEG_SHARE_OF_HEIGHT, midpoint

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
    thigh_out_to_side: float | None = None        # front view: deg, the knee's sideways move at the hold

    def to_dict(self) -> dict:
        d = self.rep.to_dict()
        d.update({k: (None if v is None else round(float(v), 2)) for k, v in asdict(self).items() if k != "rep"})
        return d


@dataclass(frozen=True)
class Context:
    """What every repetition of one clip shares: the clip's series, computed once (:func:`make_context`).

    A series the view cannot show is None.
    """

    times: np.ndarray
    posture: str
    view: str
    rest: np.ndarray                          # (T,) bool, both feet down and still
    baseline_ok: bool                         # at least 0.5 s at rest
    knee_flexion: dict[str, np.ndarray] | None = None     # per side, side view
    trunk_backward: np.ndarray | None = None  # standing, side view
    trunk_toward_right: np.ndarray | None = None          # standing, front view
    hips_left_lower: np.ndarray | None = None              # standing, front view
    sway_hips: np.ndarray | None = None       # (T, 2) hip midpoint, low-passed for sway; standing
    height_px: float = float("nan")


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


def sway_path(ctx: Context, window: np.ndarray) -> float | None:
    """Path of the hip midpoint per second over ``window``, in % of body height (module notes)."""
    idx = np.flatnonzero(window)
    if idx.size < 4 or ctx.sway_hips is None:
        return None
    seg = ctx.sway_hips[idx[0]:idx[-1] + 1]
    steps = np.linalg.norm(np.diff(seg, axis=0), axis=1)
    if not np.isfinite(steps).any():
        return None
    duration = float(ctx.times[idx[-1]] - ctx.times[idx[0]])
    return 100.0 * float(np.nansum(steps)) / ctx.height_px / duration


def steady_window(times: np.ndarray, rep: Repetition, *, min_s: float = 0.5) -> np.ndarray | None:
    """(T,) bool: the time on one foot less 0.5 s at each end, else the hold; None if under ``min_s``."""
    if rep.up_s - 1.0 >= min_s:
        return (times >= rep.start_s + 0.5) & (times <= rep.end_s - 0.5)
    if rep.hold_s >= min_s:
        return (times >= rep.hold_start_s) & (times <= rep.hold_end_s)
    return None


def measure(ctx: Context, rep: Repetition, thigh_angle: np.ndarray,
            out_to_side: np.ndarray | None = None) -> RepMeasure:
    """The measures of one repetition. ``thigh_angle``: the raised side's thigh angle series; in a front
    view, how far the knee visibly rose (:attr:`movement_check.assessments.leg_raise.raises.FrontThigh.knee_rise`), with
    ``out_to_side`` the knee's sideways move (:attr:`~movement_check.assessments.leg_raise.raises.FrontThigh.out_to_side`)."""
    times = ctx.times
    win = hold_window(times, rep)
    steady = steady_window(times, rep)
    if steady is None:
        steady = win
    stance = OTHER[rep.side]
    out: dict = {}
    if ctx.knee_flexion is not None:
        out["raised_knee_flexion"] = _mean(ctx.knee_flexion[rep.side], win)
    if out_to_side is not None:
        out["thigh_out_to_side"] = _mean(out_to_side, win)
    if ctx.posture == STANDING:
        if ctx.view == SIDE:
            out["stance_knee_flexion"] = _mean(ctx.knee_flexion[stance], win)
            out["trunk_backward_lean"] = _change(ctx, ctx.trunk_backward, steady)
        else:
            toward_stance = ctx.trunk_toward_right if rep.side == "left" else -ctx.trunk_toward_right
            out["trunk_lateral_lean"] = _change(ctx, toward_stance, steady)
            thigh = _mean(thigh_angle, steady)
            if thigh is not None and thigh <= PELVIC_DROP_MAX_THIGH_DEG:
                raised_lower = ctx.hips_left_lower if rep.side == "left" else -ctx.hips_left_lower
                out["pelvic_drop"] = _change(ctx, raised_lower, steady)
        sw = steady_window(times, rep, min_s=1.0)
        if sw is not None:
            out["sway"] = sway_path(ctx, sw)
    return RepMeasure(rep=rep, **out)


def make_context(poses: Poses, posture: str, view: str, rest: np.ndarray) -> Context:
    """The clip's series the repetitions are measured on, each computed once."""
    times = poses.times
    dt = float(np.median(np.diff(times))) if len(poses) > 1 else 1 / 30
    im = poses.image
    series: dict = {}
    if view == SIDE:
        series["knee_flexion"] = {s: knee_flexion(im[:, LEG[s][0]], im[:, LEG[s][1]], im[:, LEG[s][2]])
                                  for s in LEG}
    if posture == STANDING:
        shoulders = midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
        hips = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
        if view == SIDE:
            series["trunk_backward"] = -inclination(shoulders, hips, facing(poses))
        else:
            series["trunk_toward_right"] = trunk_lateral_lean(hips, shoulders)
            series["hips_left_lower"] = lateral_tilt(im[:, L.LEFT_HIP], im[:, L.RIGHT_HIP])
        if SWAY_CUTOFF_HZ < 0.5 / dt:
            hips = lowpass(hips, times, cutoff_hz=SWAY_CUTOFF_HZ)
        series["sway_hips"] = hips
        series["height_px"] = leg_length_px(poses) / LEG_SHARE_OF_HEIGHT
    return Context(times=times, posture=posture, view=view, rest=rest, baseline_ok=bool(rest.sum() * dt >= 0.5), **series)


__all__ = ["Context", "PELVIC_DROP_MAX_THIGH_DEG", "RepMeasure", "hold_window", "make_context", "measure",
           "sway_path"]
