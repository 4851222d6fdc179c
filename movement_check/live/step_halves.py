"""After Stop, the rest of a live step's frames through two pose models at once (issue 20: results soon after Stop).

While a step records, its frames go through one model in the background, behind the live preview
(:mod:`step_extraction`). At Stop the preview rests (:meth:`LiveStream.resting`), so the second core is free
for the frames left: a second model takes the second half of them, starting :data:`halves.WARM_UP_S` before
its middle, and the first stops where the two have agreed exactly for :data:`halves.AGREE` frames in a row.
From there the second goes on from the same state the first would have been in, so the step's landmarks are
the same as one model's (the rule, and why it holds for two people or more, in :mod:`pipeline.halves`); no
agreement within :data:`halves.GIVE_UP_S`: the second is stopped and the first goes on alone, as before.
"""

from __future__ import annotations

import threading

from movement_check.live.recording import Recording, rgb
from movement_check.pipeline.estimator import Detections
from movement_check.pipeline.exposure import EVERY, frame_light
from movement_check.pipeline.extraction import ExtractionSettings, FrameDetector
from movement_check.pipeline.halves import MIN_SPLIT_S, WARM_UP_S


def split_at(recording: Recording, done: int, settings: ExtractionSettings) -> tuple[int, int] | None:
    """(the frame the second half begins at, the frame its model starts at) for the frames of a stopped
    ``recording`` from ``done`` on; None when they are too few (under :data:`MIN_SPLIT_S`) or the model looks
    for one person only (its landmarks then carry a hidden smoothing state: two models never agree)."""
    n = len(recording)
    if settings.estimator.max_people < 2 or settings.follow is not None or n - done < 4:
        return None
    times = recording.times
    if times[n - 1] - times[done] < MIN_SPLIT_S:
        return None
    split = done + (n - done) // 2
    start = split
    while start > done + 1 and times[split] - times[start - 1] <= WARM_UP_S + 1e-6:
        start -= 1
    return split, start


class SecondHalf:
    """The second model, in its own thread, over frames ``start`` to the recording's end."""

    def __init__(self, recording: Recording, settings: ExtractionSettings, rule: str | int, start: int):
        self.recording, self.start = recording, start
        # light measured here, on the step's own grid of frames (every EVERY-th from its first), as the first
        # model's detector measures it: the frames joined give what one model's would
        self.detector = FrameDetector(settings.model, settings.estimator, rule=rule, light=False)
        self.light: list[tuple[int, float]] = []
        self.stop = threading.Event()
        self._added = threading.Condition()
        self._ended = False
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name=f"second half {recording.name}", daemon=True)

    def begin(self) -> "SecondHalf":
        self._thread.start()
        return self

    @property
    def count(self) -> int:
        return len(self.detector)

    def _run(self) -> None:
        try:
            for index in range(self.start, len(self.recording)):
                item = self.recording.frame(index)
                if self.stop.is_set() or item is None:
                    return
                picture = rgb(item[1])
                if index % EVERY == 0:
                    self.light.append((index, frame_light(picture[..., ::-1])))        # it reads BGR
                self.detector.add(item[0], picture)
                with self._added:
                    self._added.notify_all()
        except Exception as exc:        # the first model goes on alone
            self.error = exc
            self.stop.set()
        finally:
            with self._added:
                self._ended = True
                self._added.notify_all()

    def at(self, index: int) -> tuple[float, Detections] | None:
        """What this model found in frame ``index`` (waiting for it), or None if it never will."""
        k = index - self.start
        with self._added:
            self._added.wait_for(lambda: k < len(self.detector) or self._ended or self.stop.is_set())
            if k < len(self.detector) and not self.stop.is_set():
                return self.detector.times[k], self.detector.detections[k]
        return None

    def finish(self) -> bool:
        """Wait for the last frame; True when every frame was done (not stopped, no error)."""
        self._thread.join()
        return not self.stop.is_set() and self.count == len(self.recording) - self.start

    def close(self) -> None:
        self.stop.set()
        with self._added:
            self._added.notify_all()
        self._thread.join(timeout=10)
        self.detector.close()
