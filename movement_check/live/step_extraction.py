"""A live step's frames through the pose model while the step records, so that after Stop only the rest is left.

    Recording (frames arriving, WebRTC worker thread)
        -> StepExtraction's thread: each frame in order, decoded, through one
           FrameDetector (VIDEO mode, the frames' times from the step's first);
           its JPEG then let go (the result needs the landmarks only)
    Stop -> finish(): the frames not done yet -> everyone found in each frame (PeopleInClip)
        -> analysis.analyse_people: the same path as after analyse_frames

One graph for the whole step, every frame in order with the times
:meth:`Recording.rgb_frames` gives and the settings the after-Stop analysis
uses (:func:`step_results.step_settings`): the same detections as running
:func:`analysis.analyse_frames` over the recording after Stop, however far
behind the thread was.

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
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=CANCEL_S)

    def _run(self) -> None:
        try:
            self._open()
            index = 0
            while not self._cancel.is_set():
                item = self.recording.frame(index, timeout=WAIT_S)
                if item is None:
                    if self._finish.is_set() and index >= len(self.recording):
                        return
                    continue
                time_s, jpeg = item
                self._detector.add(time_s, rgb(jpeg))
                self.recording.release(index)
                index += 1
                self.done = index
                progress = self._progress
                if progress is not None:
                    progress(index, len(self.recording))
        except Exception as exc:        # handed to finish(), which raises it in the analysis' thread
            self._error = exc
        finally:
            if (self._cancel.is_set() or self._error is not None) and self._detector is not None:
                self._detector.close()

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

