"""Foot rotation: each stance phase's foot angle against the walking line, on the floor seen through one camera
(pure functions; the method and its limits: :mod:`foot_rotation`'s notes)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_check.assessments.foot_rotation.floor import FloorCamera, signed_angle_2d
from movement_check.assessments.foot_rotation.foot_line import foot_axes, heel_lift
from movement_check.assessments.foot_rotation.footprints import (
    FOOT_OVER_HIP, Footprint, foot_tracks, foot_velocities, footprint, ground_velocity, hip_height, span_means,
    walking_line)
from movement_check.body.landmarks import SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.body_size import leg_length_px
from movement_check.body.walking import Bout, in_bouts

from movement_check.assessments.foot_rotation.settings import OUTLIER_DEG, STANDING, FootRotationAnalysis


def prints_under(poses: Poses, camera: FloorCamera, found: "FootRotationAnalysis"
                  ) -> tuple[list[Footprint], np.ndarray | None]:
    """The same footprints (same frames, same well-seen heels and toes) through another camera model, and
    the floor's velocity past it."""
    tracks = foot_tracks(poses, camera) if found.mode != STANDING else feet_down_tracks(poses, camera)
    moved = list(found.prints)          # a footprint none of whose frames has heel and toe seen stays as it was
    for side in SIDES:
        which = [i for i, p in enumerate(found.prints) if p.side == side]
        if not which:
            continue
        heels, toes = span_means(*tracks[side], [(found.prints[i].start, found.prints[i].stop) for i in which])
        seen = np.isfinite(heels).all(axis=1).tolist()
        for i, ok, heel, toe in zip(which, seen, heels.tolist(), toes.tolist()):
            if ok:                              # the frames' spread (frame_sd_deg) stays the first camera's
                p = found.prints[i]
                moved[i] = Footprint(p.side, p.start, p.stop, p.time_s, tuple(heel), tuple(toe), p.frame_sd_deg)
    floor_v = None
    if found.floor_velocity is not None and np.any(found.floor_velocity):
        floor_v = ground_velocity(foot_velocities(tracks, poses.times), in_bouts(len(poses), found.bouts),
                                  moving=True)
    return moved, floor_v


def bout_of(p: Footprint, bouts: list[Bout]) -> int:
    """Index of the bout a footprint lies in (-1: none)."""
    return next((i for i, b in enumerate(bouts) if b.start <= p.start < b.stop), -1)


def bouts_of(prints: list[Footprint], bouts: list[Bout]) -> list[int]:
    """:func:`bout_of` of every footprint, in one array call (the first bout holding its start; -1: none)."""
    if not prints or not bouts:
        return [-1] * len(prints)
    start = np.array([p.start for p in prints])[:, None]
    inside = (np.array([b.start for b in bouts]) <= start) & (start < np.array([b.stop for b in bouts]))
    return np.where(inside.any(axis=1), inside.argmax(axis=1), -1).tolist()


def by_bout(prints: list[Footprint], bouts: list[Bout], which: list[int] | None = None) -> list[list[Footprint]]:
    """The footprints of each bout, in order (``which``: their :func:`bouts_of`, if already found)."""
    which = bouts_of(prints, bouts) if which is None else which
    return [[p for p, k in zip(prints, which) if k == i] for i in range(len(bouts))]


@dataclass
class Angles:
    """Each footprint's foot line (floor) and angle, under one camera model."""

    angles: list[float]
    axes: list[np.ndarray]
    lines: dict[int, np.ndarray]            # walking line per bout
    hip_height: float                       # camera heights
    heel_lift: float                        # camera heights (foot_line.heel_lift)


