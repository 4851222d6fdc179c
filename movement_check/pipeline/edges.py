"""The subject followed back before the first frame and on after the last frame in which they were found.

MediaPipe's person detector finds somebody coming into view late: on the two-people sample the walker steps
out from behind a tree at frame 36 and is found from frame 59 only, so the heel strike at frame 60 had no
swing before it and was missed (issue 17). Once found, the landmark model follows a person from where they
were in the frame before, which it can do where the detector alone cannot. So, after the subject is chosen:

- **back**: a fresh ``num_poses=1`` model is shown the subject's first frame (only the box around them, as
  :mod:`following` does), then the frames before it one by one, newest first (MediaPipe needs increasing
  times: the times given to it run forward while the frames run back);
- **on**: the same from the subject's last frame forward, unless they were last seen touching the picture's
  edge (they walked out of it: nothing to follow);

each until the model loses the person, the person it holds jumps (a trunk farther than a walker moves in one
frame, or a size that changes by a third), it holds somebody already found in that frame, or ``MAX_S`` has
passed. Everyone already found in a frame is blacked out, as in :func:`following.fill_in`. The clip is read
again only when there is something to follow, and only as far as needed; the frames before the first are
kept in memory (at most ``MAX_BYTES``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Callable, Iterable

import numpy as np

from movement_check.pipeline.estimator import Detections, EstimatorSettings, PoseEstimator
from movement_check.pipeline.following import black_out, box_around, masked, merge, same_person
from movement_check.pipeline.pose_model import PoseModel

#: how far back (on) from the subject's first (last) frame they are followed at most
MAX_S = 2.0
#: the frames before the first kept in memory at most (fewer frames of a large picture)
MAX_BYTES = 300_000_000
#: the box shown to the model: the person's landmarks with this many body heights on each side
MARGIN = 0.35
#: a trunk moving more than this many body heights per second (at least 0.1 per frame) is another person
MOST_SPEED = 2.5
#: the picture's edge: within this share of its width or height
EDGE = 0.01


def _frame_at_edge(image: np.ndarray, size: tuple[int, int]) -> bool:
    """The person's landmarks (33, 3 pixels) touch or cross the picture's edge."""
    box = box_around(image, 0.0)
    if box is None:
        return True
    w, h = size
    return bool(box[0] <= EDGE * w or box[1] <= EDGE * h or box[2] >= (1 - EDGE) * w or box[3] >= (1 - EDGE) * h)


class _Trace:
    """One direction: a ``num_poses=1`` model shown the subject's box, fed frames one at a time."""

    def __init__(self, model: PoseModel, settings: EstimatorSettings, anchor: np.ndarray, dt: float,
                 estimator_factory):
        self._est = estimator_factory(model, replace(settings, max_people=1))
        self._last = anchor
        self._dt = dt
        self._clock = 0.0
        self._buffer: np.ndarray | None = None
        self.done = False

    def show(self, rgb: np.ndarray, others: Detections, *, seed: bool = False) -> Detections | None:
        """The person in this frame (None when lost; then :attr:`done`). ``others``: already found here (not
        them); ``seed``: the anchor's own frame, which starts the model on the person and is not kept."""
        self._buffer = black_out(masked(rgb, box_around(self._last, MARGIN), self._buffer), others)
        found = self._est.detect(self._buffer, self._clock)
        self._clock += self._dt
        # the same walker one frame on: a trunk no farther than a walker moves in a frame, a size a third off at most
        within = max(0.1, MOST_SPEED * (0.0 if seed else self._dt))
        ok = len(found) > 0 and same_person(self._last, found.image[0], within=within, size_ratio=4 / 3)
        ok = ok and not any(same_person(found.image[0], others.image[k]) for k in range(len(others)))
        if not ok:
            self.done = True
            return None
        self._last = found.image[0]
        return None if seed else found

    def close(self) -> None:
        self._est.close()


def _others(detections: Detections, skip: int | None = None) -> Detections:
    keep = [k for k in range(len(detections)) if k != skip]
    if len(keep) == len(detections):
        return detections
    pick = np.asarray(keep, dtype=int)
    return Detections(detections.image[pick], detections.world[pick], detections.visibility[pick],
                      detections.presence[pick])


