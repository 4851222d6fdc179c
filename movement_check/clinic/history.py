"""A patient's progress: the key metrics over time, the change since the previous visit, home-exercise
adherence per week. Pure functions on what the clinic record returns (:mod:`movement_check.clinic.record`).

The key metrics are the ones a back-pain programme follows from visit to visit: cadence,
step-time symmetry and knee flexion in swing (gait), foot progression angle per side (foot
rotation), the leg-raise peak and hold per side, and the check-in's pain score (0-10).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from movement_check.assessments import ALL_TESTS
from movement_check.clinic.home_exercises import weekly_adherence
from movement_check.assessments.metric_names import label as display_name
from movement_check.clinic.record import PrescriptionRecord, SessionRecord

#: the order the progress view lists the tests' key metrics in (a test not named here comes last)
LISTED = ("gait", "foot-rotation", "leg-raise")
# (test, metric, label, unit), from each test's key metrics (movement_check.assessments.ALL_TESTS); per side
# where the metric is; the labels are the plain names everyone reads
KEY_METRICS: tuple[tuple[str, str, str, str], ...] = tuple(
    (t.name, metric, display_name(metric), unit)
    for t in sorted(ALL_TESTS, key=lambda t: LISTED.index(t.name) if t.name in LISTED else len(LISTED))
    for metric, unit in t.key_metrics)
PAIN = ("check-in", "pain_now", "Pain now (0-10)", "/10")
Key = tuple[str, str, str | None]          # (test, metric, side)


@dataclass(frozen=True)
class Point:
    session_id: int
    when: str                 # ISO time of the session
    kind: str                 # visit | home | upload
    value: float


@dataclass(frozen=True)
class Series:
    test: str
    metric: str
    label: str
    unit: str
    side: str | None
    points: tuple[Point, ...]
    #: the normal range the results state for this metric (the latest one), (low, high) either None; None if none
    normal: tuple[float | None, float | None] | None = None

    @property
    def title(self) -> str:
        return f"{self.label}, {self.side}" if self.side else self.label


def trends(sessions: list[SessionRecord]) -> list[Series]:
    """Each key metric (and pain) that has at least one value, per side, as a series over the sessions
    (oldest first). A test repeated in one session gives one point per test."""
    found: dict[Key, list[Point]] = {}
    for s in sessions:
        for key, value in _readings(s):
            found.setdefault(key, []).append(Point(s.id, s.started_at, s.kind, value))
    normals = _normal_ranges(sessions)
    return [Series(test, metric, label, unit, side, tuple(found[(test, metric, side)]),
                   normals.get((test, metric, side)))
            for test, metric, label, unit in (PAIN,) + KEY_METRICS for side in (None, "left", "right")
            if (test, metric, side) in found]


def trend_caption(series: Series) -> str:
    """What a trend says in words, for one or two points as much as for many: "First visit (2026-10-01):
    nothing to compare yet", or the change from the first to the last point with their dates."""
    points = series.points
    if not points:
        return "Not measured yet."
    fmt = (lambda v: f"{v:.2f}") if series.unit == "s" else (lambda v: f"{v:.1f}".removesuffix(".0"))
    unit = "°" if series.unit == "deg" else "" if series.unit == "/10" else f" {series.unit}".replace(" %", "%")
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"First measurement ({first.when[:10]}): {fmt(first.value)}{unit}; nothing to compare yet."
    change = last.value - first.value
    return (f"{fmt(first.value)}{unit} on {first.when[:10]} to {fmt(last.value)}{unit} on {last.when[:10]} "
            f"({'+' if change >= 0 else '-'}{fmt(abs(change))}{unit} over {len(points)} measurements).")


def _normal_ranges(sessions: list[SessionRecord]) -> dict[Key, tuple[float | None, float | None]]:
    """Each metric's normal range as its results state it (the latest wins: a newer version may cite anew)."""
    out: dict[Key, tuple[float | None, float | None]] = {}
    for s in sessions:
        for t in s.tests:
            for m in t.result.get("metrics", []):
                if m.get("normal_range"):
                    low, high = m["normal_range"]
                    out[(t.test, m["name"], m.get("side"))] = (low, high)
    return out


@dataclass(frozen=True)
class Change:
    label: str
    unit: str
    side: str | None
    before: float | None
    now: float | None

    @property
    def difference(self) -> float | None:
        return None if self.before is None or self.now is None else self.now - self.before


def previous_visit(sessions: list[SessionRecord], session_id: int) -> SessionRecord | None:
    """The patient's last visit before ``session_id`` (home checks and uploads are not visits)."""
    ordered = [s for s in sessions if s.kind == "visit" or s.id == session_id]
    idx = next((i for i, s in enumerate(ordered) if s.id == session_id), None)
    return ordered[idx - 1] if idx else None


def changes(now: SessionRecord, before: SessionRecord | None) -> list[Change]:
    """The key metrics of ``now`` beside those of ``before`` (the mean when a test was repeated)."""
    a, b = _values(now), _values(before) if before is not None else {}
    out = []
    for test, metric, label, unit in (PAIN,) + KEY_METRICS:
        for side in (None, "left", "right"):
            key = (test, metric, side)
            if key in a or key in b:
                out.append(Change(label, unit, side, b.get(key), a.get(key)))
    return out


def _readings(s: SessionRecord):
    """(key, value) for the session's pain score and each measured metric of its tests, in order."""
    if s.checkin is not None:
        yield (PAIN[0], PAIN[1], None), float(s.checkin.pain_now)
    for t in s.tests:
        for m in t.result.get("metrics", []):
            if m.get("value") is not None:
                yield (t.test, m["name"], m.get("side")), float(m["value"])


def _values(s: SessionRecord) -> dict[Key, float]:
    """The session's readings by key; the mean when a test was repeated."""
    sums: dict[Key, list[float]] = {}
    for key, value in _readings(s):
        sums.setdefault(key, []).append(value)
    return {k: sum(v) / len(v) for k, v in sums.items()}


def adherence(sessions: list[SessionRecord], prescription: PrescriptionRecord, *,
              today: date | None = None) -> list[tuple[str, int, float]]:
    """One prescription's home checks per ISO week against its checks a week, from the week it was
    prescribed to the week it ended (or this week): see :func:`movement_check.clinic.home_exercises.weekly_adherence`."""
    days = [s.started_at for s in sessions if s.kind == "home" and s.prescription_id == prescription.id]
    return weekly_adherence(days, prescription.exercise.per_week, start=prescription.created_at,
                            end=prescription.ended_at or today or date.today())
