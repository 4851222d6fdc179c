"""How far one test's numbers can be trusted: good, limited or not usable, with the reasons.

A pure reading of a result dict (:meth:`movement_check.assessments.result.Result.to_dict`): how much of the clip the
person was seen in, how many strides / raises / stance phases the values rest on, the view and the frame
rate the camera delivered, values the gates withheld, and the warnings. Nothing is measured again.

The thresholds are the assessments' own (so the badge agrees with the flags):

- gait: 4 clean strides of each foot before a value is flagged (``gait.MIN_STRIDES``, stride-time
  variability "needs many strides", Gabell & Nayak 1984 in CLINICAL.md); stance, swing and double support
  need 20 frames a second and step timing 15 (``gait_timing``: a 2-frame event error is 7 % of a stride at
  25 fps, 18 % at 10 fps);
- leg raise: a raise of each leg, to compare the sides;
- foot rotation: ``FootRotationSettings.min_steps`` stance phases of each foot.

"Not usable": the test's main value could not be measured (no steady walking, no raise, no foot flat on the
floor), or the person was seen in under a third of the frames. The findings then show no numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from movement_check.assessments.foot_rotation.assess import FootRotationSettings
from movement_check.assessments.gait.assess import MIN_STRIDES
from movement_check.assessments.gait.timing import MIN_FPS_PHASES, below, rate
from movement_check.body.landmarks import SIDES

GOOD, LIMITED, NOT_USABLE = "good", "limited", "not usable"
LEVELS = (GOOD, LIMITED, NOT_USABLE)

#: the assessments' own minimums (see the module docstring)
MIN_STRIDES_PER_SIDE = MIN_STRIDES
MIN_STANCE_PHASES = FootRotationSettings().min_steps
#: share of frames the person must be found in; under the first the clip is not usable
SEEN_NOT_USABLE, SEEN_LIMITED = 0.33, 0.6

#: warnings that lower the confidence to "limited", by a phrase each contains
LIMITING_WARNINGS = (
    ("poorly seen while walking", "a leg was poorly seen"),
    ("feet are out of the frame", "the feet were out of the frame"),
    ("the clip looks like a", "the clip looks like another test"),
    ("camera assumed level", "the camera's tilt was not found"),
    ("left out as impossible", "some steps were left out as impossible"),
    ("not low-pass filtered", "too few frames a second to filter the landmark noise"),
    ("the clip is dark", "the clip is dark (the pose model sees less in dim light without saying so)"),
)


@dataclass(frozen=True)
class Confidence:
    level: str                    # good | limited | not usable
    reasons: tuple[str, ...]      # why it is not good (empty when good)
    basis: str                    # what the values rest on: "from 12 strides (6 left, 6 right), side view, 30 fps"

    @property
    def reason(self) -> str:
        """One line for the badge: the reasons, or what the values rest on when all is well."""
        return "; ".join(self.reasons) if self.reasons else self.basis

    def to_dict(self) -> dict:
        return {"level": self.level, "reasons": list(self.reasons), "basis": self.basis}


def confidence(result: dict) -> Confidence:
    """The confidence of one test's result (see the module docstring for the rules)."""
    quality = result.get("quality") or {}
    found = quality.get("assessment") or {}
    test = result.get("test")
    unusable: list[str] = []
    limited: list[str] = []
    seen = quality.get("person_seen_share")
    if seen is not None and seen < SEEN_NOT_USABLE:
        unusable.append(f"the person was seen in only {seen:.0%} of the frames")
    elif seen is not None and seen < SEEN_LIMITED:
        limited.append(f"the person was seen in only {seen:.0%} of the frames")
    checks = {"gait": _gait, "leg-raise": _leg_raise, "foot-rotation": _foot_rotation}.get(test)
    if checks is None:
        unusable.append(f"no assessment for the test {test!r}")
    else:
        u, lim = checks(result, found)
        unusable += u
        limited += lim
    text = " ".join(result.get("warnings", [])).lower()
    limited += [why for phrase, why in LIMITING_WARNINGS if phrase in text]
    level = NOT_USABLE if unusable else LIMITED if limited else GOOD
    return Confidence(level, tuple(dict.fromkeys(unusable or limited)), basis(result))


def basis(result: dict) -> str:
    """What the values rest on, in a few words."""
    found = (result.get("quality") or {}).get("assessment") or {}
    parts: list[str] = []
    test = result.get("test")
    if test == "gait":
        strides = found.get("strides") or {}
        if strides:
            left, right = strides.get("left", 0), strides.get("right", 0)
            withheld = str((found.get("steps") or {}).get("sides", "")).startswith("withheld")
            parts.append(f"from {left + right} stride{'s' if left + right != 1 else ''}"
                         + ("" if withheld else f" ({left} left, {right} right)"))   # no sides: no count a side
        rhythm = (found.get("cadence_strides") or {}).get("rhythm")
        if rhythm and _value(result, "cadence") is not None:     # the cadence rests on no single stride
            parts.append(f"the cadence from the feet's rhythm over {rhythm:g} strides")
    elif test == "leg-raise":
        left, right = _value(result, "repetitions", "left"), _value(result, "repetitions", "right")
        if left is not None and right is not None:
            parts.append(f"from {left + right} raise{'s' if left + right != 1 else ''} ({left} left, {right} right)")
        if found.get("posture"):
            parts.append(found["posture"])
    elif test == "foot-rotation":
        steps = found.get("steps") or []
        if steps:
            parts.append(f"from {len(steps)} stance phase{'s' if len(steps) != 1 else ''}")
        elif found.get("mode"):
            parts.append(str(found["mode"]))
    view = found.get("view")
    if view:
        at_angle = any(b.get("seen_at_an_angle") for b in found.get("walking_bouts") or [])
        parts.append(f"{view} view" + (" (at an angle)" if at_angle else ""))
    fps = _fps(result)
    if fps:
        parts.append(f"{fps:.0f} fps")
    return ", ".join(parts)


