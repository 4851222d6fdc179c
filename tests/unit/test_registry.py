"""A test is one descriptor: the names, titles, labels, whom to follow, settings, figures and key metrics all
come from :data:`movement_check.assessments.ALL_TESTS`."""

from __future__ import annotations

from movement_check.assessments import ALL_TESTS, BY_NAME, REGISTRY, SUBJECT_RULE, TESTS, MovementTest
from movement_check.clinic.history import KEY_METRICS
from movement_check.clinic.report import TEST_TITLES


def test_every_table_of_the_tests_is_a_view_of_the_descriptors():
    names = tuple(t.name for t in ALL_TESTS)
    assert TESTS == names == ("gait", "leg-raise", "foot-rotation")
    assert tuple(SUBJECT_RULE) == tuple(REGISTRY) == tuple(TEST_TITLES) == tuple(BY_NAME) == names
    for t in ALL_TESTS:
        assert isinstance(t, MovementTest)
        assert SUBJECT_RULE[t.name] == t.subject_rule and TEST_TITLES[t.name] == t.title
        assert REGISTRY[t.name] == (t.assess, t.settings)
        t.settings()                                        # the defaults pass the settings' own checks
    assert {test for test, *_ in KEY_METRICS} == set(names)


def test_the_values_before_the_descriptors_are_kept():
    assert SUBJECT_RULE == {"gait": "walker", "leg-raise": "largest", "foot-rotation": "auto"}
    assert TEST_TITLES == {"gait": "Gait", "leg-raise": "Leg raise", "foot-rotation": "Foot rotation"}
    assert [(test, metric, unit) for test, metric, _, unit in KEY_METRICS] == [
        ("gait", "cadence", "steps/min"), ("gait", "step_time_symmetry_index", "%"),
        ("gait", "knee_flexion_swing_peak", "deg"), ("foot-rotation", "foot_progression_angle", "deg"),
        ("leg-raise", "hip_flexion_peak", "deg"), ("leg-raise", "leg_elevation_peak", "deg"),
        ("leg-raise", "hold_time", "s")]
