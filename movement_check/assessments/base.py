"""What every test returns, and which tests exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import Event, Metric
from .settings import settings_from  # noqa: F401  (where callers have found it)

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
    #: the test's typed analysis the metrics came from (figures read it rather than analysing again)
    analysis: Any = field(default=None, compare=False, repr=False)
