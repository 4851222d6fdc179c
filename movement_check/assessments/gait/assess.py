"""Gait: events, spatiotemporal parameters, joint angles and foot-drop signs from one camera.

Pipeline: steady walking bouts and their view (:mod:`movement_check.body.walking`)
-> heel strikes and toe-offs per foot (:mod:`movement_check.assessments.gait.events`)
-> steps, strides and their phases -> angles at those phases -> metrics.

Event methods
- Side view: Zeni et al. (2008): heel strike when the heel is farthest in
  front of the pelvis along the image's x axis, toe-off when the toe is
  farthest behind it.
- Front view (walking toward or away from the camera): first the same idea
  with the image's vertical axis standing in for depth (the camera looks down
  on the floor, so a foot nearer the camera appears lower): heel strike near
  where the heel is lowest relative to the pelvis, toe-off when the toe is
  highest relative to it. Toe-offs agree with the side view of a synchronised
  studio pair within 2 frames (25 fps). The heel's landmark, hidden behind
  the foot from the front, settles on the floor 4-5 frames early, so each
  heel strike is then moved to the foot's terminal-swing top: the toe highest
  over the ankle, the foot's most dorsiflexed moment at initial contact
  (:func:`movement_check.assessments.gait.events.foot_top_strikes`). Measured: seen from the
  side that top falls within 0.5 frame of Zeni's heel strike; from the front
  it comes 1.1-2.5 frames before the side view's heel strikes on the studio
  pair (the heel alone: 3.5-5.3), and 1.0-1.9 frames before the exact events
  of a rendered clip (30 fps). Single front-view events can still be a few
  frames early; the result says so.

Reference values and their sources: :mod:`.reference`. Angles follow the
sign conventions in :mod:`movement_check.body.kinematics`.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from movement_check.assessments.gait.events import HEEL_STRIKE, TOE_OFF
from movement_check.body.landmarks import LEG, OTHER, SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.assessments.result import Event, Metric
from movement_check.body.views import FRONT, SIDE
from movement_check.body.body_size import leg_length_in
from movement_check.body.walking import Bout, LEG_SHARE_OF_HEIGHT, in_bouts, jump_warnings, midpoint
import movement_check.assessments.gait.reference as ref
from movement_check.assessments.base import Assessment
from movement_check.assessments.gait.angles import angle_metrics_for
from movement_check.assessments.gait.rhythm import front_rhythm, with_rhythm
from movement_check.assessments.gait.mixed_views import timed_from_the_side, timing_part, without_front_sides
from movement_check.assessments.gait.running import too_fast_problem
from movement_check.assessments.gait.step_timing import MIN_STRIKE_CONFIDENCE, step_timing
import movement_check.assessments.gait.timing as timing
from movement_check.assessments.gait.gates import sides_problem, stride_steps_problem
from movement_check.assessments.gait.strides import SHORT_STEP, GaitAnalysis, Stride, analyse
from movement_check.assessments.gait.settings import GaitSettings, walking
from movement_check.assessments.stride_stats import make_metric, mean_of, rounded, sampler

MIN_STRIDES = 4

__all__ = ["GaitAnalysis", "GaitSettings", "Stride", "analyse", "assess"]


# ------------------------------------------------------------------ the assessment
def assess(poses: Poses, /, *, settings: GaitSettings = GaitSettings(), walk: GaitAnalysis | None = None
           ) -> Assessment:
    """Gait metrics, events and warnings for one clip's cleaned trajectories (``walk``: see :func:`walking`);
    the walking analysis is handed on as the assessment's ``analysis``."""
    walk = walking(poses, settings, walk)
    found = _assess(poses, settings, walk)
    found.analysis = walk
    return found