# -- per test: (reasons it is not usable, reasons it is limited) ------------------------------------------------

def _gait(result: dict, found: dict) -> tuple[list[str], list[str]]:
    unusable, limited = [], []
    if not found.get("walking_bouts"):
        unusable.append("no steady walking was found")
        return unusable, limited
    cadence = _metric(result, "cadence")
    if cadence is not None and cadence.get("value") is None:
        unusable.append(f"steps could not be timed: {_why(cadence)}")
    steps = found.get("steps") or {}
    sides = str(steps.get("sides", ""))
    if sides.startswith("withheld"):
        limited.append("left and right could not be told apart, so no value per side")
    strides = found.get("strides") or {}
    few = {s: n for s, n in strides.items() if n < MIN_STRIDES_PER_SIDE}
    if few and not sides.startswith("withheld"):
        limited.append("only " + " and ".join(f"{n} clean {s} stride{'s' if n != 1 else ''}" for s, n in few.items())
                       + f" ({MIN_STRIDES_PER_SIDE} of each are needed to flag a value)")
    rhythm = (found.get("cadence_strides") or {}).get("rhythm")
    if rhythm and cadence is not None and cadence.get("value") is not None:
        limited.append(f"the cadence is the feet's rhythm over {rhythm:g} strides, not timed from single steps")
    if any(b.get("seen_at_an_angle") for b in found.get("walking_bouts") or []):
        limited.append("the camera saw the walk at an angle, so no joint angles, speed, step length or pelvic drop")
    fps = _fps(result)
    if fps is not None and below(fps, MIN_FPS_PHASES):
        limited.append(f"the camera delivered {rate(fps, MIN_FPS_PHASES)} frames a second (stride phases need "
                       f"{MIN_FPS_PHASES:g})")
    return unusable, limited


def _leg_raise(result: dict, found: dict) -> tuple[list[str], list[str]]:
    unusable, limited = [], []
    if found.get("posture_refused"):
        unusable.append(found["posture_refused"])
        return unusable, limited
    total = _metric(result, "repetitions")
    if total is None or not total.get("value"):
        unusable.append("no leg raise was found" + (f": {_why(total)}" if total and total.get("note") and
                                                      total.get("value") is None else ""))
        return unusable, limited
    missing = [s for s in SIDES if not _value(result, "repetitions", s)]
    if missing:
        limited.append(f"no raise of the {' or '.join(missing)} leg, so the sides cannot be compared")
    peak = "leg_elevation_peak" if found.get("posture") == "supine" else "hip_flexion_peak"
    raised = [s for s in SIDES if _value(result, "repetitions", s)]
    if raised and all(_value(result, peak, s) is None for s in raised):
        why = f"the height of the raises could not be measured: {_why(_metric(result, peak, raised[0]))}"
        stood = any(_value(result, "single_leg_time", s) is not None for s in SIDES)
        (limited if stood else unusable).append(why)     # a single-leg stance test still has its time
    if found.get("view") == "front" and found.get("posture") == "standing":
        limited.append("front view: the raise angle is worked out from the knee's height (a side view measures it)")
    return unusable, limited


def _foot_rotation(result: dict, found: dict) -> tuple[list[str], list[str]]:
    unusable, limited = [], []
    name = "static_toe_out" if found.get("mode") == "standing" else "foot_progression_angle"
    per_side = {s: _metric(result, name, s) for s in SIDES}
    if all(m is None or m.get("value") is None for m in per_side.values()):
        first = next((m for m in per_side.values() if m is not None), None)
        unusable.append("the foot angle could not be measured" + (f": {_why(first)}" if first else ""))
        return unusable, limited
    steps = found.get("steps") or []
    if found.get("mode") != "standing":
        for s in SIDES:
            n = sum(1 for p in steps if p.get("side") == s)
            if n < MIN_STANCE_PHASES:
                limited.append(f"only {n} stance phase{'s' if n != 1 else ''} of the {s} foot "
                               f"({MIN_STANCE_PHASES} are needed)")
    return unusable, limited


# -- reading the result ------------------------------------------------------------------------------------------

def _metric(result: dict, name: str, side: str | None = None) -> dict | None:
    return next((m for m in result.get("metrics", []) if m["name"] == name and m.get("side") == side), None)


def _value(result: dict, name: str, side: str | None = None):
    m = _metric(result, name, side)
    return None if m is None else m.get("value")


def _why(metric: dict | None) -> str:
    return (metric or {}).get("note") or "no reason given"


def _fps(result: dict) -> float | None:
    """Frames a second the camera delivered while the test ran (gait's own figure, else the clip's)."""
    delivered = ((result.get("quality") or {}).get("assessment") or {}).get("camera_delivered") or {}
    fps = delivered.get("frames_per_second")
    if fps is None:
        source = result.get("source") or {}
        fps = source.get("measured_fps") or source.get("nominal_fps")
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        return None
    return fps if math.isfinite(fps) and fps > 0 else None
