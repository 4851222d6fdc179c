"""Foot rotation on real clips (local files in ../shared, never committed)."""

import pytest

from movement_check.analysis import analyze_clip

from .clips import SHARED

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared not beside the checkout")]


def _metric(result, name, side=None):
    return next(m for m in result["metrics"] if m["name"] == name and m["side"] == side)


def test_studio_front_walk_gives_both_feet_a_plausible_angle_with_an_uncertainty():
    result, _ = analyze_clip(SHARED / "videos" / "studio_walk_front.mp4", "foot-rotation")
    result = result.to_dict()
    for side in ("left", "right"):
        m = _metric(result, "foot_progression_angle", side)
        # measured: left 16.1 +- 8.0, right 27.3 +- 9.0 (19 stance phases; camera assumed level)
        assert -10.0 <= m["value"] <= 30.0 and 0.0 < m["uncertainty"] < 15.0
    assert len(result["quality"]["assessment"]["steps"]) >= 8


def test_studio_side_walk_is_declined():
    result, _ = analyze_clip(SHARED / "videos" / "studio_walk_side.mp4", "foot-rotation")
    m = _metric(result.to_dict(), "foot_progression_angle", "left")
    assert m["value"] is None and "view" in m["note"]
