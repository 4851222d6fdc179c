"""Single-leg raises: standing knee/leg raises and single-leg stance, supine straight-leg raise, form check.

Pipeline: posture and view (:mod:`movement_check.raises`, or the settings)
-> each leg's raise angle and when each foot is up -> repetitions
-> per-repetition measures (:mod:`leg_raise_measures`) -> metrics per side,
pain-marker angles, and the home-exercise form check (:mod:`form_check`).

Which ``side`` a metric carries (each note repeats it):

- the **raised** leg: ``repetitions``, ``hip_flexion_peak``,
  ``leg_elevation_peak``, ``raised_knee_flexion``, ``hold_time``,
  ``touch_downs``, ``pelvic_drop`` (the side that drops), ``trunk_backward_lean``;
- the **standing** leg: ``single_leg_time``, ``stance_knee_flexion``,
  ``trunk_lateral_lean`` (toward the standing leg), ``sway``.

``hip_flexion_peak`` is the thigh against the **vertical** (not against the
trunk) in both views, so that it means the same from the side and from the
front; hip flexion against the trunk is it plus ``trunk_backward_lean``.
Per-side values are the mean over that side's repetitions (the note gives
the range), except ``single_leg_time``: the longest.

Reference values and sources: :mod:`leg_raise_reference`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import InputError
from ..kinematics import DEFAULT_FOV_DEG
from ..poses import Poses
from ..quality import out_of_frame
from ..landmarks import LEG
from ..posture import STANDING, SUPINE, find_posture, find_view
from ..raises import (OTHER, SIDES, FrontThigh, RaiseSettings, Repetition, feet_off_floor, find_repetitions, front_thigh,
                      raise_angles, rest_mask, up_masks)
from ..results import Event, Metric
from ..walking import FRONT, SIDE
from . import leg_raise_reference as ref
from .base import Assessment
from .form_check import Prescription, check_form
from .leg_raise_measures import PELVIC_DROP_MAX_THIGH_DEG, RepMeasure, make_context, measure
from .leg_raise_parts import in_each_posture
from .leg_raise_posture import in_posture
from .settings import checked, in_range, one_of, sides, times_s, yes_or_no
from .stride_stats import mean_of, rounded, value_at

__all__ = ["LegRaiseSettings", "assess", "analyse", "LegRaiseAnalysis"]


def parse_times(text: str) -> tuple[float, ...]:
    """Pain moments as typed by a user, "3.5, 7.2" (commas, semicolons or spaces) -> (3.5, 7.2).

    Raises InputError with a sentence the user can act on. Empty text: no marks.
    """
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise InputError(f"Pain times {text!r} are not a list of times in seconds from the start of the clip, "
                         "e.g. 3.5, 7.2.") from None
    if any(not np.isfinite(v) or v < 0 for v in values):
        raise InputError("Pain times are seconds from the start of the clip, so none can be negative.")
    return values


@dataclass(frozen=True)
@checked(posture=one_of(STANDING, SUPINE), view=one_of(SIDE, FRONT), pain_at_s=times_s, stance_test=yes_or_no,
         hold_tolerance_deg=in_range("hold_tolerance_deg"), prescribed_repetitions=in_range("prescribed_repetitions",
         whole=True), prescribed_hold_s=in_range("prescribed_hold_s"), prescribed_sides=sides,
         straight_knee=yes_or_no, target_angle_deg=in_range("target_angle_deg"), fov_deg=in_range("fov_deg"))
class LegRaiseSettings:
    """``posture`` "standing"/"supine" and ``view`` "side"/"front" override what the data says.
    ``pain_at_s``: times (s) the therapist marked pain. ``stance_test``: the patient was asked to
    stand on one leg as long as possible (then a stance under 5 s is flagged). The ``prescribed_*``
    options describe a home exercise and turn on the form check."""

    posture: str | None = None
    view: str | None = None
    pain_at_s: tuple[float, ...] = ()
    stance_test: bool = False
    hold_tolerance_deg: float = 5.0
    prescribed_repetitions: int | None = None
    prescribed_hold_s: float | None = None
    prescribed_sides: tuple[str, ...] = SIDES
    straight_knee: bool = False
    target_angle_deg: float | None = None
    fov_deg: float = DEFAULT_FOV_DEG

    def prescription(self) -> Prescription | None:
        if self.prescribed_repetitions is None and self.prescribed_hold_s is None:
            return None
        return Prescription(repetitions_per_side=self.prescribed_repetitions or 10,
                            hold_s=self.prescribed_hold_s if self.prescribed_hold_s is not None else 5.0,
                            sides=tuple(self.prescribed_sides), straight_knee=self.straight_knee,
                            target_angle_deg=self.target_angle_deg)


@dataclass
class LegRaiseAnalysis:
    """Everything found in one clip, for the metrics and the figures."""

    posture: str
    view: str
    angles: dict[str, np.ndarray]
    up: dict[str, np.ndarray]
    repetitions: list[Repetition]
    measures: list[RepMeasure]
    why_posture: str
    why_view: str
    front: FrontThigh | None = None     # front view, standing: the blind angle and the knee's visible rise
    from_rest: bool = True              # leans and pelvic drop are changes from standing still (else absolute)


def analyse(poses: Poses, settings: LegRaiseSettings = LegRaiseSettings()) -> LegRaiseAnalysis | None:
    """Posture, view, angles and repetitions; None if the person's trunk was never seen."""
    posture = settings.posture or find_posture(poses)
    view = settings.view or find_view(poses)
    if posture is None or view is None:
        return None
    why_posture = "given" if settings.posture else "from the trunk's tilt"
    why_view = "given" if settings.view else "from the shoulders' width"
    rs = RaiseSettings(hold_tolerance_deg=settings.hold_tolerance_deg)
    front = None
    if posture == SUPINE:
        if not settings.view:
            view, why_view = SIDE, "lying down is filmed from the side"
        angles = raise_angles(poses, posture, view)
        up = up_masks(poses, posture, angles, rs)
    else:
        up = up_masks(poses, posture, {}, rs)
        if view == FRONT:
            feet = feet_off_floor(poses, rs)       # rest: both feet down (whatever the legs do)
            front = front_thigh(poses, {s: ~(feet[s] & ~feet[OTHER[s]]) for s in SIDES}, settings.fov_deg)
            up = up_masks(poses, posture, {}, rs, front)
            angles = front.elevation
        else:
            angles = raise_angles(poses, posture, view)
    reps = find_repetitions(poses, up, angles, rs)
    ctx = make_context(poses, posture, view, rest_mask(len(poses), reps, poses.times))
    # the pelvic-drop gate needs how far the knee visibly rose, not the (blind-zone) elevation
    gate = front.knee_rise if front is not None else angles
    measures = [measure(ctx, r, gate[r.side], None if front is None else front.out_to_side[r.side]) for r in reps]
    return LegRaiseAnalysis(posture=posture, view=view, angles=angles, up=up, repetitions=reps, measures=measures,
                            why_posture=why_posture, why_view=why_view, front=front, from_rest=ctx.baseline_ok)


