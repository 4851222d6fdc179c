"""A clip's two halves through the pose model at once, joined where they agree exactly (issue 22).

MediaPipe runs a frame's inference on one core and lets go of Python's lock while it does, so a second model in
a second thread, on the second half of the clip, uses the other core of a small machine. What a model finds in a
frame depends on the frames before it (in VIDEO mode it looks for the people it holds where they were in the
last frame), so the second half's model, which starts cold, may at first find something else than one model
going through the whole clip would. So:

- the second model starts ``WARM_UP_S`` before the middle;
- the first model goes on past the middle, and at each frame compares what it found with what the second
  found in the same frame;
- at the first frame where the two agree exactly (every person, every landmark, bit for bit) for ``AGREE``
  frames in a row, the first model stops: from there the second goes on from the same state the first
  would have been in, so the joined landmarks are **the same** as one model's over the whole clip. That
  rests on the model's state being what it found in the last frame, which holds when it looks for two
  people or more (found identical on every clip we have; ``benchmarks/extract_speed.py`` checks it on each
  run); looking for one, MediaPipe smooths the landmarks over time, a hidden state, so one pass is used;
- if they do not agree within ``GIVE_UP_S`` after the middle (a bystander held by one model and not by the
  other, say), the second model is stopped and the first goes on alone, as one model would.

Whether and where the halves are joined depends on the clip alone, never on the machine or on timing. Clips
shorter than ``MIN_SPLIT_S`` are analysed in one pass.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from movement_check.pipeline.estimator import Detections, EstimatorSettings, PoseEstimator
from movement_check.pipeline.pose_model import PoseModel
from movement_check.pipeline.video import ClipReader, VideoInfo, VideoLimits

#: clips at least this long (by their header's frame count and rate) are analysed in two halves at once
MIN_SPLIT_S = 1.5
#: how far before the middle the second model starts
WARM_UP_S = 0.2
#: frames in a row the two must agree exactly before the first model stops
AGREE = 3
#: how long after the middle the first model keeps looking for agreement before going on alone
GIVE_UP_S = 3.0

Progress = Callable[[int, int], None]


def middle(info: VideoInfo, estimator: EstimatorSettings = EstimatorSettings()) -> int | None:
    """The frame at which the second half begins, or None when the clip is analysed in one pass: short, its
    length not known from its header, or the model asked for one person only (MediaPipe then smooths the
    landmarks over time, a state its findings do not show, so two models never agree bit for bit and the
    second would be work thrown away)."""
    fps, count = info.nominal_fps, info.frame_count
    if estimator.max_people < 2 or not (np.isfinite(fps) and fps > 0 and count > 0) or count / fps < MIN_SPLIT_S:
        return None
    return count // 2


def same(a: Detections, b: Detections) -> bool:
    """The same people with the same landmarks, bit for bit."""
    return len(a) == len(b) and all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True)
                                    for k in ("image", "world", "visibility", "presence"))


@dataclass
class _Second:
    """The second half's model, in its own thread: frame ``start`` on, what it found, frame by frame."""

    start: int
    times: list[float] = field(default_factory=list)
    found: list[Detections] = field(default_factory=list)
    info: VideoInfo | None = None
    ended: bool = False
    stop: threading.Event = field(default_factory=threading.Event)
    added: threading.Condition = field(default_factory=threading.Condition)
    alive: Callable[[], bool] = lambda: True          # is its thread still running

    def run(self, path: Path, limits: VideoLimits, make: Callable[[], PoseEstimator]) -> None:
        reader = frames = None
        try:
            reader = ClipReader(path, limits, threads=1)
            frames = reader.frames(start=self.start)
            with make() as est:
                for frame in frames:
                    if self.stop.is_set():
                        return
                    found = est.detect(cv2.cvtColor(frame.bgr, cv2.COLOR_BGR2RGB), frame.time_s)
                    with self.added:
                        self.times.append(frame.time_s)
                        self.found.append(found)
                        self.added.notify_all()
        except BaseException:  # the first model goes on alone (and meets any fault of the clip itself)
            self.stop.set()
        finally:
            if frames is not None:
                frames.close()
            with self.added:
                self.info, self.ended = (reader.info if reader is not None else None), True
                self.added.notify_all()

    def at(self, index: int) -> tuple[float, Detections] | None:
        """What the second model found in frame ``index`` (waiting for it), or None if it never will."""
        k = index - self.start
        with self.added:
            while not self.added.wait_for(lambda: k < len(self.found) or self.ended or self.stop.is_set(),
                                          timeout=1.0):
                if not self.alive():          # a thread that ended without saying so: do not wait for it
                    return None
            return (self.times[k], self.found[k]) if k < len(self.found) and not self.stop.is_set() else None


