"""Behaviour frozen: each test's whole result on inputs with a known answer, against a committed snapshot.

A refactor that is meant to change nothing (issue 23: one descriptor per test, packages by stage, one
service) must leave these identical. The cases are the synthetic walker and raiser (no pose model: exactly
reproducible) and the rendered clips in ``../shared/synthetic_videos`` (through MediaPipe: numbers may move
in the last digits from one CPU to another, so they are compared with a tolerance and digits inside
warnings are not compared).

A change that is *meant* to alter results rewrites them, and its commit says why::

    MOVEMENT_CHECK_WRITE_SNAPSHOTS=1 python -m pytest tests/integration/test_snapshots.py

The JSON files (``tests/snapshots/``) are then part of the diff, for the reviewer to read.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from movement_check.analysis import Prepared, analyse_clip, assess
from movement_check.pipeline.cleaning import clean
from movement_check.pipeline.quality import quality_summary

from tests.fixtures import raiser
from tests.fixtures.clips import SHARED
from tests.fixtures.walker import Camera, Script, walk

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"      # tests/snapshots/
RENDERED = SHARED / "synthetic_videos"
WRITE = os.environ.get("MOVEMENT_CHECK_WRITE_SNAPSHOTS") == "1"
FRONT = Camera(position=(9.0, 0.3, 1.0), target=(0.0, 0.0, 0.9), focal_px=1000.0, size=(1280, 720))


def _through_the_pipeline(test: str, raw, **options) -> dict:
    """The synthetic poses through cleaning and ``test`` as a clip's would go (the pose model left out)."""
    poses, report = clean(raw)
    quality = quality_summary(raw, warnings=list(report.warnings), cleaning=report.to_dict(), subject=None)
    prepared = Prepared(extraction=None, poses=poses.with_source(cleaning=report.to_dict()), cleaning=report,
                        quality=quality, warnings=list(report.warnings))
    return assess(test, prepared, **options).to_dict()


def _walk(script: Script, **kw) -> Callable[[], dict]:
    def run() -> dict:
        test = kw.get("test", "gait")
        poses, _ = walk(script, **{k: v for k, v in kw.items() if k not in ("options", "test")})
        return _through_the_pipeline(test, poses, **kw.get("options", {}))
    return run


def _raise(script: raiser.Script, camera: Camera, **options) -> Callable[[], dict]:
    def run() -> dict:
        poses, _ = raiser.perform(script, camera=camera, noise_px=1.0, seed=3)
        return _through_the_pipeline("leg-raise", poses, **options)
    return run


def _clip(name: str, test: str) -> Callable[[], dict]:
    def run() -> dict:
        path = RENDERED / f"{name}.mp4"
        if not path.exists():
            pytest.skip(f"{path} is local: ../shared not beside the checkout")
        return analyse_clip(path, test)[0].to_dict()
    return run


STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])
CASES: dict[str, Callable[[], dict]] = {
    "gait_side_steady": _walk(STEADY, fps=30.0, noise_px=1.0, seed=2, options={"height_cm": 175}),
    "gait_side_limp": _walk(Script(segments=[("walk", 8.0)], limp=0.06), fps=25.0, noise_px=1.5, seed=4),
    "gait_side_turning": _walk(Script(segments=[("walk", 4.0), ("turn", 1.0), ("walk", 4.0)]), fps=30.0,
                               noise_px=1.0, seed=5),
    "gait_front": _walk(Script(segments=[("walk", 6.0)]), camera=FRONT, fps=30.0, noise_px=1.0, seed=6),
    "foot_rotation_front": _walk(Script(segments=[("walk", 6.0)], toe_out_deg=(4.0, 14.0)), camera=FRONT,
                                 fps=30.0, noise_px=1.0, seed=7, test="foot-rotation"),
    "leg_raise_standing_side": _raise(raiser.Script(raises=[raiser.Raise("right", 1.0), raiser.Raise("left", 5.5)]),
                                      raiser.SIDE_CAMERA),
    "leg_raise_standing_front": _raise(raiser.Script(raises=[raiser.Raise("left", 1.0, hip=0.0, pelvic_drop=5.0,
                                                                          trunk_lean=4.0)]), raiser.FRONT_CAMERA),
    "leg_raise_supine": _raise(raiser.Script(raises=[raiser.Raise("right", 1.0, hip=60.0, knee=0.0),
                                                     raiser.Raise("left", 5.5, hip=45.0, knee=0.0)],
                                             posture="supine"), raiser.SUPINE_CAMERA, posture="supine"),
    "rendered_walk_front_gait": _clip("walk_front_tracking_30fps", "gait"),
    "rendered_walk_front_foot_rotation": _clip("walk_front_tracking_30fps", "foot-rotation"),
    "rendered_leg_raise_front": _clip("legraise_front_15fps", "leg-raise"),
}


