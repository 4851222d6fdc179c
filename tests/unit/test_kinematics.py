"""Angle functions against hand-made geometry with known answers and signs."""

import numpy as np
import pytest

import movement_check.body.kinematics as kin


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


@pytest.mark.parametrize("height, depth", [(0.2, 2.5), (0.6, 2.5), (0.0, 5.0), (-0.3, 3.0)])
def test_thigh_elevation_front_inverts_a_pinhole_projection(height, depth):
    """Hip ``height`` m below the camera's axis at ``depth`` m; thigh 0.43 m raised toward the lens."""
    f, cy, thigh = 1000.0, 360.0, 0.43
    e = np.radians(np.arange(0.0, 100.0, 5.0))
    hip_y = np.full_like(e, cy + f * height / depth)
    knee_y = cy + f * (height + thigh * np.cos(e)) / (depth - thigh * np.sin(e))
    got = kin.thigh_elevation_front(knee_y, hip_y, f * thigh / depth, f, cy)
    blind = kin.front_blind_angle(knee_y[0], f, cy)
    # the knee below the axis first sinks in the image, and is back at its resting row at the blind angle
    assert blind == pytest.approx(max(0.0, 2 * np.degrees(np.arctan((height + thigh) / depth))))
    seen = np.degrees(e) > blind + 1.0
    assert np.allclose(got[seen], np.degrees(e[seen]), atol=1e-6)
    # inside the blind zone the reading is not the truth: it never falls below the true angle
    assert np.all(got[~seen] >= np.degrees(e[~seen]) - 1e-6)
    # the orthographic reading of the same knee is low when the camera is above the hip
    if height > 0:
        ortho = kin.knee_rise_angle(knee_y - hip_y, knee_y[0] - hip_y[0], f * thigh / depth)
        low = seen & (np.degrees(e) <= 80)
        assert np.all(ortho[low] < np.degrees(e[low]) - 1.0)


def test_focal_length_from_the_field_of_view_across_the_longer_side():
    assert kin.focal_length_px((1280, 720), 90.0) == pytest.approx(640.0)
    assert kin.focal_length_px((720, 1280), 90.0) == pytest.approx(640.0)    # a portrait phone clip
