"""Single-leg raises: standing knee/leg raises and single-leg stance, supine straight-leg raise, form check.

Pipeline: posture and view (:mod:`movement_check.assessments.leg_raise.raises`, or the settings)
-> each leg's raise angle and when each foot is up -> repetitions
-> per-repetition measures (:mod:`.measures`) -> metrics per side,
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

Reference values and sources: :mod:`.reference`.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from movement_check.body.poses import Poses
from movement_check.body.framing import out_of_frame
from movement_check.body.landmarks import LEG, OTHER, SIDES
from movement_check.body.posture import STANDING, SUPINE, find_posture, find_view
from movement_check.assessments.leg_raise.raises import (RaiseSettings, Repetition, feet_off_floor, find_repetitions, front_thigh,
                      raise_angles, rest_mask, up_masks)
from movement_check.assessments.result import Event, Metric
from movement_check.body.views import FRONT, SIDE
import movement_check.assessments.leg_raise.reference as ref
from movement_check.assessments.base import Assessment
from movement_check.assessments.leg_raise.form_check import check_form
from movement_check.assessments.leg_raise.measures import make_context, measure
from movement_check.assessments.leg_raise.parts import in_each_posture
from movement_check.assessments.leg_raise.metrics import above_blind, standing_metrics, supine_metrics, symmetry
from movement_check.assessments.leg_raise.own_posture import in_posture
from movement_check.assessments.leg_raise.settings import LegRaiseAnalysis, LegRaiseSettings, parse_times  # noqa: F401  (for callers)
from movement_check.assessments.stride_stats import value_at

__all__ = ["LegRaiseSettings", "assess", "analyse", "LegRaiseAnalysis"]


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
    clip are measured on their own, beside them (:mod:`.parts`), and when every raise was made in
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
    seen = above_blind(per_side, found)
    if found.posture == SUPINE:
        metrics += supine_metrics(per_side, settings.hold_tolerance_deg)
    else:
        metrics += standing_metrics(per_side, seen, found, settings)
    metrics += symmetry(seen, "leg_elevation_peak" if found.posture == SUPINE else "hip_flexion_peak")
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
