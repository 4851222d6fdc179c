"""Angle functions against hand-made geometry with known answers and signs."""

import numpy as np
import pytest

from movement_check import kinematics as kin


def _pt(x, y):
    return np.array([[x, y]], dtype=float)


def _deg(a):
    return np.radians(a)


@pytest.mark.parametrize("bend", [0.0, 30.0, 65.0])
def test_knee_flexion(bend):
    hip, knee = _pt(0, 0), _pt(0, 100)
    ankle = knee + 100 * np.array([[np.sin(_deg(-bend)), np.cos(_deg(-bend))]])
    assert kin.knee_flexion(hip, knee, ankle)[0] == pytest.approx(bend, abs=1e-9)


@pytest.mark.parametrize("direction", [1, -1])
def test_hip_flexion_sign_follows_direction_of_travel(direction):
    shoulder, hip = _pt(0, -100), _pt(0, 0)
    forward_knee = hip + 100 * np.array([[direction * np.sin(_deg(25)), np.cos(_deg(25))]])
    backward_knee = hip + 100 * np.array([[-direction * np.sin(_deg(10)), np.cos(_deg(10))]])
    assert kin.hip_flexion(shoulder, hip, forward_knee, direction)[0] == pytest.approx(25.0)
    assert kin.hip_flexion(shoulder, hip, backward_knee, direction)[0] == pytest.approx(-10.0)


def test_trunk_forward_lean():
    hip = _pt(100, 100)
    shoulder = hip + 50 * np.array([[np.sin(_deg(8)), -np.cos(_deg(8))]])     # leaning toward +x
    assert kin.inclination(shoulder, hip, 1)[0] == pytest.approx(8.0)
    assert kin.inclination(shoulder, hip, -1)[0] == pytest.approx(-8.0)        # walking left: leaning back


def test_ankle_dorsiflexion():
    knee, ankle = _pt(0, -100), _pt(0, 0)
    heel = _pt(-10, 5)
    neutral_toe = heel + _pt(30, 0)
    up = heel + 30 * np.array([[np.cos(_deg(12)), -np.sin(_deg(12))]])
    down = heel + 30 * np.array([[np.cos(_deg(20)), np.sin(_deg(20))]])
    assert kin.ankle_dorsiflexion(knee, ankle, heel, neutral_toe)[0] == pytest.approx(0.0)
    assert kin.ankle_dorsiflexion(knee, ankle, heel, up)[0] == pytest.approx(12.0)
    assert kin.ankle_dorsiflexion(knee, ankle, heel, down)[0] == pytest.approx(-20.0)


def test_front_view_tilts():
    # facing the camera: the person's left hip is on the image's right
    left_hip, right_hip = _pt(120, 205), _pt(80, 200)        # left hip 5 px lower
    assert kin.lateral_tilt(left_hip, right_hip)[0] == pytest.approx(np.degrees(np.arctan2(5, 40)))
    hip_mid = _pt(100, 200)
    leaning_right = hip_mid + 60 * np.array([[-np.sin(_deg(6)), -np.cos(_deg(6))]])   # toward image left
    assert kin.trunk_lateral_lean(hip_mid, leaning_right)[0] == pytest.approx(6.0)


def test_nan_in_nan_out():
    a = np.array([[np.nan, 0.0]])
    assert np.isnan(kin.knee_flexion(a, _pt(0, 1), _pt(0, 2))[0])
