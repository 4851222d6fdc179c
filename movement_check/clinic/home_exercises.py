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


def home_check(exercise: HomeExercise, result: dict) -> HomeCheck:
    """The patient's check of ``exercise`` from a result (dict) of its test."""
    if result.get("test") != exercise.test:
        raise ValueError(f"{exercise.title} is checked with the {exercise.test} test, not {result.get('test')}")
    assessment = result.get("quality", {}).get("assessment", {})
    if exercise.exercise == "walk":
        return _walk_check(exercise, assessment, result)
    form = assessment.get("form_check")
    if not form:
        return HomeCheck(exercise.exercise, "no raises counted", 0.0,
                         ["No leg raise was seen. " + " ".join(result.get("warnings", [])[:2])])
    count = ", ".join(f"{s} {form['done'][s]} of {exercise.repetitions_per_side}" for s in exercise.sides)
    feedback = list(form["summary"])
    for rep in form["repetitions"]:
        if not rep["meets_prescription"]:
            feedback += [f"{rep['side'].capitalize()} raise {rep['number']}: {line}" for line in rep["feedback"]]
    if form["adherence_pct"] >= 100:
        feedback.insert(0, "Well done: every raise as prescribed.")
    return HomeCheck(exercise.exercise, count, float(form["adherence_pct"]), feedback)


def _walk_check(exercise: HomeExercise, assessment: dict, result: dict) -> HomeCheck:
    bouts = assessment.get("walking_bouts", [])
    walked_s = sum(b["stop_s"] - b["start_s"] for b in bouts)
    steps = next((m["value"] for m in result.get("metrics", []) if m["name"] == "steps"), None)
    target_s = exercise.minutes * 60.0
    pct = min(100.0, 100.0 * walked_s / target_s)
    feedback = [f"The camera saw {_clock(walked_s)} (min:s) of steady walking"
                + (f" ({steps:.0f} steps)" if steps else "") + f" of the {_clock(target_s)} prescribed.",
                "Turns and standing still are not counted."]
    if pct >= 100:
        feedback.insert(0, "Well done: you walked the time prescribed.")
    elif not bouts:
        feedback.append("No steady walking was seen: walk across the room with your whole body in view.")
    return HomeCheck(exercise.exercise, f"{_clock(walked_s)} of {_clock(target_s)} min:s", pct, feedback)


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


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
