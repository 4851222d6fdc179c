"""The leg raise's home-check adapter: the raises counted per side against the prescription, with the form
check's feedback on each raise that missed it (:mod:`movement_check.assessments.leg_raise.form_check`)."""

from __future__ import annotations

from movement_check.assessments.home_check import HomeCheck, Prescribed


def raises_check(prescribed: Prescribed, result: dict) -> HomeCheck:
    """The leg-raise result's form check as the patient reads it: "left 8 of 10, right 10 of 10"."""
    form = result.get("quality", {}).get("assessment", {}).get("form_check")
    if not form:
        return HomeCheck(prescribed.exercise, "no raises counted", 0.0,
                         ["No leg raise was seen. " + " ".join(result.get("warnings", [])[:2])])
    count = ", ".join(f"{s} {form['done'][s]} of {prescribed.repetitions_per_side}" for s in prescribed.sides)
    feedback = list(form["summary"])
    for rep in form["repetitions"]:
        if not rep["meets_prescription"]:
            feedback += [f"{rep['side'].capitalize()} raise {rep['number']}: {line}" for line in rep["feedback"]]
    if form["adherence_pct"] >= 100:
        feedback.insert(0, "Well done: every raise as prescribed.")
    return HomeCheck(prescribed.exercise, count, float(form["adherence_pct"]), feedback)
