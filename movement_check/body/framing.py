"""Is the body in the picture: a landmark inside the frame, the feet in view (one rule for the live cue and a
clip's warning)."""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import SIDES, Landmark

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
