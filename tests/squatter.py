"""A synthetic bodyweight squat seen through a pinhole camera, both feet on the floor throughout.

World frame as in :mod:`tests.raiser` (X toward the camera the person faces, Y to their left, Z up;
metres). Each squat (a deep one) follows one smooth profile ``depth`` 0 -> 1 -> 0 (:func:`tests.raiser.profile`): at
depth 1 the shanks lean ``SHANK_DEG`` forward, the thighs ``THIGH_DEG`` from the vertical (toward the
camera: seen from the front they are foreshortened to a fraction of their length) and the trunk leans
``TRUNK_DEG`` forward. ``lag_s`` makes the right leg follow the left a little late and ``right_depth``
less deep (a weight shift): one thigh then rises before the other, as in a real squat.

Known answers: no foot ever leaves the floor (the ankles, heels and toes never move), so there is no
leg raise; it is one person throughout.
"""

from __future__ import annotations

import numpy as np

from movement_check.landmarks import LEG, N_LANDMARKS
from tests.raiser import ANKLE_H, FRONT_CAMERA, SHANK, THIGH, UPPER, Raise, _rot_y, profile
from tests.walker import Camera, render

SHANK_DEG, THIGH_DEG, TRUNK_DEG = 40.0, 105.0, 50.0
HALF_STANCE = 0.15


def _leg(pos, i, side, depth):
    h, k, a, he, to = LEG[side]
    y = HALF_STANCE if side == "left" else -HALF_STANCE
    ankle = np.array([0.0, y, ANKLE_H])
    s, t = np.radians(SHANK_DEG * depth), np.radians(THIGH_DEG * depth)
    knee = ankle + SHANK * np.array([np.sin(s), 0.0, np.cos(s)]) + np.array([0.0, 0.4 * y * depth, 0.0])
    hip = knee + THIGH * np.array([-np.sin(t), 0.0, np.cos(t)])
    hip[1] = 0.09 if side == "left" else -0.09
    pos[i, a], pos[i, k], pos[i, h] = ankle, knee, hip
    pos[i, he] = ankle + np.array([-0.05, 0.0, -0.04])
    pos[i, to] = ankle + np.array([0.15, 0.0, -0.05])


def squats(starts: tuple[float, ...] = (1.0, 5.0), *, duration: float = 9.0, fps: float = 30.0,
           lag_s: float = 0.15, right_depth: float = 0.9, camera: Camera = FRONT_CAMERA, noise_px: float = 0.0,
           seed: int = 0):
    """Poses of a person squatting at each of ``starts`` (1.2 s down, 0.6 s at the bottom, 1.2 s up)."""
    times = np.arange(int(round(duration * fps))) / fps
    pos = np.zeros((len(times), N_LANDMARKS, 3))
    shapes = [Raise("left", s, up=1.2, hold=0.6, down=1.2) for s in starts]

    def depth(t: float) -> float:
        return max((float(profile(r, np.array([t]))[0]) for r in shapes), default=0.0)

    for i, t in enumerate(times):
        _leg(pos, i, "left", depth(t))
        _leg(pos, i, "right", right_depth * depth(t - lag_s))
        hips = 0.5 * (pos[i, LEG["left"][0]] + pos[i, LEG["right"][0]])
        rot = _rot_y(np.radians(TRUNK_DEG * depth(t)))
        for lm, local in UPPER.items():
            pos[i, lm] = hips + rot @ np.array(local, float)
    return render(pos, times, camera, noise_px=noise_px, seed=seed)