def _assess(poses: Poses, settings: GaitSettings, walk: GaitAnalysis) -> Assessment:
    """:func:`assess` on the walking found."""
    bouts = walk.bouts
    if not bouts:
        reason = "no steady walking was found (standing, turning, or the feet out of the frame)"
        names = [("cadence", "steps/min", None), ("steps", "count", None)]
        return Assessment(
            metrics=[Metric.unmeasured(n, u, reason, side=s) for n, u, s in names],
            warnings=[f"{reason}: film at least 4 steps of walking with the whole body, feet included, in view"],
            quality={"walking_bouts": [], "view": None})
    views = {b.view for b in bouts}
    view = views.pop() if len(views) == 1 else "mixed"
    found = [(b, side, name, e) for b, per_side in walk.found.items() for side in SIDES
             for name in (HEEL_STRIKE, TOE_OFF) for e in per_side[side][name]]
    legs = [leg_length_in(poses, bout.start, bout.stop) for bout in bouts]
    events = [Event(e.time_s, name, side, int(round(e.frame)),
                    event_confidence(poses, e, side, legs[b] if bouts[b].view == SIDE else 0.3 * legs[b]))
              for b, side, name, e in found]
    n_steps = sum(1 for e in events if e.name == HEEL_STRIKE)
    # the steps are timed from ``timed_walk``: a walk seen from the front and the side, from the side (mixed_views)
    timed_walk, timed, left_out = timing_part(poses, walk, _barely_seen(found, events))
    timed_view = SIDE if timed_walk is not walk else view
    per_side_strides = {s: [st for st in timed_walk.strides if st.side == s] for s in SIDES}
    delivered = timing.delivery(poses, [bouts[b] for b in timed_walk.found])
    fps = delivered.fps
    metrics, warnings, phases, durations = step_timing(timed_walk, bouts, n_steps, per_side_strides, timed, left_out,
                                                       1.0 / fps if np.isfinite(fps) and fps > 0 else 0.0,
                                                       timing.steady(delivered))
    if timed_walk is not walk:
        warnings.append(timed_from_the_side(walk))
    # a front view's cadence against the feet's rhythm, unless the camera's frames could not give that either
    untimed = timing.withheld(delivered, view).get("cadence")
    rhythm = front_rhythm(poses, bouts) if view == FRONT and "cadence" not in timing.withheld(
        delivered, view, rhythm=True) else None
    metrics, warnings, from_rhythm = with_rhythm(metrics, warnings, rhythm, untimed)
    cadence_strides = _cadence_strides(len(timed), left_out)
    if from_rhythm:
        cadence_strides["rhythm"] = round(rhythm.strides, 1)        # strides the feet's rhythm spans
    metrics += _scaled_metrics(poses, bouts, walk.found, settings)
    angle_metrics, angle_warnings, unflagged = angle_metrics_for(
        poses, bouts, {s: [st for st in walk.strides if st.side == s] for s in SIDES})
    # the side angles' flags need strides of their own (the square side bouts'), where the timed part holds front ones
    square = {b for b, bout in enumerate(bouts) if bout.view == SIDE and not bout.at_angle}
    angle_metrics = _withhold_unreliable_flags(angle_metrics, {s: sum(st.side == s and st.bout in square
                                                                       for st in walk.strides) for s in SIDES})
    # the sides are judged on the timed part (_gated); the front part's own, where its values are shown by side
    front_reason = sides_withheld(walk) if timed_walk is not walk and not sides_withheld(timed_walk) else None
    if front_reason:
        angle_metrics, events, why = without_front_sides(angle_metrics, events, [b for b, *_ in found], timed_walk,
                                                         front_reason)
        angle_warnings.append(why)
    return _gated(poses, timed_walk, (view, timed_view), events, metrics + angle_metrics, warnings + angle_warnings,
                  phases, durations, per_side_strides, unflagged, delivered, cadence_strides)


