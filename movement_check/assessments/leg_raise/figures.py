"""The leg raise's figure: each leg's angle over the clip, the raises found and their holds.

Matplotlib's object API: no pyplot, no global backend. Each function takes cleaned Poses and returns a
``matplotlib.figure.Figure``; save it with ``fig.savefig(path)`` or show it in the app.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from movement_check.assessments.leg_raise.assess import LegRaiseAnalysis, LegRaiseSettings
from movement_check.assessments.leg_raise.assess import analyse as analyse_raises
from movement_check.assessments.figure_style import COLOURS
from movement_check.body.landmarks import SIDES
from movement_check.body.poses import Poses


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


def leg_raise_figures(poses: Poses, settings: LegRaiseSettings, analysis: LegRaiseAnalysis | None = None
                      ) -> dict[str, Figure]:
    """The raises, from the result's analysis when given (else made here)."""
    found = analysis if isinstance(analysis, LegRaiseAnalysis) else None
    return {"raises": leg_raise_figure(poses, settings, found=found)}
