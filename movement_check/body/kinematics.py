"""Angles from landmark positions: small pure functions on arrays.

Axis 0 is time; the last axis holds (x, y) image coordinates in **pixels**
(x to the right, y down). Work in pixels, never in MediaPipe's normalised
units: x and y are normalised by different lengths, which skews every angle
in a non-square frame. NaN in, NaN out.

Each angle states its sign convention. "Forward" is the person's direction
of travel, given as ``direction`` = +1 (walking toward +x, to the right of
the image) or -1 (toward -x).
"""

from __future__ import annotations

import numpy as np


def _xy(a: np.ndarray) -> np.ndarray:
    return np.asarray(a, dtype=float)[..., :2]


def signed_angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle (deg) turning vector ``u`` onto ``v`` in the image, in (-180, 180].

    Positive is clockwise on screen (from +x toward +y, since y points down).
    """
    u, v = _xy(u), _xy(v)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(cross, dot))


def interior_angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Unsigned angle (deg, 0-180) at ``b`` between the segments b->a and b->c."""
    return np.abs(signed_angle(_xy(a) - _xy(b), _xy(c) - _xy(b)))


def knee_flexion(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Knee flexion (deg): 0 with the leg straight, positive as the knee bends.

    180 minus the angle at the knee between thigh and shank, as seen in the
    image plane (a sagittal angle in a side view).
    """
    return 180.0 - interior_angle(hip, knee, ankle)


def inclination(top: np.ndarray, bottom: np.ndarray, direction: float | np.ndarray = 1.0) -> np.ndarray:
    """Tilt (deg) of the segment bottom->top from the upward vertical, positive toward ``direction``.

    For the trunk (hip midpoint -> shoulder midpoint) in a side view this is the
    forward lean: positive = leaning forward, in the direction of travel.
    """
    seg = _xy(top) - _xy(bottom)
    # angle from straight up (0, -1): atan2 of the horizontal over the upward component
    return np.degrees(np.arctan2(seg[..., 0] * direction, -seg[..., 1]))


def hip_flexion(shoulder_mid: np.ndarray, hip: np.ndarray, knee: np.ndarray,
                direction: float | np.ndarray = 1.0) -> np.ndarray:
    """Sagittal hip flexion (deg) of the thigh **relative to the trunk**, side view.

    0 when the thigh continues the trunk line downward; positive when the
    thigh swings forward (in ``direction``), negative in extension behind.
    The pelvis cannot be seen in 2-D video, so the trunk stands in for it.
    """
    trunk_down = _xy(hip) - _xy(shoulder_mid)
    thigh = _xy(knee) - _xy(hip)
    # clockwise on screen from the trunk-down line is toward -x, i.e. backward for direction +1
    return -signed_angle(trunk_down, thigh) * direction


def ankle_dorsiflexion(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Ankle dorsiflexion (deg), side view: 90 minus the angle between shank and foot.

    Shank = ankle->knee, foot = heel->toe (MediaPipe's heel and foot index).
    0 with the foot at a right angle to the shank; positive = toes pulled up
    (dorsiflexion), negative = toes pointed down (plantarflexion). MediaPipe's
    heel and toe are not bony landmarks: compare sides and visits, not
    absolute values with a goniometer's.
    """
    shank = _xy(knee) - _xy(ankle)
    foot = _xy(toe) - _xy(heel)
    return 90.0 - np.abs(signed_angle(shank, foot))


def foot_to_floor(heel: np.ndarray, toe: np.ndarray, direction: float | np.ndarray = 1.0) -> np.ndarray:
    """Angle (deg) of the foot (heel->toe) to the horizontal image line, side view.

    Positive = toes higher than the heel; the camera must be level.
    """
    foot = _xy(toe) - _xy(heel)
    return np.degrees(np.arctan2(-foot[..., 1], foot[..., 0] * direction))


def lateral_tilt(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Tilt (deg) of the line between a left and a right landmark, front view (person facing the camera).

    Positive when the person's left point is **lower** than the right one in the
    image (e.g. for the hips: the pelvis drops on the left). The camera must be
    level. Facing the camera, the person's left is on the image's right.
    """
    seg = _xy(left) - _xy(right)          # right -> left: points to +x when facing the camera
    return np.degrees(np.arctan2(seg[..., 1], np.abs(seg[..., 0])))


def trunk_lateral_lean(hip_mid: np.ndarray, shoulder_mid: np.ndarray) -> np.ndarray:
    """Trunk lateral lean (deg), front view facing the camera: positive = toward the person's right.

    The person's right is the image's left (-x) when they face the camera.
    """
    return inclination(shoulder_mid, hip_mid, direction=-1.0)


def thigh_elevation(hip: np.ndarray, knee: np.ndarray, direction: float | np.ndarray = 1.0) -> np.ndarray:
    """Thigh elevation (deg) from the downward vertical, side view: how high the knee is raised.

    0 with the thigh hanging straight down, 90 with it horizontal in front,
    positive forward (toward ``direction``, the way the person faces),
    negative behind. It is the thigh **against the vertical**, not against the
    trunk: hip flexion relative to the trunk is this plus the trunk's
    backward lean. The camera must be level.
    """
    thigh = _xy(knee) - _xy(hip)
    return np.degrees(np.arctan2(thigh[..., 0] * direction, thigh[..., 1]))


#: the field of view (deg, across the frame's longer side) assumed when none is given: most webcams and phones
#: see 60-70 deg
DEFAULT_FOV_DEG = 65.0


def focal_length_px(frame_size: tuple[int, int], fov_deg: float) -> float:
    """Focal length (px) of a camera whose field of view across the frame's LONGER side is ``fov_deg``."""
    return 0.5 * max(frame_size) / float(np.tan(np.radians(fov_deg) / 2))


def thigh_elevation_front(knee_y: np.ndarray, hip_y: np.ndarray, thigh_px: float, focal_px: float,
                          centre_y: float) -> np.ndarray:
    """Thigh elevation (deg) from the downward vertical, front view, through a pinhole camera.

    ``knee_y``, ``hip_y``: (T,) image rows (px, y down) of the raised leg's
    knee and of its hip (take the hip from a point that does not move with the
    raised thigh: see :mod:`movement_check.assessments.leg_raise.raises`); ``thigh_px`` the thigh's
    image length at rest, hanging straight; ``focal_px`` and ``centre_y``
    (the principal point's row, the image centre) describe the camera, which
    must be level.

    Model: the hip at depth ``Z`` and ``Y`` below the camera's axis, thigh
    length ``l``; raised by ``e`` toward the camera the knee sits at depth
    ``Z - l sin e``, ``Y + l cos e`` below the axis. With ``a = l/Z`` (rest
    thigh px / f), ``b = Y/Z`` (hip row offset / f) and ``k`` (knee row offset
    / f) the knee's row obeys ``k (1 - a sin e) = b + a cos e``, i.e.
    ``cos(e - atan k) = (k - b) / (a sqrt(1 + k^2))``. Of the two solutions
    the larger is returned: ``atan k + arccos(...)``.

    Blind zone: a knee below the camera's axis first moves DOWN in the image
    as the thigh comes up (it comes toward the lens faster than it rises) and
    is back at its resting row only at ``2 atan(k_rest)`` (see
    :func:`front_blind_angle`): below that the image cannot tell a raised thigh
    from a hanging one, and a thigh at rest reads about that angle. Unsigned,
    forward and sideways raises are not told apart. A wrong focal length
    (field of view) moves the readings: measured on synthetic raises of
    45-70 deg, a field of view guessed 11 deg too narrow read 1.9-3.2 deg low
    and 14 deg too wide 2.8-4.9 deg high with a webcam 2.5 m away, 0.2-1.4
    deg with a camera 5 m away.
    """
    k = (np.asarray(knee_y, dtype=float) - centre_y) / focal_px
    b = (np.asarray(hip_y, dtype=float) - centre_y) / focal_px
    a = thigh_px / focal_px
    c = np.clip((k - b) / (a * np.sqrt(1.0 + k * k)), -1.0, 1.0)
    return np.degrees(np.clip(np.arctan(k) + np.arccos(c), 0.0, np.pi))


def front_blind_angle(knee_y_at_rest: float, focal_px: float, centre_y: float) -> float:
    """Thigh elevation (deg) below which a front view cannot see a raise: ``2 atan(k_rest)``, 0 if the knee is above the axis."""
    return float(max(0.0, 2.0 * np.degrees(np.arctan((knee_y_at_rest - centre_y) / focal_px))))


def knee_rise_angle(knee_drop: np.ndarray, knee_drop_at_rest: float, thigh_length: float) -> np.ndarray:
    """The orthographic thigh angle (deg) that would lift the knee as far as it rose in the image.

    ``knee_drop``: (T,) image height of the knee below a reference point that
    does not move with the raised thigh (px, y down); ``knee_drop_at_rest``
    the same with both feet down; ``thigh_length`` the thigh's image length at
    rest: ``arccos(1 - rise / thigh_length)``. It ignores the knee coming
    toward the lens, so it reads low (9-12 deg at 55-70 deg with a webcam
    2.5 m away) and near 0 in :func:`thigh_elevation_front`'s blind zone: it
    says how far the knee visibly rose, not how high the thigh is.
    """
    rise = knee_drop_at_rest - np.asarray(knee_drop, dtype=float)
    return np.degrees(np.arccos(np.clip(1.0 - rise / thigh_length, -1.0, 1.0)))


def leg_elevation(hip: np.ndarray, ankle: np.ndarray, direction: float | np.ndarray = 1.0) -> np.ndarray:
    """Angle (deg) of the leg line hip->ankle above the horizontal image line, side view, lying down.

    ``direction``: which way the legs point along x (+1: feet to the right).
    Positive with the foot higher than the hip. For the supine straight-leg
    raise, subtract the angle of the leg at rest on the table (the table may
    not be level in the image, and the hip landmark sits higher above the
    table than the ankle): see :mod:`movement_check.assessments.leg_raise.raises`.
    """
    leg = _xy(ankle) - _xy(hip)
    return np.degrees(np.arctan2(-leg[..., 1], leg[..., 0] * direction))
