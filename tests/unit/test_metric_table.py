"""The metrics table a person reads: plain names, blanks not "None", flagged rows first, unmeasured last."""

from movement_check.findings.metric_table import COLUMNS, display_rows


def _m(name, value, unit, side=None, normal=None, flag=None, note=None, uncertainty=None):
    return {"name": name, "value": value, "unit": unit, "side": side, "normal_range": normal, "flag": flag,
            "note": note, "uncertainty": uncertainty}


RESULT = {"test": "gait", "metrics": [
    _m("cadence", 104.0, "steps/min", normal=[100, 120], note="2 x 60 / median stride time"),
    _m("gait_speed", None, "m/s", note="no scale: give the patient's height (--height-cm) to measure it"),
    _m("stride_time_cv", 8.4, "%", normal=[0, 6], flag="high"),
    _m("step_time", 0.61, "s", side="left", uncertainty=0.067),
    _m("knee_flexion_swing_peak", 38.0, "deg", side="right", normal=[44, None], flag="low"),
]}


def test_rows_read_as_a_person_writes_them_flagged_first_and_unmeasured_last():
    rows = display_rows(RESULT)
    assert all(set(r) == set(COLUMNS) for r in rows)
    assert [r["Measure"] for r in rows] == ["Knee bend in swing", "Stride-time variability", "Steps per minute",
                                            "Step time", "Walking speed"]
    knee = rows[0]
    assert (knee["Flag"], knee["Side"], knee["Value"], knee["Normal range"]) == ("low", "right", "38.0°",
                                                                               "at least 44°")
    assert rows[1]["Normal range"] == "under 6%" and rows[2]["Normal range"] == "100-120 steps/min"
    assert rows[3]["Value"] == "0.61 s ± 0.07 s"
    speed = rows[-1]
    assert speed["Value"] == "" and speed["Flag"] == "" and "height" in speed["Note"]
    assert not any(v is None or v == "None" for r in rows for v in r.values())


def test_a_flag_within_the_values_uncertainty_says_so_in_its_cell():
    near = _m("double_support", 28.0, "%", side="left", normal=[15, 25], flag="high", uncertainty=6.0)
    far = _m("double_support", 35.0, "%", side="right", normal=[15, 25], flag="high", uncertainty=6.0)
    rows = display_rows({"test": "gait", "metrics": [near, far]})
    assert [(r["Side"], r["Flag"]) for r in rows] == [("left", "high (within its uncertainty)"), ("right", "high")]


def test_the_apps_flag_column_is_wide_enough_for_its_longest_flag():
    # a "small" column cut "high (within its uncertainty)" to "high (withi" on the clip and therapist pages
    from app_pages.findings_view import FLAG_CHAR_PX, flag_width

    near = _m("double_support", 28.0, "%", side="left", normal=[15, 25], flag="high", uncertainty=6.0)
    rows = display_rows({"test": "gait", "metrics": [near]})
    assert flag_width(rows) >= FLAG_CHAR_PX * len("high (within its uncertainty)")
    assert flag_width(display_rows({"test": "gait", "metrics": [near | {"flag": None}]})) >= 7 * len("Flag")


def test_the_apps_value_column_is_wide_enough_for_a_value_with_its_uncertainty():
    # "93.0 steps/min ± 5.3 steps/min" was cut to "93.0 steps/min ± 5.3 ste" in a 140 px column
    from app_pages.findings_view import FLAG_CHAR_PX, VALUE_MIN_PX, value_width

    cadence = _m("cadence", 93.0, "steps/min", normal=[100, 120], uncertainty=5.3)
    rows = display_rows({"test": "gait", "metrics": [cadence]})
    assert "± 5.3" in rows[0]["Value"]
    assert value_width(rows) >= FLAG_CHAR_PX * len(rows[0]["Value"])
    assert value_width(display_rows({"test": "gait", "metrics": [cadence | {"uncertainty": None}]})) == VALUE_MIN_PX
