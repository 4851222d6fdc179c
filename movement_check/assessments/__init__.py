"""The on-camera tests. Each test module offers ``assess(poses, /, *, settings) -> Assessment``.

A test is listed in :data:`REGISTRY` once it is implemented; the command line
and the app list :data:`TESTS` and say plainly when a test is not available in
this version rather than returning invented numbers.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Callable

from ..errors import SettingsError
from ..poses import Poses
from . import foot_rotation, gait, leg_raise
from .base import AUTO, SUBJECT_RULE, TESTS, Assessment
from .settings import settings_from, unknown

AssessFn = Callable[..., Assessment]

#: implemented tests: name -> (assess function, its settings class)
REGISTRY: dict[str, tuple[AssessFn, type]] = {
    "gait": (gait.assess, gait.GaitSettings),
    "leg-raise": (leg_raise.assess, leg_raise.LegRaiseSettings),
    "foot-rotation": (foot_rotation.assess, foot_rotation.FootRotationSettings),
}

#: every option some test takes: what a path shared by the tests (the command line, a visit) may carry
OPTION_NAMES = frozenset(f.name for _, settings_cls in REGISTRY.values() for f in fields(settings_cls))


def settings_for(test: str, options: dict) -> object:
    """``test``'s settings from options that may hold other tests' too (those left out, not refused)."""
    return settings_from(REGISTRY[test][1], options, others=OPTION_NAMES)


def check_options(options: dict, *, name: Callable[[str], str] | None = None) -> None:
    """Before any work: every option is one some test takes, and every test that takes it accepts its value;
    one :class:`SettingsError` lists every problem (``name``: how a setting is named in it, e.g. the command
    line's flag)."""
    problems = unknown(options, OPTION_NAMES)
    for _, settings_cls in REGISTRY.values():
        try:
            settings_from(settings_cls, options, others=OPTION_NAMES)
        except SettingsError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise SettingsError(problems, name=name)


__all__ = ["AUTO", "OPTION_NAMES", "REGISTRY", "SUBJECT_RULE", "TESTS", "Assessment", "Poses", "check_options",
           "settings_for"]
