"""Every metric an assessment emits has a plain name, a unit as written and a one-line explanation."""

import ast
import re
from pathlib import Path

import pytest

import movement_check.assessments.metric_names as metric_names
from movement_check.assessments.gait.assess import GaitSettings, assess as assess_gait
from movement_check.pipeline.cleaning import clean
from movement_check.assessments.metric_names import NAMES, label, normal_text, with_unit

from tests.fixtures.walker import Camera, Script, walk

ASSESSMENTS = Path(metric_names.__file__).parent          # the tests, in their packages
MAKERS = {"Metric", "unmeasured", "make_metric", "_per_side"}
SNAKE = re.compile(r"^[a-z]+(_[a-z]+)*$")


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and SNAKE.match(n.value)}


def _bound(tree, name: str) -> set[str]:
    """String constants a variable ``name`` is given anywhere in the module (assignments, for-loop tuples;
    one level of indirection through another module-level name)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found |= _strings(node.value)
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name) \
                and node.target.id == name:
            found |= _strings(node.iter)
            for inner in ast.walk(node.iter):
                if isinstance(inner, ast.Name) and inner.id != name:
                    found |= _bound(tree, inner.id)
    return found


def emitted_in_source() -> tuple[set[str], set[str]]:
    """(metric names, suffixes of names built with f-strings) passed to a metric's maker in the assessments."""
    names, suffixes = set(), set()
    for path in ASSESSMENTS.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or not call.args:
                continue
            func = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
            if func not in MAKERS:
                continue
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
            elif isinstance(first, ast.Name):
                names |= _bound(tree, first.id)
            elif isinstance(first, ast.JoinedStr):
                suffixes.add(first.values[-1].value)
    return names, suffixes


def test_the_source_scan_finds_the_metrics_of_all_three_tests():
    # guards the scan itself: a scan that found nothing would pass the test below vacuously
    names, suffixes = emitted_in_source()
    assert {"cadence", "step_time_symmetry_index", "knee_flexion_swing_peak", "hip_flexion_peak",
            "single_leg_time", "foot_progression_angle", "static_toe_out", "leg_elevation_at_pain",
            "toe_height_mid_swing", "pelvis_rotation"} <= names
    assert "_symmetry_index" in suffixes


def test_every_metric_named_in_the_assessments_has_a_display_name():
    names, suffixes = emitted_in_source()
    missing = sorted(n for n in names if n not in NAMES)
    assert not missing, f"metrics without a display name in movement_check/assessments/metric_names.py: {missing}"
    for suffix in suffixes:
        assert any(n.endswith(suffix) for n in NAMES), suffix
    # the leg raise's f-string names, spelled out (leg_raise_metrics.symmetry)
    assert {"hip_flexion_peak_symmetry_index", "leg_elevation_peak_symmetry_index",
            "hold_time_symmetry_index"} <= set(NAMES)


@pytest.mark.parametrize("camera", [None, Camera(position=(14.0, 0.0, 1.1), target=(0.0, 0.0, 0.8), focal_px=1400.0)],
                         ids=["side", "front"])
def test_every_metric_of_a_walk_has_a_display_name(camera):
    poses, _ = walk(Script(segments=[("walk", 6.0)]), fps=30.0, **({"camera": camera} if camera else {}))
    found = assess_gait(clean(poses)[0], settings=GaitSettings(height_cm=175))
    assert len({m.name for m in found.metrics}) > 10
    for m in found.metrics:
        assert m.name in NAMES, m.name
        assert NAMES[m.name].label and NAMES[m.name].explain and "_" not in NAMES[m.name].label


def test_labels_and_units_read_as_a_person_writes_them():
    assert label("cadence") == "Steps per minute"
    assert label("step_time_symmetry_index") == "Step-time asymmetry"
    assert label("knee_flexion_swing_peak") == "Knee bend in swing"
    assert label("some_new_metric") == "Some new metric"
    assert with_unit(112.34, "steps/min") == "112.3 steps/min"
    assert with_unit(38.0, "deg") == "38.0°"
    assert with_unit(0.5512, "s") == "0.55 s"
    assert with_unit(4, "count") == "4"
    assert with_unit(None, "deg") == ""
    assert normal_text({"normal_range": [-3, 20], "unit": "deg"}) == "-3° to 20°"
    assert normal_text({"normal_range": [-10, 10], "unit": "%"}) == "within ±10%"
    assert normal_text({"normal_range": [44, None], "unit": "deg"}) == "at least 44°"
    assert normal_text({"normal_range": [0, 6], "unit": "%"}) == "under 6%"
    assert normal_text({"normal_range": [100, 120], "unit": "steps/min"}) == "100-120 steps/min"
    assert normal_text({"normal_range": None, "unit": "deg"}) == ""


def test_a_wide_csvs_columns_get_a_legend_with_display_names_sides_units_and_explanations():
    import csv
    import io

    from movement_check.assessments.metric_names import LEGEND_COLUMNS, column_legend, explain, legend_csv

    columns = ["clip", "status", "reason", "seconds", "warnings", "cadence", "step_time_left", "step_time_right",
               "step_time_symmetry_index", "knee_flexion_swing_peak_left", "something_new_right"]
    units = {"cadence": "steps/min", "step_time_left": "s", "step_time_right": "s", "step_time_symmetry_index": "%",
             "knee_flexion_swing_peak_left": "deg"}
    rows = {r[0]: r for r in column_legend(columns, units)}
    assert list(rows) == columns                                           # one row per column, in order
    assert rows["cadence"] == ("cadence", "Steps per minute", "", "steps/min", explain("cadence"))
    assert rows["step_time_left"][1:4] == ("Step time", "left", "s")
    assert rows["step_time_right"][1:4] == ("Step time", "right", "s")
    assert rows["step_time_symmetry_index"][1:4] == ("Step-time asymmetry", "", "%")
    assert rows["knee_flexion_swing_peak_left"][1:4] == ("Knee bend in swing", "left", "°")
    assert rows["seconds"][1:4] == ("Analysis time", "", "s") and rows["clip"][1] == "Clip"
    assert rows["something_new_right"][1:3] == ("Something new", "right")         # unknown: still readable
    assert all(r[4] for c, r in rows.items() if c != "something_new_right")     # every known column explained
    # without units the unit is left empty, never guessed
    assert column_legend(["cadence"]) == [("cadence", "Steps per minute", "", "", explain("cadence"))]
    table = list(csv.reader(io.StringIO(legend_csv(columns, units))))
    assert tuple(table[0]) == LEGEND_COLUMNS and table[6][:2] == ["cadence", "Steps per minute"]
