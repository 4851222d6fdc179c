"""How well the person could be seen: per-landmark figures and framing warnings.

A landmark counts as *seen* in a frame when the person was found and the
model's visibility for it is at least ``min_visibility`` (0.5). These
figures come from the raw trajectories, before gaps are filled.
"""

from __future__ import annotations

import numpy as np

from movement_check.body.framing import feet_out_of_picture
from movement_check.body.signals import runs
from movement_check.body.landmarks import NAMES
from movement_check.body.poses import Poses

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
