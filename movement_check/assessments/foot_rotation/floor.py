"""The floor seen through one camera: image points on the floor -> top-down floor positions (pure functions).

Camera model: a pinhole with its principal point at the image centre, focal
length from an assumed field of view (:func:`movement_check.body.kinematics.focal_length_px`),
no roll (the horizon is level in the image) and a downward **pitch** ``tilt``
(deg, positive = looking down). The camera's height above the floor is the
unit of length: floor angles do not depend on it.

Camera frame: x right, y down, z forward (the optical axis). The floor's up
direction in that frame is ``(0, -cos t, -sin t)`` and the floor is the plane
``P . up = -1``. Floor coordinates: ``X`` along the image's x axis
(horizontal, right), ``Y`` straight ahead of the camera along the floor;
(X, Y, up) is right-handed, so counter-clockwise seen from above is positive.
A pixel on the floor maps to the floor by intersecting its ray with the plane
(a ground-plane homography written through the camera model).

The pitch is found from the walking person (:func:`estimate_tilt`): their hip
midpoint stays at one height above the floor, and with a wrong pitch the hip
height worked out over the feet drifts with the distance from the camera.
That needs the distance to change (walking toward or away from the camera);
a person standing in one place, or walking on the spot, leaves the pitch
unknown and the camera is then assumed level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from movement_check.body.kinematics import focal_length_px


@dataclass(frozen=True)
class FloorCamera:
    """Pinhole camera over a floor (module notes). ``tilt_deg``: pitch, positive looking down."""

    focal_px: float
    centre: tuple[float, float]
    tilt_deg: float = 0.0

    @classmethod
    def from_frame(cls, frame_size: tuple[int, int], fov_deg: float, tilt_deg: float = 0.0) -> "FloorCamera":
        return cls(focal_length_px(frame_size, fov_deg), (frame_size[0] / 2.0, frame_size[1] / 2.0), tilt_deg)

    def with_tilt(self, tilt_deg: float) -> "FloorCamera":
        return FloorCamera(self.focal_px, self.centre, tilt_deg)

    @property
    def up(self) -> np.ndarray:
        t = np.radians(self.tilt_deg)
        return np.array([0.0, -np.cos(t), -np.sin(t)])

    @property
    def ahead(self) -> np.ndarray:
        """The floor's Y axis (straight ahead, horizontal) in the camera frame."""
        t = np.radians(self.tilt_deg)
        return np.array([0.0, -np.sin(t), np.cos(t)])

    def rays(self, xy: np.ndarray) -> np.ndarray:
        """(..., 2) pixels -> (..., 3) rays in the camera frame (z = 1)."""
        xy = np.asarray(xy, dtype=float)
        return np.stack([(xy[..., 0] - self.centre[0]) / self.focal_px,
                         (xy[..., 1] - self.centre[1]) / self.focal_px, np.ones(xy.shape[:-1])], axis=-1)

    def to_floor(self, xy: np.ndarray, height: float = 0.0) -> np.ndarray:
        """(..., 2) pixels of points ``height`` above the floor (camera heights) -> (..., 2) floor (X, Y).

        NaN for a point whose ray does not come down to that height (at or above the horizon).
        """
        r = self.rays(xy)
        down = r @ self.up                                  # < 0: the ray goes down
        scale = np.where(down < -1e-9, (height - 1.0) / np.where(down < -1e-9, down, -1.0), np.nan)
        p = r * scale[..., None]
        return np.stack([p[..., 0], p @ self.ahead], axis=-1)

    def to_image(self, floor_xy: np.ndarray, height: float = 0.0) -> np.ndarray:
        """(..., 2) floor (X, Y) of points ``height`` above the floor -> (..., 2) pixels (inverse of to_floor)."""
        f = np.asarray(floor_xy, dtype=float)
        p = (f[..., :1] * np.array([1.0, 0.0, 0.0]) + f[..., 1:2] * self.ahead + (height - 1.0) * self.up)
        return np.stack([self.centre[0] + self.focal_px * p[..., 0] / p[..., 2],
                         self.centre[1] + self.focal_px * p[..., 1] / p[..., 2]], axis=-1)

    def jacobian(self, floor_xy: np.ndarray) -> np.ndarray:
        """(..., 2, 2) floor displacement per pixel at (...) floor points: column k for one pixel along image
        axis k."""
        px = self.to_image(floor_xy)
        here = self.to_floor(px)
        return np.stack([self.to_floor(px + e) - here for e in np.eye(2)], axis=-1)

    def height_over(self, xy: np.ndarray, floor_y: np.ndarray) -> np.ndarray:
        """Height (camera heights) of an image point that stands above floor distance ``floor_y``."""
        r = self.rays(xy)
        along = r @ self.ahead
        lam = np.where(along > 1e-9, np.asarray(floor_y, dtype=float) / np.where(along > 1e-9, along, 1.0), np.nan)
        return 1.0 + lam * (r @ self.up)


@dataclass(frozen=True)
class TiltFit:
    """The camera pitch found from a walk, or why it was not: ``tilt_deg`` None = unknown."""

    tilt_deg: float | None
    depth_ratio: float          # farthest / nearest distance of the person's feet during the walk
    spread: float               # relative spread of the hip height at the best pitch
    reason: str = ""


#: the person's distance must change by this factor for the pitch to be found
MIN_DEPTH_RATIO = 1.15