def _gated(poses: Poses, walk: GaitAnalysis, views: tuple[str, str], events: list[Event], metrics: list[Metric],
           warnings: list[str], phases: dict, durations: list[float], per_side_strides: dict[str, list[Stride]],
           unflagged: list[str], delivered: timing.Delivery, cadence_strides: dict) -> Assessment:
    """The measures with what the camera delivered, the sides and the strides' number taken into account (values
    and flags withheld with the reason), the warnings, and the quality block. ``walk``: the walking the steps were
    timed from; ``views``: the clip's and that walking's; ``unflagged``: the legs' differences seen but not
    flagged, said only where a flag could have been given (sides told apart, enough strides of each)."""
    (view, timed_view), bouts, strides = views, walk.bouts, walk.strides
    metrics = _withhold_unreliable_flags(metrics, {s: len(per_side_strides[s]) for s in SIDES},
                                         {"cadence": int(cadence_strides.get("rhythm", cadence_strides["timed"]))})
    metrics, timing_warnings = timing.apply(metrics, delivered, timed_view,
                                            float(np.median(durations)) if durations else None,
                                            rhythm="rhythm" in cadence_strides)
    warnings += timing_warnings
    sides_reason = sides_withheld(walk)
    if not sides_reason and min(len(per_side_strides[s]) for s in SIDES) >= MIN_STRIDES:
        warnings += unflagged
    if sides_reason:
        metrics = _withhold_per_side(metrics, sides_reason)
        events = [Event(e.time_s, e.name, None, e.frame, e.confidence) for e in events]
        warnings.append(f"left and right are not told apart: {sides_reason}; the values of each side are withheld "
                        "(cadence and the step times of both feet together are kept)")
    dropped = Counter(reason for side in SIDES for ph in phases[side] for reason in ph.dropped) + walk.dropped
    running = too_fast_problem(walk) is not None      # its steps are not a walk's to count (the cadence says why)
    if running:
        dropped.pop(SHORT_STEP, None)
    if dropped:
        warnings.append("left out as impossible: " + "; ".join(f"{n} x {why}" for why, n in dropped.items()))

    # ---- quality
    for side in SIDES if not sides_reason and not running else ():
        n = len(per_side_strides[side])
        if n < MIN_STRIDES:
            warnings.append(f"only {n} clean {side} stride{'s' if n != 1 else ''} (fewer than {MIN_STRIDES}): "
                            "the values are not reliable; film a longer walk")
    if sides_reason and not running and len(strides) < 2 * MIN_STRIDES:
        warnings.append(f"only {len(strides)} clean strides (fewer than {2 * MIN_STRIDES}): the values are not "
                        "reliable; film a longer walk")
    warnings += _poorly_seen_legs(poses, bouts) + jump_warnings(poses, bouts, walk.asked[0])
    if view == FRONT:
        warnings.append("front view: steps are timed from the feet's height and pitch in the image, which puts heel "
                        "strikes up to 3 frames early (cadence is unaffected; stance and double support read long); "
                        "joint angles, speed and step length need a side view")
    if any(b.at_angle for b in walk.bouts):
        warnings.append("the camera saw the walk at an angle (the shoulders apart, the feet crossing the picture): "
                        "steps are timed from the feet crossing the picture, as from the side; the knee, hip and "
                        "ankle angles, speed and step length need the camera square to the walk (side-on, at the "
                        "middle of the walk), the pelvic drop and sideways trunk lean a walk straight toward or "
                        "away from the camera")
    return Assessment(metrics=metrics, events=events, warnings=warnings,
                      quality={"view": view, "walking_bouts": [b.to_dict() for b in bouts],
                               "event_method": "Zeni et al. 2008 (foot position relative to the pelvis)"
                               + (", image height standing in for depth; heel strike at the foot's "
                                  "terminal-swing top (toe highest over the ankle)" if view != SIDE else ""),
                               "strides": {s: len(per_side_strides[s]) for s in SIDES},
                               "event_uncertainty": timing.event_uncertainty(view, delivered.fps),
                               "camera_delivered": delivered.to_dict(),
                               "steps": _step_quality(walk, phases, sides_reason),
                               "cadence_strides": cadence_strides})


def _cadence_strides(timed: int, left_out: Counter) -> dict:
    """The quality block's count of the strides the cadence was timed from, of those the heel strikes found could
    make, and why the others were left out (:func:`.step_timing.side_free_strides`)."""
    return {"timed": timed, "possible": timed + sum(left_out.values()),
            "left_out": {why: n for why, n in left_out.items() if n}}


