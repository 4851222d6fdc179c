"""What every test returns, and which tests exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..results import Event, Metric

#: the tests of a back-pain video visit, as named on the command line
TESTS = ("gait", "leg-raise", "foot-rotation")

#: in place of a test: let the tool find which test a clip shows (movement_check.which_test)
AUTO = "auto"

#: whom to analyse when several people are in view (see movement_check.tracking)
SUBJECT_RULE = {"gait": "walker", "leg-raise": "largest", "foot-rotation": "auto"}


@dataclass
class Assessment:
    """What a test found: metrics, events, warnings, and how it used the data (merged into
    the result's ``quality`` under ``assessment``)."""

    metrics: list[Metric] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quality: dict = field(default_factory=dict)


S = TypeVar("S")


def settings_from(settings_cls: type[S], options: dict[str, Any]) -> S:
    """A test's settings from loose options (CLI, app): options it does not take, or left None, are ignored."""
    return settings_cls(**{k: v for k, v in options.items()
                           if k in settings_cls.__dataclass_fields__ and v is not None})
