"""How big the person is in the picture: the leg length (hip to ankle, pixels), for the whole clip or as it goes.

Thresholds on movement are counted in leg lengths so that they hold at any distance from the camera. A walker
does not stay at one distance: one who crosses the room, turns and walks back along a wall further away is
smaller in the picture on the way back (twice as far, half the size), and one walking toward the camera grows
all the way. A clip's one median leg length then sits between the two crossings, too long for the far one and
too short for the near one, so every threshold counted in it is off for both (a walk there and back at 0.6 of
the size on the way back moved where the near crossing's walk ended by a second and added two heel strikes
behind a table). :func:`leg_length_over_time` follows the size as it changes; :func:`leg_length_in` is one
stretch's (a walking bout's).

Walking bouts (:func:`movement_check.body.walking.find_bouts`) follow the size only where the walker is seen
side-on. Seen from the front the walker comes nearer all the way, and the front view's rules keep the clip's one
size: followed, the synthetic walk from 9 m away was taken for walking 0.3 s sooner, where its first steps, tiny
in the picture, gave a false heel strike (confidence 0.95).
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.signals import slow_window_stat
from movement_check.body.views import SIDE

#: the running leg length is the median over this long (s): two strides or more, so a knee bending in swing
#: (shorter hip-to-ankle for a fraction of each stride) does not show, a change of distance does
LEG_WINDOW_S = 2.0
#: a leg's length counts where the model saw its hip and ankle at least this well (MediaPipe's visibility)
SEEN_VISIBILITY = 0.5
#: the running size is used where the walker's size strays over this share from the clip's (10th or 90th
#: percentile): a walk back along a far wall (0.6-0.8 of the size), or toward the camera. One that stays within it
#: keeps the clip's one size: the limp walk, drifting 8 % smaller across the picture, on its running size ended its
#: walk a frame or three later, and on its backlit copy that halved its cadence (the feet's autocorrelation there
#: has near-equal stride and double-stride peaks, 0.21 / 0.28)
SAME_SIZE = 0.15


def leg_lengths(landmarks: np.ndarray) -> np.ndarray:
    """Hip-to-ankle distance in pixels of each leg, left then right: (33, 2+) gives (2,), (T, 33, 2+) (T, 2)."""
    pts = np.asarray(landmarks, dtype=float)
    return np.stack([np.linalg.norm(pts[..., hip, :2] - pts[..., ankle, :2], axis=-1)
                     for hip, ankle in ((L.LEFT_HIP, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_ANKLE))], axis=-1)


def leg_length_px(poses: Poses) -> float:
    """Median hip-to-ankle distance in pixels over both legs (the body scale of this clip)."""
    seen = leg_lengths(poses.image).T.ravel()
    seen = seen[np.isfinite(seen)]
    return float(np.median(seen)) if seen.size else float("nan")


def seen_leg_lengths(poses: Poses) -> np.ndarray:
    """(T, 2) each leg's hip-to-ankle distance where the model saw its hip and ankle (visibility at least
    ``SEEN_VISIBILITY``), NaN elsewhere: a leg behind furniture or leaving the picture is guessed short (the limp
    walk's, behind its table, 10-120 px for 250). Where no leg was ever seen so, every one the model placed."""
    legs = leg_lengths(poses.image).reshape(len(poses), 2)
    vis = poses.visibility[:, [[L.LEFT_HIP, L.LEFT_ANKLE], [L.RIGHT_HIP, L.RIGHT_ANKLE]]].reshape(len(poses), 2, 2)
    seen = np.where((vis >= SEEN_VISIBILITY).all(axis=2), legs, np.nan)
    return seen if np.isfinite(seen).any() else legs


def leg_length_in(poses: Poses, start: int, stop: int) -> float:
    """The leg length over frames [start, stop) (median of both legs where seen), or the clip's where none was
    seen there."""
    seen = seen_leg_lengths(poses)[start:stop].ravel()
    seen = seen[np.isfinite(seen)]
    return float(np.median(seen)) if seen.size else leg_length_px(poses)


def leg_length_over_time(poses: Poses, window_s: float = LEG_WINDOW_S) -> np.ndarray:
    """(T,) the leg length at each frame: the median of both legs' lengths (:func:`seen_leg_lengths`) over
    ``window_s`` around it, as :func:`leg_length_in` takes it over a stretch (a leg unseen at a frame takes its
    nearest seen frames' length there) when the walker's size strays from the clip's (the median of all seen) by
    more than ``SAME_SIZE``; else the clip's at every frame. All NaN where no leg was ever placed."""
    legs = seen_leg_lengths(poses)
    idx = np.arange(len(poses))
    columns = [np.interp(idx, idx[np.isfinite(leg)], leg[np.isfinite(leg)]) for leg in legs.T if np.isfinite(leg).any()]
    if not columns:
        return np.full(len(poses), np.nan)
    dt = float(np.median(np.diff(poses.times))) if len(poses) > 1 else 1.0
    half = max(0, int(round(window_s / dt)) // 2)
    local = slow_window_stat(np.stack(columns, axis=1), half, lambda w: np.median(w, axis=(1, 2)))
    # the thresholds counted in leg lengths hold within SAME_SIZE of the size: a walker who stays that near one
    # size (most of the time) is judged in the clip's one size, as a clip always was
    whole = float(np.nanmedian(legs))
    seen = np.isfinite(legs).any(axis=1)
    low, high = np.percentile(local[seen], [10, 90]) / whole if seen.any() else (1.0, 1.0)
    return np.full(len(poses), whole) if max(1.0 - low, high - 1.0) <= SAME_SIZE else local


def walking_leg_lengths(poses: Poses, frame_view: np.ndarray) -> np.ndarray:
    """(T,) the leg length each frame's walking is judged in (:func:`movement_check.body.walking.find_bouts`, and
    where it says the picture jumped): side-on, the size as it goes (:func:`leg_length_over_time`); in frames seen
    from the front (``frame_view``), the clip's (module notes)."""
    return np.where(np.asarray(frame_view) == SIDE, leg_length_over_time(poses), leg_length_in(poses, 0, len(poses)))
