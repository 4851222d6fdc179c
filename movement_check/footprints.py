"""Footprints: where and how each foot lay flat on the floor, top-down (pure functions).

Each foot's heel and toe (MediaPipe's heel and foot index) are mapped onto
the floor through the camera (:mod:`movement_check.floor`). A **footprint**
is a stretch of frames in which that foot stood still on the floor (its
centre's floor speed under ``still_share`` of the clip's swing speed, the
90th percentile of foot speed, for at least ``min_still_s``): foot-flat, the
middle of stance. This does not depend on the view, unlike heel-strike
timing from the image's axes, and it is where the foot progression angle is
defined (mid-stance, Staheli 1985; as in the rendered test clip's truth).
The footprint keeps the middle ``core_share`` of the still frames, so the
heel settling and the heel rising are left out.

The **walking line** of a bout is the principal direction of its footprints'
centres, each foot's taken about its own mean (so the step width's zigzag
does not tilt it), oriented in the direction of travel; the **foot
progression angle** of a footprint is the angle from the walking line to the
heel->toe line, positive = toe-out (toward the person's own side: counter-
clockwise from above for the left foot, clockwise for the right).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from .cleaning import runs
from .floor import FloorCamera, signed_angle_2d
from .landmarks import LEG
from .poses import Poses

SIDES = ("left", "right")


@dataclass(frozen=True)
class FootprintSettings:
    still_share: float = 0.2        # of the swing speed
    min_still_s: float = 0.15
    core_share: float = 0.8
    min_visibility: float = 0.5     # heel and toe frames seen less well than this are left out


@dataclass(frozen=True)
class Footprint:
    """One foot flat on the floor. Floor positions in camera heights (floor module)."""

    side: str
    start: int                  # frames [start, stop) of the core
    stop: int
    time_s: float               # middle of the core
    heel: tuple[float, float]
    toe: tuple[float, float]
    frame_sd_deg: float         # spread of the per-frame foot direction over the core (landmark noise)

    @property
    def centre(self) -> np.ndarray:
        return 0.5 * (np.asarray(self.heel) + np.asarray(self.toe))

    @property
    def axis(self) -> np.ndarray:
        return np.asarray(self.toe) - np.asarray(self.heel)


def foot_tracks(poses: Poses, camera: FloorCamera, settings: FootprintSettings = FootprintSettings()
                ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per side, (heel, toe) floor positions (T, 2); NaN where not seen well enough."""
    out = {}
    for side in SIDES:
        heel_i, toe_i = LEG[side][3], LEG[side][4]
        seen = (poses.visibility[:, heel_i] >= settings.min_visibility) & \
               (poses.visibility[:, toe_i] >= settings.min_visibility)
        heel = camera.to_floor(poses.image[:, heel_i, :2])
        toe = camera.to_floor(poses.image[:, toe_i, :2])
        heel[~seen] = np.nan
        toe[~seen] = np.nan
        out[side] = (heel, toe)
    return out


def footprint(side: str, heel: np.ndarray, toe: np.ndarray, a: int, b: int, times: np.ndarray, *,
              min_frames: int = 2) -> Footprint | None:
    """The footprint of frames [a, b) of one foot's floor tracks (frames with NaN left out); None if fewer
    than ``min_frames`` frames are left."""
    h, t = heel[a:b], toe[a:b]
    ok = np.isfinite(h).all(axis=1) & np.isfinite(t).all(axis=1)
    if ok.sum() < min_frames:
        return None
    axis = t[ok] - h[ok]
    per_frame = signed_angle_2d(np.broadcast_to(axis.mean(axis=0), axis.shape), axis)
    return Footprint(side=side, start=a, stop=b, time_s=float(np.mean(times[a:b])),
                     heel=tuple(float(v) for v in h[ok].mean(axis=0)),
                     toe=tuple(float(v) for v in t[ok].mean(axis=0)), frame_sd_deg=float(np.std(per_frame)))


def _speed(times: np.ndarray, xy: np.ndarray) -> np.ndarray:
    v = np.gradient(xy, times, axis=0)
    return np.linalg.norm(v, axis=1)


def find_footprints(poses: Poses, camera: FloorCamera, frames: np.ndarray,
                    settings: FootprintSettings = FootprintSettings()) -> list[Footprint]:
    """Every footprint inside the ``frames`` mask (e.g. the walking bouts), in time order."""
    times = poses.times
    fps = 1.0 / float(np.median(np.diff(times))) if len(times) > 1 else 30.0
    tracks = foot_tracks(poses, camera, settings)
    speeds = {}
    for side, (heel, toe) in tracks.items():
        centre = 0.5 * (heel + toe)
        smooth = uniform_filter1d(np.nan_to_num(centre), 3, axis=0, mode="nearest")
        sp = _speed(times, smooth)
        sp[~np.isfinite(centre).all(axis=1)] = np.nan
        speeds[side] = sp
    pooled = np.concatenate([speeds[s][frames] for s in SIDES])
    pooled = pooled[np.isfinite(pooled)]
    if pooled.size < 10:
        return []
    limit = settings.still_share * float(np.percentile(pooled, 90))
    min_frames = max(3, int(round(settings.min_still_s * fps)))
    prints: list[Footprint] = []
    for side, (heel, toe) in tracks.items():
        still = frames & np.isfinite(speeds[side]) & (speeds[side] < limit)
        for s, e in runs(still):
            if e - s < min_frames:
                continue
            cut = int(round((e - s) * (1 - settings.core_share) / 2))
            a, b = s + cut, e - cut
            if b - a < 2:
                a, b = s, e
            found = footprint(side, heel, toe, a, b, times)
            if found is not None:
                prints.append(found)
    return sorted(prints, key=lambda p: p.time_s)


def walking_line(prints: list[Footprint]) -> np.ndarray | None:
    """Unit 2-D direction of travel through the footprints' centres (principal axis), None if under 3."""
    if len(prints) < 3:
        return None
    c = np.array([p.centre for p in prints])
    sides = np.array([p.side for p in prints])
    # each foot's own track: the left and right footprints sit a step width apart, and an odd count of one
    # foot at the ends would tilt a single line through the zigzag
    d = np.concatenate([c[sides == s] - c[sides == s].mean(axis=0) for s in SIDES if (sides == s).any()])
    _, _, vt = np.linalg.svd(d, full_matrices=False)
    w = vt[0]
    order = np.array([p.time_s for p in prints])
    if np.dot(c[np.argmax(order)] - c[np.argmin(order)], w) < 0:
        w = -w
    return w / np.linalg.norm(w)


def progression_angle(side: str, direction: np.ndarray, axis: np.ndarray) -> float:
    """Foot progression angle (deg) of a foot ``axis`` (heel->toe, floor) against ``direction``; + = toe-out."""
    a = float(signed_angle_2d(direction, axis))
    return a if side == "left" else -a


__all__ = ["Footprint", "FootprintSettings", "find_footprints", "foot_tracks", "footprint", "progression_angle",
           "walking_line"]
