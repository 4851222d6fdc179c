"""Home exercises: what the therapist prescribes, and a patient's check of one against it.

Three exercises a back-pain programme uses and the camera can count:

- ``standing-leg-raise``: standing single-leg (knee) raises, N per side held H s
  (the leg-raise assessment's form check counts them and judges each hold);
- ``straight-leg-raise``: lying on the back, the straight leg raised, N per side held H s
  (the same, supine, knee kept straight);
- ``walk``: walking for M minutes (the gait assessment's steady walking bouts; turns and
  standing are not counted, so the time is what the camera saw of steady walking).

:func:`home_check` turns a result of the exercise's test into the count, plain-language
feedback and the share of the prescription done (``done_pct``). ``per_week`` (how many checks a
week the therapist asks for) is what weekly adherence in the history is measured against
(:func:`weekly_adherence`). Adherence to home exercise is poor (45-70 % do not follow their
programme, CLINICAL.md); regular checks and feedback raise it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from movement_check.assessments import BY_NAME
from movement_check.assessments.home_check import HomeCheck
from movement_check.body.landmarks import SIDES

EXERCISES = {
    "standing-leg-raise": ("Standing single-leg raises", "leg-raise"),
    "straight-leg-raise": ("Straight-leg raises, lying on your back", "leg-raise"),
    "walk": ("Walking", "gait"),
}


@dataclass(frozen=True)
class HomeExercise:
    """One prescribed exercise. Leg raises use ``repetitions_per_side``, ``hold_s`` and ``sides``;
    walking uses ``minutes``. ``per_week``: checks a week asked for."""

    exercise: str
    repetitions_per_side: int = 10
    hold_s: float = 5.0
    sides: tuple[str, ...] = SIDES
    minutes: float = 2.0
    per_week: int = 5

    def __post_init__(self) -> None:
        problems = []
        if self.exercise not in EXERCISES:
            problems.append(f"the exercise is one of {', '.join(EXERCISES)}; got {self.exercise!r}")
        if not 1 <= self.repetitions_per_side <= 50:
            problems.append("repetitions per side are 1 to 50")
        if not 0 <= self.hold_s <= 60:
            problems.append("the hold is 0 to 60 s")
        if not self.sides or any(s not in SIDES for s in self.sides):
            problems.append("the sides are left and/or right")
        if not 0.25 <= self.minutes <= 60:
            problems.append("walking time is 0.25 to 60 minutes")
        if not 1 <= self.per_week <= 14:
            problems.append("checks a week are 1 to 14")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def title(self) -> str:
        return EXERCISES[self.exercise][0]

    @property
    def test(self) -> str:
        return EXERCISES[self.exercise][1]

    def instruction(self) -> str:
        """What the patient reads before recording."""
        if self.exercise == "walk":
            return (f"Walk for {self.minutes:g} minutes, side-on to the camera, across the room and back. "
                    "Keep your whole body, feet included, in view.")
        sides = " and ".join(self.sides)
        if self.exercise == "straight-leg-raise":
            return (f"Lie on your back side-on to the camera. Raise your straight {sides} leg "
                    f"{self.repetitions_per_side} times each, holding {self.hold_s:g} s at the top.")
        return (f"Stand side-on to the camera. Raise your {sides} knee {self.repetitions_per_side} times each, "
                f"holding {self.hold_s:g} s at the top.")

    def options(self) -> dict:
        """The assessment options that check this exercise (for :func:`movement_check.analysis.assess`)."""
        if self.exercise == "walk":
            return {}
        options = {"prescribed_repetitions": self.repetitions_per_side, "prescribed_hold_s": self.hold_s,
                   "prescribed_sides": self.sides}
        if self.exercise == "straight-leg-raise":
            options.update(posture="supine", straight_knee=True)
        return options

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sides"] = list(self.sides)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "HomeExercise":
        return cls(**{**d, "sides": tuple(d.get("sides", SIDES))})


def home_check(exercise: HomeExercise, result: dict) -> HomeCheck:
    """The patient's check of ``exercise`` from a result (dict) of its test: the test's own home-check adapter
    (its :class:`~movement_check.assessments.base.MovementTest` descriptor's ``home_check``) counts it."""
    if result.get("test") != exercise.test:
        raise ValueError(f"{exercise.title} is checked with the {exercise.test} test, not {result.get('test')}")
    return BY_NAME[exercise.test].home_check(exercise, result)


def weekly_adherence(check_days: list[date | datetime | str], per_week: int, *,
                     start: date | datetime | str | None = None,
                     end: date | datetime | str | None = None) -> list[tuple[str, int, float]]:
    """(ISO week "2026-W47", checks done, % of ``per_week``, capped at 100) for each week from the first
    check's (or ``start``'s, the day it was prescribed, if earlier) to the last check's (or ``end``'s, today
    or the day it ended, if later), empty weeks included (a week with no check is 0 %)."""
    days = [_day(d) for d in check_days]
    bounds = days + [_day(d) for d in (start, end) if d is not None]
    if not bounds:
        return []
    first, last = min(bounds), max(bounds)
    counts = Counter(_week(d) for d in days)
    out, monday = [], first - timedelta(days=first.weekday())
    while monday <= last:
        week = _week(monday)
        out.append((week, counts.get(week, 0), min(100.0, 100.0 * counts.get(week, 0) / per_week)))
        monday += timedelta(days=7)
    return out


def _day(d: date | datetime | str) -> date:
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    return d.date() if isinstance(d, datetime) else d


def _week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"
