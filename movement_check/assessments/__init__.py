"""The on-camera tests. Each test module offers ``assess(poses, /, *, ...) -> Assessment``.

A test is registered in :data:`REGISTRY` by name once it is implemented; the
command line and the app list :data:`TESTS` and say plainly when a test is
not available in this version rather than returning invented numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..poses import Poses
from ..results import Event, Metric

#: the tests of a back-pain video visit, as named on the command line
TESTS = ("gait", "leg-raise", "foot-rotation")

#: whom to analyse when several people are in view (see movement_check.tracking)
SUBJECT_RULE = {"gait": "walker", "leg-raise": "largest", "foot-rotation": "auto"}


@dataclass
class Assessment:
    """What a test found: metrics, events and warnings (the Result adds source and quality)."""

    metrics: list[Metric] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


AssessFn = Callable[[Poses], Assessment]

#: implemented tests: name -> assess function
REGISTRY: dict[str, AssessFn] = {}