# ------------------------------------------------------------------ the assessment
def assess(poses: Poses, /, *, settings: LegRaiseSettings = LegRaiseSettings()) -> Assessment:
    """Leg-raise metrics, events, warnings and (with a prescription) the form check, in the posture given,
    else in the one held longest; without a posture given, the raises made in another posture held in the
    clip are measured on their own, beside them (:mod:`leg_raise_parts`), and when every raise was made in
    another posture, that posture is the test's. The analysis is handed on (for the figure) when the clip
    was measured whole in the settings given."""
    return in_each_posture(poses, settings, lambda whole, given: _assess(whole, given, hand_on=given is settings))


def _assess(poses: Poses, settings: LegRaiseSettings, *, hand_on: bool = False) -> Assessment:
    """:func:`assess` in one posture (``settings.posture``, else the one held longest); ``hand_on``: the
    analysis as the assessment's, when made on the whole clip in these settings (as the figure makes it)."""
    part, posture, why = in_posture(poses, settings.posture)
    hand_on = hand_on and part is poses
    if part is None:
        return Assessment(metrics=[Metric.unmeasured("repetitions", "count", why)],
                          warnings=[f"not measured: {why}"],
                          quality={"posture": None, "view": None, "posture_refused": why})
    poses = part
    if settings.posture is None and posture != find_posture(poses):
        settings, hand_on = replace(settings, posture=posture), False
    found = analyse(poses, settings)
    if found is None:
        reason = "the trunk (shoulders and hips) was not seen"
        return Assessment(metrics=[Metric.unmeasured("repetitions", "count", reason)],
                          warnings=[f"{reason}: film the whole body, head to feet"],
                          quality={"posture": None, "view": None})
    metrics: list[Metric] = []
    warnings: list[str] = []
    reps, measures = found.repetitions, found.measures
    per_side = {s: [m for m in measures if m.rep.side == s] for s in SIDES}
    events = _events(reps)

    metrics.append(Metric("repetitions", len(reps), "count",
                          note=f"raises of either leg ({found.posture}, {found.view} view)"))
    for s in SIDES:
        metrics.append(Metric("repetitions", len(per_side[s]), "count", side=s, note=f"raises of the {s} leg"))
    seen = _above_blind(per_side, found)
    if found.posture == SUPINE:
        metrics += _supine_metrics(per_side, settings.hold_tolerance_deg)
    else:
        metrics += _standing_metrics(per_side, seen, found, settings)
    metrics += _symmetry(seen, "leg_elevation_peak" if found.posture == SUPINE else "hip_flexion_peak")
    pain_metrics, pain_events = _pain_marks(poses, found, settings.pain_at_s)
    metrics += pain_metrics
    events += pain_events

    quality: dict = {"posture": found.posture, "posture_from": found.why_posture, "view": found.view,
                     "view_from": found.why_view, "angle": _angle_words(found),
                     "hold_tolerance_deg": settings.hold_tolerance_deg, "leans_from_rest": found.from_rest,
                     "repetitions": [m.to_dict() for m in measures]}
    prescription = settings.prescription()
    if prescription is not None:
        form = check_form(measures, prescription, angle_name="leg raised" if found.posture == SUPINE else "knee raised")
        quality["form_check"] = form.to_dict()
        metrics.append(Metric("adherence", round(form.adherence_pct, 1), "%",
                              note="repetitions meeting the prescription / prescribed; " + "; ".join(form.summary)))
    warnings += _raise_warnings(poses, found, settings, why)
    if why:
        quality["posture_parts_left_out"] = why
    return Assessment(metrics=metrics, events=events, warnings=warnings, quality=quality,
                      analysis=found if hand_on else None)


