"""The on-camera tests, each one :class:`~movement_check.assessments.base.MovementTest` in :data:`ALL_TESTS`:
its name, title, menu label, validated settings, whom to follow, ``assess(poses, /, *, settings) ->
Assessment``, its figures, the key metrics followed from visit to visit and its home-check adapter. Nothing else lists the tests:
:data:`TESTS`, :data:`SUBJECT_RULE` and :data:`REGISTRY` are views of it, kept for their callers.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Callable

from movement_check.errors import SettingsError
from movement_check.body.poses import Poses
from movement_check.assessments.foot_rotation import assess as foot_rotation_test
from movement_check.assessments.gait.home_check import walk_check
from movement_check.assessments.gait import assess as gait_test
from movement_check.assessments.leg_raise import assess as leg_raise_test
from movement_check.assessments.leg_raise.home_check import raises_check
from movement_check.assessments.base import AUTO, Assessment, MovementTest
from movement_check.assessments.settings import settings_from, unknown


# each test's figures, imported when first drawn (matplotlib is not loaded by analysing, and the figures
# modules read the tests' modules)
def _gait_figures(poses: Poses, settings, analysis=None) -> dict:
    from movement_check.assessments.gait.figures import gait_figures

    return gait_figures(poses, settings, analysis)


def _leg_raise_figures(poses: Poses, settings, analysis=None) -> dict:
    from movement_check.assessments.leg_raise.figures import leg_raise_figures

    return leg_raise_figures(poses, settings, analysis)


def _foot_rotation_figures(poses: Poses, settings, analysis=None) -> dict:
    from movement_check.assessments.foot_rotation.figures import foot_rotation_figures

    return foot_rotation_figures(poses, settings, analysis)


#: the tests of a back-pain video visit, in the order the command line and the app offer them
ALL_TESTS: tuple[MovementTest, ...] = (
    MovementTest("gait", title="Gait", label="Gait (walk for me)", settings=gait_test.GaitSettings,
                 subject_rule="walker", assess=gait_test.assess, figures=_gait_figures, home_check=walk_check,
                 key_metrics=(("cadence", "steps/min"), ("step_time_symmetry_index", "%"),
                              ("knee_flexion_swing_peak", "deg"))),
    MovementTest("leg-raise", title="Leg raise", label="Single-leg raise", settings=leg_raise_test.LegRaiseSettings,
                 subject_rule="largest", assess=leg_raise_test.assess, figures=_leg_raise_figures,
                 home_check=raises_check,
                 key_metrics=(("hip_flexion_peak", "deg"), ("leg_elevation_peak", "deg"), ("hold_time", "s"))),
    MovementTest("foot-rotation", title="Foot rotation", label="Foot rotation",
                 settings=foot_rotation_test.FootRotationSettings, subject_rule="auto", assess=foot_rotation_test.assess,
                 figures=_foot_rotation_figures, key_metrics=(("foot_progression_angle", "deg"),)),
)
#: each test by its name
BY_NAME: dict[str, MovementTest] = {t.name: t for t in ALL_TESTS}

# views of ALL_TESTS under the names their callers know
TESTS = tuple(BY_NAME)                                                 # the names, as on the command line
SUBJECT_RULE = {t.name: t.subject_rule for t in ALL_TESTS}             # whom to follow (movement_check.pipeline.tracking)
REGISTRY = {t.name: (t.assess, t.settings) for t in ALL_TESTS}         # name -> (assess, settings class)

#: every option some test takes: what a path shared by the tests (the command line, a visit) may carry
OPTION_NAMES = frozenset(f.name for t in ALL_TESTS for f in fields(t.settings))


def settings_for(test: str, options: dict) -> object:
    """``test``'s settings from options that may hold other tests' too (those left out, not refused)."""
    return settings_from(BY_NAME[test].settings, options, others=OPTION_NAMES)


def check_options(options: dict, *, name: Callable[[str], str] | None = None) -> None:
    """Before any work: every option is one some test takes, and every test that takes it accepts its value;
    one :class:`SettingsError` lists every problem (``name``: how a setting is named in it, e.g. the command
    line's flag)."""
    problems = unknown(options, OPTION_NAMES)
    for t in ALL_TESTS:
        try:
            settings_from(t.settings, options, others=OPTION_NAMES)
        except SettingsError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise SettingsError(problems, name=name)


__all__ = ["ALL_TESTS", "AUTO", "BY_NAME", "OPTION_NAMES", "REGISTRY", "SUBJECT_RULE", "TESTS", "Assessment",
           "MovementTest", "Poses", "check_options", "settings_for"]