def detect_in_halves(path: str | Path, info: VideoInfo, split: int, *, model: PoseModel,
                     estimator: EstimatorSettings, limits: VideoLimits, progress: Progress | None = None,
                     estimator_factory=PoseEstimator) -> tuple[list[float], list[Detections], VideoInfo]:
    """Every frame's people and times, and the clip's measured figures, as one model going through the whole
    clip would give them (module doc). ``progress`` is called from this thread only."""
    path = Path(path)
    fps = info.nominal_fps
    second = _Second(start=max(split - int(round(WARM_UP_S * fps)), 0))
    worker = threading.Thread(target=second.run, name="second half", daemon=True,
                              args=(path, limits, lambda: estimator_factory(model, estimator)))
    second.alive = worker.is_alive
    times: list[float] = []
    found: list[Detections] = []
    reader = ClipReader(path, limits, threads=1)
    frames = reader.frames()

    def report(extra: int = 0) -> None:
        if progress is not None:
            progress(len(found) + extra, info.frame_count)

    def one(frame) -> Detections:
        here = est.detect(cv2.cvtColor(frame.bgr, cv2.COLOR_BGR2RGB), frame.time_s)
        times.append(frame.time_s)
        found.append(here)
        report()
        return here

    worker.start()
    try:
        with estimator_factory(model, estimator) as est:
            met = _until_they_agree(frames, one, second, split, fps)
            if met is not None:
                while worker.is_alive():
                    worker.join(timeout=0.2)
                    report(len(second.found) - (met + 1 - second.start))
                report(len(second.found) - (met + 1 - second.start))      # the last, however fast it ended
                if second.ended and not second.stop.is_set():
                    k = met + 1 - second.start
                    light = [m for m in reader.light if m[0] <= met] + [m for m in second.info.light if m[0] > met]
                    return times + second.times[k:], found + second.found[k:], replace(second.info,
                                                                                      light=tuple(light))
            for frame in frames:            # alone: no agreement, or the second model failed
                one(frame)
        return times, found, reader.info
    finally:
        frames.close()
        second.stop.set()
        worker.join(timeout=10)


class Agreement:
    """Counts the frames past the split in which the first model found what the second did, bit for bit (a
    clip's halves here; a live step's rest in :mod:`movement_check.live.step_halves`)."""

    def __init__(self, split: int, fps: float):
        self.split, self.fps, self.run = split, fps, 0

    def check(self, second, index: int, time_s: float, found: Detections) -> bool | None:
        """After the first model's frame ``index`` (shown at ``time_s``, ``found`` in it): True when they have
        agreed for :data:`AGREE` frames in a row (the first may stop), None when they never will (no second
        half's frame, or :data:`GIVE_UP_S` past the split: ``second`` is stopped, the first goes on alone), else
        False. ``second``: the second model, with ``at(index) -> (time, Detections) | None`` and ``stop``."""
        if index < self.split:
            return False
        theirs = second.at(index)
        if theirs is None or (index - self.split) >= GIVE_UP_S * self.fps:
            second.stop.set()
            return None
        self.run = self.run + 1 if theirs[0] == time_s and same(found, theirs[1]) else 0
        return self.run >= AGREE


def _until_they_agree(frames, one: Callable, second: _Second, split: int, fps: float) -> int | None:
    """The first model over ``frames`` until it and the second agreed for :data:`AGREE` frames in a row past
    the middle: the last of those frames; None when it went through the clip alone (no agreement within
    :data:`GIVE_UP_S`, or no second half)."""
    agreement = Agreement(split, fps)
    for frame in frames:
        verdict = agreement.check(second, frame.index, frame.time_s, one(frame))
        if verdict is None:
            return None
        if verdict:
            return frame.index
    return None
