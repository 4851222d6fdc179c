"""Compute once: the auto-detection hands its walking analysis to the gait test, and the figures draw the
result's analysis; the same figures as analysing again, and the gait analysis run once per clip."""

from __future__ import annotations

import json
import pickle
import sys

import pytest

import movement_check.analysis as analysis
import movement_check.assessments.gait.settings as gait_settings
import movement_check.assessments.which_test as which_test
from movement_check.analysis import Prepared, assess
from movement_check.pipeline.cleaning import clean
from movement_check.cli.main import main
from movement_check.findings.figure_sets import figure_pngs
from movement_check.pipeline.quality import quality_summary

from tests.fixtures.walker import Script, walk

STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])


def _prepared(raw) -> Prepared:
    poses, report = clean(raw)
    quality = quality_summary(raw, warnings=list(report.warnings), cleaning=report.to_dict(), subject=None)
    return Prepared(extraction=None, poses=poses.with_source(cleaning=report.to_dict()), cleaning=report,
                    quality=quality, warnings=list(report.warnings))


@pytest.fixture
def walks(monkeypatch) -> list:
    """Each time the clip's walking is analysed (wherever from: the detector, the test, the figures)."""
    calls = []
    find = gait_settings.analyse

    def counted(poses, **kw):
        calls.append(kw)
        return find(poses, **kw)
    for module in [m for name, m in sys.modules.items() if name.startswith("movement_check")]:
        for attr, value in list(vars(module).items()):
            if value is find:                    # under every name it is imported as
                monkeypatch.setattr(module, attr, counted)
    assert which_test.find_walking is counted
    return calls


@pytest.mark.parametrize("test", ["auto", "gait"])
def test_analyse_with_figures_runs_the_gait_analysis_once(tmp_path, monkeypatch, capsys, walks, test):
    prepared = _prepared(walk(STEADY, fps=30.0, noise_px=1.0, seed=2)[0])
    monkeypatch.setattr(analysis, "prepare", lambda *a, **kw: prepared)      # no pose model: the known walker
    clip = tmp_path / "walk.mp4"
    assert main(["analyse", str(clip), "--test", test, "--figures", str(tmp_path / "figs"), "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["test"] == "gait"
    assert len(walks) == 1, walks
    assert sorted(p.name for p in (tmp_path / "figs").iterdir()) == ["walk_foot_paths.png", "walk_gait_cycle.png"]


def test_a_view_given_is_analysed_with_it_not_with_the_detectors_default(walks):
    prepared = _prepared(walk(STEADY, fps=30.0, noise_px=1.0, seed=2)[0])
    detection = which_test.detect(prepared.poses)
    result = assess(detection.test, prepared, walk=detection.walk, view="side")
    assert [kw.get("view") for kw in walks] == [None, "side"]          # the detector's walk not reused
    assert result.analysis.asked == ("side", 1.5)


def test_the_result_and_the_auto_detection_agree_with_analysing_again():
    prepared = _prepared(walk(STEADY, fps=30.0, noise_px=1.0, seed=2)[0])
    detection = which_test.detect(prepared.poses)
    handed = assess("gait", prepared, walk=detection.walk, height_cm=175)
    again = assess("gait", prepared, height_cm=175)
    assert handed.to_dict() == again.to_dict()
    assert "analysis" not in handed.to_dict()


@pytest.mark.parametrize("test", ["gait", "foot-rotation"])
def test_figures_drawn_from_the_results_analysis_are_the_figures_analysed_again(test):
    from tests.fixtures.cameras import FOV, camera

    if test == "gait":
        raw, options = walk(STEADY, fps=30.0, noise_px=1.0, seed=2)[0], {"height_cm": 175}
    else:
        raw = walk(Script(segments=[("walk", 5.0)], toe_out_deg=(5.0, 20.0)), camera=camera(8.0, 1.2, 10.0, 0.0))[0]
        options = {"fov_deg": FOV}
    prepared = _prepared(raw)
    result = assess(test, prepared, **options)
    assert result.analysis is not None
    drawn = figure_pngs(test, prepared.poses, analysis=result.analysis, **options)
    assert drawn and drawn == figure_pngs(test, prepared.poses, **options)
    # a result from the compute cluster comes back pickled, its analysis with it
    back = pickle.loads(pickle.dumps(result))
    assert figure_pngs(test, prepared.poses, analysis=back.analysis, **options) == drawn


@pytest.mark.parametrize("case", ["standing-side", "standing-front", "supine"])
def test_the_leg_raise_figure_drawn_from_the_results_analysis_is_the_figure_analysed_again(case):
    from tests.fixtures import raiser

    raises, camera, options = {
        "standing-side": ([raiser.Raise("right", 1.0), raiser.Raise("left", 5.5)], raiser.SIDE_CAMERA,
                          {"pain_at_s": (2.0,)}),
        "standing-front": ([raiser.Raise("left", 1.0, hip=0.0, pelvic_drop=5.0)], raiser.FRONT_CAMERA, {}),
        "supine": ([raiser.Raise("right", 1.0, hip=60.0, knee=0.0)], raiser.SUPINE_CAMERA,
                   {"prescribed_repetitions": 2}),
    }[case]
    script = raiser.Script(raises=raises, posture="supine" if case == "supine" else "standing")
    prepared = _prepared(raiser.perform(script, camera=camera, noise_px=1.0, seed=3)[0])
    result = assess("leg-raise", prepared, **options)
    assert result.analysis is not None
    drawn = figure_pngs("leg-raise", prepared.poses, analysis=result.analysis, **options)
    assert drawn and drawn == figure_pngs("leg-raise", prepared.poses, **options)
