"""Leg raise: the metrics of each side from the repetitions measured (standing or lying), with why any is not given.

Sources and normal ranges: :mod:`.reference` (CLINICAL.md).
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import OTHER, SIDES
from movement_check.assessments.result import Metric
from movement_check.body.views import SIDE
import movement_check.assessments.leg_raise.reference as ref
from movement_check.assessments.leg_raise.measures import PELVIC_DROP_MAX_THIGH_DEG, RepMeasure
from movement_check.assessments.leg_raise.settings import LegRaiseAnalysis, LegRaiseSettings
from movement_check.assessments.stride_stats import mean_of, rounded


def _values(ms: list[RepMeasure], attr: str) -> list[float]:
    out = []
    for m in ms:
        v = getattr(m, attr) if hasattr(m, attr) else getattr(m.rep, attr)
        if v is not None and np.isfinite(v):
            out.append(float(v))
    return out


def _per_side(name: str, unit: str, ms: list[RepMeasure], attr: str, side: str, *, why_none: str,
              whose: str = "raised", digits: int = 1, note: str = "", reduce=mean_of, how: str = "mean of") -> Metric:
    vals = _values(ms, attr)
    value = reduce(vals) if vals else None
    if value is None:
        return Metric.unmeasured(name, unit, why_none, side=side)
    spread = f" ({min(vals):.{digits}f}-{max(vals):.{digits}f})" if len(vals) > 1 else ""
    text = f"{whose} leg; {how} {len(vals)} raise{'s' if len(vals) != 1 else ''}{spread}" + (f"; {note}" if note else "")
    value = int(value) if isinstance(value, (int, np.integer)) else round(float(value), digits)
    return Metric(name, value, unit, side=side, note=text)


def above_blind(per_side: dict[str, list[RepMeasure]], found: LegRaiseAnalysis) -> dict[str, list[RepMeasure]]:
    """The raises whose peak the view can show: in a front view, raised forward and clear of the blind angle."""
    if found.front is None:
        return per_side
    return {s: [m for m in ms if m.rep.peak_angle is not None and not _sideways(m)
                and m.rep.peak_angle >= found.front.blind_deg[s] + BLIND_MARGIN_DEG] for s, ms in per_side.items()}


def _sideways(m: RepMeasure) -> bool:
    return m.thigh_out_to_side is not None and m.thigh_out_to_side > SIDEWAYS_MAX_DEG


#: a front-view peak must clear the blind angle by this much to be reported
BLIND_MARGIN_DEG = 5.0
#: a knee that moved sideways by more than sin(this) thigh lengths went out to the side, not forward
SIDEWAYS_MAX_DEG = 30.0


def standing_metrics(per_side: dict[str, list[RepMeasure]], seen: dict[str, list[RepMeasure]],
                      found: LegRaiseAnalysis, settings: LegRaiseSettings) -> list[Metric]:
    view = found.view
    out: list[Metric] = []
    angle_note = ("thigh against the vertical, from the side" if view == SIDE else
                  f"thigh against the vertical, from the knee's height in the image through a camera assumed to "
                  f"see {settings.fov_deg:g} deg across (front view)")
    baseline = ("change from standing still on both feet" if found.from_rest else
                "as seen, not a change from standing still: the clip has under 0.5 s on both feet away from the "
                "raises (start filming before the first raise), so a camera not held level adds its tilt")
    for s in SIDES:
        out += _raised_leg(s, per_side[s], seen[s], found, settings, angle_note)
        # the standing leg's own metrics: this side stands while the other is raised
        out += _standing_leg(s, per_side[OTHER[s]], settings, baseline)
        out += _pelvis_and_trunk(s, per_side[s], view, baseline)
    return out


_NONE = "no raise of this leg"
_SIDE_ONLY = "needs a side view (the camera beside the patient)"
_FRONT_ONLY = "needs a front view (the patient facing the camera)"


def _raised_leg(s: str, ms: list[RepMeasure], seen: list[RepMeasure], found: LegRaiseAnalysis,
                settings: LegRaiseSettings, angle_note: str) -> list[Metric]:
    """The raised leg's peak, knee, hold and touch-downs."""
    why_peak = _NONE
    if ms and not seen:
        why_peak = (f"the thigh stayed under {found.front.blind_deg[s] + BLIND_MARGIN_DEG:.0f} deg, which this "
                    "front view cannot tell from a thigh hanging straight (the knee comes toward the lens as "
                    "fast as it rises): film from the side")
        if all(_sideways(m) for m in ms):
            why_peak = ("the knee went out to the side (hip abduction, as in a tree pose), not forward: "
                        "hip flexion is not measured")
    hidden = len(ms) - len(seen)
    return [
        _per_side("hip_flexion_peak", "deg", seen, "peak_angle", s, why_none=why_peak,
                  note=angle_note + (f"; {hidden} raise{'s' if hidden > 1 else ''} too low to be seen "
                                     "from the front or out to the side left out" if hidden and seen else "")),
        _per_side("raised_knee_flexion", "deg", ms, "raised_knee_flexion", s,
                  why_none=_NONE if not ms else _SIDE_ONLY, note="during the hold; 0 = straight"),
        _per_side("hold_time", "s", seen, "hold_s", s, why_none=why_peak, digits=2,
                  note=_hold_note(settings.hold_tolerance_deg)),
        _per_side("touch_downs", "count", ms, "touch_downs", s, why_none=_NONE, digits=0,
                  reduce=lambda v: int(np.sum(v)), how="total over",
                  note="the raised foot touching the floor for under 0.5 s before going up again")]


