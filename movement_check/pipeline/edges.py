"""The subject followed back before the first frame, through frames missed between, and on after the last frame in which they were found.

MediaPipe's person detector finds somebody coming into view late: on the two-people sample the walker steps
out from behind a tree at frame 36 and is found from frame 59 only, so the heel strike at frame 60 had no
swing before it and was missed (issue 17). Once found, the landmark model follows a person from where they
were in the frame before, which it can do where the detector alone cannot. So, after the subject is chosen:

- **back**: a fresh ``num_poses=1`` model is shown the subject's first frame (only the box around them, as
  :mod:`following` does), then the frames before it one by one, newest first (MediaPipe needs increasing
  times: the times given to it run forward while the frames run back);
- **through**: the frames missing between two in which they were found, for longer than cleaning fills
  (``SHORT_GAP_S``: the detector lost them for a few frames, or a second, partial skeleton of them was
  taken for somebody else: frames 21-24 of the home walk re-encoded, just as the walker comes into the
  picture, where a heel strike was lost), on from the frame before, then back from the frame after for
  what that left;
- **on**: the same from the subject's last frame forward, unless they were last seen touching the picture's
  edge (they walked out of it: nothing to follow);

each until the model loses the person, the person it holds jumps (a trunk farther than a walker moves in one
frame, or a size that changes by a third), it holds somebody already found in that frame, or ``MAX_S`` has
passed (a gap: its end). Everyone already found in a frame is blacked out, as in :func:`following.fill_in`.
The clip is read again only when there is something to follow, and only as far as needed; the frames before
the first, and a gap's frames not yet followed, are kept in memory (at most ``MAX_BYTES``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from typing import Callable, Iterable

import numpy as np

from movement_check.pipeline.cleaning import CleaningSettings, too_long
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
#: gaps no longer than this are left to cleaning (``CleaningSettings.max_gap_s``: a straight line across them)
SHORT_GAP_S = CleaningSettings().max_gap_s


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


def gaps(person_frames: np.ndarray, person_candidates: np.ndarray, most: int, times: np.ndarray,
         longer_than_s: float = SHORT_GAP_S) -> list[tuple[int, int, range]]:
    """The frames missing between two in which the person was found, for longer than cleaning fills with a straight
    line (:func:`cleaning.too_long`, by the frames' ``times``; following the shorter ones cost a model each and
    the clip read again, +30 % on the limp's extraction, for no gain measured); for each, (the frame before it,
    the person's detection there, the missing frames: all of them; each side follows ``most`` of them at most)."""
    pf = np.asarray(person_frames, dtype=int)
    t = np.asarray(times, dtype=float)
    dt = float(np.median(np.diff(t))) if t.size > 1 else 0.0
    return [(int(a), int(c), range(a + 1, b))
            for a, b, c in zip(pf[:-1], pf[1:], np.asarray(person_candidates)[:-1])
            if b - a > 1 and too_long(t[b] - t[a], dt, longer_than_s) and most > 0]


def follow_edges(frames: Callable[..., Iterable[tuple[float, np.ndarray]]], detections: list[Detections],
                 times: np.ndarray, size: tuple[int, int], person_frames: np.ndarray,
                 person_candidates: np.ndarray, model: PoseModel,
                 settings: EstimatorSettings = EstimatorSettings(),
                 estimator_factory=PoseEstimator) -> list[Detections]:
    """The person (``person_frames``, ``person_candidates``: their detection in each frame they were found in)
    followed back before their first frame, through the frames missing between two they were found in (on
    from the frame before, then back from the frame after for what that left), and on after their last (see
    the module's doc). ``frames(start=k)`` yields the clip's frames again, in order, from frame k (those
    before passed over undecoded where the clip allows); it is called only when there is somewhere to
    follow. Returns ``detections`` itself when nothing was added, else a new list with the person first in
    the frames added (everything else unchanged)."""
    dt = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    back, on = reach(len(times), dt, person_frames, detections, person_candidates, size)
    most = int(MAX_S / dt + 1e-6) if dt > 0 else 0
    spans = gaps(person_frames, person_candidates, most, times) if len(person_frames) else []
    if on:
        spans.append((int(person_frames[-1]), int(person_candidates[-1]), on))
    if not back and not spans:
        return detections
    first = int(person_frames[0])
    found_at = dict(zip(np.asarray(person_frames, dtype=int).tolist(), np.asarray(person_candidates).tolist()))
    out = list(detections)
    follow = _Spans(spans, bool(on), most, detections, out, found_at, model, settings, dt, estimator_factory)
    kept: deque[tuple[int, np.ndarray]] | None = None
    # read as far as a gap's frame after (followed back from) or the last frame followed on
    end = max([first] + [rng.stop for _, _, rng in spans[:-1 if on else None]] + ([on[-1]] if on else []))
    begin = back[-1] if back else spans[0][0]
    try:
        for index, (_, rgb) in enumerate(frames(start=begin), start=begin):
            if back and index <= first:
                if kept is None:        # the frames nearest the first, as many as fit
                    kept = deque(maxlen=max(1, min(len(back) + 1, MAX_BYTES // max(rgb.nbytes, 1))))
                kept.append((index, rgb))
            follow.frame(index, rgb)
            if index == first and back:
                _follow_back(dict(kept), back, first, detections, out, int(person_candidates[0]), model, settings,
                             dt, estimator_factory)
                kept = None
            if index >= end or (follow.over and index >= first):
                break                   # nothing more to follow: the rest of the clip is not read
    finally:
        follow.close()
    return out if any(a is not b for a, b in zip(out, detections)) else detections


class _Spans:
    """Following on, frame by frame as the clip is read: through each gap and after the last frame (``spans``:
    (the frame to start on, the person's detection there, the frames to follow through), in order); a gap's
    frames the model did not reach are followed back from the frame after it (each side ``most`` frames at most)."""

    def __init__(self, spans, tail, most, detections, out, found_at, model, settings, dt, estimator_factory):
        self._spans, self._tail, self._most, self._next = spans, tail, most, 0
        self._detections, self._out, self._found_at = detections, out, found_at
        self._make = lambda anchor: _Trace(model, settings, anchor, dt, estimator_factory)
        self._back = lambda kept, rng, at: _follow_back(kept, rng, at, detections, out, found_at[at], model,
                                                         settings, dt, estimator_factory)
        self._trace: _Trace | None = None
        self._missed: deque[tuple[int, np.ndarray]] = deque()
        self._behind: tuple[range, dict[int, np.ndarray]] | None = None     # a gap to follow back into

    @property
    def over(self) -> bool:
        """Nothing more to follow: every span done, no gap to follow back into, or only the last frame's span
        left with its model lost (nothing after it)."""
        if self._behind is not None:
            return False
        left = len(self._spans) - self._next
        return left == 0 or (left == 1 and self._tail and self._trace is not None and self._trace.done)

    def frame(self, index: int, rgb: np.ndarray) -> None:
        if self._behind is not None and index == self._behind[0].stop:      # the frame after a gap: back into it
            rng, kept = self._behind
            self._behind = None
            if kept and index in self._found_at:
                kept[index] = rgb
                self._back(kept, range(rng.stop - 1, max(rng.start - 1, rng.stop - 1 - self._most), -1), index)
        if self._next >= len(self._spans):
            return
        start, candidate, rng = self._spans[self._next]
        if index == start:
            self.close()
            self._trace = self._make(self._detections[start].image[candidate])
            self._trace.show(rgb, _others(self._detections[start], candidate), seed=True)
            self._missed = deque(maxlen=max(1, min(len(rng), self._most, MAX_BYTES // max(rgb.nbytes, 1))))
        elif self._trace is not None and index in rng:
            reached = not self._trace.done and index - start <= self._most     # MAX_S on from the frame before
            found = self._trace.show(rgb, self._detections[index]) if reached else None
            if found is not None:
                self._out[index] = merge(found, self._detections[index])
            else:
                self._missed.append((index, rgb))
        if self._trace is not None and index == rng[-1]:
            if self._missed and not (self._tail and self._next == len(self._spans) - 1):
                self._behind = (rng, dict(self._missed))
            self._missed = deque()      # held once only (MAX_BYTES)
            self.close()
            self._next += 1

    def close(self) -> None:
        if self._trace is not None:
            self._trace.close()
            self._trace = None


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