def estimate_tilt(camera: FloorCamera, hips: np.ndarray, heels: np.ndarray, frames_per_stride: int, *,
                  search_deg: tuple[float, float] = (-30.0, 50.0)) -> TiltFit:
    """The camera's pitch from a walk (module notes).

    ``hips``: (T, 2) hip-midpoint pixels; ``heels``: (T, 2, 2) both heels'
    pixels (NaN where not seen or not walking). Averaged over a stride, the
    feet are under the hips; each pitch gives a hip height per frame, and the
    pitch whose hip height varies least (relative spread) is taken.
    """
    ok = np.isfinite(hips).all(axis=1) & np.isfinite(heels).all(axis=(1, 2))
    n = max(1, int(frames_per_stride))

    def smoothed(x: np.ndarray) -> np.ndarray:
        return uniform_filter1d(x, n, axis=0, mode="nearest")

    if ok.sum() < 2 * n:
        return TiltFit(None, float("nan"), float("nan"), "too few frames of walking with hips and heels seen")
    idx = np.flatnonzero(ok)
    h_px, f_px = hips[idx], heels[idx]

    feet_rays, hip_rays = camera.rays(f_px), camera.rays(smoothed(h_px))
    grid = np.arange(search_deg[0], search_deg[1] + 1e-9, 1.0)
    spreads = _spreads(feet_rays, hip_rays, grid, smoothed, n)[0]
    if not np.isfinite(spreads).any():
        return TiltFit(None, float("nan"), float("nan"), "the feet were not seen below the horizon")
    best = float(grid[int(np.nanargmin(spreads))])
    fine = np.arange(best - 1.0, best + 1.0 + 1e-9, 0.05)
    best = float(fine[int(np.nanargmin(_spreads(feet_rays, hip_rays, fine, smoothed, n)[0]))])
    spreads, feet_y, good = _spreads(feet_rays, hip_rays, np.array([best]), smoothed, n)
    spread, feet_y = float(spreads[0]), feet_y[0][good[0]]
    ratio = float(np.percentile(feet_y, 90) / np.percentile(feet_y, 10)) if np.isfinite(spread) else float("nan")
    if not np.isfinite(ratio) or ratio < MIN_DEPTH_RATIO:
        return TiltFit(None, ratio, spread, f"the distance to the camera changed by a factor of {ratio:.2f} only "
                                            f"(needs {MIN_DEPTH_RATIO:g}: walk toward or away from the camera)")
    return TiltFit(best, ratio, spread)


#: how many numbers each of :func:`_spreads`' (pitches, frames, heels) arrays holds at most: a minute's walk at 81
#: pitches at once (290 000) took 7 ms, in groups of 18 pitches 2.3 ms, the same numbers (the work is element by
#: element, and by pitch along the frames)
SPREADS_BUDGET = 1 << 16


def _spreads(feet_rays: np.ndarray, hip_rays: np.ndarray, tilts: np.ndarray, smoothed, min_seen: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_spreads_of` over groups of pitches small enough to stay in the processor's cache."""
    tilts = np.atleast_1d(np.asarray(tilts, dtype=float))
    size = max(1, SPREADS_BUDGET // max(1, feet_rays.size // 3))
    if len(tilts) <= size:
        return _spreads_of(feet_rays, hip_rays, tilts, smoothed, min_seen)
    parts = [_spreads_of(feet_rays, hip_rays, tilts[i:i + size], smoothed, min_seen)
             for i in range(0, len(tilts), size)]
    return tuple(np.concatenate([part[j] for part in parts]) for j in range(3))


def _spreads_of(feet_rays: np.ndarray, hip_rays: np.ndarray, tilts: np.ndarray, smoothed, min_seen: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For K pitches at once: the hip height's relative spread (K,), the heels' smoothed mean distance along the
    floor (K, N) and the frames that count (K, N: a hip above the floor, the feet ahead). The rays through the
    heels (N, 2, 3) and the smoothed hips (N, 3) are the same for all pitches (one pitch at a time, the search
    took a third of a second for a minute's walk). The spread is the standard deviation over the mean, as
    ``np.std`` / ``np.mean`` of the frames that count; inf where fewer than ``min_seen`` count or the mean is not
    above the floor."""
    t = np.radians(np.asarray(tilts, dtype=float))
    cos, sin = np.cos(t)[:, None, None], np.sin(t)[:, None, None]
    # the rays' (x, y, 1) against FloorCamera.up (0, -cos, -sin) and .ahead (0, -sin, cos), written out
    down = feet_rays[None, ..., 1] * -cos + -sin                                      # (K, N, 2)
    ahead_of_feet = feet_rays[None, ..., 1] * -sin + cos
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = -1.0 / down
        scale[~(down < -1e-9)] = np.nan                   # the ray does not come down to the floor
        # both heels' mean distance along the floor, smoothed over a stride (``smoothed`` works down axis 0)
        per_heel = ahead_of_feet * scale
        feet_y = smoothed((0.5 * (per_heel[..., 0] + per_heel[..., 1])).T).T          # (K, N)
        along = hip_rays[None, :, 1] * -sin[:, :, 0] + cos[:, :, 0]                       # (K, N)
        lam = feet_y / along
        lam[~(along > 1e-9)] = np.nan
        hip_h = 1.0 + lam * (hip_rays[None, :, 1] * -cos[:, :, 0] + -sin[:, :, 0])
        good = np.isfinite(hip_h) & (feet_y > 0)
        seen = good.sum(axis=1)
        mean = np.where(good, hip_h, 0.0).sum(axis=1) / seen
        spread = np.sqrt((np.where(good, hip_h - mean[:, None], 0.0) ** 2).sum(axis=1) / seen) / mean
    return np.where((seen >= min_seen) & (mean > 0), spread, np.inf), feet_y, good


def signed_angle_2d(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Angle (deg) from 2-D vectors ``u`` to ``v``, counter-clockwise positive (seen from above)."""
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    dot = (u * v).sum(axis=-1)
    return np.degrees(np.arctan2(cross, dot))


__all__ = ["FloorCamera", "MIN_DEPTH_RATIO", "TiltFit", "estimate_tilt", "signed_angle_2d"]
