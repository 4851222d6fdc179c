"""Gait: cadence, step and stride times, stance, swing and double support, symmetry and variability.

From the strides and steps :mod:`.strides` found; every value gated (:mod:`.gates`), with the reason
where it is not given. Sources and normal ranges: :mod:`.reference` (CLINICAL.md).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from movement_check.assessments.result import Metric
from movement_check.body.walking import Bout
import movement_check.assessments.gait.reference as ref
from movement_check.assessments.gait.gates import cadence_problem, stride_phases
from movement_check.assessments.gait.running import too_fast_problem
from movement_check.assessments.gait.events import HEEL_STRIKE
from movement_check.assessments.gait.strides import (MAX_STEP_LEGS, MAX_STRIDE_LEGS, MAX_STRIDE_STEPS, MIN_STEP_S, GaitAnalysis, Stride,
                                                     step_pair_asymmetry)
from movement_check.body.landmarks import SIDES
from movement_check.body.views import SIDE
from movement_check.assessments.gait.timing import MIN_FPS_TIMING
from movement_check.assessments.gait.toe_offs import holds_two_toe_offs, toe_offs
from movement_check.assessments.stride_stats import make_metric, mean_of, range_flag, rounded, sd_of, typical_of

#: cadence from the typical stride needs this many strides: the median of two is their mean, and one stride over a
#: missed or misplaced heel strike moves it unseen (the limp re-encoded at 400 px and thinned to 20 fps read 43.4
#: for 93.0 from two strides); from three, one such stride does not move the median
MIN_CADENCE_STRIDES = 3
#: a "step" longer than this share of the walk's usual stride holds a missed heel strike (a limp's long step
#: is at most ~0.7 of its stride; two steps in one are a whole stride)
MAX_STEP_OF_STRIDE = 0.85
#: a step over MAX_STEP_LEGS of pelvis travel is a missed strike only if also this many times the median step
LONG_AGAINST_STEPS = 1.5
#: two steps shorter than this share of the walk's usual stride hold a false heel strike
MIN_STRIDE_SHARE = 0.67
#: two steps within this many times the walk's median step are one step split by a false heel strike (a whole
#: stride is two steps; a step-to limp's long and short step make over 1.2 of its long one: MAX_STEP_OF_STRIDE)
FALSE_PAIR_STEPS = 1.2
#: two steps in a row each shorter than this share of the median step are one step split by a false heel strike
#: too: a limp's short step is followed by a long one, never by another short one (the two-people walk as a starved
#: video call, JPEG quality 8: a strike 6 frames into an 18-frame step made steps of 10 and 12, 1.26 median steps
#: together, and read 113 steps/min for 97)
SHORT_PAIR_STEPS = 0.75
#: why a stride was left out of the cadence (:func:`side_free_strides`), in the cadence's reason and the quality block
MISSED_STRIKE = "holding a missed heel strike or a pause"
FALSE_STRIKE = "split by a false heel strike"
UNSEEN_STRIKE = "timed from a foot barely seen"
#: a heel strike with an event confidence under this (:func:`.assess.event_confidence`: the foot's visibility around
#: it times the sharpness of its peak) times no stride: on the labelled walks and their mirrored and re-encoded
#: copies, the two below 0.4 were both 3.7-3.8 frames off (a far foot landing behind the near leg), the 104 within
#: 2 frames of their labels all 0.43 or more
MIN_STRIKE_CONFIDENCE = 0.3
#: the walk's usual stride is this quantile of its strides (:func:`usual_stride`)
USUAL_STRIDE_QUANTILE = 0.25


def side_free_strides(walk: GaitAnalysis, travel: dict[int, float] | None = None,
                      left_out: Counter | None = None, unseen: dict[int, set[float]] | None = None) -> list[float]:
    """Durations (s) of the strides in each bout's heel strikes taken in time order, whatever foot each was given:
    strike i to strike i + 2 (a stride holds two steps; the foot's name is not needed to time it).

    The pose model mislabels the far leg in side views; a stride taken per labelled foot then spans a wrong pair
    of strikes, and with few strides one such stride moves the median. In time order every strike is used. Two
    steps make a stride only if each is a step: not shorter than MIN_STEP_S (of two strikes closer than that, the
    less sharp one is taken as false and left out: :func:`_without_false_strikes`) nor, with the pelvis crossing the
    frame (``travel``: yardsticks a second, per bout: step_scale), over MAX_STEP_LEGS of them of travel and
    LONG_AGAINST_STEPS times the median step, and the two within MAX_STRIDE_LEGS; seen from the front (where the
    model tells the feet apart), nor between two strikes of one foot; nor holding two toe-offs a whole swing apart
    (:func:`holds_two_toe_offs`). Then against the walk's usual stride
    (:func:`usual_stride`): neither step over
    MAX_STEP_OF_STRIDE of it (a missed strike; the check that still works on a treadmill) and the stride within
    MIN_STRIDE_SHARE-MAX_STRIDE_STEPS of it; two steps under MIN_STRIDE_SHARE of it or FALSE_PAIR_STEPS median steps
    (one step split by a false strike) are left out with the strides on either side, which share a step with them.
    ``left_out``: counts the strides the heel strikes could make (strike i to i + 2 in each bout) that were left
    out, by reason (MISSED_STRIKE, FALSE_STRIKE, UNSEEN_STRIKE): with those returned, they add up to all of them.
    ``unseen``: per bout, the times of heel strikes whose foot was barely seen (MIN_STRIKE_CONFIDENCE): a stride
    that starts, ends or turns at one is left out (UNSEEN_STRIKE); the strike still parts the steps around it.
    """
    pairs, all_steps = [], []
    left_out = Counter() if left_out is None else left_out
    travel = travel or {}
    for b, per_side in walk.found.items():
        t, feet = _without_false_strikes([(e, side) for side in SIDES for e in per_side[side][HEEL_STRIKE]])
        # a strike under MIN_STEP_S after another, dropped as false, takes one of the strides the strikes could make
        dropped = max(sum(len(per_side[s][HEEL_STRIKE]) for s in SIDES) - 2, 0) - max(t.size - 2, 0)
        if dropped:
            left_out[FALSE_STRIKE] += dropped
        if t.size < 3:
            continue
        speed = travel.get(b, 0.0)
        steps = np.diff(t)
        all_steps += list(steps)
        # the pelvis travel tells a missed strike where few strides leave the usual one in doubt; a fast walker's
        # step timed a little late can pass MAX_STEP_LEGS too, so only a step also long against the others counts
        ok = (speed * steps <= MAX_STEP_LEGS) | (steps <= LONG_AGAINST_STEPS * float(np.median(steps)))
        # seen from the front the model tells the feet apart: a foot striking twice in a row missed the other's
        named = b < len(walk.bouts) and walk.bouts[b].view != SIDE
        ok &= ~(feet[:-1] == feet[1:]) | (not named)
        ok &= ~holds_two_toe_offs(t, toe_offs(per_side, named, float(np.median(steps))))
        barely = np.isin(t, sorted((unseen or {}).get(b, ())))
        for i, (a, z) in enumerate(zip(steps[:-1], steps[1:])):
            if barely[i:i + 3].any():
                left_out[UNSEEN_STRIKE] += 1
            elif ok[i] and ok[i + 1] and speed * (a + z) <= MAX_STRIDE_LEGS:
                pairs.append((b, i, a, z))
            else:
                left_out[MISSED_STRIKE] += 1
    return _against_usual(pairs, all_steps, left_out)


def _against_usual(pairs: list[tuple], all_steps: list[float], left_out: Counter) -> list[float]:
    """The strides of :func:`side_free_strides`' ``pairs`` ((bout, i, step, next step)) that pass the checks
    against the walk's usual stride; the others counted in ``left_out``."""
    if not pairs:
        return []
    usual = usual_stride([a + z for _, _, a, z in pairs])
    # two "steps" short of MIN_STRIDE_SHARE of the usual stride, or no longer than FALSE_PAIR_STEPS median steps,
    # are one step split by a false strike, and the strides either side hold it too (each shares a step with
    # them): one false strike in a slow walk makes two strides of ~3/4 the true one, which also pull the usual
    # stride down (their typical stride, two of six: +13 %)
    step = float(np.median(all_steps))
    false = {(b, i + k) for b, i, a, z in pairs
             if a + z < MIN_STRIDE_SHARE * usual or a + z <= FALSE_PAIR_STEPS * step
             or max(a, z) < SHORT_PAIR_STEPS * step
             for k in (-1, 0, 1)}
    kept = []
    for b, i, a, z in pairs:
        if (b, i) in false:
            left_out[FALSE_STRIKE] += 1
        elif max(a, z) > MAX_STEP_OF_STRIDE * usual or a + z > MAX_STRIDE_STEPS * usual:
            left_out[MISSED_STRIKE] += 1
        else:
            kept.append(float(a + z))
    return kept


def usual_stride(strides: list[float]) -> float:
    """The walk's usual stride, to tell the strides that hold a missed heel strike: the lower quartile of all its
    bouts' strides (USUAL_STRIDE_QUANTILE). A missed strike only lengthens: each one makes two strides of three
    steps, so with one strike in five missed half the strides hold one and their median is one of those (the
    whole strides then look short beside it and are left out, the cadence two thirds of the true one, treadmill
    or front view, with no pelvis travel to tell). Pooled over the bouts: a bout of three strikes has one stride,
    its own median whatever it holds."""
    return float(np.quantile(strides, USUAL_STRIDE_QUANTILE))


def _without_false_strikes(strikes: list) -> tuple[np.ndarray, np.ndarray]:
    """The strikes' (``(Extremum, foot)``) times and feet in time order, less the weaker of any two closer than
    MIN_STEP_S (no walking step is that short: one of them is false; the sharper peak, prominence, stays; an added
    landing has none and stays)."""
    kept = sorted(strikes, key=lambda ef: ef[0].time_s)
    while True:
        close = [i for i in range(len(kept) - 1) if kept[i + 1][0].time_s - kept[i][0].time_s < MIN_STEP_S]
        if not close:
            return np.array([e.time_s for e, _ in kept]), np.array([foot for _, foot in kept])
        i = close[0]
        weak = [np.inf if not np.isfinite(e.prominence) else e.prominence for e, _ in kept[i:i + 2]]
        del kept[i + (1 if weak[1] < weak[0] else 0)]


def step_timing(walk: GaitAnalysis, bouts: list[Bout], n_steps: int, per_side_strides: dict[str, list[Stride]],
                strides: list[float], left_out: Counter, frame_s: float = 0.0, steady_camera: bool = False
                ) -> tuple[list[Metric], list[str], dict[str, list], list[float]]:
    """The timing metrics, warnings, each side's strides' phases (gated) and the stride durations.
    ``strides``, ``left_out``: the strides timed in time order and those left out (:func:`side_free_strides`);
    ``frame_s``: the frame interval (s), for the cadence's uncertainty; ``steady_camera``: :func:`.timing.steady`."""
    running = too_fast_problem(walk)
    inconsistent = running or front_strides_problem(walk, len(strides))
    if inconsistent:
        metrics, warnings = [Metric.unmeasured("cadence", "steps/min", inconsistent)], [f"cadence not given: {inconsistent}"]
    else:
        metrics, warnings = cadence_metrics(strides, frame_s, left_out, steady_camera)
    metrics.append(Metric("steps", n_steps, "count", note=f"heel strikes in {len(bouts)} walking bout(s)"))
    metrics.append(Metric("walking_bouts", len(bouts), "count",
                          note="; ".join(f"{b.start_s:.1f}-{b.stop_s:.1f} s, {b.view} view"
                                         + (" (at an angle)" if b.at_angle else "") for b in bouts)))
    for side in SIDES:
        metrics.append(make_metric("step_time", rounded(mean_of(walk.steps[side]), 3), "s", side=side))
    for side in SIDES:
        metrics.append(make_metric("stride_time", rounded(mean_of(st.duration for st in per_side_strides[side]), 3), "s",
                                   side=side))
    phases = {s: [stride_phases(st.start, st.stop, st.toe_off, st.other_strike, st.other_toe_off)
                  for st in per_side_strides[s]] for s in SIDES}
    metrics += phase_metrics(phases)
    durations = [st.duration for st in walk.strides]
    metrics += symmetry_metrics(walk) + [variability_metric(durations)]
    if inconsistent:          # the same heel strikes time the steps, strides and their phases: none of them either
        metrics = [m if m.name in ("steps", "walking_bouts") or (m.value is None and not running)
                   else Metric.unmeasured(m.name, m.unit, inconsistent, side=m.side) for m in metrics]
    return metrics, warnings, phases, durations


#: from the front, at least this share of the strides a walk's heel strikes could make (strike i to i + 2 in each
#: bout) must pass :func:`side_free_strides` for a cadence: the feet's height and pitch time the steps less surely
#: than a side view's, and when a third of the strides are out of step the rest are a chosen few, not the walk (the
#: synthetic walker from the front, whose feet do not tip, kept 43-64 % where its cadence was 6-29 % off; the real
#: front clip 86-100 % at 25, 15 and 12 fps)
MIN_FRONT_STRIDE_SHARE = 2 / 3


def front_strides_problem(walk: GaitAnalysis, timed: int) -> str | None:
    """Why a front view's cadence is not given from ``timed`` strides, or None (a side view: None)."""
    if not walk.bouts or any(b.view == SIDE for b in walk.bouts):
        return None
    possible = sum(max(0, sum(len(per_side[s][HEEL_STRIKE]) for s in SIDES) - 2) for per_side in walk.found.values())
    if possible == 0 or timed >= MIN_FRONT_STRIDE_SHARE * possible:
        return None
    return (f"from the front only {timed} of the {possible} strides between the heel strikes found agreed with "
            "each other (two thirds are needed): the steps were not timed reliably; film the walk from the side")


def cadence_metrics(strides: list[float], frame_s: float = 0.0, left_out: Counter | None = None,
                    steady_camera: bool = False) -> tuple[list[Metric], list[str]]:
    """Cadence (or why not), and the warning that goes with a cadence not given. ``strides``: durations (s);
    the uncertainty: :func:`cadence_uncertainty`; ``left_out``: the strides left out, by reason
    (:func:`side_free_strides`), named in the reason a cadence is not given, with advice on the camera unless it
    delivered a steady MIN_FPS_TIMING or more (``steady_camera``, :func:`.timing.steady`: a short walk ending in
    a turn, filmed at a steady 30 fps, has a strike in the turn that leaves a stride out too)."""
    # The typical stride (Hodges-Lehmann, :func:`typical_of`): a bout's first or last step (speeding up, slowing
    # down) pulls it little, and a few strides' timing errors average out where a median jumps. A stride holds one
    # step of each foot, so a limp's long and short steps, and any timing bias one foot's events share, cancel.
    # The strides are taken in time order (:func:`side_free_strides`), so a far leg named wrong changes nothing.
    # Five heel strikes in a row make three strides; with fewer whole strides than that the steps found do not
    # agree with each other (a missed or false strike), and a typical step from them would be a guess.
    if len(strides) < MIN_CADENCE_STRIDES:
        why = (f"too few whole strides were timed ({left_out_text(len(strides), left_out)}; it needs "
               f"{MIN_CADENCE_STRIDES}: five heel strikes in a row with none missed): film a longer walk, at least 6 "
               "steps, the whole body and feet in view" + (f", the camera steady at {MIN_FPS_TIMING:g} frames a second "
                                                          "or more" if left_out and not steady_camera else ""))
        return [Metric.unmeasured("cadence", "steps/min", why)], [f"cadence not given: {why}"]
    cadence = 120.0 / typical_of(strides)
    impossible = cadence_problem(cadence)
    if impossible:
        return [Metric.unmeasured("cadence", "steps/min", impossible)], [f"cadence not given: {impossible}"]
    m = make_metric("cadence", rounded(cadence, 1), "steps/min", normal=ref.CADENCE_NORMAL,
                    flag=range_flag(cadence, ref.CADENCE_NORMAL),
                    note=f"2 x 60 / typical stride time ({'median' if len(strides) <= 3 else 'Hodges-Lehmann'} "
                         f"of {len(strides)} strides; +- one standard error from their spread); {ref.CADENCE_SOURCE}")
    return [Metric(m.name, m.value, m.unit, side=m.side, normal_range=m.normal_range, flag=m.flag, note=m.note,
                   uncertainty=rounded(cadence_uncertainty(strides, frame_s), 1))], []


def left_out_text(timed: int, left_out: Counter | None) -> str:
    """"0 of the 4 the heel strikes found could make; left out: 3 holding a missed heel strike or a pause, 1 split
    by a false heel strike" (only the number timed when none was left out). Counted between the strikes found, not
    the strides walked: a false strike splitting a step puts three "strides" where two were walked, a missed one
    two where two were walked."""
    if not left_out or not sum(left_out.values()):
        return str(timed)
    return (f"{timed} of the {timed + sum(left_out.values())} the heel strikes found could make; left out: "
            + ", ".join(f"{n} {why}" for why, n in left_out.most_common() if n))


#: under this many strides their median absolute deviation says little of their spread (of three, it is the gap
#: between the two closest): their standard deviation is taken where larger
FEW_STRIDES = 5


def cadence_uncertainty(strides: list[float], frame_s: float) -> float:
    """+- steps/min: one standard error of 2 x 60 / the typical stride (:func:`typical_of`).

    The strides' spread (1.4826 x their median absolute deviation, robust to one odd stride) holds both the walk's
    own stride-to-stride variation and the heel strikes' timing error; it is taken no smaller than two events
    each placed anywhere within a frame (``frame_s`` / sqrt(6)). The standard error is taken as the median's,
    1.253 x that / sqrt(n) (the Hodges-Lehmann estimate's is 1.02 x for evenly scattered strides: with five or six
    strides the spread itself is uncertain, and the wider bound is kept), carried to the cadence by its slope,
    120 / T^2. It is no smaller than the gap between the cadence and 2 x 60 / the median stride: the spread above
    is the median's, blind to a few odd strides on one side, which move the typical stride where they do not move
    the median (two of six short: +13 % where the spread gave +-0.6). Against the labels (6 real walks at their
    own rate and thinned to 20, 15 and 12 fps, 4 re-encoded smaller) see ``benchmarks/gait_accuracy.py``.
    """
    t = np.asarray(strides, dtype=float)
    median, typical = float(np.median(t)), typical_of(t)
    spread = max(1.4826 * float(np.median(np.abs(t - median))), frame_s / np.sqrt(6.0),
                 float(np.std(t, ddof=1)) if 1 < t.size < FEW_STRIDES else 0.0)
    return max(120.0 * 1.253 * spread / np.sqrt(t.size) / typical ** 2, abs(120.0 / typical - 120.0 / median))


def phase_metrics(phases: dict[str, list]) -> list[Metric]:
    """Stance, swing and double support per side, from the strides' gated phases."""
    metrics = []
    for side in SIDES:
        value = mean_of(ph.stance for ph in phases[side])
        metrics.append(make_metric("stance", rounded(value, 1), "%", side=side, normal=ref.STANCE_NORMAL,
                                   flag=range_flag(value, ref.STANCE_NORMAL), note=ref.STANCE_SOURCE,
                                   why_missing=phase_why(phases[side])))
        metrics.append(make_metric("swing", rounded(None if value is None else 100 - value, 1), "%", side=side,
                                   why_missing=phase_why(phases[side])))
    for side in SIDES:
        value = mean_of(ph.double_support for ph in phases[side])
        metrics.append(make_metric("double_support", rounded(value, 1), "%", side=side,
                                   normal=ref.DOUBLE_SUPPORT_NORMAL, flag=range_flag(value, ref.DOUBLE_SUPPORT_NORMAL),
                                   note=ref.DOUBLE_SUPPORT_SOURCE, why_missing=phase_why(phases[side])))
    return metrics


def phase_why(phases: list) -> str:
    """Why a side's phases are not given."""
    reasons = sorted({r for ph in phases for r in ph.dropped})
    if reasons:
        return "every stride failed a plausibility check (" + "; ".join(reasons) + ")"
    return "not enough clean strides to measure it"


def symmetry_metrics(walk: GaitAnalysis) -> list[Metric]:
    """Step-time symmetry index (mean steps) and asymmetry (median over consecutive pairs)."""
    steps = walk.steps
    l_step, r_step = mean_of(steps["left"]), mean_of(steps["right"])
    enough = min(len(steps["left"]), len(steps["right"])) >= 2
    si = 100 * (r_step - l_step) / ((r_step + l_step) / 2) if enough else None
    pairs = step_pair_asymmetry(walk.found)
    return [
        make_metric("step_time_symmetry_index", rounded(si, 1), "%", normal=(-ref.SYMMETRY_LIMIT, ref.SYMMETRY_LIMIT),
                    flag="asymmetric" if si is not None and abs(si) > ref.SYMMETRY_LIMIT else None,
                    note="SI = (right - left) / mean x 100; positive: right steps longer. "
                         + ref.SYMMETRY_SOURCE, why_missing="needs at least 2 steps of each foot"),
        make_metric("step_time_asymmetry", rounded(float(np.median(pairs)) if pairs else None, 1), "%",
                    note=f"median over {len(pairs)} pairs of consecutive steps of |difference| / mean; robust "
                         "to one odd step; no validated cut-off",
                    why_missing="needs at least 3 consecutive steps")]


def variability_metric(durations: list[float]) -> Metric:
    """Stride-time coefficient of variation."""
    cv = 100 * sd_of(durations) / float(np.mean(durations)) if len(durations) > 2 else None
    cv_note = ref.STRIDE_CV_SOURCE + (f"; only {len(durations)} strides here" if len(durations) < 10 else "")
    return make_metric("stride_time_cv", rounded(cv, 1), "%", normal=(0.0, ref.STRIDE_CV_LIMIT),
                       flag="high" if cv is not None and cv > ref.STRIDE_CV_LIMIT else None, note=cv_note,
                       why_missing="needs at least 3 clean strides")
