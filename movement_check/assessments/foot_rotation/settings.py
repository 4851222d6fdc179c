"""Foot rotation: its settings (checked as made) and the shape of one clip's analysis."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_check.assessments.foot_rotation.floor import FloorCamera
from movement_check.assessments.foot_rotation.footprints import Footprint
from movement_check.body.kinematics import DEFAULT_FOV_DEG
from movement_check.body.walking import Bout
from movement_check.assessments.settings import checked, in_range

WALKING, STANDING = "walking", "standing"
#: a foot turned further than this from the walking line means the geometry failed, not that the foot did
IMPLAUSIBLE_DEG = 60.0
#: a stance phase whose angle lies this far from the median of the same foot's other stance phases (at least 3)
#: is not one the method could read (the walk's first or last step, a turn, a foot landing across the other,
#: a footprint bent by landmark noise in an oblique view): left out and counted. A person's own foot angle varies
#: by a few degrees from step to step (SD 2-4 deg in healthy gait), well inside it.
OUTLIER_DEG = 15.0


@dataclass(frozen=True)
@checked(**{setting: in_range(setting) for setting in ("fov_deg", "camera_tilt_deg", "max_obliqueness_deg",
         "tilt_error_found_deg", "tilt_error_assumed_deg", "fov_error_deg", "foot_length_error", "placement_px")},
         min_steps=in_range("min_steps", whole=True))
class FootRotationSettings:
    """``fov_deg``: the camera's field of view across the frame's longer side. ``camera_tilt_deg``:
    its downward pitch, if known (else found from a walk, else level)."""

    fov_deg: float = DEFAULT_FOV_DEG
    camera_tilt_deg: float | None = None
    min_steps: int = 3
    max_obliqueness_deg: float = 70.0
    tilt_error_found_deg: float = 3.0
    tilt_error_assumed_deg: float = 10.0
    fov_error_deg: float = 10.0
    foot_length_error: float = 0.10        # the foot / hip-height proportion between people (share)
    placement_px: float = 3.0              # MediaPipe's heel/toe off the true point, the same all clip long


@dataclass
class FootRotationAnalysis:
    """What the clip showed (module notes). Angles in degrees."""

    mode: str | None                       # walking, standing, or None (nothing usable)
    camera: FloorCamera
    tilt_from: str                         # given / found from the walk / assumed level
    tilt_reason: str = ""
    bouts: list[Bout] = field(default_factory=list)
    prints: list[Footprint] = field(default_factory=list)
    angles: list[float] = field(default_factory=list)        # per footprint (walking) or per side (standing)
    obliqueness_deg: float | None = None
    per_px_deg: float | None = None
    declined: str | None = None
    fps: float = 30.0
    floor_velocity: np.ndarray | None = None                 # the floor sliding past a following camera
    axes: list[np.ndarray] = field(default_factory=list)     # per footprint, the foot's line (floor)
    hip_height: float = float("nan")                         # camera heights
    seen_length_share: float | None = None                   # seen heel->toe length / the body's foot length
    heel_lift: float = 0.0                                   # camera heights (foot_line.heel_lift)
    left_out: int = 0                                        # stance phases far from the same foot's others
