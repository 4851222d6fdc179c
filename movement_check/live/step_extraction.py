"""A live step's frames through the pose model while the step records, so that after Stop only the rest is left.

    Recording (frames arriving, WebRTC worker thread)
        -> StepExtraction's thread: each frame in order, decoded, through one
           FrameDetector (VIDEO mode, the frames' times from the step's first);
           its JPEG then let go (the result needs the landmarks only)
    Stop -> finish(): the frames not done yet (their second half through a second
            model at once, :mod:`step_halves`) -> everyone found in each frame (PeopleInClip)
        -> analysis.analyse_people: the same path as after analyse_frames

One graph for the step while it records, every frame in order with the times
:meth:`Recording.rgb_frames` gives and the settings the after-Stop analysis
uses (:func:`step_results.step_settings`): the same detections as running
:func:`analysis.analyse_frames` over the recording after Stop, however far
behind the thread was (with a second model after Stop, too: the two are
joined where they agree exactly).

The thread runs at a lower priority than the live preview (:mod:`priority`),
and its model's threads too: when the computer is busy it falls behind and
the preview keeps its pace. At Stop its priority is raised back (where the
system lets it) for the remainder, which the therapist is waiting for, as
the after-Stop analysis ran. :meth:`cancel` (a step dropped, the visit ended)
ends the thread within about one frame's analysis.
"""

from __future__ import annotations

import threading

import movement_check.live.priority as priority
from movement_check.pipeline.extraction import ExtractionSettings, FrameDetector, PeopleInClip, Progress
from movement_check.live.recording import Recording, rgb
from movement_check.live.step_halves import SecondHalf, split_at
from movement_check.pipeline.halves import Agreement

#: nice steps below the live preview while the step records: under Linux it then gets about a third of the CPU
#: time the preview gets when both want the same core (benchmarks/step_result_time.py compares 0, 3, 5 and 10)
BACKGROUND_NICE = 5
#: how long the thread waits for the next frame before looking again whether it is told to stop
WAIT_S = 0.1
#: how long :meth:`StepExtraction.cancel` waits for the thread (one frame's analysis, on a busy computer)
CANCEL_S = 10.0


class StepExtraction:
    """The background pose extraction of one recording step (module doc). ``done``: frames analysed so far."""

    def __init__(self, recording: Recording, settings: ExtractionSettings, *, rule: str | int = "auto",
                 nice: int | None = None):
        self.recording = recording
        self.settings = settings
        self.rule = rule
        self.nice = BACKGROUND_NICE if nice is None else nice
        self.done = 0
        self._detector: FrameDetector | None = None
        self._error: Exception | None = None
        self._progress: Progress | None = None
        self._finish = threading.Event()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._lowered: tuple[int, set[int]] | None = None      # (nice before, the threads lowered)
        self._halved = False                  # whether the frames left at Stop were looked at for two models
        self._agreement: Agreement | None = None
        self._second: SecondHalf | None = None        # the second model while it runs (cancel stops it too)
        self._thread = threading.Thread(target=self._run, name=f"extract {recording.name}", daemon=True)

    def start(self) -> "StepExtraction":
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def finish(self, progress: Progress | None = None) -> PeopleInClip:
        """The step stopped (its recording takes no more frames): analyse the rest, then everyone found in each
        frame. ``progress(done, total)`` after each frame of the rest. Raises what the pose model raised
        (:class:`InputError` for a model that cannot be loaded, no frames, too low a frame rate)."""
        with self._lock:
            self._progress = progress
            self._finish.set()
            if self._lowered is not None:
                priority.set_priority(self._lowered[1], self._lowered[0])
        if progress is not None:
            progress(self.done, len(self.recording))
        self._thread.join()
        if self._error is not None:
            raise self._error
        with self._detector as detector:
            return detector.people(name=self.recording.name, limits=self.settings.limits)

    def cancel(self) -> None:
        """Stop at once, keep nothing (the step was dropped or the visit ended); the thread has ended on return
        (or is ending within one frame on a computer too busy to end it within :data:`CANCEL_S`)."""
        self._cancel.set()
        second = self._second
        if second is not None:          # not waited for to the end of its half
            second.stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=CANCEL_S)

    def _run(self) -> None:
        second: SecondHalf | None = None
        try:
            self._open()
            index = 0
            while not self._cancel.is_set():
                if self._finish.is_set() and not self._halved:
                    second = self._halve(index)
                item = self.recording.frame(index, timeout=WAIT_S)
                if item is None:
                    if self._finish.is_set() and index >= len(self.recording):
                        if second is not None:      # the end came before they agreed or gave up: let all go
                            second = self._alone(second, index)
                        return
                    continue
                time_s, jpeg = item
                self._detector.add(time_s, rgb(jpeg))
                if second is None or index < second.start:      # the second model may still need it
                    self.recording.release(index)
                index += 1
                self.done = index + (max(second.count - (index - second.start), 0) if second else 0)
                progress = self._progress
                if progress is not None:
                    progress(self.done, len(self.recording))
                if second is not None:
                    verdict = self._agreement.check(second, index - 1, time_s, self._detector.detections[-1])
                    if verdict and self._take_over(second, index - 1):
                        return
                    if verdict is None or verdict:           # they never will agree / the second failed
                        second = self._alone(second, index)
        except Exception as exc:        # handed to finish(), which raises it in the analysis' thread
            self._error = exc
        finally:
            if second is not None:
                second.close()
            if (self._cancel.is_set() or self._error is not None) and self._detector is not None:
                self._detector.close()

    def _halve(self, done: int) -> SecondHalf | None:
        """At Stop: the second model on the second half of the frames left (:mod:`step_halves`), if worth it."""
        self._halved = True
        at = split_at(self.recording, done, self.settings)
        if at is None:
            return None
        self._agreement = Agreement(at[0], self.recording.fps)
        try:
            self._second = SecondHalf(self.recording, self.settings, self.rule, at[1]).begin()
        except Exception:               # no second model (e.g. no memory left for it): the first goes on alone
            return None
        return self._second

    def _take_over(self, second: SecondHalf, met: int) -> bool:
        """The two agreed up to frame ``met``: the second's frames after it are the step's (True), once it has
        done them all; False when it could not."""
        if not second.finish():
            return False
        k = met + 1 - second.start
        theirs = second.detector
        self._detector.times.extend(theirs.times[k:])
        self._detector.detections.extend(theirs.detections[k:])
        self._detector.light.extend((i, v) for i, v in second.light if i > met)
        for index in range(second.start, len(self.recording)):
            self.recording.release(index)
        self.done = len(self.recording)
        if self._progress is not None:
            self._progress(self.done, self.done)
        return True

    def _alone(self, second: SecondHalf, index: int) -> None:
        """The second model stopped: the first goes on alone (the frames it did already let go)."""
        second.close()
        for done in range(second.start, index):
            self.recording.release(done)
        return None

    def _open(self) -> None:
        """The pose model, made in this thread after its priority was lowered, so that the model's own threads
        inherit it (unless the step stopped already)."""
        with self._lock:
            before = priority.threads()
            nice = None if self._finish.is_set() else priority.lower_this_thread(self.nice)
            self._detector = FrameDetector(self.settings.model, self.settings.estimator,
                                           follow=self.settings.follow, rule=self.rule)
            if nice is not None:
                self._lowered = (nice, (priority.threads() - before) | {threading.get_native_id()})

