"""From which side the camera sees the body: one rule for the clips and the live cues (pure functions).

Seen side-on, the shoulders overlap in the image: their horizontal distance
is small against the trunk's length (shoulder midpoint to hip midpoint).
Facing the camera, or turned away from it, it is about 0.7-0.8 (a 0.36 m
shoulder breadth over a 0.5 m trunk). Under ``SIDE_VIEW_MAX_RATIO`` (0.5)
counts as a side view, from 0.5 up as a front view. Only the horizontal
distance counts: a body leaning over, or seen from above, brings the
shoulders apart vertically without turning them to the camera. This is a
framing judgement (is the camera where the test needs it: the sagittal
plane side-on, CLINICAL.md "Views"), not a measurement.

The same rule decides each frame's view in a clip
(:func:`movement_check.body.walking.find_bouts`, :func:`movement_check.body.posture.find_view`)
and the live "turn side-on" / "face the camera" cue
(:func:`movement_check.live.cues.seen_view`).
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import Landmark as L
from movement_check.body.signals import moving_std

#: the camera's views of the body, by name (a test's ``view`` option, a bout's view, a live step's view)
SIDE = "side"
FRONT = "front"
VIEWS = (SIDE, FRONT)
#: shoulder width / trunk length below this: side view (module notes)
SIDE_VIEW_MAX_RATIO = 0.5


def shoulder_ratio(landmarks: np.ndarray) -> np.ndarray | float:
    """Horizontal shoulder width over trunk length in the image: small side-on, large facing the camera.

    ``landmarks``: one frame's (33, 2+) image landmarks, giving a float, or a trajectory's (T, 33, 2+),
    giving (T,). NaN where a shoulder or hip is not seen (a zero-length trunk gives inf or NaN).
    """
    pts = np.asarray(landmarks, dtype=float)
    ls, rs = pts[..., L.LEFT_SHOULDER, :2], pts[..., L.RIGHT_SHOULDER, :2]
    lh, rh = pts[..., L.LEFT_HIP, :2], pts[..., L.RIGHT_HIP, :2]
    width = np.abs(ls[..., 0] - rs[..., 0])
    trunk = np.linalg.norm(0.5 * (ls + rs) - 0.5 * (lh + rh), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = width / trunk
    return float(ratio) if np.ndim(ratio) == 0 else ratio


def view_of(ratio, *, unknown: str | None = None):
    """``SIDE`` or ``FRONT`` from :func:`shoulder_ratio` (a float, or an array giving an array of names);
    ``unknown`` where the ratio is NaN (the live cue gives no advice then; a clip's frame counts as FRONT)."""
    r = np.asarray(ratio, dtype=float)
    named = np.where(r < SIDE_VIEW_MAX_RATIO, SIDE, FRONT).astype(object)
    named[np.isnan(r)] = unknown
    return named.item() if named.ndim == 0 else named


def frame_views(landmarks: np.ndarray):
    """Each frame's view, as a clip decides it: :func:`view_of` the :func:`shoulder_ratio`, a frame whose
    shoulders or hips are unseen counting as FRONT. (33, 2+) gives a name, (T, 33, 2+) a (T,) array."""
    named = view_of(shoulder_ratio(landmarks), unknown=FRONT)
    return named if isinstance(named, str) else np.asarray(named, dtype=str)


#: the ankles' fore-aft distance along the image x swings by at least this (standard deviation over 1 s, leg
#: lengths) when the feet cross the picture: 0.19-0.61 (median) on the real side-view walks we have, at most
#: 0.04 (90th percentile) walking toward the camera (the feet then keep their sides of the picture); a walk
#: 35 deg from the camera's axis gives ~0.13
ACROSS_MIN_LEGS = 0.1
#: ... and by at least this many times their swing along the image y (depth seen as height): a walk a little
#: diagonal toward the camera swings both ways (10 deg off its axis: x 0.05-0.14, 0.7-1.6 times y; 20 deg:
#: 1.3-3.2 times), and stays a front view, timed there with its pelvis and trunk measured; the real side walks
#: swing 3.4-6 times more along x, a treadmill 39 deg off the camera's axis 3.7 times
ACROSS_OVER_DEPTH = 2.0


def feet_cross_the_picture(landmarks: np.ndarray, leg: float, window: int) -> bool:
    """Whether over a walk's frames (``landmarks``: (T, 33, 2+) image landmarks) the ankles swing past each other
    along the image x, as seen from the side, by at least ``ACROSS_MIN_LEGS`` leg lengths (``leg``, pixels) and
    ``ACROSS_OVER_DEPTH`` times their swing along the image y (the medians over the walk of their standard
    deviations over ``window`` frames; a whole walk's, so that one near the limit is not cut into pieces too
    short to time).

    The shoulders decide a frame's view (:func:`frame_views`), but a camera off to one side of the walker (a
    treadmill at the edge of a wide-angle picture, a camera turned well away from square) sees
    the shoulders apart while the feet still cross the picture. Their steps are then timed along the image x
    as from the side (Zeni's heel farthest ahead of the pelvis: the projection keeps when that happens); the
    front view's timing from the feet's height in the image works only for a walk toward the camera.
    """
    pts = np.asarray(landmarks, dtype=float)
    apart = pts[:, L.LEFT_ANKLE, :2] - pts[:, L.RIGHT_ANKLE, :2]
    across = moving_std(apart[:, 0], window)
    depth = moving_std(apart[:, 1], window)
    if not (np.isfinite(across).any() and np.isfinite(depth).any()):
        return False
    swing = float(np.nanmedian(across))
    return bool(swing >= ACROSS_MIN_LEGS * leg and swing >= ACROSS_OVER_DEPTH * float(np.nanmedian(depth)))
