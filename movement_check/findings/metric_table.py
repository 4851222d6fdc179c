"""A test's metrics as rows a person reads: plain names, values with their units, blanks not "None",
flagged rows first, values that could not be measured last (their note says why).

Pure: used by the app's result view and the visit report (:mod:`movement_check.clinic.report`).
"""

from __future__ import annotations

from movement_check.findings.summary import WEIGHTS, within_uncertainty
from movement_check.assessments.metric_names import label, normal_text, with_unit

COLUMNS = ("Flag", "Measure", "Side", "Value", "Normal range", "Note")


def value_text(m: dict) -> str:
    """"12.0° ± 4.0°", "0.55 s", "" for a value not measured."""
    text = with_unit(m.get("value"), m.get("unit"))
    if text and m.get("uncertainty"):
        text += " ± " + with_unit(float(m["uncertainty"]), m.get("unit"))
    return text


def display_rows(result: dict) -> list[dict[str, str]]:
    """One row per metric (keys: :data:`COLUMNS`), every cell a string: flagged first (most important
    first, as the findings), then the measured values in the test's order, then the ones not measured."""
    metrics = result.get("metrics", [])

    def order(indexed):
        i, m = indexed
        if m.get("flag") and m.get("value") is not None:
            return (0, -WEIGHTS.get(m["name"], 0), i)
        return (1 if m.get("value") is not None else 2, 0, i)

    rows = []
    for _, m in sorted(enumerate(metrics), key=order):
        flag = m.get("flag") or ""
        if flag and within_uncertainty(m):
            flag += " (within its uncertainty)"
        rows.append({"Flag": flag, "Measure": label(m["name"]), "Side": m.get("side") or "",
                     "Value": value_text(m), "Normal range": normal_text(m), "Note": m.get("note") or ""})
    return rows


#: how a posture reads in a heading
POSTURE_WORDS = {"standing": "standing", "supine": "lying on the back", "sitting": "sitting"}


def other_posture_tables(result: dict) -> list[tuple[str, dict]]:
    """A leg-raise clip held in more than one posture (``quality.assessment.other_postures``): for each other
    posture, a heading and a result-like dict of its metrics, to be shown as its own table beside the test's
    (never merged with it: :mod:`movement_check.assessments.leg_raise.parts`)."""
    parts = (result.get("quality") or {}).get("assessment", {}).get("other_postures") or []
    return [(f"Raises made {POSTURE_WORDS.get(p['posture'], p['posture'])} ({p['from_s']:.1f}-{p['to_s']:.1f} s), "
             "measured on their own", {"test": result.get("test"), "metrics": p.get("metrics", [])})
            for p in parts]