def _raise_warnings(poses: Poses, found: LegRaiseAnalysis, settings: LegRaiseSettings, why: str | None) -> list[str]:
    """No raise found, framing, what a front view cannot see, parts in another posture left out, end-on filming."""
    reps = found.repetitions
    warnings: list[str] = []
    if not reps:
        warnings.append("no raise was found: no foot left the floor for 0.4 s or more"
                        if found.posture == STANDING else "no raise was found: neither leg lifted 5 deg or more")
    warnings += _framing(poses, reps)
    if found.posture == STANDING and found.view == FRONT and reps:
        blind = max(found.front.blind_deg.values())
        warnings.append(f"front view: how high the thigh came up is worked out from the knee's height in the image, "
                        f"assuming a level camera that sees {settings.fov_deg:g} deg across the frame (a guess "
                        f"10 deg wrong moves the readings 1-4 deg with the camera 2.5 m away); raises under about "
                        f"{blind:.0f} deg cannot be seen at this camera's height and distance; knee angles need a "
                        "side view: film from the side for numbers to compare between visits")
    if why:
        warnings.append(why)
    if found.posture == SUPINE and find_view(poses) == FRONT and not settings.view:
        warnings.append("lying down filmed end-on: leg angles need the camera beside the table")
    return warnings


# ------------------------------------------------------------------ metrics
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


