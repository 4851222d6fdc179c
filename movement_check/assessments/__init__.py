"""The on-camera tests. Each test module offers ``assess(poses, /, *, settings) -> Assessment``.

A test is listed in :data:`REGISTRY` once it is implemented; the command line
and the app list :data:`TESTS` and say plainly when a test is not available in
this version rather than returning invented numbers.
"""

from __future__ import annotations

from typing import Callable

from ..poses import Poses
from . import foot_rotation, gait, leg_raise
from .base import AUTO, SUBJECT_RULE, TESTS, Assessment

AssessFn = Callable[..., Assessment]

#: implemented tests: name -> (assess function, its settings class)
REGISTRY: dict[str, tuple[AssessFn, type]] = {
    "gait": (gait.assess, gait.GaitSettings),
    "leg-raise": (leg_raise.assess, leg_raise.LegRaiseSettings),
    "foot-rotation": (foot_rotation.assess, foot_rotation.FootRotationSettings),
}

__all__ = ["AUTO", "REGISTRY", "SUBJECT_RULE", "TESTS", "Assessment", "Poses"]
