"""Home exercises: a prescription checked against a result with a known answer; weekly adherence."""

from dataclasses import replace
from datetime import date

import pytest

from movement_check.assessments import REGISTRY
from movement_check.assessments.base import settings_from
from movement_check.pipeline.cleaning import clean
from movement_check.clinic.home_exercises import HomeExercise, home_check, weekly_adherence
from movement_check.assessments.result import Result
from tests.fixtures.raiser import SIDE_CAMERA, Raise, Script as RaiseScript, perform
from tests.fixtures.walker import Script, walk


def result_of(test: str, poses, **options) -> dict:
    """What analysis.assess hands over for ``poses`` (already clean), as a dict."""
    fn, settings_cls = REGISTRY[test]
    found = fn(poses, settings=settings_from(settings_cls, options))
    return Result(test=test, source={}, quality={"assessment": found.quality}, metrics=found.metrics,
                  events=found.events, warnings=found.warnings).to_dict()


def test_standing_leg_raises_are_counted_and_a_short_hold_is_told_to_the_patient():
    # 3 right raises held 6 s, 2 left: one held 6 s, one only 2 s; prescribed 3 per side held 5 s
    raises = [Raise("right", 1.0 + 9 * i, hip=60, knee=90, hold=6.0) for i in range(3)]
    raises += [Raise("left", 28.0, hip=60, knee=90, hold=6.0), Raise("left", 37.0, hip=60, knee=90, hold=2.0)]
    poses, _ = perform(RaiseScript(raises, duration=42), camera=SIDE_CAMERA)
    poses, _ = clean(poses)
    exercise = HomeExercise("standing-leg-raise", repetitions_per_side=3, hold_s=5.0)
    check = home_check(exercise, result_of("leg-raise", poses, **exercise.options()))
    assert check.count == "left 2 of 3, right 3 of 3"
    assert check.done_pct == pytest.approx(100 * 4 / 6, abs=0.1)       # 3 right + 1 left as prescribed, of 6
    assert any(line.startswith("Left raise 2:") and "hold" in line.lower() for line in check.feedback)
    assert not any(line.startswith("Right raise") for line in check.feedback)


def test_walking_time_is_the_steady_walking_the_camera_saw():
    # three 5 s walks across the room with two turns: 15 s of walking, of which the first and last
    # steps of each pass ramp in and out (the bouts found here cover 14.1 s); turns and standing not counted
    segments = [("stand", 2.0), ("walk", 5.0), ("turn", 1.5), ("walk", 5.0), ("turn", 1.5), ("walk", 5.0),
                ("stand", 2.0)]
    poses, _ = walk(Script(segments=segments))
    poses, _ = clean(poses)
    result = result_of("gait", poses)
    check = home_check(HomeExercise("walk", minutes=0.5), result)
    assert 13 / 30 * 100 <= check.done_pct <= 15 / 30 * 100
    assert check.count in ("0:14 of 0:30 min:s", "0:13 of 0:30 min:s", "0:15 of 0:30 min:s")
    assert "Turns and standing still are not counted." in check.feedback
    assert not check.feedback[0].startswith("Well done")
    still, _ = walk(Script(segments=[("stand", 6.0)]))
    nothing = home_check(HomeExercise("walk", minutes=0.5), result_of("gait", clean(still)[0]))
    assert nothing.done_pct == 0 and any("No steady walking" in line for line in nothing.feedback)


def test_a_result_of_the_wrong_test_or_a_bad_prescription_is_refused():
    with pytest.raises(ValueError, match="gait test"):
        home_check(HomeExercise("walk"), {"test": "leg-raise"})
    with pytest.raises(ValueError, match="repetitions per side"):
        HomeExercise("standing-leg-raise", repetitions_per_side=0)
    with pytest.raises(ValueError, match="one of"):
        HomeExercise("yoga")
    assert HomeExercise.from_dict(HomeExercise("walk", minutes=3).to_dict()) == HomeExercise("walk", minutes=3)


def test_weekly_adherence_counts_checks_per_iso_week_including_empty_weeks():
    days = [date(2026, 11, 2), date(2026, 11, 4), date(2026, 11, 6),          # week 45: 3
            date(2026, 11, 20)]                                               # week 47: 1; week 46 empty
    weeks = weekly_adherence(days, per_week=3)
    assert weeks == [("2026-W45", 3, 100.0), ("2026-W46", 0, 0.0), ("2026-W47", 1, pytest.approx(33.33, abs=0.01))]
    assert weekly_adherence(["2026-11-02T10:00:00+00:00"] * 5, per_week=3) == [("2026-W45", 5, 100.0)]


def test_weekly_adherence_counts_the_weeks_since_prescribed_and_until_today_even_without_checks():
    weeks = weekly_adherence([date(2026, 11, 11)], per_week=2, start="2026-11-02T09:00:00+00:00",
                             end=date(2026, 11, 23))
    assert weeks == [("2026-W45", 0, 0.0), ("2026-W46", 1, 50.0), ("2026-W47", 0, 0.0), ("2026-W48", 0, 0.0)]
    assert weekly_adherence([], per_week=2, start=date(2026, 11, 16), end=date(2026, 11, 17)) == [
        ("2026-W47", 0, 0.0)]


def test_adherence_of_each_prescription_counts_only_its_own_checks_against_its_own_weekly_target():
    from movement_check.clinic.history import adherence
    from movement_check.clinic.record import PrescriptionRecord, SessionRecord

    walk = PrescriptionRecord(1, "P-1", "jdoe", HomeExercise("walk", per_week=2), "2026-11-09T09:00:00+00:00", None)
    raises = PrescriptionRecord(2, "P-1", "jdoe", HomeExercise("standing-leg-raise", per_week=4),
                                "2026-11-09T09:00:00+00:00", "2026-11-18T09:00:00+00:00")

    def session(number, kind, day, rx):
        return SessionRecord(number, "P-1", kind, None, f"2026-11-{day}T18:00:00+00:00", None, None, rx)

    sessions = [session(1, "visit", "09", None), session(2, "home", "10", 1), session(3, "home", "11", 2),
                session(4, "home", "12", 2), session(5, "home", "17", 1), session(6, "home", "18", 1),
                session(7, "upload", "19", None)]
    today = date(2026, 11, 23)
    assert adherence(sessions, walk, today=today) == [("2026-W46", 1, 50.0), ("2026-W47", 2, 100.0),
                                                      ("2026-W48", 0, 0.0)]
    assert adherence(sessions, raises, today=today) == [("2026-W46", 2, 50.0), ("2026-W47", 0, 0.0)]   # ended


def test_each_home_exercise_is_checked_by_its_tests_own_adapter(monkeypatch):
    from movement_check.assessments import BY_NAME
    from movement_check.clinic import home_exercises
    from movement_check.clinic.home_exercises import EXERCISES, HomeCheck

    for exercise, (_, test) in EXERCISES.items():
        assert BY_NAME[test].home_check is not None, exercise
    # the adapter named in the descriptor is the one called: swap it and the check follows
    seen = []
    monkeypatch.setitem(home_exercises.BY_NAME, "gait", replace(
        BY_NAME["gait"], home_check=lambda rx, result: seen.append(rx.exercise) or HomeCheck(rx.exercise, "x", 1.0, [])))
    check = home_check(HomeExercise("walk"), {"test": "gait"})
    assert seen == ["walk"] and check.count == "x"
