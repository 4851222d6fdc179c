"""What a person reads for each metric: a plain name, the unit as written, one line saying what it is.

The result's JSON keeps the stable names (``step_time_symmetry_index``); everything a person reads (the app,
the report, the CSV's ``display_name`` column, the command line's findings) goes through :func:`label`,
:func:`unit` and :func:`explain`; a wide CSV (one column per metric, batch's) gets a legend of its columns
(:func:`column_legend`, written beside it as ``<csv>.columns.csv``). Every metric an assessment emits has an
entry here (``tests/unit/test_metric_names.py`` fails otherwise). Normal ranges and their sources:
../shared/CLINICAL.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from movement_check.body.landmarks import SIDES


@dataclass(frozen=True)
class MetricName:
    label: str          # what a physiotherapist calls it
    explain: str        # one line: what it measures, and its anchor where one is published


NAMES: dict[str, MetricName] = {
    # ---- gait (CLINICAL.md, Gait)
    "cadence": MetricName("Steps per minute", "Cadence; healthy adults walk at about 100-120 steps a minute."),
    "steps": MetricName("Steps counted", "Heel strikes found while walking steadily."),
    "walking_bouts": MetricName("Walking stretches", "Stretches of steady walking the analysis used."),
    "step_time": MetricName("Step time", "Heel strike of one foot to heel strike of the other, per foot."),
    "stride_time": MetricName("Stride time", "Heel strike to the next heel strike of the same foot."),
    "stance": MetricName("Time on the foot (stance)", "Share of the stride the foot is on the ground; ~60 %."),
    "swing": MetricName("Time in the air (swing)", "Share of the stride the foot is off the ground; ~40 %."),
    "double_support": MetricName("Both feet on the ground", "Share of the stride on both feet; ~20 %, more "
                                 "with age and slow walking."),
    "step_time_symmetry_index": MetricName("Step-time asymmetry", "Right minus left step time over their mean; "
                                           "the usual 10 % cut-off is a convention, not validated."),
    "step_time_asymmetry": MetricName("Step-to-step difference", "Median difference between consecutive steps; "
                                      "no validated cut-off."),
    "stride_time_cv": MetricName("Stride-time variability", "How much stride times vary (coefficient of "
                                 "variation); healthy < ~6 % (Gabell & Nayak 1984)."),
    "gait_speed": MetricName("Walking speed", "Needs the patient's height; healthy 0.94-1.43 m/s "
                             "(Bohannon 2011), < 1.0 m/s high risk (Perry 1995)."),
    "step_length": MetricName("Step length", "Distance between the heels at heel strike; needs the height."),
    "knee_flexion_swing_peak": MetricName("Knee bend in swing", "Most knee bend while the foot is in the air; "
                                          "stiff knee if < ~44° or sides differ > 17°."),
    "knee_range": MetricName("Knee range while walking", "Most minus least knee bend over a stride."),
    "hip_range": MetricName("Hip range while walking", "Thigh movement relative to the trunk over a stride."),
    "ankle_dorsiflexion_mid_swing": MetricName("Foot lift at mid-swing", "Ankle angle mid-swing; a side lower "
                                               "than the other is a foot-drop sign (no validated cut-off)."),
    "toe_height_mid_swing": MetricName("Toe height at mid-swing", "Toe above the heel mid-swing, in leg "
                                       "lengths; compares the sides, not true clearance."),
    "trunk_forward_lean": MetricName("Trunk forward lean", "Trunk against the vertical, seen from the side; "
                                     "no validated cut-off."),
    "trunk_lateral_lean": MetricName("Trunk side lean", "Trunk leaning sideways (toward the standing leg in a "
                                     "leg raise); no validated cut-off."),
    "pelvic_drop": MetricName("Pelvic drop", "Hip on one side lower than the other (Trendelenburg sign); no "
                              "validated degree cut-off."),
    # ---- single-leg raise and stance (CLINICAL.md, Single-leg raise)
    "repetitions": MetricName("Raises", "Number of leg raises found."),
    "hip_flexion_peak": MetricName("Leg raise height (hip bend)", "Thigh against the vertical at the top of "
                                   "the raise."),
    "leg_elevation_peak": MetricName("Straight-leg raise angle", "Leg above the table at the top of a lying "
                                     "raise (ASLR, Mens 2001)."),
    "raised_knee_flexion": MetricName("Knee bend of the raised leg", "During the hold; 0° = straight."),
    "hold_time": MetricName("Hold at the top", "Longest time the raised leg stayed steady near its peak."),
    "touch_downs": MetricName("Foot touch-downs", "The raised foot touching the floor briefly before going up."),
    "single_leg_time": MetricName("Time on one leg", "Longest stand on this leg alone; unable to hold 5 s "
                                  "doubles the risk of injurious falls (Vellas 1997)."),
    "stance_knee_flexion": MetricName("Knee bend of the standing leg", "During the hold; 0° = straight."),
    "sway": MetricName("Balance sway", "Path of the hips while on one leg, in body heights a second."),
    "trunk_backward_lean": MetricName("Trunk backward lean", "Leaning back while the leg is raised; no "
                                      "validated cut-off."),
    "pelvis_rotation": MetricName("Pelvis rotation", "Pelvis turning during a lying leg raise."),
    "hip_flexion_peak_symmetry_index": MetricName("Leg raise height: side difference", "Right minus left over "
                                                  "their mean; no validated cut-off."),
    "leg_elevation_peak_symmetry_index": MetricName("Straight-leg raise: side difference", "Right minus left "
                                                    "over their mean; no validated cut-off."),
    "hold_time_symmetry_index": MetricName("Hold time: side difference", "Right minus left over their mean; no "
                                           "validated cut-off."),
    "hip_flexion_at_pain": MetricName("Leg raise angle at pain", "Hip bend when the pain was marked."),
    "leg_elevation_at_pain": MetricName("Straight-leg raise angle at pain", "Positive (Lasègue) only if leg "
                                        "pain radiates between 30° and 70°."),
    "adherence": MetricName("Done as prescribed", "Share of raises that met the home-exercise prescription."),
    # ---- foot rotation (CLINICAL.md, Foot rotation)
    "foot_progression_angle": MetricName("Foot turn-out while walking", "Foot against the walking direction, "
                                         "positive = toes out; adults about -3° to +20° (Staheli 1985)."),
    "foot_progression_angle_sd": MetricName("Foot turn-out: step-to-step spread", "Standard deviation over "
                                            "the steps."),
    "foot_progression_asymmetry": MetricName("Foot turn-out: side difference", "Right minus left; no "
                                             "validated cut-off."),
    "static_toe_out": MetricName("Foot turn-out standing", "Each foot's angle while standing, positive = "
                                 "toes out; no validated range."),
    "static_toe_out_difference": MetricName("Foot turn-out standing: side difference", "Right minus left."),
}

UNITS = {"deg": "°", "count": "", "%height/s": "% of height/s", "/10": "/10"}


def label(name: str) -> str:
    """The plain name of ``name`` (an unknown name is shown with its underscores turned to spaces)."""
    entry = NAMES.get(name)
    return entry.label if entry else name.replace("_", " ").capitalize()


def explain(name: str) -> str:
    entry = NAMES.get(name)
    return entry.explain if entry else ""


def unit(unit_: str | None) -> str:
    """The unit as a person writes it: "deg" -> "°", "count" -> "" (a count needs none)."""
    if not unit_:
        return ""
    return UNITS.get(unit_, unit_)


def with_unit(value: float | None, unit_: str | None) -> str:
    """"112.3 steps/min", "38.0°", "0.55 s"; "" for a value not measured."""
    if value is None:
        return ""
    if isinstance(value, float):
        digits = 2 if abs(value) < 10 and unit_ in ("s", "m", "m/s") else 3 if unit_ == "leg lengths" else 1
        text = f"{value:.{digits}f}"
    else:
        text = str(value)
    return attach(text, unit_)


def attach(text: str, unit_: str | None) -> str:
    """``text`` followed by the unit as written: "38°", "12 %"-style units close up, words after a space."""
    shown = unit(unit_)
    if not shown:
        return text
    return f"{text}{shown}" if shown in ("°", "%") or shown.startswith("/") else f"{text} {shown}"


def normal_text(m: dict) -> str:
    """"100-120 steps/min", "at least 44°", "within ±10%", "under 6%"; "" where no validated range exists."""
    low, high = m.get("normal_range") or (None, None)
    unit = m.get("unit")
    if low is None and high is None:
        return ""
    if low is not None and high is not None and low == -high:
        return "within ±" + attach(f"{high:g}", unit)
    if high is None:
        return "at least " + attach(f"{low:g}", unit)
    if low is None or low == 0:
        return "under " + attach(f"{high:g}", unit)
    if low < 0:                              # "-3° to 20°": a dash would read as a minus
        return f"{attach(f'{low:g}', unit)} to {attach(f'{high:g}', unit)}"
    return attach(f"{low:g}-{high:g}", unit)


# ---- a legend for a wide CSV (one column per metric, e.g. batch's): what each column is, for a person -------

#: the legend's own header
LEGEND_COLUMNS = ("column", "display_name", "side", "unit", "explanation")
#: the columns of batch's CSV before the metrics (movement_check/batch/table.py ``FIXED``), explained
FIXED_COLUMNS = {
    "clip": ("Clip", "The clip's file name."),
    "status": ("Status", "ok: analysed; error: not analysed, the reason says why."),
    "reason": ("Reason", "Why the clip could not be analysed (empty when it was)."),
    "seconds": ("Analysis time", "Seconds the analysis of this clip took."),
    "warnings": ("Warnings", "How many warnings the result carries (in its JSON)."),
}
_FIXED_UNITS = {"seconds": "s", "warnings": "count"}


def split_column(column: str) -> tuple[str, str | None]:
    """A wide CSV's column as (stable metric name, side): ``knee_flexion_swing_peak_left`` ->
    (``knee_flexion_swing_peak``, "left"); ``cadence`` -> (``cadence``, None)."""
    if column in NAMES:
        return column, None
    for side in SIDES:
        if column.endswith("_" + side):
            return column[: -len(side) - 1], side
    return column, None


def column_legend(columns, units: dict[str, str | None] | None = None) -> list[tuple[str, str, str, str, str]]:
    """One row per column of a wide CSV (column, display name, side, unit as written, explanation): what a
    person needs to read a CSV whose headers are the stable names (``cadence``, ``step_time_left``), which
    scripts keep using. ``units`` maps a column to its unit as the result gives it ("deg", "steps/min"); the
    unit is left empty for a column it does not name (a metric's unit is the result's, not this table's).

    Batch writes it beside its CSV as ``<csv>.columns.csv`` (:func:`legend_csv`), with ``units`` collected from
    the results' metrics (``{column: metric.unit}``).
    """
    units = units or {}
    rows = []
    for column in columns:
        if column in FIXED_COLUMNS:
            shown, why = FIXED_COLUMNS[column]
            rows.append((column, shown, "", unit(units.get(column, _FIXED_UNITS.get(column))), why))
            continue
        name, side = split_column(column)
        rows.append((column, label(name), side or "", unit(units.get(column)), explain(name)))
    return rows


def legend_csv(columns, units: dict[str, str | None] | None = None) -> str:
    """:func:`column_legend` as CSV text, its header :data:`LEGEND_COLUMNS`."""
    import csv
    import io

    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(LEGEND_COLUMNS)
    out.writerows(column_legend(columns, units))
    return buffer.getvalue()
