"""The result's JSON shape."""

import json

import pytest

from movement_check.results import Event, Metric, Result


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
