"""Gait: cadence, step and stride times, stance, swing and double support, symmetry and variability.

From the strides and steps :mod:`.strides` found; every value gated (:mod:`.gates`), with the reason
where it is not given. Sources and normal ranges: :mod:`.reference` (CLINICAL.md).
"""

from __future__ import annotations

import numpy as np

from movement_check.assessments.result import Metric
from movement_check.body.walking import Bout
import movement_check.assessments.gait.reference as ref
from movement_check.assessments.gait.gates import cadence_problem, stride_phases
from movement_check.assessments.gait.strides import GaitAnalysis, Stride, step_pair_asymmetry
from movement_check.body.landmarks import SIDES
from movement_check.assessments.stride_stats import make_metric, mean_of, range_flag, rounded, sd_of

#: cadence from the median stride needs this many strides; else from the median step, this many steps
#: (cadence from one stride or two steps is one or two intervals: a missed heel strike doubles it unseen)
MIN_CADENCE_STRIDES = 2
MIN_CADENCE_STEPS = 3


def step_timing(walk: GaitAnalysis, bouts: list[Bout], n_steps: int, per_side_strides: dict[str, list[Stride]]
                ) -> tuple[list[Metric], list[str], dict[str, list], list[float]]:
    """The timing metrics, warnings, each side's strides' phases (gated) and the stride durations."""
    metrics, warnings = cadence_metrics(walk.strides, walk.steps["left"] + walk.steps["right"])
    metrics.append(Metric("steps", n_steps, "count", note=f"heel strikes in {len(bouts)} walking bout(s)"))
    metrics.append(Metric("walking_bouts", len(bouts), "count",
                          note="; ".join(f"{b.start_s:.1f}-{b.stop_s:.1f} s, {b.view} view" for b in bouts)))
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
    return metrics, warnings, phases, durations


def cadence_metrics(strides: list[Stride], all_steps: list[float]) -> tuple[list[Metric], list[str]]:
    """Cadence (or why not), and the warning that goes with a cadence not given."""
    # Medians: a bout's first or last step (speeding up, slowing down) does not pull them. A stride holds one
    # step of each foot, so a limp's long and short steps, and any timing bias one foot's events share, cancel.
    too_few = None
    if len(strides) >= MIN_CADENCE_STRIDES:
        cadence = 120.0 / float(np.median([st.duration for st in strides]))
        how = "2 x 60 / median stride time"
    elif len(all_steps) >= MIN_CADENCE_STEPS:
        cadence = 60.0 / float(np.median(all_steps))
        how = "60 / median step time (fewer than 2 whole strides)"
    else:
        cadence, how = None, ""
        too_few = (f"too few steps were timed ({len(all_steps)} steps, {len(strides)} strides; it needs "
                   f"{MIN_CADENCE_STEPS} steps or {MIN_CADENCE_STRIDES} strides): film a longer walk")
    impossible = cadence_problem(cadence) or too_few
    if impossible:
        return [Metric.unmeasured("cadence", "steps/min", impossible)], [f"cadence not given: {impossible}"]
    return [make_metric("cadence", rounded(cadence, 1), "steps/min", normal=ref.CADENCE_NORMAL,
                        flag=range_flag(cadence, ref.CADENCE_NORMAL), note=f"{how}; {ref.CADENCE_SOURCE}")], []


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
