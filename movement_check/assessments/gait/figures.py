"""Gait's figures: the joint angles over the gait cycle, and the feet's paths with the events found.

Matplotlib's object API: no pyplot, no global backend. Each function takes cleaned Poses and returns a
``matplotlib.figure.Figure``; save it with ``fig.savefig(path)`` or show it in the app.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from movement_check.assessments.gait.assess import GaitSettings, sides_withheld, walking
from movement_check.assessments.gait.angles import side_angle_series
from movement_check.assessments.gait.mixed_views import timing_part
from movement_check.assessments.gait.strides import GaitAnalysis, ahead_signals
from movement_check.assessments.figure_style import COLOURS
from movement_check.assessments.gait.events import HEEL_STRIKE, TOE_OFF
from movement_check.body.landmarks import SIDES
from movement_check.body.poses import Poses
from movement_check.body.views import SIDE


def normalise_strides(times: np.ndarray, series: np.ndarray, strides, *, points: int = 101) -> np.ndarray:
    """(n_strides, points) of ``series`` resampled from each heel strike (0 %) to the next (100 %)."""
    grid = np.linspace(0.0, 1.0, points)
    rows = []
    for st in strides:
        inside = (times >= st.start - 1e-9) & (times <= st.stop + 1e-9) & np.isfinite(series)
        if inside.sum() < 5:
            continue
        u = (times[inside] - st.start) / st.duration
        rows.append(np.interp(grid, u, series[inside]))
    return np.array(rows) if rows else np.zeros((0, points))


def _walk(poses: Poses, settings: GaitSettings, walk: GaitAnalysis | None) -> GaitAnalysis:
    return walk if walk is not None else walking(poses, settings)


def gait_cycle_figure(poses: Poses, settings: GaitSettings = GaitSettings(), *,
                      walk: GaitAnalysis | None = None) -> Figure:
    """Hip, knee and ankle angles over the normalised gait cycle, mean +- SD per side (side view).

    ``walk``: the clip's gait analysis if already computed (else it is computed here)."""
    walk = _walk(poses, settings, walk)
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    axes = fig.subplots(1, 3)
    # the walks seen square from the side only: a walk seen at an angle foreshortens the angles, whose values are
    # withheld (angles.angle_metrics_for); its strides are left out too
    kept = {i for i, b in enumerate(walk.bouts) if b.view == SIDE and not b.at_angle}
    side_bouts = [walk.bouts[i] for i in sorted(kept)]
    if not side_bouts:
        why = "needs the camera square to the walk" if any(b.at_angle for b in walk.bouts) else "needs a side view"
        for ax in axes:
            ax.text(0.5, 0.5, why, ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        return fig
    series = side_angle_series(poses, side_bouts)
    pct = np.linspace(0, 100, 101)
    # left and right judged on the walking the assessment timed (a walk seen both ways: its side part; the barely
    # seen strikes, which need the events' confidence, not set aside here)
    unsure = sides_withheld(timing_part(poses, walk)[0])
    names = {"left": "one foot", "right": "the other foot"} if unsure else {s: s for s in SIDES}
    titles = {"hip": "Hip flexion (thigh vs trunk)", "knee": "Knee flexion", "ankle": "Ankle dorsiflexion"}
    for ax, joint in zip(axes, ("hip", "knee", "ankle")):
        for side in SIDES:
            strides = [st for st in walk.strides if st.side == side and st.bout in kept]
            rows = normalise_strides(poses.times, series[joint][side], strides)
            if rows.shape[0] == 0:
                continue
            mean, sd = rows.mean(axis=0), rows.std(axis=0)
            ax.plot(pct, mean, color=COLOURS[side], label=f"{names[side]} (n={rows.shape[0]})")
            ax.fill_between(pct, mean - sd, mean + sd, color=COLOURS[side], alpha=0.2, linewidth=0)
            toe_offs = [100 * (st.toe_off - st.start) / st.duration for st in strides if st.toe_off]
            if toe_offs:
                ax.axvline(float(np.mean(toe_offs)), color=COLOURS[side], linestyle=":", linewidth=1)
        ax.set_title(titles[joint], fontsize=10)
        ax.set_xlabel("% of gait cycle (heel strike to heel strike)")
        ax.set_ylabel("deg")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle("Joint angles over the gait cycle (mean +- SD; dotted: toe-off)"
                 + ("; left and right not told apart" if unsure else ""), fontsize=11)
    return fig


def foot_paths_figure(poses: Poses, settings: GaitSettings = GaitSettings(), *,
                      walk: GaitAnalysis | None = None) -> Figure:
    """Heel and toe position relative to the pelvis over time, with heel strikes and toe-offs marked."""
    walk = _walk(poses, settings, walk)
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    ax = fig.subplots()
    t = poses.times
    for b, bout in enumerate(walk.bouts):
        ax.axvspan(bout.start_s, bout.stop_s, color="0.92", zorder=0)
        for side in SIDES:
            heel, toe = ahead_signals(poses, bout, side)
            ax.plot(t, heel, color=COLOURS[side], label=f"{side} heel" if b == 0 else None)
            ax.plot(t, toe, color=COLOURS[side], linestyle="--", label=f"{side} toe" if b == 0 else None)
            for e in walk.found[b][side][HEEL_STRIKE]:
                ax.plot(e.time_s, e.value, "v", color=COLOURS[side], markersize=7)
            for e in walk.found[b][side][TOE_OFF]:
                ax.plot(e.time_s, e.value, "^", color=COLOURS[side], markersize=7, markerfacecolor="white")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("ahead of the pelvis (px)")
    ax.set_title("Feet relative to the pelvis (Zeni): v heel strike, ^ toe-off; grey: walking bouts", fontsize=11)
    ax.grid(alpha=0.3)
    if walk.bouts:
        ax.legend(fontsize=8, ncol=4)
    return fig


def gait_figures(poses: Poses, settings: GaitSettings, analysis: GaitAnalysis | None = None) -> dict[str, Figure]:
    """The gait cycle and the foot paths, from the result's walking analysis when given (else found here)."""
    walk = walking(poses, settings, analysis if isinstance(analysis, GaitAnalysis) else None)
    return {"gait_cycle": gait_cycle_figure(poses, settings, walk=walk),
            "foot_paths": foot_paths_figure(poses, settings, walk=walk)}
