"""One live visit: its patient's stream, the guided steps recorded and analysed, their results filed.

Who may join it, and when a visit ends, is the book's (:mod:`movement_check.live.visits`).
"""

from __future__ import annotations

import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from movement_check.assessments import check_options
from movement_check.clinic.checkin import CheckIn
from movement_check.live.stream import LiveStream
from movement_check.clinic.protocol import Step
from movement_check.live.recording import Recording
from movement_check.clinic.record import Record, RecordError
from movement_check.service import Filing, file_result
from movement_check.live.step_analysis import Analysis, analyse
from movement_check.live.step_extraction import StepExtraction
from movement_check.live.step_results import StepOutcome, keep, start_extraction


class RedFlagStop(Exception):
    """The check-in ticked a red flag: no on-camera tests in this visit."""


class VisitClosing(Exception):
    """The visit passed its time limit: no new step; it ends once its last step is analysed and filed."""


CLOSING = ("This visit has passed its time limit: it ends once its last step is analysed and filed. "
           "Start a new visit for more tests.")


#: two PAIN marks closer than this (s into the step) are one press
PAIN_SAME_S = 0.5


@dataclass
class Visit:
    number: str                          # short, for the therapist's list (not a secret)
    code: str                            # the join code: a secret
    therapist: str
    created: float                       # seconds on the book's clock (monotonic)
    expires: float
    stream: LiveStream
    data_folder: Path | None = None
    scheduler: str = ""                  # a Dask scheduler's address: steps are analysed there (step_analysis)
    patient_token: str | None = None
    holder: str | None = None            # the browser tab showing the visit to the patient (see the module doc)
    holder_seen: float = 0.0             # its last sign of life, on the book's clock
    ended: bool = False
    closing: bool = False                # past its time limit: ends once its last step is analysed and filed
    pain_marks: list[float] = field(default_factory=list)
    outcomes: list[StepOutcome] = field(default_factory=list)
    analysis: Analysis | None = None
    patient_id: str | None = None        # pseudonymous, when the visit is kept in the clinic record
    record: Record | None = None
    session_id: int | None = None        # the record's session of this visit
    checkin: CheckIn | None = None
    record_errors: list[str] = field(default_factory=list)
    # the therapist's inputs (the test chosen, the patient's height, when last shown), kept with the visit so
    # that a reload of the therapist's page shows them again
    inputs: dict = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _video: object | None = field(default=None, repr=False)     # the PictureTrack, once a therapist page asks
    _extraction: StepExtraction | None = field(default=None, repr=False)   # the recording step's, in the background

    def video_track(self):
        """The patient's analysed video as a WebRTC track for the therapist's pages
        (:class:`movement_check.live.video_track.PictureTrack`): made on the first call, fed by the live stream from
        then on, and stopped when the visit ends. The same track for every call (each viewer gets its own
        copy through streamlit-webrtc's relay), whichever connection the patient streams on."""
        from movement_check.live.video_track import PictureTrack      # aiortc: only the app's live pages need it

        with self.lock:
            if self._video is None:
                track = PictureTrack()
                self.stream.watch(track.show)
                self._video = track
            return self._video

    @property
    def tests_stopped(self) -> bool:
        """The patient's check-in ticked a red flag: the on-camera tests do not go ahead."""
        return self.checkin is not None and self.checkin.stops_tests

    def check_in(self, answers: CheckIn) -> None:
        """The patient's check-in; saved with the visit's session in the clinic record. A red flag stops the
        step recording now, if one is (its frames are dropped, not analysed)."""
        with self.lock:
            self.checkin = answers
        if answers.stops_tests:
            self._drop_step()
        self._save(lambda record: record.save_checkin(self.session_id, answers))

    @property
    def joined(self) -> bool:
        return self.patient_token is not None

    def held_by(self, holder: str) -> bool:
        """``holder`` is the browser tab the visit is open in now, and the visit has not ended (cheap: for every
        frame received)."""
        return self.holder == holder and not self.ended

    @property
    def step(self) -> Step | None:
        """The step recording now (the live stream's), or None."""
        return self.stream.step

    def start_step(self, step: Step) -> None:
        """Start recording ``step``; the step recording before is stopped and analysed first."""
        if self.closing or self.ended:
            raise VisitClosing(CLOSING)
        if self.tests_stopped:
            raise RedFlagStop("The check-in ticked a red flag: no on-camera tests in this visit. "
                               "Arrange in-person care.")
        if self.step is not None:
            self.stop_step()
        with self.lock:
            if self.closing or self.ended:       # the sweep marked it closing while the step before was stopped
                raise VisitClosing(CLOSING)
            self.pain_marks = []
            recording = self.stream.start_step(step, name=f"the step \"{step.title}\"")
            # with a cluster, the step is analysed there after Stop (step_analysis); here, from now on
            self._extraction = None if self.scheduler else start_extraction(recording, step, model=self.stream.model)

    @property
    def analysed_so_far(self) -> tuple[int, int] | None:
        """(frames through the pose model, frames recorded) of the step recording now, while it records;
        None when no step records or its frames wait for the cluster."""
        with self.lock:
            extraction = self._extraction
        return None if extraction is None else (extraction.done, len(extraction.recording))

    def _take_step(self) -> tuple[Step | None, Recording | None, StepExtraction | None]:
        """The recording step stopped: it, its recording and its background extraction (each None if none)."""
        with self.lock:
            step, recording = self.stream.stop_step()
            extraction, self._extraction = self._extraction, None
        return step, recording, extraction

    def _drop_step(self) -> None:
        """The recording step dropped, not analysed: its frames and its background extraction let go."""
        _, _, extraction = self._take_step()
        if extraction is not None:
            extraction.cancel()

    def mark_pain(self) -> float | None:
        """Mark the moment the patient reports pain (seconds into the step); None when not recording. A mark
        within PAIN_SAME_S of the one before is the same press (the patient's page, a timed fragment, could take
        one click twice: "PAIN reported at 0.6 s, 0.6 s")."""
        t = self.stream.pain_mark()
        if t is not None:
            with self.lock:
                if not self.pain_marks or abs(t - self.pain_marks[-1]) >= PAIN_SAME_S:
                    self.pain_marks.append(round(t, 2))
        return t

    def stop_step(self, *, wait: bool = False, **options) -> Analysis | None:
        """Stop the recording step and finish its analysis in a background thread (on the cluster when the
        visit has a scheduler; here, after what was analysed while it recorded, otherwise).

        ``options``: the test's settings beyond the step's own (e.g. ``height_cm``).
        ``wait``: return once the result is in (tests, the command line).
        Options that cannot be used raise :class:`SettingsError` at once, the step still recording.
        """
        check_options(options)
        step, recording, extraction = self._take_step()
        with self.lock:
            marks = tuple(self.pain_marks)
        if step is None or recording is None:
            if extraction is not None:
                extraction.cancel()
            return None
        if step.pain_button and marks:
            options["pain_at_s"] = marks
        live_fps = self.stream.view().processed_fps
        job = Analysis(step=step, frames=len(recording), where=self.scheduler,
                       before_stop=extraction.done if extraction is not None else 0)
        job.done = job.before_stop

        def run() -> None:
            try:
                with nullcontext() if job.where else self.stream.resting():    # the CPU to the rest, here
                    outcome = analyse(job, recording, extraction=extraction, model=self.stream.model,
                                      live_fps=live_fps, **options)
                recording.clear()
                with self.lock:
                    self.outcomes.append(outcome)
                    number = len(self.outcomes)
                if self.data_folder is not None:
                    keep(outcome, self.data_folder / f"visit-{self.number}", number=number)
                if outcome.result is not None:
                    self._save(lambda record: self._file(record, outcome.result, outcome.npz or None, step.key))
            finally:                  # only once filed: a visit is not ended (nor its session) before that
                with self.lock:
                    if self.analysis is job:
                        self.analysis = None

        job.thread = threading.Thread(target=run, name=f"analyse-{step.key}", daemon=True)
        with self.lock:
            self.analysis = job
        job.thread.start()
        if wait:
            job.thread.join()
        return job

    def _file(self, record: Record, result: dict, trajectory: bytes | None, step: str) -> None:
        """One step's result filed in the visit's session, and the filing in the audit log."""
        filed = file_result(record, Filing(patient_id=self.patient_id, kind="visit", who=f"therapist {self.therapist}",
                                           session_id=self.session_id, step=step, detail_names_test=True,
                                           detail=f"{result.get('test')} ({step}) in visit {self.number}"),
                            result, trajectory)
        if filed.problem:
            with self.lock:
                self.record_errors.append(filed.problem)

    def _save(self, write: Callable[[Record], object]) -> None:
        """Write to the clinic record when the visit is kept there; a failure is kept to be shown (the
        visit goes on, and the result stays in the data folder)."""
        if self.record is None or self.session_id is None:
            return
        try:
            write(self.record)
        except RecordError as exc:  # the database went away, a disk filled: say so, lose nothing else
            with self.lock:
                self.record_errors.append(f"Not saved in the clinic record: {exc}")

    def end(self) -> None:
        if not self.ended:
            self._save(lambda record: record.end_session(self.session_id))
        self._drop_step()
        self.stream.close()
        with self.lock:
            self.ended = True
            video = self._video
        if video is not None:
            video.stop()