def foot_angles(poses: Poses, camera: FloorCamera, prints: list[Footprint], mode: str, bouts: list[Bout],
                floor_velocity: np.ndarray | None = None, *, length_scale: float = 1.0) -> Angles:
    """Walking: each footprint's progression angle against its bout's walking line (NaN if the bout has
    under 3 footprints). Standing: each foot against the line from the feet to the camera (floor origin).
    The foot's line is :func:`movement_check.assessments.foot_rotation.foot_line.foot_axes`."""
    hip_h = hip_height(poses, camera, prints)
    length = FOOT_OVER_HIP * hip_h * length_scale
    lift = heel_lift(prints, length)
    axes = foot_axes(prints, camera, length, lift)
    if mode == STANDING:
        centre = np.mean([p.centre for p in prints], axis=0)
        toward_camera = -centre / np.linalg.norm(centre)
        return Angles(progression_angles(prints, [toward_camera] * len(prints), axes), axes, {}, hip_h, lift)
    which = bouts_of(prints, bouts)
    lines = {i: walking_line(group, floor_velocity) for i, group in enumerate(by_bout(prints, bouts, which))}
    along = [lines.get(k) for k in which]
    along = [np.full(2, np.nan) if w is None else w for w in along]        # no line for its bout: NaN
    return Angles(progression_angles(prints, along, axes), axes, {i: w for i, w in lines.items() if w is not None},
                  hip_h, lift)


def progression_angles(prints: list[Footprint], directions: list[np.ndarray], axes: list[np.ndarray]) -> list[float]:
    """:func:`.footprints.progression_angle` of every footprint at once (deg, + = toe-out)."""
    if not prints:
        return []
    a = signed_angle_2d(np.array(directions, dtype=float), np.array(axes, dtype=float))
    return [float(v) if p.side == "left" else float(-v) for p, v in zip(prints, a)]


def side_means(prints: list[Footprint], angles: list[float]) -> dict[str, float]:
    out = {}
    for s in SIDES:
        vals = [a for p, a in zip(prints, angles) if p.side == s and np.isfinite(a)]
        out[s] = float(np.mean(vals)) if vals else float("nan")
    out["asymmetry"] = out["right"] - out["left"]
    return out


def apart_from_the_rest(prints: list[Footprint], angles: list[float]) -> list[bool]:
    """Per footprint, False when its angle lies more than ``OUTLIER_DEG`` from the median of the same foot's
    other footprints (judged only with at least 3 others)."""
    values = np.asarray(angles, dtype=float)
    keep = np.ones(len(prints), dtype=bool)
    sides = np.array([p.side for p in prints])
    for side in SIDES:
        seen = np.flatnonzero((sides == side) & np.isfinite(values))
        if len(seen) < 4:                   # each has under 3 others
            continue
        keep[seen] = ~(np.abs(values[seen] - medians_of_the_others(values[seen])) > OUTLIER_DEG)
    return keep.tolist()


def means_as_analysed(prints: list[Footprint], angles: list[float]) -> list[dict[str, float]]:
    """:func:`side_means` as the analysis would give them from these angles (under one plausible error): without the
    footprints :func:`apart_from_the_rest` judges apart, as :func:`analyse` leaves them out. A foot that loses half
    or more of its footprints so has not one stray footprint but is split in two (often all of it: the median of the
    others falls between the groups, and its mean is NaN), which the analysis could not measure: then the means
    with that foot's footprints all in come too, for its move to count and not vanish from the uncertainty."""
    keep = apart_from_the_rest(prints, angles)
    out = [side_means(prints, [a if k else float("nan") for a, k in zip(angles, keep)])]
    split = set()
    for side in SIDES:
        judged = [k for p, a, k in zip(prints, angles, keep) if p.side == side and np.isfinite(a)]
        if 2 * judged.count(False) >= max(1, len(judged)):
            split.add(side)
    if split:
        out.append(side_means(prints, [a if k or p.side in split else float("nan")
                                       for p, a, k in zip(prints, angles, keep)]))
    return out


