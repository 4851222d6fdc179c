"""How well the person could be seen: per-landmark figures and framing warnings.

A landmark counts as *seen* in a frame when the person was found and the
model's visibility for it is at least ``min_visibility`` (0.5). These
figures come from the raw trajectories, before gaps are filled.
"""

from __future__ import annotations

import numpy as np

from .cleaning import runs
from .landmarks import NAMES, SIDES, Landmark
from .poses import Poses

FEET = (Landmark.LEFT_HEEL, Landmark.RIGHT_HEEL, Landmark.LEFT_FOOT_INDEX, Landmark.RIGHT_FOOT_INDEX,
        Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE)


def out_of_frame(xy: np.ndarray, frame_size: tuple[int, int], *, margin: float = 0.0) -> np.ndarray:
    """(...,) bool: the point (``xy[..., :2]``, pixels) is unseen (NaN) or not inside the frame.

    ``margin`` is a share of the width/height: positive keeps that band along
    the edges out too (a landmark on the edge is often a guess), negative lets
    a point that far beyond the edge count as inside.
    """
    w, h = frame_size
    x, y = xy[..., 0], xy[..., 1]
    inside = ((x > margin * w) & (x < (1 - margin) * w) & (y > margin * h) & (y < (1 - margin) * h))
    return ~(np.isfinite(x) & np.isfinite(y) & inside)


#: each foot's landmarks' columns in :data:`FEET`, for telling one hidden foot from two
_FOOT_COLUMNS = {side: tuple(k for k, lm in enumerate(FEET) if lm.name.startswith(side.upper()))
                 for side in SIDES}


def feet_out_of_picture(xy: np.ndarray, visibility: np.ndarray, presence: np.ndarray,
                        frame_size: tuple[int, int], *, margin: float = 0.01) -> np.ndarray:
    """(...,) True where the feet are not in the picture: one rule for the live cue and the clip's warning.

    ``xy`` (..., 33, 2+) pixels, ``visibility`` and ``presence`` (..., 33). The feet are out of the picture
    when a foot landmark lies beyond the frame's edge (by more than ``margin`` of its size: a landmark on
    the edge is often a guess) or the model doubts it is in the frame (presence under 0.5), or when both
    feet are hidden (mean visibility of each under 0.5: a table in the way). One foot hidden is not: in a
    side view the far foot is behind the near leg at every step.
    """
    idx = list(FEET)
    pts = np.asarray(xy)[..., idx, :2]
    pres = np.nan_to_num(np.asarray(presence, dtype=float)[..., idx], nan=0.0)
    vis = np.nan_to_num(np.asarray(visibility, dtype=float)[..., idx], nan=0.0)
    outside = out_of_frame(pts, frame_size, margin=-margin).any(axis=-1) | (pres < 0.5).any(axis=-1)
    hidden = np.all([vis[..., list(cols)].mean(axis=-1) < 0.5 for cols in _FOOT_COLUMNS.values()], axis=0)
    return outside | hidden


def longest_run_s(mask: np.ndarray, times: np.ndarray) -> float:
    """Duration of the longest run of True in ``mask`` (frames x typical frame interval)."""
    if not mask.any():
        return 0.0
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    return float(max(times[b - 1] - times[a] + dt for a, b in runs(mask)))


def landmark_quality(poses: Poses, *, min_visibility: float = 0.5) -> dict[str, dict[str, float]]:
    """Per landmark: share of frames seen, mean visibility when found, longest stretch unseen (s)."""
    found = np.isfinite(poses.image[..., 0])
    vis = np.where(found, poses.visibility, np.nan)
    seen = found & (np.nan_to_num(poses.visibility, nan=0.0) >= min_visibility)
    out = {}
    for j, name in enumerate(NAMES):
        mean_vis = float(np.nanmean(vis[:, j])) if found[:, j].any() else float("nan")
        out[name] = {
            "seen_share": round(float(seen[:, j].mean()), 3),
            "mean_visibility": None if not np.isfinite(mean_vis) else round(mean_vis, 3),
            "longest_gap_s": round(longest_run_s(~seen[:, j], poses.times), 3),
        }
    return out


def poorly_seen(quality: dict[str, dict[str, float]], *, below: float = 0.5) -> list[str]:
    """Names of landmarks seen in less than ``below`` of the frames."""
    return [name for name, q in quality.items() if q["seen_share"] < below]


def framing_warnings(poses: Poses, *, margin: float = 0.01) -> list[str]:
    """Warnings a person filming can act on: nobody in many frames, feet out of the frame."""
    warnings = []
    with_person = poses.frames_with_person
    n = len(poses)
    share = with_person.mean() if n else 0.0
    if share < 0.5:
        warnings.append(f"the person was found in only {share:.0%} of the frames: keep the whole body in view "
                        "for the whole test")
    if with_person.any():
        out_share = float(feet_out_of_picture(poses.image[with_person], poses.visibility[with_person],
                                              poses.presence[with_person], poses.frame_size, margin=margin).mean())
        if out_share > 0.2:
            warnings.append(f"the feet are out of the frame in {out_share:.0%} of the frames where the person is "
                            "seen: step back or tilt the camera down so the feet are visible")
    return warnings


def quality_summary(raw: Poses, *, warnings: list[str] | None = None, cleaning: dict | None = None,
                    subject: dict | None = None) -> dict:
    """The result's ``quality`` section."""
    per_landmark = landmark_quality(raw)
    with_person = raw.frames_with_person
    return {
        "frames": len(raw),
        "frames_with_person": int(with_person.sum()),
        "person_seen_share": round(float(with_person.mean()), 3) if len(raw) else 0.0,
        "subject": subject if subject is not None else raw.source.get("subject"),
        "poorly_seen_landmarks": poorly_seen(per_landmark),
        "landmarks": per_landmark,
        "cleaning": cleaning,
        "warnings": list(warnings or []),
    }
