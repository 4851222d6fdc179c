"""Foot rotation's figures: each step's angle, and the footprints seen from above.

Matplotlib's object API: no pyplot, no global backend. Each function takes cleaned Poses and returns a
``matplotlib.figure.Figure``; save it with ``fig.savefig(path)`` or show it in the app.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

import movement_check.assessments.foot_rotation.reference as foot_ref
from movement_check.assessments.foot_rotation.angles import bouts_of
from movement_check.assessments.foot_rotation.assess import WALKING, FootRotationAnalysis, FootRotationSettings
from movement_check.assessments.foot_rotation.assess import analyse as analyse_feet
from movement_check.assessments.figure_style import COLOURS
from movement_check.assessments.foot_rotation.footprints import on_floor, walking_line
from movement_check.body.landmarks import SIDES
from movement_check.body.poses import Poses


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
    which = bouts_of(found.prints, found.bouts)
    groups = ([[i for i, b in enumerate(which) if b == k] for k in range(len(found.bouts))]
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


def foot_rotation_figures(poses: Poses, settings: FootRotationSettings,
                          analysis: FootRotationAnalysis | None = None) -> dict[str, Figure]:
    """Each step's angle and the footprints from above, from the result's analysis when given."""
    found = analysis if isinstance(analysis, FootRotationAnalysis) else analyse_feet(poses, settings)
    return {"step_angles": step_angles_figure(poses, settings, found=found),
            "footprints": footprints_figure(poses, settings, found=found)}