def medians_of_the_others(values: np.ndarray) -> np.ndarray:
    """For each of n >= 2 values, the median of the other n - 1 (as ``np.median(np.delete(values, k))``, to the bit
    but for the sign of a zero; values with no NaN: NumPy's median of others holding a NaN is NaN, this is not),
    from one sort: taking out the value of rank r moves the ranks above it down by one."""
    order = np.argsort(values, kind="stable")
    ranked = values[order]
    rank = np.empty(len(values), dtype=int)
    rank[order] = np.arange(len(values))
    m = len(values) - 1                     # how many remain

    def remaining(j: int) -> np.ndarray:    # the j-th smallest of the others, for every value taken out
        return ranked[np.where(j < rank, j, j + 1)]

    if m % 2:
        return remaining(m // 2)
    return (remaining(m // 2 - 1) + remaining(m // 2)) / 2


def least_tilt(poses: Poses, camera: FloorCamera) -> float:
    """The assumed pitch: level, or looking down just enough (2 deg to spare) to put the heels and toes
    below the horizon, as they must be on a floor seen from above it."""
    feet = poses.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 1]
    if not np.isfinite(feet).any():
        return 0.0
    highest = float(np.nanpercentile(feet, 5))
    above = float(np.degrees(np.arctan((camera.centre[1] - highest) / camera.focal_px)))
    return max(0.0, above + 2.0)


#: standing, a foot counts only in frames where it is down: its heel and its toe no more than this many leg lengths
#: above the other foot's in the picture (feet side by side differ by ~0, a 25 cm stagger 3.5 m from the camera by
#: ~0.08; a foot raised in a single-leg stance by 0.15 and more). A raised foot turns as it pleases: the synthetic
#: walker with one foot held up read 11.7 / 17.1 deg of toe-out for 8 / 14
FOOT_DOWN_LEGS = 0.1


def feet_down_tracks(poses: Poses, camera: FloorCamera) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """:func:`foot_tracks`, NaN in the frames where that foot is raised above the other (FOOT_DOWN_LEGS)."""
    tracks = foot_tracks(poses, camera)
    leg = leg_length_px(poses)
    if not np.isfinite(leg):
        return tracks
    y = {"left": poses.image[:, [L.LEFT_HEEL, L.LEFT_FOOT_INDEX], 1],
         "right": poses.image[:, [L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX], 1]}
    for side, other in (("left", "right"), ("right", "left")):
        with np.errstate(invalid="ignore"):
            up = (y[side] < y[other] - FOOT_DOWN_LEGS * leg).any(axis=1)
        for track in tracks[side]:
            track[up] = np.nan
    return tracks


def standing_prints(poses: Poses, camera: FloorCamera) -> list[Footprint]:
    """Standing: one footprint per side over the whole clip (frames with heel and toe seen, the foot down)."""
    tracks = feet_down_tracks(poses, camera)
    prints = [footprint(side, *tracks[side], 0, len(poses), poses.times, min_frames=3) for side in SIDES]
    return [p for p in prints if p is not None]


def angles_under(poses: Poses, found: FootRotationAnalysis, camera: FloorCamera) -> list[float]:
    moved, floor_v = prints_under(poses, camera, found)
    return foot_angles(poses, camera, moved, found.mode, found.bouts, floor_v).angles


def angles_with_toes_moved(poses: Poses, found: FootRotationAnalysis, side: str, shift_px: np.ndarray
                            ) -> list[float]:
    """The angles again with ``side``'s toe landmarks moved by ``shift_px`` in the image."""
    cam = found.camera
    which = [i for i, p in enumerate(found.prints) if p.side == side]
    moved = list(found.prints)
    if which:
        toes = cam.to_floor(cam.to_image(np.array([found.prints[i].toe for i in which], dtype=float)) + shift_px)
        for i, toe in zip(which, toes.tolist()):
            p = found.prints[i]             # as dataclasses.replace(p, toe=...), at a third of its cost
            moved[i] = Footprint(p.side, p.start, p.stop, p.time_s, p.heel, tuple(toe), p.frame_sd_deg)
    return foot_angles(poses, cam, moved, found.mode, found.bouts, found.floor_velocity).angles