def _stable(result: dict) -> dict:
    """The result without what differs from run to run or machine to machine by nature (the version, when,
    where the file lay), numbers rounded to 3 decimals."""
    out = json.loads(json.dumps(result))
    out.pop("version", None)
    for key in ("file", "path", "analysed_at", "created", "elapsed_s", "seconds"):
        out.get("source", {}).pop(key, None)
    return _rounded(out)


def _rounded(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 3)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


#: through the pose model, a metric's value may move this much (its unit's) from one CPU to another
UNIT_TOLERANCE = {"s": 0.02, "m": 0.02, "m/s": 0.03, "%": 1.0, "steps/min": 1.0, "deg": 0.5}


def differences(expected: Any, found: Any, *, rel: float, abs_: float, digits_in_text: bool, where: str = "$"
                ) -> list[str]:
    """Where ``found`` differs from ``expected``: numbers beyond the tolerance, anything else at all."""
    if isinstance(expected, bool) or isinstance(found, bool):
        return [] if expected == found else [f"{where}: {expected!r} -> {found!r}"]
    if isinstance(expected, (int, float)) and isinstance(found, (int, float)):
        if math.isclose(expected, found, rel_tol=rel, abs_tol=abs_):
            return []
        return [f"{where}: {expected!r} -> {found!r}"]
    if isinstance(expected, str) and isinstance(found, str) and not digits_in_text:
        same = re.sub(r"\d+(\.\d+)?", "#", expected) == re.sub(r"\d+(\.\d+)?", "#", found)
        return [] if same else [f"{where}: {expected!r} -> {found!r}"]
    if isinstance(expected, dict) and isinstance(found, dict):
        out = [f"{where}.{k}: only in the snapshot" for k in expected.keys() - found.keys()]
        out += [f"{where}.{k}: new" for k in found.keys() - expected.keys()]
        # a metric's value and uncertainty within its unit's tolerance (a model's numbers: half a degree is
        # noise, half a second is not), at most the tolerance given
        unit_abs = min(abs_, UNIT_TOLERANCE.get(expected.get("unit"), abs_))
        for k in expected.keys() & found.keys():
            tol = unit_abs if k in ("value", "uncertainty") else abs_
            out += differences(expected[k], found[k], rel=rel, abs_=tol, digits_in_text=digits_in_text,
                               where=f"{where}.{k}")
        return out
    if isinstance(expected, list) and isinstance(found, list):
        if len(expected) != len(found):
            return [f"{where}: {len(expected)} items -> {len(found)}"]
        out = []
        for i, (a, b) in enumerate(zip(expected, found)):
            out += differences(a, b, rel=rel, abs_=abs_, digits_in_text=digits_in_text, where=f"{where}[{i}]")
        return out
    return [] if expected == found else [f"{where}: {expected!r} -> {found!r}"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_result_is_its_snapshot(name):
    found = _stable(CASES[name]())
    path = SNAPSHOTS / f"{name}.json"
    if WRITE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        return
    assert path.exists(), f"no snapshot {path.name}: write it with MOVEMENT_CHECK_WRITE_SNAPSHOTS=1"
    expected = json.loads(path.read_text())
    through_model = name.startswith("rendered_")
    # exact cases: 1.5e-3 after rounding to 3 decimals (a last digit flipping is not a change)
    problems = differences(expected, found, rel=0.02 if through_model else 1e-6,
                           abs_=0.5 if through_model else 1.5e-3, digits_in_text=not through_model)
    assert not problems, "\n".join(problems[:30])


def test_differences_sees_what_changed():
    # the comparison itself: a number beyond its tolerance, a changed word, a lost key and a lost item
    a = {"metrics": [{"name": "cadence", "value": 110.0}], "warnings": ["only 3 strides"], "quality": {"x": 1}}
    assert differences(a, a, rel=1e-6, abs_=1e-3, digits_in_text=True) == []
    b = {"metrics": [{"name": "cadence", "value": 110.5}], "warnings": ["only 4 strides"], "quality": {}}
    found = differences(a, b, rel=1e-6, abs_=1e-3, digits_in_text=True)
    assert any("value" in f for f in found) and any("warnings" in f for f in found) and any(".x" in f for f in found)
    # with a model's tolerance the half step and the digit pass, a word does not
    loose = differences(a, b | {"quality": {"x": 1}}, rel=0.02, abs_=0.5, digits_in_text=False)
    assert loose == []
    assert differences({"w": ["too dark"]}, {"w": ["too bright"]}, rel=0.02, abs_=0.5, digits_in_text=False)
    assert differences({"e": [1, 2]}, {"e": [1]}, rel=0.02, abs_=0.5, digits_in_text=False)
    # a metric's value in seconds is held to its unit's tolerance, not the model's half unit
    step = {"name": "step_time", "unit": "s", "value": 0.535}
    assert differences(step, step | {"value": 0.6}, rel=0.02, abs_=0.5, digits_in_text=False)
    assert not differences(step, step | {"value": 0.54}, rel=0.02, abs_=0.5, digits_in_text=False)
