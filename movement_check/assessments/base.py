"""What every test returns (:class:`Assessment`), and what describes a test (:class:`MovementTest`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from movement_check.assessments.result import Event, Metric
from movement_check.assessments.settings import settings_from  # noqa: F401  (where callers have found it)

#: in place of a test: let the tool find which test a clip shows (movement_check.assessments.which_test)
AUTO = "auto"


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


@dataclass(frozen=True)
class MovementTest:
    """One on-camera test: all the tool knows of it, in one place (:data:`movement_check.assessments.ALL_TESTS`)."""

    name: str                      # as on the command line and in a result's ``test``
    title: str                     # as a report heads it
    label: str                     # as the app's menu offers it
    settings: type                 # its settings dataclass, which checks itself (:mod:`.settings`)
    subject_rule: str              # whom to follow when several people are in view (movement_check.pipeline.tracking)
    assess: Callable[..., Assessment] | None      # (poses, /, *, settings) -> Assessment; None: not in this version
    figures: Callable[..., dict] | None = None    # (poses, settings, analysis) -> {name: Figure}
    key_metrics: tuple[tuple[str, str], ...] = ()  # (metric, unit) followed from visit to visit (movement_check.clinic.history)
    #: (prescribed exercise, result dict) -> HomeCheck (:mod:`movement_check.assessments.home_check`); None: no home
    #: exercise is checked with this test
    home_check: Callable[..., object] | None = None
