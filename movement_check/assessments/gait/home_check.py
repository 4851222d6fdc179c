"""Gait's home-check adapter: walking for the minutes prescribed, counted as the steady walking the camera saw
(turns and standing still are not counted)."""

from __future__ import annotations

from movement_check.assessments.home_check import HomeCheck, Prescribed, clock


def walk_check(prescribed: Prescribed, result: dict) -> HomeCheck:
    """The time of steady walking (the gait result's walking bouts) against ``prescribed.minutes``."""
    bouts = result.get("quality", {}).get("assessment", {}).get("walking_bouts", [])
    walked_s = sum(b["stop_s"] - b["start_s"] for b in bouts)
    steps = next((m["value"] for m in result.get("metrics", []) if m["name"] == "steps"), None)
    target_s = prescribed.minutes * 60.0
    pct = min(100.0, 100.0 * walked_s / target_s)
    feedback = [f"The camera saw {clock(walked_s)} (min:s) of steady walking"
                + (f" ({steps:.0f} steps)" if steps else "") + f" of the {clock(target_s)} prescribed.",
                "Turns and standing still are not counted."]
    if pct >= 100:
        feedback.insert(0, "Well done: you walked the time prescribed.")
    elif not bouts:
        feedback.append("No steady walking was seen: walk across the room with your whole body in view.")
    return HomeCheck(prescribed.exercise, f"{clock(walked_s)} of {clock(target_s)} min:s", pct, feedback)
