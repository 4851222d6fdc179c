"""Figures for the app and reports (matplotlib's object API: no pyplot, no global backend).

Each function takes cleaned Poses and returns a ``matplotlib.figure.Figure``;
save it with ``fig.savefig(path)`` or show it in the app.
"""

from __future__ import annotations


import numpy as np
from matplotlib.figure import Figure

from .assessments import foot_rotation_reference as foot_ref
from .assessments.foot_rotation import WALKING, FootRotationAnalysis, FootRotationSettings, bout_of
from .assessments.foot_rotation import analyse as analyse_feet
from .assessments.gait import GaitSettings, sides_withheld, walking
from .assessments.gait_angles import side_angle_series
from .assessments.gait_strides import GaitAnalysis, ahead_signals
from .assessments.leg_raise import LegRaiseAnalysis, LegRaiseSettings
from .assessments.leg_raise import analyse as analyse_raises
from .landmarks import SIDES
from .events import HEEL_STRIKE, TOE_OFF
from .footprints import on_floor, walking_line
from .poses import Poses
from .views import SIDE

COLOURS = {"left": "#1f77b4", "right": "#d62728"}


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
    side_bouts = [b for b in walk.bouts if b.view == SIDE]
    if not side_bouts:
        for ax in axes:
            ax.text(0.5, 0.5, "needs a side view", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
        return fig
    series = side_angle_series(poses, side_bouts)
    pct = np.linspace(0, 100, 101)
    unsure = sides_withheld(walk)
    names = {"left": "one foot", "right": "the other foot"} if unsure else {s: s for s in SIDES}
    titles = {"hip": "Hip flexion (thigh vs trunk)", "knee": "Knee flexion", "ankle": "Ankle dorsiflexion"}
    for ax, joint in zip(axes, ("hip", "knee", "ankle")):
        for side in SIDES:
            strides = [st for st in walk.strides if st.side == side]
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


def leg_raise_figure(poses: Poses, settings: LegRaiseSettings = LegRaiseSettings(), *,
                     found: LegRaiseAnalysis | None = None) -> Figure:
    """Each leg's raise angle over time, with the repetitions (shaded), peaks, holds and pain marks."""
    found = found if found is not None else analyse_raises(poses, settings)
    fig = Figure(figsize=(10, 3.4), layout="constrained")
    ax = fig.subplots()
    if found is None:
        ax.text(0.5, 0.5, "the trunk was not seen", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    t = poses.times
    if found.front is not None:
        blind = max(found.front.blind_deg.values())
        ax.axhspan(0, blind, color="grey", alpha=0.15, lw=0)
        ax.text(t[0] if len(t) else 0.0, blind, f" below {blind:.0f} deg the front view cannot see a raise",
                va="bottom", fontsize=8, color="dimgrey")
    for side in SIDES:
        ax.plot(t, found.angles[side], color=COLOURS[side], lw=1.3, label=f"{side} leg")
    for r in found.repetitions:
        c = COLOURS[r.side]
        ax.axvspan(r.start_s, r.end_s, color=c, alpha=0.08, lw=0)
        if r.hold_s > 0:
            y = (r.peak_angle or 0.0) + 3
            ax.plot([r.hold_start_s, r.hold_end_s], [y, y], color=c, lw=3, solid_capstyle="butt")
            ax.text(0.5 * (r.hold_start_s + r.hold_end_s), y + 1.5, f"hold {r.hold_s:.1f} s", color=c,
                    ha="center", va="bottom", fontsize=8)
        if r.peak_angle is not None:
            ax.plot([r.peak_s], [r.peak_angle], marker="v", color=c, ms=7)
        for td in r.touch_down_times:
            ax.axvline(td, color=c, ls=":", lw=1)
    ax.margins(y=0.12)                      # room for the hold labels above the peaks
    for t_pain in settings.pain_at_s:
        ax.axvline(t_pain, color="black", ls="--", lw=1)
        ax.text(t_pain, ax.get_ylim()[1], " pain", va="top", fontsize=8)
    what = ("Leg elevation above the table (deg)" if found.posture == "supine"
            else "Thigh elevation from vertical (deg)")
    ax.set_xlabel("time (s)")
    ax.set_ylabel(what)
    ax.set_title(f"Raises ({found.posture}, {found.view} view): shaded = leg up, bar = hold, triangle = peak")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def _feet_figure(poses: Poses, settings: FootRotationSettings, found: FootRotationAnalysis | None,
                 size: tuple[float, float]):
    """A one-panel figure for the foot-rotation analysis (made here if not given); the analysis is None, and
    the panel says why, when there is nothing to draw."""
    found = found if found is not None else analyse_feet(poses, settings)
    fig = Figure(figsize=size, layout="constrained")
    ax = fig.subplots()
    if found.mode is None or found.declined or not found.prints:
        ax.text(0.5, 0.5, found.declined or "no foot was seen flat on the floor", ha="center", va="center",
                transform=ax.transAxes, wrap=True)
        ax.set_axis_off()
        return fig, ax, None
    return fig, ax, found


def step_angles_figure(poses: Poses, settings: FootRotationSettings = FootRotationSettings(), *,
                       found: FootRotationAnalysis | None = None) -> Figure:
    """Each stance phase's foot progression angle over time per side, the side's mean, and the normal range."""
    fig, ax, found = _feet_figure(poses, settings, found, (10, 3.2))
    if found is None:
        return fig
    lo, hi = foot_ref.FPA_NORMAL
    ax.axhspan(lo, hi, color="green", alpha=0.07, lw=0)
    ax.text(poses.times[0], hi, f" normal {lo:g} to {hi:g} deg (Staheli 1985)", va="bottom", fontsize=8,
            color="darkgreen")
    ax.axhline(0, color="grey", lw=0.8)
    for side in SIDES:
        t = [p.time_s for p, a in zip(found.prints, found.angles) if p.side == side and np.isfinite(a)]
        a = [a for p, a in zip(found.prints, found.angles) if p.side == side and np.isfinite(a)]
        if not a:
            continue
        c = COLOURS[side]
        ax.plot(t, a, "o", color=c, label=f"{side} foot: {np.mean(a):.1f} deg over {len(a)}")
        ax.axhline(float(np.mean(a)), color=c, lw=1, ls="--")
    ax.set_xlim(poses.times[0], poses.times[-1])
    ax.set_xlabel("time (s)")
    ax.set_ylabel("toe-out (deg; negative = toe-in)")
    what = "each stance phase" if found.mode == WALKING else "standing"
    ax.set_title(f"Foot progression angle, {what}: dashed = mean (see the table for how sure it is)")
    ax.legend(loc="upper right", fontsize=8)
    ax.margins(y=0.2)
    return fig


def footprints_figure(poses: Poses, settings: FootRotationSettings = FootRotationSettings(), *,
                      found: FootRotationAnalysis | None = None) -> Figure:
    """Top-down sketch: each footprint (heel -> toe, as fitted) along its bout's walking line, which points up."""
    fig, ax, found = _feet_figure(poses, settings, found, (4.2, 6.0))
    if found is None:
        return fig
    groups = ([[i for i, p in enumerate(found.prints) if bout_of(p, found.bouts) == k] for k in range(len(found.bouts))]
              if found.mode == WALKING else [list(range(len(found.prints)))])
    x_offset = 0.0
    for idx in groups:
        prints = [found.prints[i] for i in idx]
        if not prints:
            continue
        centres = on_floor(prints, found.floor_velocity)
        line = walking_line(prints, found.floor_velocity) if found.mode == WALKING else None
        if line is None:           # standing, or too few: toward the camera is "up"
            mid = centres.mean(axis=0)
            line = -mid / np.linalg.norm(mid)
        across = np.array([line[1], -line[0]])                     # to the walker's right
        rot = np.stack([across, line])                             # floor -> (right, ahead)
        pts = (centres - centres.mean(axis=0)) @ rot.T
        for p, (x, y), i in zip(prints, pts, idx):
            axis = found.axes[i] @ rot.T
            h = np.array([x, y]) - axis / 2 + [x_offset, 0]
            ax.plot([h[0], h[0] + axis[0]], [h[1], h[1] + axis[1]], color=COLOURS[p.side], lw=2.5,
                    solid_capstyle="round")
            ax.plot([h[0]], [h[1]], "o", color=COLOURS[p.side], ms=5)           # the heel
        ax.axvline(x_offset, color="grey", lw=0.8, ls="--")
        ax.plot([], [], color="grey", ls="--", label="walking line" if x_offset == 0 else None)
        x_offset += 1.0
    for side in SIDES:
        ax.plot([], [], color=COLOURS[side], lw=2, label=f"{side} foot")
    ax.set_aspect("equal", adjustable="datalim")
    ax.margins(0.15)
    ax.set_xlabel("across (camera heights)")
    ax.set_ylabel("along the walk (camera heights)")
    ax.set_title("Footprints from above, walking up\n(dot = heel; as fitted, see the notes)", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    return fig


def gait_figures(poses: Poses, settings: GaitSettings, analysis: GaitAnalysis | None = None) -> dict[str, Figure]:
    """The gait cycle and the foot paths, from the result's walking analysis when given (else found here)."""
    walk = walking(poses, settings, analysis if isinstance(analysis, GaitAnalysis) else None)
    return {"gait_cycle": gait_cycle_figure(poses, settings, walk=walk),
            "foot_paths": foot_paths_figure(poses, settings, walk=walk)}


def leg_raise_figures(poses: Poses, settings: LegRaiseSettings, analysis: LegRaiseAnalysis | None = None
                      ) -> dict[str, Figure]:
    """The raises, from the result's analysis when given (else made here)."""
    found = analysis if isinstance(analysis, LegRaiseAnalysis) else None
    return {"raises": leg_raise_figure(poses, settings, found=found)}


def foot_rotation_figures(poses: Poses, settings: FootRotationSettings,
                          analysis: FootRotationAnalysis | None = None) -> dict[str, Figure]:
    """Each step's angle and the footprints from above, from the result's analysis when given."""
    found = analysis if isinstance(analysis, FootRotationAnalysis) else analyse_feet(poses, settings)
    return {"step_angles": step_angles_figure(poses, settings, found=found),
            "footprints": footprints_figure(poses, settings, found=found)}
