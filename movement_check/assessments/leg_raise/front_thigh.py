"""A standing raise seen from the front: each thigh's elevation from its knee's height in the image, through a
pinhole camera (pure functions; the model and its blind zone: :mod:`movement_check.assessments.leg_raise.raises`' notes and
:func:`movement_check.body.kinematics.thigh_elevation_front`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_check.body.kinematics import DEFAULT_FOV_DEG, focal_length_px, front_blind_angle, knee_rise_angle, thigh_elevation_front
from movement_check.body.landmarks import LEG, OTHER, SIDES
from movement_check.body.poses import Poses


def _rest_value(x: np.ndarray, rest: np.ndarray) -> float:
    """Median of ``x`` over rest frames (all frames if fewer than 3 are at rest)."""
    use = rest & np.isfinite(x)
    if use.sum() < 3:
        use = np.isfinite(x)
    return float(np.median(x[use])) if use.any() else float("nan")


@dataclass(frozen=True)
class FrontThigh:
    """Front view, per side: the thigh's elevation (deg, pinhole model), the orthographic angle of the
    knee's visible rise (deg; says how far the knee rose, for gating) and the blind angle (deg) below
    which the elevation cannot be told from a thigh hanging straight. ``out_to_side`` tells a knee
    that went out to the side (a tree pose, a hip abduction) from one raised forward, whose knee stays
    above its foot in the image."""

    elevation: dict[str, np.ndarray]
    knee_rise: dict[str, np.ndarray]
    blind_deg: dict[str, float]
    out_to_side: dict[str, np.ndarray]      # deg: asin(the knee's sideways move from rest / thigh length)


def front_thigh(poses: Poses, down: dict[str, np.ndarray] | None = None,
                fov_deg: float = DEFAULT_FOV_DEG) -> FrontThigh:
    """Front view: each thigh's elevation from its knee's image row (module notes).

    The raised side's hip is placed at the STANDING side's hip plus their
    offset at rest, because MediaPipe's hip landmark rises with a raised thigh.
    ``down``: per side, frames with that foot down; rest = both down.
    """
    both_down = np.ones(len(poses), bool) if down is None else down["left"] & down["right"]
    focal = focal_length_px(poses.frame_size, fov_deg)
    centre_y = poses.frame_size[1] / 2.0
    elevation, rise, blind, out = {}, {}, {}, {}
    for side in SIDES:
        hip, knee = LEG[side][0], LEG[side][1]
        ref_y = poses.image[:, LEG[OTHER[side]][0], 1]
        knee_y = poses.image[:, knee, 1]
        hip_y = ref_y + _rest_value(poses.image[:, hip, 1] - ref_y, both_down)
        thigh = _rest_value(knee_y - poses.image[:, hip, 1], both_down)
        drop = knee_y - ref_y
        elevation[side] = thigh_elevation_front(knee_y, hip_y, thigh, focal, centre_y)
        rise[side] = knee_rise_angle(drop, _rest_value(drop, both_down), thigh)
        blind[side] = front_blind_angle(_rest_value(knee_y, both_down), focal, centre_y)
        dx = poses.image[:, knee, 0] - poses.image[:, hip, 0]
        sideways = np.abs(dx - _rest_value(dx, both_down)) / thigh
        out[side] = np.degrees(np.arcsin(np.clip(sideways, 0.0, 1.0)))
    return FrontThigh(elevation=elevation, knee_rise=rise, blind_deg=blind, out_to_side=out)