def _above_blind(per_side: dict[str, list[RepMeasure]], found: LegRaiseAnalysis) -> dict[str, list[RepMeasure]]:
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


def _standing_metrics(per_side: dict[str, list[RepMeasure]], seen: dict[str, list[RepMeasure]],
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


def _supine_metrics(per_side: dict[str, list[RepMeasure]], tolerance: float) -> list[Metric]:
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


def _symmetry(per_side: dict[str, list[RepMeasure]], name: str) -> list[Metric]:
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


def _pain_marks(poses: Poses, found: LegRaiseAnalysis, marks) -> tuple[list[Metric], list[Event]]:
    """The raised leg's angle at each moment the therapist marked pain."""
    name = "leg_elevation_at_pain" if found.posture == SUPINE else "hip_flexion_at_pain"
    metrics, events = [], []
    times = poses.times
    for t in sorted(float(x) for x in marks):
        frame = int(np.argmin(np.abs(times - t))) if len(times) else None
        if not len(times) or t < times[0] - 1e-6 or t > times[-1] + 1e-6:
            metrics.append(Metric.unmeasured(name, "deg", f"pain marked at {t:.2f} s, outside the clip"))
            continue
        rep = next((r for r in found.repetitions if r.start_s <= t <= r.end_s), None)
        if rep is not None:
            side = rep.side
        else:
            at = {s: value_at(times, found.angles[s], t) for s in SIDES}
            side = max(SIDES, key=lambda s: at[s] if np.isfinite(at[s]) else -np.inf)
        angle = value_at(times, found.angles[side], t)
        events.append(Event(t, "pain_marked", side, frame))
        if not np.isfinite(angle):
            metrics.append(Metric.unmeasured(name, "deg", f"pain marked at {t:.2f} s; the {side} leg was not seen",
                                             side=side))
            continue
        note = f"pain marked at {t:.2f} s" + ("" if rep else ", with neither leg raised")
        flag = None
        if found.posture == SUPINE:
            lo, hi = ref.LASEGUE_RANGE
            if lo <= angle <= hi:
                flag = "30-70 deg"
            note += "; " + ref.LASEGUE_SOURCE + " (ask whether the pain ran down the leg)"
        metrics.append(Metric(name, round(float(angle), 1), "deg", side=side,
                              normal_range=ref.LASEGUE_RANGE if found.posture == SUPINE else None, flag=flag,
                              note=note))
    return metrics, events


def _events(reps: list[Repetition]) -> list[Event]:
    out = []
    for r in reps:
        out += [Event(r.start_s, "raise_start", r.side, r.start), Event(r.peak_s, "raise_peak", r.side, r.peak),
                Event(r.end_s, "raise_end", r.side, r.stop)]
        out += [Event(t, "touch_down", r.side, None) for t in r.touch_down_times]
    return out


def _angle_words(found: LegRaiseAnalysis) -> str:
    if found.posture == SUPINE:
        return "leg elevation: hip-ankle line above its resting line"
    if found.view == SIDE:
        return "thigh elevation from the vertical, in the image (side view)"
    return ("thigh elevation from the vertical, from the knee's height in the image through a pinhole camera "
            "(front view)")


def _framing(poses: Poses, reps: list[Repetition]) -> list[str]:
    """Warnings for a repetition during which the raised leg or the hips left the frame or were poorly seen."""
    out = []
    for r in reps:
        idx = list(LEG[r.side][:3]) + list(LEG[OTHER[r.side]][:3])
        vis = poses.visibility[r.start:r.stop + 1][:, idx]
        outside = out_of_frame(poses.image[r.start:r.stop + 1][:, idx, :2], poses.frame_size).any(axis=0)
        poorly = np.nanmean(np.where(np.isfinite(vis), vis, 0.0), axis=0) < 0.5
        if outside.any() or poorly.any():
            out.append(f"during the {r.side} raise at {r.start_s:.1f}-{r.end_s:.1f} s the hips, knees or ankles were "
                       "out of the frame or poorly seen: its values are less reliable; keep the whole body in view")
    return out
