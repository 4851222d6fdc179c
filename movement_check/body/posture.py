"""The patient's posture and the camera's view in a leg-raise clip (pure functions on image landmarks).

Standing, lying on the back (supine) or sitting, per frame and for the clip, from the trunk's tilt and
the thighs; a side or a front view from the shoulders' width over the trunk's length (as for gait);
which way a person seen from the side faces, and which way a lying person's legs point.
"""

from __future__ import annotations

import numpy as np

from movement_check.body.kinematics import inclination
from movement_check.body.landmarks import LEG, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.signals import runs
from movement_check.body.views import view_of
from movement_check.body.walking import midpoint, shoulder_ratio

STANDING, SUPINE, SITTING = "standing", "supine", "sitting"
#: a part of a clip in one posture lasts at least this long (a shorter one is part of a change of posture)
MIN_POSTURE_S = 0.5


def trunk_tilt(poses: Poses) -> np.ndarray:
    """(T,) unsigned tilt (deg) of the trunk (hip midpoint -> shoulder midpoint) from the vertical."""
    return np.abs(inclination(midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
                              midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)))


def find_posture(poses: Poses) -> str | None:
    """``standing`` or ``supine`` from the trunk's median tilt (over 45 deg: lying), None if unseen."""
    tilt = trunk_tilt(poses)
    if not np.isfinite(tilt).any():
        return None
    return SUPINE if float(np.nanmedian(tilt)) > 45.0 else STANDING


def posture_per_frame(poses: Poses) -> np.ndarray:
    """(T,) posture of each frame: ``supine`` (trunk over 45 deg from the vertical: lying), ``sitting`` (trunk
    upright and both thighs within 35 deg of the horizontal: a standing knee raise lifts only one), else
    ``standing``; "" where the trunk is not seen.

    Side view: the thighs' tilt is seen as it is. From the front a thigh pointing at the camera is
    foreshortened, so sitting shows as a short thigh: both thighs under half the trunk's length.
    """
    tilt = trunk_tilt(poses)
    trunk = np.linalg.norm(midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
                           - midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP), axis=1)
    level, short = [], []
    for hip, knee, *_ in LEG.values():
        thigh = poses.image[:, knee, :2] - poses.image[:, hip, :2]
        from_vertical = np.degrees(np.arctan2(np.abs(thigh[:, 0]), np.abs(thigh[:, 1])))
        level.append(from_vertical > 55.0)
        short.append(np.linalg.norm(thigh, axis=1) < 0.5 * trunk)
    sitting = (level[0] & level[1]) | (short[0] & short[1])
    out = np.where(tilt > 45.0, SUPINE, np.where(sitting, SITTING, STANDING)).astype(object)
    out[~np.isfinite(tilt)] = ""
    return out


def posture_parts(poses: Poses) -> list[tuple[int, int, str]]:
    """(start, stop, posture) of each part of the clip in one posture (frames [start, stop)), at least
    ``MIN_POSTURE_S`` long; frames in between (getting up, lying down) belong to none."""
    per_frame = posture_per_frame(poses)
    out = []
    for posture in (STANDING, SUPINE, SITTING):
        for a, b in runs(per_frame == posture):
            if poses.times[b - 1] - poses.times[a] >= MIN_POSTURE_S:
                out.append((a, b, posture))
    return sorted(out)


def find_view(poses: Poses) -> str | None:
    """``side`` or ``front`` from the shoulders' width over the trunk's length, its median over the clip
    (the rule of :mod:`movement_check.body.views`, as for gait and the live cue)."""
    ratio = shoulder_ratio(poses)
    if not np.isfinite(ratio).any():
        return None
    return view_of(float(np.nanmedian(ratio)))


def facing(poses: Poses) -> int:
    """Side view, standing: +1 if the person faces +x (toes to the right of the heels), else -1."""
    toes = poses.image[:, [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 0]
    heels = poses.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 0]
    d = np.nanmedian(toes - heels) if np.isfinite(toes - heels).any() else 0.0
    return 1 if d >= 0 else -1


def legs_direction(poses: Poses) -> int:
    """+1 if the feet lie to the right of the hips in the image (lying down), else -1."""
    d = poses.image[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 0] - poses.image[:, [L.LEFT_HIP, L.RIGHT_HIP], 0]
    return 1 if (np.nanmedian(d) if np.isfinite(d).any() else 0.0) >= 0 else -1
