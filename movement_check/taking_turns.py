"""Two pose models taking a clip's frames in turn, one on each core (issue 22).

MediaPipe runs a frame's inference on one core and lets go of Python's lock while it does, so two models in two
threads, one given the even frames and the other the odd ones, analyse about 1.8 times the frames a second of one
model on a two-core machine (``benchmarks/extract_speed.py``). Each model still sees the whole clip, every other
frame, so it keeps following the people it holds from one of its frames to its next, and it smooths the landmarks
over its own frames' times: measured against one model over every frame, the landmarks differ by about 0.1 %
of the body's height (median; the closing note of issue 22). Splitting the clip into two halves instead was
tried and dropped: the second half's model started without the people the first had found (a bystander far
away was lost, and the walker was found twice).

Which frame goes to which model depends on the frame's number alone, never on the machine or on timing, so
the same clip gives the same landmarks on one core or many.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterable

import numpy as np

from .estimator import Detections, EstimatorSettings, PoseEstimator
from .pose_model import PoseModel

Progress = Callable[[int, int], None]

#: models taking turns by default (a clip's frames are dealt to them in turn)
MODELS = 2

_END = object()


class _Turns:
    """The models, their threads and what they found, frame by frame."""

    def __init__(self, model: PoseModel, estimator: EstimatorSettings, models: int, factory):
        self.found: dict[int, Detections] = {}
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self.inboxes = [queue.Queue(maxsize=2) for _ in range(models)]
        # each model is made in its own thread (making one takes a moment: the two are made at once)
        self.threads = [threading.Thread(target=self._work, args=(lambda: factory(model, estimator), inbox),
                                         name=f"pose model {k + 1}", daemon=True)
                        for k, inbox in enumerate(self.inboxes)]

    def _work(self, make: Callable[[], PoseEstimator], inbox: "queue.Queue") -> None:
        est = None
        try:
            est = make()
            while not self.stop.is_set():
                item = inbox.get()
                if item is _END:
                    return
                index, time_s, rgb = item
                self.found[index] = est.detect(rgb, time_s)
        except BaseException as exc:     # raised in the caller's thread
            self.error = exc
            self.stop.set()
        finally:
            if est is not None:
                est.close()

    def give(self, index: int, time_s: float, rgb: np.ndarray) -> None:
        self._put(self.inboxes[index % len(self.inboxes)], (index, time_s, rgb))

    def _put(self, inbox: "queue.Queue", item) -> None:
        while True:
            self._check()
            try:
                inbox.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def finish(self, wait: Callable[[], None]) -> None:
        for inbox in self.inboxes:
            self._put(inbox, _END)
        for thread in self.threads:
            while thread.is_alive():
                thread.join(timeout=0.2)
                wait()
        self._check()

    def close(self) -> None:
        self.stop.set()
        for inbox in self.inboxes:
            try:
                inbox.put_nowait(_END)
            except queue.Full:
                pass
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout=10)


def detect_in_turns(frames: Iterable[tuple[float, np.ndarray]], *, model: PoseModel,
                    estimator: EstimatorSettings = EstimatorSettings(), models: int = MODELS, expected: int = 0,
                    progress: Progress | None = None, estimator_factory=PoseEstimator,
                    ) -> tuple[list[float], list[Detections]]:
    """Every frame's people, ``(time_s, rgb)`` frames in time order dealt to ``models`` models in turn; the
    frames' times and what was found in each, in order. ``progress`` is called from this thread only;
    ``estimator_factory(model, settings)`` makes each model (a stand-in in tests)."""
    if models < 1:
        raise ValueError(f"models must be 1 or more, not {models}")
    turns = _Turns(model, estimator, models, estimator_factory)
    times: list[float] = []

    def report() -> None:
        if progress is not None:
            progress(len(turns.found), expected)

    try:
        for thread in turns.threads:
            thread.start()
        for index, (time_s, rgb) in enumerate(frames):
            turns.give(index, time_s, rgb)
            times.append(time_s)
            report()
        turns.finish(report)
        report()
    finally:
        turns.close()
    return times, [turns.found[i] for i in range(len(times))]
