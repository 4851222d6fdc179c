"""What a physiotherapist reads first: 3-6 plain findings of one test, most important first.

One pure function, :func:`findings`, turns a result dict (:meth:`movement_check.assessments.result.Result.to_dict`)
into sentences with the side, the value, the normal range and how sure it is ("from 12 strides (6 left,
6 right), side view, 30 fps"); the app, the report and the command line all show these. Nothing is measured
again: the flags are the assessments' own (each cites its source, ../shared/CLINICAL.md), so a finding is
abnormal exactly when a metric is flagged.

Order (``WEIGHTS``, most important first):

1. flagged values, by clinical weight: slow walking (< 1.0 m/s high risk, < 0.8 limited community walker,
   Perry 1995) and a short single-leg stance (unable to hold 5 s doubles the risk of injurious falls,
   Vellas 1997) first; then stiff knee and foot-drop signs (Stenum 2021 / OpenCap: compare the sides);
   step-time asymmetry (10 % is a convention, not a validated cut-off); variability (Gabell & Nayak 1984);
   cadence; stance and double support; foot progression angle (Staheli 1985);
2. values outside the normal range that were not flagged because too few strides carry them ("not flagged:
   only 2 clean strides");
3. what could not be measured, and why (no height given, a view that cannot see it, values withheld by
   the gates);
4. when nothing is abnormal, one line naming the values found within their normal ranges, and the
   side-to-side differences of tests without a validated cut-off.

A test whose confidence is "not usable" (:mod:`movement_check.findings.confidence`) gets its reason and what could
not be measured, and no numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from movement_check.body.landmarks import OTHER
from movement_check.findings.confidence import NOT_USABLE, Confidence, confidence
from movement_check.assessments.metric_names import label, normal_text, with_unit

ABNORMAL, UNSURE, NORMAL, READING, NOT_MEASURED, UNUSABLE = (
    "abnormal", "unsure", "normal", "reading", "not measured", "not usable")

MAX_FINDINGS = 6

#: clinical weight of a flagged metric (higher first); unlisted flagged metrics come after these
WEIGHTS = {
    "gait_speed": 100, "single_leg_time": 95, "knee_flexion_swing_peak": 90, "ankle_dorsiflexion_mid_swing": 85,
    "toe_height_mid_swing": 84, "step_time_symmetry_index": 80, "stride_time_cv": 70, "cadence": 65,
    "foot_progression_angle": 60, "stance": 50, "double_support": 45,
}
#: metrics whose "could not measure" is worth a line, in that order (others are in the details)
KEY_UNMEASURED = ("gait_speed", "cadence", "step_time_symmetry_index", "knee_flexion_swing_peak",
                  "ankle_dorsiflexion_mid_swing", "hip_flexion_peak", "leg_elevation_peak", "single_leg_time",
                  "foot_progression_angle", "static_toe_out", "raised_knee_flexion", "pelvic_drop")
#: side-to-side differences reported as a reading (no validated cut-off) when nothing is flagged
SIDE_READINGS = {"leg-raise": ("hip_flexion_peak", "leg_elevation_peak", "single_leg_time", "hold_time")}
#: right-minus-left differences reported as a reading (the camera's errors largely cancel in them)
DIFFERENCE_READINGS = ("foot_progression_asymmetry", "static_toe_out_difference")


@dataclass(frozen=True)
class Finding:
    kind: str                   # abnormal | unsure | normal | reading | not measured | not usable
    text: str                   # the sentence, with side, value and normal range
    sure: str = ""              # how sure: "from 12 strides (6 left, 6 right), side view, 30 fps"
    metric: str | None = None   # the stable metric name it rests on, if one
    side: str | None = None
    value: str = ""             # "43.4°" (empty for a finding without a number)
    normal: str = ""            # "at least 44°"

    @property
    def line(self) -> str:
        """The finding as one line of text: the sentence and how sure it is."""
        return f"{self.text} — {self.sure}" if self.sure else self.text

    def to_dict(self) -> dict:
        return {"kind": self.kind, "text": self.text, "sure": self.sure, "metric": self.metric, "side": self.side,
                "value": self.value, "normal": self.normal}


def findings(result: dict, conf: Confidence | None = None) -> list[Finding]:
    """Up to 6 findings of one test, most important first (see the module docstring)."""
    conf = conf or confidence(result)
    metrics = result.get("metrics", [])
    unmeasured = _unmeasured(metrics)
    if conf.level == NOT_USABLE:
        return ([Finding(UNUSABLE, "No values are shown: film the test again (the reason is in the confidence).")]
                + unmeasured)[:MAX_FINDINGS]
    sure = conf.basis
    flagged = sorted((m for m in metrics if m.get("flag") and m.get("value") is not None
                      and not within_uncertainty(m)), key=lambda m: -WEIGHTS.get(m["name"], 0))
    abnormal = _merge_foot_drop([_abnormal(m, metrics, sure) for m in flagged])
    outside = sorted((m for m in metrics if _outside_unflagged(m) or (m.get("flag") and within_uncertainty(m))),
                     key=lambda m: -WEIGHTS.get(m["name"], 0))
    unsure = [_unsure([m for m in outside if (m["name"], _unsure_why(m)) == key], sure)
              for key in dict.fromkeys((m["name"], _unsure_why(m)) for m in outside)]
    # with nothing flagged, the values outside their range fill what the two lines of "could not measure" leave
    # (the step-to limp's cadence, 93 for 100-120, was the fourth and only in the table)
    out = abnormal[:4] + _pain_angles(metrics, sure) + unsure[:2 if abnormal else MAX_FINDINGS - 2]
    if not abnormal:
        out += _normal(metrics, sure, nothing_else=not unsure) + _side_readings(result, sure)
    room = max(MAX_FINDINGS - len(out), 2)
    out += unmeasured[:room]
    return out[:MAX_FINDINGS]


# -- one finding each -------------------------------------------------------------------------------------------

def _side_word(m: dict) -> str:
    return f" on the {m['side']}" if m.get("side") else ""


def _value(m: dict) -> str:
    text = with_unit(m.get("value"), m.get("unit"))
    if m.get("uncertainty"):
        text += f" ± {with_unit(float(m['uncertainty']), m['unit'])}"
    return text


def _other(metrics: list[dict], m: dict) -> dict | None:
    other = OTHER.get(m.get("side"))
    return next((o for o in metrics if o["name"] == m["name"] and o.get("side") == other), None)


def _abnormal(m: dict, metrics: list[dict], sure: str) -> Finding:
    name, value, normal = m["name"], _value(m), normal_text(m)
    flag = m["flag"]
    side = m.get("side")
    other = _other(metrics, m)
    other_value = _value(other) if other and other.get("value") is not None else ""
    if name == "step_time_symmetry_index":
        longer = "Right" if m["value"] > 0 else "Left"
        shorter = "left" if longer == "Right" else "right"
        text = (f"{longer} steps last longer than {shorter}: step-time asymmetry {abs(m['value']):.1f}% "
                f"(normal {normal}; a convention, not a validated cut-off)")
        side = longer.lower()
    elif name == "knee_flexion_swing_peak":
        parts = []
        if "low" in flag:
            parts.append(f"Stiff knee in swing{_side_word(m)}: the knee bends {value} (normal {normal})")
        if "asymmetric" in flag:
            parts.append(f"the {side} knee bends less in swing than the {other['side']}: {value} against "
                         f"{other_value} (more than 17° apart: stiff-knee gait)" if other and other_value else
                         "the knee bends differently in swing on the two sides")
            parts[0] = parts[0][0].upper() + parts[0][1:]
        text = "; ".join(parts) if parts else f"Knee bend in swing{_side_word(m)}: {value} ({flag})"
    elif name in ("ankle_dorsiflexion_mid_swing", "toe_height_mid_swing"):
        what = "the foot lifts" if name == "ankle_dorsiflexion_mid_swing" else "the toes are at"
        text = (f"Foot drop sign{_side_word(m)}: at mid-swing {what} {value} against {other_value} on the "
                f"{other['side']} (no validated cut-off)" if other else f"Foot drop sign{_side_word(m)}: {value}")
    elif name == "gait_speed":
        band = ("household walker (< 0.4 m/s)" if m["value"] < 0.4 else "limited community walker (< 0.8 m/s)"
                if m["value"] < 0.8 else "high risk (< 1.0 m/s, Perry 1995)" if m["value"] < 1.0 else "")
        text = f"Walking speed {value} is {flag} (normal {normal}, Bohannon 2011)" + (f": {band}" if band else "")
    elif name == "single_leg_time":
        text = (f"Stood on the {side} leg only {value} (unable to hold 5 s doubles the risk of injurious falls, "
                "Vellas 1997)")
    elif name == "foot_progression_angle":
        turn = "in" if flag == "in-toeing" else "out"
        text = f"The {side} foot turns {turn} while walking: {value} (normal {normal}, Staheli 1985)"
    elif name == "stride_time_cv":
        text = f"Stride times vary by {value} (normal {normal}, Gabell & Nayak 1984)"
    else:
        text = f"{label(name)}{_side_word(m)} is {flag}: {value}" + (f" (normal {normal})" if normal else "")
    return Finding(ABNORMAL, text, sure, name, side, value, normal)


def _merge_foot_drop(found: list[Finding]) -> list[Finding]:
    """The foot's angle and the toe's height flagged on the same side are one foot-drop sign."""
    out: list[Finding] = []
    for f in found:
        twin = next((o for o in out if o.side == f.side and {o.metric, f.metric} ==
                     {"ankle_dorsiflexion_mid_swing", "toe_height_mid_swing"}), None)
        if twin is None:
            out.append(f)
        else:
            i = out.index(twin)
            out[i] = Finding(ABNORMAL, twin.text.replace(" (no validated cut-off)", "")
                             + "; " + f.text.split(": ", 1)[1], twin.sure, twin.metric, twin.side, twin.value,
                             twin.normal)
    return out


def _outside(m: dict) -> bool:
    low, high = m.get("normal_range") or (None, None)
    v = m.get("value")
    return v is not None and ((low is not None and v < low) or (high is not None and v > high))


def within_uncertainty(m: dict) -> bool:
    """Outside the normal range, but by less than the value's own stated uncertainty (e.g. double support
    28 ± 6 % against 15-25 %: events within 2 frames move it that much at 30 fps, gait_timing)."""
    low, high = m.get("normal_range") or (None, None)
    v, u = m.get("value"), m.get("uncertainty")
    if v is None or not u or not _outside(m):
        return False
    return (low is None or v + u >= low) and (high is None or v - u <= high)


def _outside_unflagged(m: dict) -> bool:
    return not m.get("flag") and _outside(m) and (m.get("note") or "").startswith("not flagged")


def _unsure_why(m: dict) -> str:
    if m.get("flag"):
        return "within the measurement's uncertainty"
    return "not flagged: " + m["note"].split(";", 1)[0].removeprefix("not flagged: ")


def _unsure(ms: list[dict], sure: str) -> Finding:
    """Values outside their normal range but not flagged (too few strides), or flagged by less than their own
    uncertainty; both sides of a metric in one line when they share the reason."""
    m = ms[0]
    why = _unsure_why(m)
    normal = normal_text(m)
    side = m.get("side") if len(ms) == 1 else None
    if len(ms) == 1:
        value = _value(m)
        text = f"{label(m['name'])}{_side_word(m)} {value}"
        if m["name"] == "step_time_symmetry_index" and m["value"]:
            side = "right" if m["value"] > 0 else "left"
            text += f" ({side} steps longer)"
    else:
        value = ", ".join(f"{_value(x)} {x['side']}" for x in ms)
        text = f"{label(m['name'])} {value}"
    return Finding(UNSURE, f"{text}: outside the normal range ({normal}), but {why}", sure, m["name"], side,
                   value, normal)


def _normal(metrics: list[dict], sure: str, *, nothing_else: bool) -> list[Finding]:
    within = [m for m in metrics if m.get("value") is not None and m.get("normal_range") and not _outside(m)
              and not m.get("flag")]
    if not within:
        return []
    seen: list[str] = []
    for m in within:                       # one mention per metric; both sides share a line
        if m["name"] not in seen:
            seen.append(m["name"])
    parts = []
    for name in seen[:4]:
        ms = [m for m in within if m["name"] == name]
        values = " / ".join(f"{m['side']} {_value(m)}" if m.get("side") else _value(m) for m in ms)
        parts.append(f"{label(name).lower()} {values}")
    lead = "No abnormal finding. Within the normal range: " if nothing_else else "Within the normal range: "
    return [Finding(NORMAL, lead + "; ".join(parts), sure)]


def _pain_angles(metrics: list[dict], sure: str) -> list[Finding]:
    """The leg's angle when the patient marked pain: a passive straight-leg raise (Lasègue) is positive only
    if radiating leg pain appears between 30° and 70° of hip flexion; back pain alone is negative
    (CLINICAL.md)."""
    out = []
    for m in metrics:
        if m["name"] in ("leg_elevation_at_pain", "hip_flexion_at_pain") and m.get("value") is not None:
            where = "inside" if 30 <= m["value"] <= 70 else "outside"
            leg = f"the {m['side']} leg" if m.get("side") else "the leg"
            out.append(Finding(READING, f"Pain marked with {leg} at {_value(m)} ({where} the 30°-70° of a positive "
                                        "Lasègue sign, if the pain ran down the leg)", sure, m["name"],
                               m.get("side"), _value(m), "30°-70°"))
    return out[:2]


def _side_readings(result: dict, sure: str) -> list[Finding]:
    metrics = result.get("metrics", [])
    out = []
    for name in SIDE_READINGS.get(result.get("test"), ()):
        left = next((m for m in metrics if m["name"] == name and m.get("side") == "left"), None)
        right = next((m for m in metrics if m["name"] == name and m.get("side") == "right"), None)
        if left and right and left.get("value") is not None and right.get("value") is not None:
            out.append(Finding(READING, f"{label(name)}: left {_value(left)}, right {_value(right)} (no validated "
                                        "cut-off for the difference: compare with earlier visits)", sure, name))
    for m in metrics:
        if m["name"] in DIFFERENCE_READINGS and m.get("value") is not None:
            v, u = m["value"], m.get("uncertainty")
            more = "the right turns out more" if v > 0 else "the left turns out more" if v < 0 else "no difference"
            within = "; smaller than its uncertainty" if u and abs(v) <= u else ""
            out.append(Finding(READING, f"{label(m['name'])} {_value(m)}: {more} (no validated cut-off{within}; "
                                        "compare with earlier visits)", sure, m["name"], None, _value(m)))
    return out[:2]


def _unmeasured(metrics: list[dict]) -> list[Finding]:
    """"Could not measure walking speed, step length: no height given ..." for the key metrics, grouped by
    reason; a metric missing on one side only names that side."""
    by_reason: dict[str, list[str]] = {}
    for name in KEY_UNMEASURED:
        for m in (m for m in metrics if m["name"] == name and m.get("value") is None):
            reason = _plain_reason(m.get("note") or "no reason given", m.get("side"))
            names = by_reason.setdefault(reason, [])
            if _named(m, metrics) not in names:
                names.append(_named(m, metrics))
    out = []
    for reason, names in by_reason.items():
        also = _companions(metrics, reason, names)
        out.append(Finding(NOT_MEASURED, f"Could not measure {', '.join(names + also)}: {reason}"))
    return out


def _named(m: dict, metrics: list[dict]) -> str:
    """"walking speed"; "time on one leg (left)" when the other side was measured."""
    other = _other(metrics, m)
    text = label(m["name"]).lower()
    return f"{text} ({m['side']})" if other is not None and other.get("value") is not None else text


def _companions(metrics: list[dict], reason: str, names: list[str]) -> list[str]:
    """Other metrics withheld for the same reason (e.g. step length beside walking speed), at most two."""
    more = []
    for m in metrics:
        if m.get("value") is None and _plain_reason(m.get("note") or "", m.get("side")) == reason:
            text = _named(m, metrics)
            if text not in names and text not in more:
                more.append(text)
    return more[:2]


def _plain_reason(note: str, side: str | None = None) -> str:
    if note.startswith("no scale"):
        return "no height given (enter the patient's height to measure distances and speed)"
    return note.replace("this leg", f"the {side} leg") if side else note


def summary_lines(result: dict) -> list[str]:
    """The confidence badge and the findings as text lines (the command line's summary, the report); what the
    values rest on is said once, on the confidence line."""
    conf = confidence(result)
    head = f"confidence: {conf.level} ({conf.reason})"
    if conf.reasons and conf.basis:
        head += f"; {conf.basis}"
    return [head] + [f"- {f.text}" if f.sure == conf.basis else f"- {f.line}" for f in findings(result, conf)]
