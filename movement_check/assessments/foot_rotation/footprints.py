"""Footprints: where and how each foot lay flat on the floor, top-down (pure functions).

Each foot's heel and toe (MediaPipe's heel and foot index) are mapped onto
the floor through the camera (:mod:`movement_check.assessments.foot_rotation.floor`). A **footprint**
is a stretch of frames in which that foot stood still on the floor (its
centre's floor speed under ``still_share`` of the clip's swing speed, the
90th percentile of foot speed, for at least ``min_still_s``): foot-flat, the
middle of stance. This does not depend on the view, unlike heel-strike
timing from the image's axes, and it is where the foot progression angle is
defined (mid-stance, Staheli 1985; as in the rendered test clip's truth).
The footprint keeps the middle ``core_share`` of the still frames, so the
heel settling and the heel rising are left out.

A camera that follows the walker (dollying back, a phone carried along, a
treadmill filmed from the front) sees the floor itself slide past: a foot in
stance then moves with the floor, not still. The floor's velocity is found as
the velocity most of the feet's frames share (:func:`ground_velocity`: the
mode, by mean shift from the median, since each foot is in stance for about
60 % of the cycle); when it is faster than a still foot may move, footprints
are stretches in which a foot moved with the floor, and positions are taken
on the floor (camera floor position minus the floor's travel since the
start). A fixed camera gives zero and changes nothing.

The **foot's line** (:func:`.foot_line.foot_axes`) is not simply heel->toe on the
floor. Seen from the front, a foot points along the line of sight: the floor
shows its sideways part well, but its length badly, since one pixel down the
image is several centimetres along the floor, and a heel or toe landmark
that MediaPipe puts 2 cm above the floor lands ``2 cm x distance / camera
height`` further away (measured on the rendered front walk with its true
2-D heel and toe: a 0.27 m shoe read 0.21 m long and its toe-out 1.5 times
too large, 11.7 / 6.7 deg for a true 7.8 / 3.9). The foot's length is known
from the body instead: foot 0.152 and hip 0.530 of body height (Drillis &
Contini 1966), so ``FOOT_OVER_HIP`` times the hip's height over the floor.
The foot's line is the line that best fits the seen heel->toe line, each
part weighted by how well the camera saw it (``landmark_noise_px`` through
the camera, plus ``landmark_height_share`` of the hip height above the
floor along the line of sight), with its length held near the body's
(``length_sd_share``): on that clip 8.4 / 4.4 deg. Along the line of sight
the body's length decides; across it (a foot seen side-on in an oblique
view) the seen length does, and the fit is the seen line.

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
from scipy.ndimage import binary_dilation

from movement_check.assessments.foot_rotation.floor import FloorCamera, signed_angle_2d
from movement_check.body.landmarks import LEG, SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.signals import derivative, moving_mean, runs
from movement_check.body.walking import midpoint
#: foot length / hip height: 0.152 and 0.530 of body height (Drillis & Contini 1966)
FOOT_OVER_HIP = 0.152 / 0.530


@dataclass(frozen=True)
class FootprintSettings:
    still_share: float = 0.2        # of the swing speed
    min_still_s: float = 0.15
    core_share: float = 0.8
    min_visibility: float = 0.5     # heel and toe frames seen less well than this are left out
    landmark_noise_px: float = 3.0  # heel and toe, each, from step to step (weights the foot line's parts)
    length_sd_share: float = 0.10   # the foot / hip-height proportion between people
    moving_floor_share: float = 0.2     # of the walking speed: stance feet sliding faster -> the floor moves


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


def footprints_of(side: str, heel: np.ndarray, toe: np.ndarray, spans: list[tuple[int, int]], times: np.ndarray, *,
                  min_frames: int = 2) -> list[Footprint | None]:
    """:func:`footprint` of each of the non-overlapping ``spans`` of frames [a, b) at once (a walk's hundred or so
    footprints: one at a time took a tenth of the foot rotation's time)."""
    if not spans:
        return []
    heels, toes = span_means(heel, toe, spans)
    ok = np.isfinite(heel).all(axis=1) & np.isfinite(toe).all(axis=1)
    span_of = np.full(len(heel), -1)
    for i, (a, b) in enumerate(spans):
        span_of[a:b] = i
    frames = np.flatnonzero(ok & (span_of >= 0))
    ids = span_of[frames]
    counts = np.bincount(ids, minlength=len(spans))
    # each frame's foot direction against its footprint's mean heel->toe line, and their spread
    angle = signed_angle_2d((toes - heels)[ids], toe[frames] - heel[frames])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(ids, weights=angle, minlength=len(spans)) / counts
        sd = np.sqrt(np.bincount(ids, weights=(angle - mean[ids]) ** 2, minlength=len(spans)) / counts)
    sums = np.concatenate([[0.0], np.cumsum(times)])
    return [Footprint(side=side, start=a, stop=b, time_s=float((sums[b] - sums[a]) / (b - a)),
                      heel=tuple(heels[i].tolist()), toe=tuple(toes[i].tolist()), frame_sd_deg=float(sd[i]))
            if counts[i] >= min_frames else None for i, (a, b) in enumerate(spans)]


def span_means(heel: np.ndarray, toe: np.ndarray, spans: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """(k, 2) mean heel and toe over each span of frames [a, b), the frames with both seen (NaN where none is):
    :func:`footprint`'s heel and toe, for many spans at once."""
    ok = np.isfinite(heel).all(axis=1) & np.isfinite(toe).all(axis=1)
    return seen_means(heel, ok, spans), seen_means(toe, ok, spans)


def seen_means(track: np.ndarray, seen: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """(k, d) mean of ``track``'s (T, d) ``seen`` rows over each span of frames [a, b), from running sums (one pass
    for all spans); NaN for a span with none seen."""
    counts = np.concatenate([[0], np.cumsum(seen)])
    a, b = np.array([s[0] for s in spans], dtype=int), np.array([s[1] for s in spans], dtype=int)
    n = (counts[b] - counts[a])[:, None]
    sums = np.concatenate([np.zeros((1, track.shape[1])), np.cumsum(np.where(seen[:, None], track, 0.0), axis=0)])
    return np.where(n > 0, (sums[b] - sums[a]) / np.maximum(n, 1), np.nan)


def centres(prints: list[Footprint]) -> np.ndarray:
    """(N, 2) the footprints' centres (as :attr:`Footprint.centre`), in one array call, not one per footprint."""
    return (0.5 * (np.array([p.heel for p in prints], dtype=float) + np.array([p.toe for p in prints], dtype=float))
            ).reshape(-1, 2)


def foot_velocities(tracks: dict[str, tuple[np.ndarray, np.ndarray]], times: np.ndarray) -> dict[str, np.ndarray]:
    """Per side, (T, 2) floor velocity of the foot's centre (3-frame smoothed over seen frames, differentiated
    between seen neighbours only: :mod:`movement_check.body.signals`); NaN where unseen and within 2 frames of it."""
    out = {}
    for side, (heel, toe) in tracks.items():
        centre = 0.5 * (heel + toe)
        unseen = ~np.isfinite(centre).all(axis=1)
        v = derivative(moving_mean(centre, 3), times, one_sided=False)
        # within two frames of a gap the 3-frame mean and the difference lean on one side only: not known
        v[binary_dilation(unseen, iterations=2)] = np.nan
        out[side] = v
    return out


def _pooled(velocities: dict[str, np.ndarray], frames: np.ndarray) -> np.ndarray:
    v = np.concatenate([velocities[s][frames] for s in SIDES])
    return v[np.isfinite(v).all(axis=1)]


def ground_velocity(velocities: dict[str, np.ndarray], frames: np.ndarray,
                    settings: FootprintSettings = FootprintSettings(), *, moving: bool = False) -> np.ndarray:
    """The floor's velocity past the camera (floor units/s; module notes): (0, 0) for a fixed camera, that
    is when the feet's most shared velocity is under ``moving_floor_share`` of the walking speed over the
    floor (a foot rolling over in stance moves a little), unless the camera is known to be ``moving`` (the
    same clip through another camera model)."""
    v = _pooled(velocities, frames)
    if len(v) < 10:
        return np.zeros(2)
    mode = np.median(v, axis=0)
    radius = settings.still_share * float(np.percentile(np.linalg.norm(v - mode, axis=1), 90))
    for _ in range(10):
        near = np.linalg.norm(v - mode, axis=1) < radius
        if near.sum() < 3:
            break
        mean = v[near].mean(axis=0)
        moved, mode = np.linalg.norm(mean - mode), mean
        if moved < 1e-3 * radius:
            break
    # over whole strides each foot keeps up with the body, so the mean of the feet's velocities is the body's
    walking = np.linalg.norm(v.mean(axis=0) - mode)
    return mode if moving or np.linalg.norm(mode) > settings.moving_floor_share * walking else np.zeros(2)


def find_footprints(poses: Poses, camera: FloorCamera, frames: np.ndarray,
                    settings: FootprintSettings = FootprintSettings()) -> tuple[list[Footprint], np.ndarray]:
    """Every footprint inside the ``frames`` mask (e.g. the walking bouts), in time order, and the floor's
    velocity past the camera (:func:`ground_velocity`) they were found with."""
    times = poses.times
    fps = 1.0 / float(np.median(np.diff(times))) if len(times) > 1 else 30.0
    tracks = foot_tracks(poses, camera, settings)
    velocities = foot_velocities(tracks, times)
    floor_v = ground_velocity(velocities, frames, settings)
    speeds = {s: np.linalg.norm(v - floor_v, axis=1) for s, v in velocities.items()}
    pooled = np.concatenate([speeds[s][frames] for s in SIDES])
    pooled = pooled[np.isfinite(pooled)]
    if pooled.size < 10:
        return [], floor_v
    limit = settings.still_share * float(np.percentile(pooled, 90))
    min_frames = max(3, int(round(settings.min_still_s * fps)))
    prints: list[Footprint] = []
    for side, (heel, toe) in tracks.items():
        still = frames & np.isfinite(speeds[side]) & (speeds[side] < limit)
        spans = []
        for s, e in runs(still):
            if e - s < min_frames:
                continue
            cut = int(round((e - s) * (1 - settings.core_share) / 2))
            a, b = s + cut, e - cut
            spans.append((s, e) if b - a < 2 else (a, b))
        prints += [p for p in footprints_of(side, heel, toe, spans, times) if p is not None]
    return sorted(prints, key=lambda p: p.time_s), floor_v


def on_floor(prints: list[Footprint], floor_velocity: np.ndarray | None = None) -> np.ndarray:
    """(N, 2) the footprints' centres on the floor: their camera floor positions minus how far the floor
    had slid past the camera by then (:func:`ground_velocity`; nothing for a fixed camera)."""
    c = centres(prints)
    if floor_velocity is None or not len(prints):
        return c
    t = np.array([p.time_s for p in prints])
    return c - np.outer(t - t[0], floor_velocity)


def _about_own_means(prints: list[Footprint], c: np.ndarray) -> np.ndarray:
    sides = np.array([p.side for p in prints])
    # each foot's own track: the left and right footprints sit a step width apart, and an odd count of one
    # foot at the ends would tilt a single line through the zigzag
    return np.concatenate([c[sides == s] - c[sides == s].mean(axis=0) for s in SIDES if (sides == s).any()])


def walking_line_sd(prints: list[Footprint], floor_velocity: np.ndarray | None = None) -> float:
    """Standard error (deg) of :func:`walking_line`'s direction: the footprints' scatter across the line over
    their spread along it, over the square root of their number; NaN if under 3."""
    w = walking_line(prints, floor_velocity)
    if w is None:
        return float("nan")
    d = _about_own_means(prints, on_floor(prints, floor_velocity))
    along, across = d @ w, d @ np.array([-w[1], w[0]])
    return float(np.degrees(np.arctan2(np.std(across), np.std(along) * np.sqrt(len(d)))))


def walking_line(prints: list[Footprint], floor_velocity: np.ndarray | None = None) -> np.ndarray | None:
    """Unit 2-D direction of travel through the footprints' centres on the floor (principal axis), None if
    under 3."""
    if len(prints) < 3:
        return None
    c = on_floor(prints, floor_velocity)
    d = _about_own_means(prints, c)
    _, _, vt = np.linalg.svd(d, full_matrices=False)
    w = vt[0]
    order = np.array([p.time_s for p in prints])
    if np.dot(c[np.argmax(order)] - c[np.argmin(order)], w) < 0:
        w = -w
    return w / np.linalg.norm(w)


def hip_height(poses: Poses, camera: FloorCamera, prints: list[Footprint]) -> float:
    """The hip midpoint's height over the floor (camera heights), median over the footprints, each taken
    over its frames and above its centre (in stance the hips are over the feet, give or take a step)."""
    if not prints:
        return float("nan")
    hips = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    means = seen_means(hips, np.isfinite(hips).all(axis=1), [(p.start, p.stop) for p in prints])
    found = camera.height_over(means, centres(prints)[:, 1])
    found = found[np.isfinite(found) & (found > 0)]
    return float(np.median(found)) if found.size else float("nan")


def progression_angle(side: str, direction: np.ndarray, axis: np.ndarray) -> float:
    """Foot progression angle (deg) of a foot ``axis`` (heel->toe, floor) against ``direction``; + = toe-out."""
    a = float(signed_angle_2d(direction, axis))
    return a if side == "left" else -a


__all__ = ["FOOT_OVER_HIP", "Footprint", "FootprintSettings", "centres", "find_footprints", "foot_tracks",
           "foot_velocities", "footprint", "footprints_of", "ground_velocity", "hip_height", "on_floor",
           "progression_angle", "seen_means", "span_means", "walking_line", "walking_line_sd"]
