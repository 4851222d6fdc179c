"""Settings that check themselves: wrong values and unknown options refused, every problem in one message, the
same from a program, the command line, and a live step; another test's options on a shared path still fine."""

from __future__ import annotations

import pickle

import pytest

from movement_check.analysis import Prepared, analyse_frames, analyse_people, assess
from movement_check.assessments import check_options, settings_for
from movement_check.assessments.base import settings_from
from movement_check.assessments.foot_rotation.assess import FootRotationSettings
from movement_check.assessments.gait.assess import GaitSettings
from movement_check.assessments.leg_raise.assess import LegRaiseSettings
from movement_check.pipeline.cleaning import clean
from movement_check.cli.main import main
from movement_check.errors import InputError, SettingsError
from movement_check.pipeline.quality import quality_summary

from tests.fixtures.walker import Script, walk


def test_a_misspelt_option_is_refused_with_the_name_meant():
    with pytest.raises(SettingsError, match=r"heigth_cm: no test takes this setting \(did you mean height_cm\?\)"):
        settings_from(GaitSettings, {"heigth_cm": 172})
    with pytest.raises(SettingsError, match="did you mean height_cm"):
        check_options({"heigth_cm": 172})


def test_settings_refuse_wrong_values_when_made():
    with pytest.raises(SettingsError, match=r"view 'Side': give side or front"):
        GaitSettings(view="Side")                      # was taken, and the knee angles silently lost
    with pytest.raises(SettingsError, match="height_cm -5: give the patient's height in centimetres, 50 to 250"):
        GaitSettings(height_cm=-5)
    with pytest.raises(SettingsError, match="height_cm nan"):
        GaitSettings(height_cm=float("nan"))
    with pytest.raises(SettingsError, match="height_cm '172'"):
        GaitSettings(height_cm="172")                  # text is not a number
    with pytest.raises(SettingsError, match="prescribed_repetitions 2.5: give the raises per side, a whole number"):
        LegRaiseSettings(prescribed_repetitions=2.5)
    with pytest.raises(SettingsError, match="stance_test 'yes': give True or False"):
        LegRaiseSettings(stance_test="yes")
    with pytest.raises(SettingsError, match="camera_tilt_deg 90"):
        FootRotationSettings(camera_tilt_deg=90)
    assert isinstance(SettingsError([("x", "1", "give 2")]), ValueError)
    assert isinstance(SettingsError([("x", "1", "give 2")]), InputError)   # the CLI and the app show it in words


def test_the_defaults_and_ordinary_values_are_accepted():
    GaitSettings(), LegRaiseSettings(), FootRotationSettings()
    GaitSettings(view="front", height_cm=175, min_bout_s=2)
    LegRaiseSettings(posture="supine", view="side", pain_at_s=(1.5, 3), stance_test=True, prescribed_repetitions=3,
                     prescribed_hold_s=5.0, prescribed_sides=("left",), straight_knee=True, target_angle_deg=60)
    FootRotationSettings(fov_deg=65.0, camera_tilt_deg=-10)


def test_every_problem_is_listed_in_one_error():
    with pytest.raises(SettingsError) as caught:
        settings_from(GaitSettings, {"heigth_cm": 172, "height_cm": -5, "view": "Side"})
    message = str(caught.value)
    assert "heigth_cm" in message and "height_cm -5" in message and "view 'Side'" in message
    assert [p[0] for p in caught.value.problems] == ["heigth_cm", "view", "height_cm"]
    with pytest.raises(SettingsError) as caught:
        check_options({"height_cm": 20, "posture": "sitting", "fov_deg": 500, "camera_tilt_deg": 100})
    assert {p[0] for p in caught.value.problems} == {"height_cm", "posture", "fov_deg", "camera_tilt_deg"}
    assert str(caught.value).count("fov_deg") == 1          # two tests take it: said once
    again = pickle.loads(pickle.dumps(caught.value))         # as from a step analysed on the cluster
    assert isinstance(again, SettingsError) and str(again) == str(caught.value)


def test_the_command_line_refuses_a_negative_height_in_its_own_words(tmp_path, capsys):
    clip = tmp_path / "walk.mp4"                             # refused before the clip is even read
    assert main(["analyse", str(clip), "--test", "gait", "--height-cm", "-5", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--height-cm -5: give the patient's height in centimetres, 50 to 250." in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert main(["analyse", str(clip), "--test", "leg-raise", "--prescribed-reps", "0", "--fov-deg", "500",
                 "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--prescribed-reps 0" in err and "--fov-deg 500" in err      # both at once


def test_the_live_steps_entry_points_refuse_a_negative_height_before_any_work():
    frames = iter(())                                        # never read: the options are refused first
    with pytest.raises(SettingsError, match="height_cm -5"):
        analyse_frames(frames, "gait", name="step", height_cm=-5)
    with pytest.raises(SettingsError, match="height_cm -5"):
        analyse_people(None, "gait", height_cm=-5)


def _prepared():
    raw, _ = walk(Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)]), fps=30.0, noise_px=1.0, seed=2)
    poses, report = clean(raw)
    quality = quality_summary(raw, warnings=list(report.warnings), cleaning=report.to_dict(), subject=None)
    return Prepared(extraction=None, poses=poses.with_source(cleaning=report.to_dict()), cleaning=report,
                    quality=quality, warnings=list(report.warnings))


def test_another_tests_options_on_a_shared_path_are_left_out_not_refused():
    prepared = _prepared()
    alone = assess("gait", prepared, height_cm=175).to_dict()
    shared = assess("gait", prepared, height_cm=175, fov_deg=60.0, posture="standing", camera_tilt_deg=None,
                    prescribed_sides=("left", "right"), pain_at_s=None).to_dict()
    assert shared == alone
    assert settings_for("foot-rotation", {"height_cm": 175, "view": "side", "fov_deg": 60}) == \
        FootRotationSettings(fov_deg=60)
    with pytest.raises(SettingsError, match="did you mean height_cm"):
        assess("gait", prepared, heigth_cm=175)
    with pytest.raises(SettingsError, match="height_cm -5"):
        assess("gait", prepared, height_cm=-5)               # was a negative step length with a false note


def test_a_live_step_stopped_with_a_bad_height_is_refused_and_records_on():
    from movement_check.live.stream import LiveStream
    from movement_check.clinic.protocol import step
    from movement_check.live.visits import VisitBook

    from tests.fixtures.live_stubs import KnownPeople

    book = VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=lambda: KnownPeople()))
    visit = book.create("jdoe")
    visit.start_step(step("raise-left"))
    with pytest.raises(SettingsError, match="height_cm -5"):
        visit.stop_step(wait=True, height_cm=-5)
    assert visit.step is not None and not visit.outcomes     # nothing lost: the step is still recording
    visit.stop_step(wait=True)
    (outcome,) = visit.outcomes
    assert outcome.result is None and "No frames were received" in outcome.error