def reach(n: int, dt: float, person_frames: np.ndarray, detections: list[Detections],
          person_candidates: np.ndarray, size: tuple[int, int]) -> tuple[range, range]:
    """Of a clip's ``n`` frames, ``dt`` s apart, the frames to follow the person back through (newest first) and
    on through: empty when they were found from the clip's start (to its end), or were last seen at the
    picture's edge (walked out of it)."""
    if n < 2 or len(person_frames) == 0:
        return range(0), range(0)
    most = int(MAX_S / dt + 1e-6) if dt > 0 else 0
    first, last = int(person_frames[0]), int(person_frames[-1])
    back = range(first - 1, max(first - 1 - most, -1), -1) if first >= 2 else range(0)
    gone = _frame_at_edge(detections[last].image[int(person_candidates[-1])], size)
    on = range(last + 1, min(last + 1 + most, n)) if last <= n - 3 and not gone else range(0)
    return back, on


def follow_edges(frames: Callable[..., Iterable[tuple[float, np.ndarray]]], detections: list[Detections],
                 times: np.ndarray, size: tuple[int, int], person_frames: np.ndarray,
                 person_candidates: np.ndarray, model: PoseModel,
                 settings: EstimatorSettings = EstimatorSettings(),
                 estimator_factory=PoseEstimator) -> list[Detections]:
    """The person (``person_frames``, ``person_candidates``: their detection in each frame they were found in)
    followed back before their first frame and on after their last (see the module's doc). ``frames(start=k)``
    yields the clip's frames again, in order, from frame k (those before passed over undecoded where the
    clip allows); it is called only when there is somewhere to follow. Returns
    ``detections`` itself when nothing was added, else a new list with the person first in the frames added
    (everything else unchanged)."""
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    back, on = reach(len(times), dt, person_frames, detections, person_candidates, size)
    if not back and not on:
        return detections
    first, last = int(person_frames[0]), int(person_frames[-1])
    out = list(detections)
    kept: deque[tuple[int, np.ndarray]] | None = None
    forward: _Trace | None = None
    end = max([first] + ([on[-1]] if on else []))
    begin = back[-1] if back else last
    try:
        for index, (_, rgb) in enumerate(frames(start=begin), start=begin):
            if back and index <= first:
                if kept is None:        # the frames nearest the first, as many as fit
                    kept = deque(maxlen=max(1, min(len(back) + 1, MAX_BYTES // max(rgb.nbytes, 1))))
                kept.append((index, rgb))
            if on and index == last:
                forward = _Trace(model, settings, detections[last].image[int(person_candidates[-1])], dt,
                                 estimator_factory)
                forward.show(rgb, _others(detections[last], int(person_candidates[-1])), seed=True)
            elif forward is not None and not forward.done and index in on:
                found = forward.show(rgb, detections[index])
                if found is not None:
                    out[index] = merge(found, detections[index])
            if index == first and back:
                _follow_back(dict(kept), back, first, detections, out, int(person_candidates[0]), model, settings,
                             dt, estimator_factory)
                kept = None
            if index >= end or (forward is not None and forward.done and index >= first):
                break                   # nothing more to follow: the rest of the clip is not read
    finally:
        if forward is not None:
            forward.close()
    return out if any(a is not b for a, b in zip(out, detections)) else detections


def _follow_back(kept: dict[int, np.ndarray], back: range, first: int, detections: list[Detections],
                 out: list[Detections], candidate: int, model: PoseModel, settings: EstimatorSettings,
                 dt: float, estimator_factory) -> None:
    if first not in kept:
        return
    trace = _Trace(model, settings, detections[first].image[candidate], dt, estimator_factory)
    try:
        trace.show(kept[first], _others(detections[first], candidate), seed=True)
        for index in back:
            if trace.done or index not in kept:
                return
            found = trace.show(kept[index], detections[index])
            if found is not None:
                out[index] = merge(found, detections[index])
    finally:
        trace.close()