def sides_withheld(walk: GaitAnalysis) -> str | None:
    """Why this walk's left and right cannot be told apart (see :mod:`.gates`), or None."""
    per_side_strides = {s: [st for st in walk.strides if st.side == s] for s in SIDES}
    return sides_problem([(len(per_side["left"][HEEL_STRIKE]), len(per_side["right"][HEEL_STRIKE]))
                          for per_side in walk.found.values()], list(walk.side_votes.values())) \
        or stride_steps_problem({s: mean_of(st.duration for st in per_side_strides[s]) for s in SIDES},
                                {s: mean_of(walk.steps[s]) for s in SIDES})


def _barely_seen(found: list[tuple], events: list[Event]) -> dict[int, set[float]]:
    """Per bout, the times of the heel strikes under MIN_STRIKE_CONFIDENCE. ``found``: (bout, side, name,
    Extremum) of each of ``events``, in their order (each bout's own, where two bouts hold a strike at the same
    time and foot)."""
    out: dict[int, set[float]] = {b: set() for b, *_ in found}
    for (b, _, name, e), event in zip(found, events):
        if name == HEEL_STRIKE and event.confidence is not None and event.confidence < MIN_STRIKE_CONFIDENCE:
            out[b].add(e.time_s)
    return out


def event_confidence(poses: Poses, e, side: str, scale: float) -> float:
    """0-1: the foot's landmark visibility around the event (+-2 frames) times the sharpness of its peak
    (prominence against 30 % of ``scale``, the leg length in the signal's unit; 1 at or above it)."""
    i = int(round(e.frame))
    _, _, ankle, heel, toe = LEG[side]
    vis = poses.visibility[max(0, i - 2):i + 3, [ankle, heel, toe]]
    vis = vis[np.isfinite(vis)]
    seen = float(vis.mean()) if vis.size else 0.0
    sharp = 1.0 if not np.isfinite(e.prominence) else min(1.0, e.prominence / (0.3 * scale)) if scale > 0 else 0.0
    return round(max(0.0, min(1.0, seen)) * sharp, 2)


#: metrics without a side that still depend on telling the sides apart
_SIDED_WITHOUT_SIDE = ("step_time_symmetry_index",)


def _withhold_per_side(metrics: list[Metric], reason: str) -> list[Metric]:
    """Every per-side value (and the left-right symmetry index) becomes unmeasured with ``reason``."""
    return [Metric.unmeasured(m.name, m.unit, f"left and right not told apart: {reason}", side=m.side)
            if m.side is not None or m.name in _SIDED_WITHOUT_SIDE else m for m in metrics]


def _step_quality(walk: GaitAnalysis, phases: dict, sides_reason: str | None) -> dict:
    """Heel strikes found in the bouts timed (``of_bouts``), how many made clean strides, what was dropped and why."""
    strikes = sum(len(per_side[s][HEEL_STRIKE]) for per_side in walk.found.values() for s in SIDES)
    in_strides = {(st.bout, st.side, st.start) for st in walk.strides} | {(st.bout, st.side, st.stop)
                                                                           for st in walk.strides}
    dropped = Counter(r for s in SIDES for ph in phases[s] for r in ph.dropped) + walk.dropped
    votes = list(walk.side_votes.values())
    return {"heel_strikes": strikes, "heel_strikes_in_clean_strides": len(in_strides), "of_bouts": sorted(walk.found),
            "left_out": dict(dropped),
            "side_vote": [f"{a} of {n} heel strikes labelled as alternation says" for a, n in votes],
            "sides": "withheld: " + sides_reason if sides_reason else "told apart"}


def _withhold_unreliable_flags(metrics: list[Metric], strides: dict[str, int], own: dict[str, int] | None = None
                               ) -> list[Metric]:
    """No flag from fewer than MIN_STRIDES clean strides: the value stays, the note says why.

    A per-side metric needs that many strides on its side; a metric without a
    side (symmetry, variability, speed) needs them on both sides. A metric timed from strides of its own
    (``own``: name -> their number; cadence, from the strikes in time order whatever foot was named) needs
    twice as many of those (as many as both sides' would be).
    """
    out = []
    own = own or {}
    for m in metrics:
        n = strides[m.side] if m.side else min(strides.values())
        needed, kind = MIN_STRIDES, "clean"
        if m.name in own:
            n, needed, kind = own[m.name], 2 * MIN_STRIDES, "whole"
        if m.flag and n < needed:
            note = f"not flagged: only {n} {kind} stride{'s' if n != 1 else ''}" + (f"; {m.note}" if m.note else "")
            m = Metric(m.name, m.value, m.unit, side=m.side, normal_range=m.normal_range, flag=None, note=note,
                       uncertainty=m.uncertainty)
        out.append(m)
    return out