def _standing_leg(s: str, stands: list[RepMeasure], settings: LegRaiseSettings, baseline: str) -> list[Metric]:
    """Side ``s`` as the standing leg (while the other is raised): time on it, its knee, trunk lean, sway."""
    never = f"never stood on the {s} leg alone"
    t = _per_side("single_leg_time", "s", stands, "up_s", s, why_none=never,
                  whose="standing", digits=2, reduce=max, how="longest of", note=ref.SINGLE_LEG_SOURCE)
    if t.value is not None:
        flag = "short" if settings.stance_test and t.value < ref.SINGLE_LEG_MIN_S else None
        note = t.note + ("" if settings.stance_test else
                         "; flagged only in a single-leg stance test (stand as long as possible)")
        t = Metric(t.name, t.value, t.unit, side=s, normal_range=(ref.SINGLE_LEG_MIN_S, None), flag=flag, note=note)
    return [
        t,
        _per_side("stance_knee_flexion", "deg", stands, "stance_knee_flexion", s,
                  why_none=never if not stands else _SIDE_ONLY, whose="standing", note="during the hold; 0 = straight"),
        _per_side("trunk_lateral_lean", "deg", stands, "trunk_lateral_lean", s,
                  why_none=never if not stands else _FRONT_ONLY,
                  whose="standing", note=f"toward the standing leg (positive), {baseline}; " + ref.TRUNK_LEAN_SOURCE),
        _per_side("sway", "%height/s", stands, "sway", s,
                  why_none=never if not stands else
                  "the time on one leg was too short (needs 2 s on one foot or a 1 s hold)",
                  whose="standing", digits=2, note=ref.SWAY_SOURCE)]


def _pelvis_and_trunk(s: str, ms: list[RepMeasure], view: str, baseline: str) -> list[Metric]:
    """While side ``s`` is raised: the pelvis' drop (front view) and the trunk's backward lean (side view)."""
    if view == SIDE:
        why_drop = _FRONT_ONLY
    elif ms and all(m.pelvic_drop is None for m in ms):
        why_drop = (f"not measurable from one camera with the thigh raised above {PELVIC_DROP_MAX_THIGH_DEG:g} deg: "
                    "the hip landmark on the raised side rises with the thigh and would show a drop as a hike; "
                    "for a Trendelenburg test lift the foot by bending the knee, thigh kept down")
    else:
        why_drop = _NONE
    return [
        _per_side("pelvic_drop", "deg", ms, "pelvic_drop", s, why_none=why_drop,
                  note=f"the raised side lower (positive), {baseline}; " + ref.PELVIC_DROP_SOURCE),
        _per_side("trunk_backward_lean", "deg", ms, "trunk_backward_lean", s,
                  why_none=_NONE if not ms else _SIDE_ONLY,
                  note=f"backward (positive), {baseline}; " + ref.TRUNK_LEAN_SOURCE)]


def _hold_note(tolerance: float) -> str:
    return (f"longest time the leg stayed steady near the top: within a {tolerance:g} deg band, no lower than "
            f"{2 * tolerance:g} deg below the peak")


def supine_metrics(per_side: dict[str, list[RepMeasure]], tolerance: float) -> list[Metric]:
    out: list[Metric] = []
    for s in SIDES:
        ms = per_side[s]
        none = "no raise of this leg"
        out.append(_per_side("leg_elevation_peak", "deg", ms, "peak_angle", s, why_none=none,
                             note="hip-ankle line above its resting line on the table; " + ref.ASLR_SOURCE))
        out.append(_per_side("raised_knee_flexion", "deg", ms, "raised_knee_flexion", s, why_none=none,
                             note="during the hold; 0 = straight"))
        out.append(_per_side("hold_time", "s", ms, "hold_s", s, why_none=none, digits=2,
                             note=_hold_note(tolerance)))
        out.append(Metric.unmeasured("pelvis_rotation", "deg", "not visible from a camera beside the table (the "
                                     "pelvis turns about the body's long axis, toward the camera)", side=s))
    return out


def symmetry(per_side: dict[str, list[RepMeasure]], name: str) -> list[Metric]:
    out = []
    for metric, attr, unit in ((name, "peak_angle", "%"), ("hold_time", "hold_s", "%")):
        left, right = mean_of(_values(per_side["left"], attr)), mean_of(_values(per_side["right"], attr))
        mean = None if left is None or right is None else (left + right) / 2
        if mean is None or mean <= 0:
            out.append(Metric.unmeasured(f"{metric}_symmetry_index", unit, "needs raises of both legs"))
        else:
            out.append(Metric(f"{metric}_symmetry_index", rounded(100 * (right - left) / mean, 1), unit,
                              note=ref.SYMMETRY_SOURCE))
    return out
