"""A home check's outcome, and what a test's home-check adapter reads of the prescription.

Each test that can check a home exercise names its adapter in its descriptor (``MovementTest.home_check``):
``(prescribed, result dict) -> HomeCheck``, the count, plain-language feedback for the patient and the share of
the prescription done. The prescription itself (:class:`movement_check.clinic.home_exercises.HomeExercise`) lives
with the clinic; an adapter reads only the fields of :class:`Prescribed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Prescribed(Protocol):
    """What an adapter reads of a prescribed home exercise."""

    exercise: str                      # e.g. "standing-leg-raise", "walk"
    repetitions_per_side: int
    hold_s: float
    sides: tuple[str, ...]
    minutes: float


@dataclass(frozen=True)
class HomeCheck:
    """A home check's outcome: the count, feedback lines for the patient, and the share done."""

    exercise: str
    count: str                   # e.g. "left 8 of 10, right 10 of 10" or "1:48 of 2:00 min:s"
    done_pct: float              # 0-100: of the prescription, done as prescribed
    feedback: list[str]

    def to_dict(self) -> dict:
        return {"exercise": self.exercise, "count": self.count, "done_pct": round(self.done_pct, 1),
                "feedback": list(self.feedback)}


def clock(seconds: float) -> str:
    """Seconds as the patient reads them: 108 -> "1:48"."""
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"