def _scaled_metrics(poses: Poses, bouts: list[Bout], found: dict, settings: GaitSettings) -> list[Metric]:
    """Gait speed and step length: need a side view and the patient's height."""
    if settings.height_cm is None:
        why = "no scale: give the patient's height (--height-cm) to measure it"
        return [Metric.unmeasured("gait_speed", "m/s", why)] + \
               [Metric.unmeasured("step_length", "m", why, side=s) for s in SIDES]
    side_bouts = [(b, bout) for b, bout in enumerate(bouts) if bout.view == SIDE and not bout.at_angle]
    if not side_bouts:
        why = "needs a side view (walking across the camera)" if not any(b.view == SIDE for b in bouts) else \
            "needs the camera square to the walk: it saw the walker at an angle (shoulders apart)"
        return [Metric.unmeasured("gait_speed", "m/s", why)] + \
               [Metric.unmeasured("step_length", "m", why, side=s) for s in SIDES]
    # pixels a metre per bout, from its own leg length: a walk back along a far wall is smaller in the picture
    px_per_m = {b: leg_length_in(poses, bout.start, bout.stop) / (LEG_SHARE_OF_HEIGHT * settings.height_cm / 100.0)
                for b, bout in side_bouts}
    scale_note = (f"scaled by leg length = {LEG_SHARE_OF_HEIGHT} x height (Drillis & Contini); "
                  "assumes walking square to the camera")
    pelvis_x = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    speeds, weights = [], []
    for b, bout in side_bouts:
        x = pelvis_x[bout.start:bout.stop]
        t = poses.times[bout.start:bout.stop]
        ok = np.isfinite(x)
        if ok.sum() > 2 and t[ok][-1] > t[ok][0]:
            speeds.append(abs(np.polyfit(t[ok], x[ok], 1)[0]) / px_per_m[b])
            weights.append(t[ok][-1] - t[ok][0])
    speed = float(np.average(speeds, weights=weights)) if speeds else None
    metrics = []
    if speed is not None and speed < 0.1:
        metrics.append(Metric.unmeasured("gait_speed", "m/s",
                                         "the pelvis did not travel across the frame (treadmill or walking on the spot)"))
    else:
        flag = None if speed is None else "low" if speed < ref.SPEED_NORMAL[0] else \
            "high" if speed > ref.SPEED_NORMAL[1] else None
        metrics.append(make_metric("gait_speed", rounded(speed, 2), "m/s", normal=ref.SPEED_NORMAL, flag=flag,
                               note=ref.SPEED_SOURCE + "; " + scale_note))
    for side in SIDES:
        other = OTHER[side]
        lengths = []
        heel_at = sampler(poses.times, poses.image[:, LEG[side][3], 0])
        other_at = sampler(poses.times, poses.image[:, LEG[other][3], 0])
        for b, _ in side_bouts:
            for e in found[b][side][HEEL_STRIKE]:
                a, o = heel_at(e.time_s), other_at(e.time_s)
                if np.isfinite(a) and np.isfinite(o):
                    lengths.append(abs(a - o) / px_per_m[b])
        metrics.append(make_metric("step_length", rounded(mean_of(lengths), 3), "m", side=side, note=scale_note))
    return metrics


def _poorly_seen_legs(poses: Poses, bouts: list[Bout]) -> list[str]:
    inside = in_bouts(len(poses), bouts)
    out = []
    for side in SIDES:
        vis = poses.visibility[inside][:, list(LEG[side])]
        mean = float(np.nanmean(vis)) if np.isfinite(vis).any() else float("nan")
        if np.isfinite(mean) and mean < 0.6:
            out.append(f"the {side} leg was poorly seen while walking (mean visibility {mean:.2f}): "
                       "its events and angles are less reliable")
    return out
