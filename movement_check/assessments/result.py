"""Result of an assessment and its JSON shape (kept stable: the app, reports and clinics' scripts read it).

    {
      "test": "gait" | "leg-raise" | "foot-rotation",
      "source": {"file", "duration_s", "nominal_fps", "measured_fps", "width", "height", "model", ...},
      "quality": {"frames", "frames_with_person", "subject", "landmarks", "cleaning", "warnings"},
      "metrics": [{"name", "value", "unit", "side", "normal_range", "flag", "note"}],
      "events": [{"name", "side", "time_s", "frame"}],
      "warnings": ["..."],
      "version": "movement-check x.y.z"
    }

A value that could not be measured is ``null`` with the reason in ``note``,
never 0. ``side`` is "left", "right" or null; ``normal_range`` is [low, high]
(either may be null) or null where no validated range exists; ``flag`` is
null or a short word ("low", "high", "asymmetric", ...).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from typing import Any

from movement_check import __version__
from movement_check.body.landmarks import SIDES

#: a metric's side: one leg (:data:`movement_check.body.landmarks.SIDES`), or None for the whole body
METRIC_SIDES = (None, *SIDES)


@dataclass(frozen=True)
class Metric:
    """One measured quantity. ``value`` None means not measurable; ``note`` then says why."""

    name: str
    value: float | int | None
    unit: str
    side: str | None = None
    normal_range: tuple[float | None, float | None] | None = None
    flag: str | None = None
    note: str | None = None
    uncertainty: float | None = None     # +- in the value's unit, where one is estimated

    def __post_init__(self) -> None:
        problems = []
        if self.side not in METRIC_SIDES:
            problems.append(f"side must be left, right or None, got {self.side!r}")
        if self.value is not None and (isinstance(self.value, bool) or not math.isfinite(self.value)):
            problems.append(f"value must be a finite number or None, got {self.value!r}")
        if self.value is None and not self.note:
            problems.append("a value that could not be measured needs a note saying why")
        if problems:
            raise ValueError(f"metric {self.name!r}: " + "; ".join(problems))

    @classmethod
    def unmeasured(cls, name: str, unit: str, reason: str, side: str | None = None) -> "Metric":
        return cls(name=name, value=None, unit=unit, side=side, note=reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "side": self.side,
            "normal_range": None if self.normal_range is None else list(self.normal_range),
            "flag": self.flag,
            "note": self.note,
            "uncertainty": self.uncertainty,
        }


@dataclass(frozen=True, order=True)
class Event:
    """Something that happened at one moment, e.g. ("heel_strike", "left", 1.23 s, frame 37)."""

    time_s: float
    name: str
    side: str | None = None
    frame: int | None = None
    #: 0-1, how clearly it was seen (e.g. landmark visibility around it times the sharpness of its peak)
    confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"name": self.name, "side": self.side, "time_s": round(self.time_s, 4), "frame": self.frame}
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


@dataclass
class Result:
    test: str
    source: dict[str, Any]
    quality: dict[str, Any]
    metrics: list[Metric] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: the test's typed analysis (:attr:`Assessment.analysis`): for the figures, not part of the JSON
    analysis: Any = field(default=None, compare=False, repr=False)

    def metric(self, name: str, side: str | None = None) -> Metric | None:
        for m in self.metrics:
            if m.name == name and m.side == side:
                return m
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "test": self.test,
            "source": self.source,
            "quality": self.quality,
            "metrics": [m.to_dict() for m in self.metrics],
            "events": [e.to_dict() for e in sorted(self.events)],
            "warnings": list(self.warnings),
            "version": f"movement-check {__version__}",
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)


METRIC_COLUMNS = ("test", "name", "display_name", "side", "value", "uncertainty", "unit", "normal_low", "normal_high", "flag", "note")


def metrics_csv(result: dict) -> str:
    """The result's metrics as CSV, one row each (a spreadsheet's view of the JSON; empty = not measured).
    ``name`` is the stable name scripts use; ``display_name`` the plain one a person reads
    (:mod:`movement_check.assessments.metric_names`)."""
    from movement_check.assessments.metric_names import label

    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(METRIC_COLUMNS)
    for m in result.get("metrics", []):
        low, high = m.get("normal_range") or (None, None)
        row = (result.get("test"), m["name"], label(m["name"]), m.get("side"), m.get("value"), m.get("uncertainty"), m.get("unit"),
               low, high, m.get("flag"), m.get("note"))
        out.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()
