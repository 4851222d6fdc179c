"""The result's JSON shape."""

import json

import pytest

from movement_check.assessments.result import Event, Metric, Result


def test_result_json_shape():
    result = Result(
        test="gait", source={"file": "walk.mp4"}, quality={"frames": 10},
        metrics=[Metric("cadence", 112.0, "steps/min", normal_range=(100, 120)),
                 Metric.unmeasured("gait_speed", "m/s", "no scale: give the patient's height")],
        events=[Event(1.2, "heel_strike", "right", 36), Event(0.6, "heel_strike", "left", 18)],
        warnings=["few strides"])
    data = json.loads(result.to_json())
    assert set(data) == {"test", "source", "quality", "metrics", "events", "warnings", "version"}
    assert data["metrics"][0] == {"name": "cadence", "value": 112.0, "unit": "steps/min", "side": None,
                                  "normal_range": [100, 120], "flag": None, "note": None,
                                  "uncertainty": None}
    assert data["metrics"][1]["value"] is None and "height" in data["metrics"][1]["note"]
    assert [e["time_s"] for e in data["events"]] == [0.6, 1.2]            # in time order
    assert set(data["events"][0]) == {"name", "side", "time_s", "frame"}


def test_metric_rules():
    with pytest.raises(ValueError, match="needs a note"):
        Metric("cadence", None, "steps/min")
    with pytest.raises(ValueError, match="finite"):
        Metric("cadence", float("nan"), "steps/min")
    with pytest.raises(ValueError, match="side"):
        Metric("step_time", 0.5, "s", side="middle")


def test_metrics_csv_has_a_row_per_metric_and_leaves_unmeasured_empty():
    import csv
    import io

    from movement_check.assessments.result import metrics_csv

    result = {"test": "gait", "metrics": [
        {"name": "cadence", "side": None, "value": 112.5, "unit": "steps/min", "normal_range": [100, 120],
         "flag": None, "note": "2 x 60 / median stride time"},
        {"name": "gait_speed", "side": None, "value": None, "unit": "m/s", "normal_range": None, "flag": None,
         "note": "needs the patient's height"},
        {"name": "step_time", "side": "left", "value": 0.61, "unit": "s", "flag": "high", "note": ""}]}
    rows = list(csv.DictReader(io.StringIO(metrics_csv(result))))
    assert [(r["name"], r["side"], r["value"]) for r in rows] == [("cadence", "", "112.5"), ("gait_speed", "", ""),
                                                                  ("step_time", "left", "0.61")]
    assert (rows[0]["normal_low"], rows[0]["normal_high"], rows[2]["flag"]) == ("100", "120", "high")
    assert rows[1]["note"] == "needs the patient's height" and {r["test"] for r in rows} == {"gait"}
    assert [r["display_name"] for r in rows] == ["Steps per minute", "Walking speed", "Step time"]
