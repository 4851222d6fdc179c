"""One detected body: where its trunk is, how big it is, and the same body seen twice in one frame.

Pure functions on one frame's detections, ``image`` (K, 33, 3) pixels, ``visibility`` (K, 33): K people.
:mod:`movement_check.pipeline.tracking` links them from frame to frame.
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import LEFT_LEG, RIGHT_LEG, TORSO, Landmark


def trunk_centres(image: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """(K, 2) trunk centre per detection: mean of shoulders and hips in pixels."""
    if image.shape[0] == 0:
        return np.zeros((0, 2))
    torso = image[:, list(TORSO), :2]
    return np.nanmean(torso, axis=1)


def trunk_lengths(image: np.ndarray) -> np.ndarray:
    """(K,) shoulder-midpoint to hip-midpoint distance in pixels (robust to hidden legs)."""
    if image.shape[0] == 0:
        return np.zeros(0)
    shoulders = image[:, [TORSO[0], TORSO[1]], :2].mean(axis=1)
    hips = image[:, [TORSO[2], TORSO[3]], :2].mean(axis=1)
    return np.linalg.norm(shoulders - hips, axis=1)


HEAD = tuple(range(Landmark.NOSE, Landmark.MOUTH_RIGHT + 1))
SHOULDERS = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
#: a body's size is at least this many shoulder widths: the width between MediaPipe's shoulder landmarks
#: (joint centres, narrower than the shoulders' breadth) measured 0.20-0.22 of the standing size on every
#: front-view clip here, so 3 widths (0.60-0.66) do not make a body larger than it is, and a squat seen
#: from the front (thighs and trunk toward the camera) no longer makes it look 1.7 times smaller
SHOULDER_WIDTHS = 3.0


def upper_body_scale(image: np.ndarray) -> np.ndarray:
    """(K,) the larger of the shoulders' width and the trunk's length in pixels: the size of the head and
    shoulders, whichever way the person faces (from the side the shoulders' width shrinks, the trunk's
    length does not; bending toward the camera does the opposite)."""
    width = np.linalg.norm(image[:, SHOULDERS[0], :2] - image[:, SHOULDERS[1], :2], axis=-1)
    return np.fmax(width, trunk_lengths(image))


def same_head_and_shoulders(a: np.ndarray, b: np.ndarray, *, within: float = 0.2) -> bool:
    """Two skeletons (33, 3) in one frame whose head and whose shoulders each lie within ``within`` of the
    larger one's head-and-shoulders size (:func:`upper_body_scale`, median landmark distance): one body.

    Two people can never both be seen with their heads and shoulders in the same place of the picture (the
    one behind would be hidden). MediaPipe does fit a second, smaller skeleton to one person, sharing the
    head and shoulders but with the hips and legs placed elsewhere (seen on a webcam clip with a skeleton
    drawn into the frames: head 0.02-0.16 and shoulders 0.05-0.12 apart, hips 0.2-0.6, 1.2-1.4 times
    smaller); two people crossing were never closer than 0.43 in the shoulders.
    """
    sizes = upper_body_scale(np.stack([a, b]))
    if not np.isfinite(sizes).any():
        return False                  # shoulders or hips not seen: nothing to compare
    scale = max(float(np.nanmax(sizes)), 1.0)
    for part in (HEAD, SHOULDERS):
        gap = np.linalg.norm(a[list(part), :2] - b[list(part), :2], axis=-1)
        if not np.isfinite(gap).any() or float(np.nanmedian(gap)) > within * scale:
            return False
    return True


def drop_duplicates(image: np.ndarray, visibility: np.ndarray, *, overlap: float = 0.05,
                    size_ratio: float = 1.3, partial: float = 0.7, contained: float = 0.8,
                    inside: float = 0.95, inside_ratio: float = 1.15) -> np.ndarray:
    """Indices of the detections to keep in one frame.

    MediaPipe asked for two people sometimes returns the same person twice:
    a second skeleton whose trunk lies within ``overlap`` body heights of the
    first and whose size differs by less than ``size_ratio`` (seen: 0.02-0.04
    body heights apart, up to 1.18 times the size), or a partial skeleton less
    than ``partial`` times as tall lying mostly (``contained``) inside the
    other's box, a smaller one (``inside_ratio``) lying wholly (``inside``)
    inside it, or a second skeleton sharing the first one's head and shoulders
    (:func:`same_head_and_shoulders`). Of such a pair the detection with the
    higher mean visibility is kept. Two real people crossing are rarely that
    close in both place and size; a smaller person wholly inside another's box
    would stand behind them, hidden (one nearer the camera stands lower in
    the picture, so their feet leave the other's box). Seen wholly inside:
    a narrow skeleton fitted to one leg and the trunk of a man squatting
    (1.37 times smaller), one with the upper body squashed onto a walker's
    legs (1.34).
    """
    k = image.shape[0]
    if k < 2:
        return np.arange(k)
    centres = trunk_centres(image, visibility)
    heights = np.maximum(body_heights(image), 1.0)
    lo, hi = np.nanmin(image[..., :2], axis=1), np.nanmax(image[..., :2], axis=1)

    def duplicate(i: int, j: int) -> bool:
        small, big = (i, j) if heights[i] < heights[j] else (j, i)
        ratio = heights[big] / heights[small]
        if ratio < size_ratio and np.linalg.norm(centres[i] - centres[j]) <= overlap * heights[big]:
            return True
        if same_head_and_shoulders(image[i], image[j]):
            return True
        inter = np.clip(np.minimum(hi[small], hi[big]) - np.maximum(lo[small], lo[big]), 0, None).prod()
        area = max(float(np.prod(hi[small] - lo[small])), 1.0)
        return (ratio > 1 / partial and inter / area >= contained) or (ratio > inside_ratio and inter / area >= inside)

    order = np.argsort(-np.nanmean(visibility, axis=1))
    keep: list[int] = []
    for i in order:
        if not any(duplicate(int(i), j) for j in keep):
            keep.append(int(i))
    return np.array(sorted(keep), dtype=int)


def second_skeleton(mine: np.ndarray, other: np.ndarray) -> bool:
    """``other`` (33, 3 pixels) is a second skeleton of the body ``mine`` is, by :func:`drop_duplicates`' rules
    (which would keep ``mine`` were it seen better)."""
    first = np.stack([np.ones(len(mine)), np.zeros(len(other))])
    return len(drop_duplicates(np.stack([mine, other]), first)) == 1


def body_heights(image: np.ndarray) -> np.ndarray:
    """(K,) body size in pixels, the same whether the person stands, lies, sits or lifts a leg.

    The largest of the landmarks' vertical extent (a standing person's height), the length of the
    skeleton from nose to ankle along the body (nose to shoulders, shoulders to hips, thigh and shank,
    each leg's averaged): about 0.9 of the height when standing, and unchanged when the person lies down
    or raises a leg, which shrink or stretch the vertical extent two- or threefold; and
    ``SHOULDER_WIDTHS`` times the shoulders' width, for a body folded toward the camera (a squat or a
    bend seen from the front foreshortens the thighs and the trunk, not the shoulders).
    """
    if image.shape[0] == 0:
        return np.zeros(0)
    y = image[..., 1]
    extent = np.nanmax(y, axis=1) - np.nanmin(y, axis=1)
    xy = image[..., :2]

    def length(a, b) -> np.ndarray:
        return np.linalg.norm(xy[:, a] - xy[:, b], axis=-1)

    shoulders = 0.5 * (xy[:, Landmark.LEFT_SHOULDER] + xy[:, Landmark.RIGHT_SHOULDER])
    hips = 0.5 * (xy[:, Landmark.LEFT_HIP] + xy[:, Landmark.RIGHT_HIP])
    along = (np.linalg.norm(xy[:, Landmark.NOSE] - shoulders, axis=-1) + np.linalg.norm(shoulders - hips, axis=-1)
             + np.nanmean([length(hip, knee) for hip, knee, *_ in (LEFT_LEG, RIGHT_LEG)], axis=0)
             + np.nanmean([length(knee, ankle) for _, knee, ankle, *_ in (LEFT_LEG, RIGHT_LEG)], axis=0))
    return np.fmax(np.fmax(extent, along), SHOULDER_WIDTHS * length(*SHOULDERS))
