"""The gait test's settings, and the clip's walking found with them once (the auto-detection's, the result's
and the figures' the same analysis)."""

from __future__ import annotations

from dataclasses import dataclass

from movement_check.body.poses import Poses
from movement_check.body.views import FRONT, SIDE
from movement_check.assessments.gait.strides import MIN_BOUT_S, GaitAnalysis, analyse
from movement_check.assessments.settings import checked, in_range, one_of


@dataclass(frozen=True)
@checked(view=one_of(SIDE, FRONT), height_cm=in_range("height_cm"), min_bout_s=in_range("min_bout_s"))
class GaitSettings:
    """``view``: force "side" or "front" (default: decided per bout). ``height_cm``: the
    patient's height, which scales pixels to metres for speed and step length."""

    view: str | None = None
    height_cm: float | None = None
    min_bout_s: float = MIN_BOUT_S


def walking(poses: Poses, settings: GaitSettings, walk: GaitAnalysis | None = None) -> GaitAnalysis:
    """The walking in ``poses``: ``walk`` when it was found with ``settings``' view and shortest bout (by the
    auto-detection, or for the result), else found now."""
    if walk is not None and walk.asked == (settings.view, settings.min_bout_s):
        return walk
    return analyse(poses, view=settings.view, min_bout_s=settings.min_bout_s)
