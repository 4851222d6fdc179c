"""Live visits: who may see which session, join codes, the steps run and their results.

A therapist who signed in creates a :class:`Visit` and sends its join link.
The code in it is 128 random bits (``secrets.token_urlsafe(16)``); it lets a
patient in for ``code_minutes``. The first browser to open it becomes the
visit's patient and gets a second secret (its *patient token*) that any later
reload must show, so one patient per visit: anyone else holding the link is
refused. A patient who joined stays in until the visit ends, or ``max_hours``
after it was created, when the server forgets it.
Only the therapist who created a visit finds it (:meth:`VisitBook.of`).

One browser at a time holds a visit. The token sits in the page's address, so
whoever has the whole address (copied, synced to another device, seen over a
shoulder) has it too: the token alone cannot tell the patient's browser from
another. The page names its
browser tab (the *holder*: Streamlit's session id, new on every page load) in
:meth:`VisitBook.join`, and says every second that it is still there
(:meth:`VisitBook.heartbeat`). Another holder with the right token is refused
while the holder's last sign of life is under :data:`HOLD_S` old, and takes
the visit over after that, or at once when the page can tell the holder's tab
has closed (``holder_gone``). The holder that lost the visit is refused from
then on: its heartbeat says so, and its frames are no longer taken
(:meth:`Visit.held_by`). A reload is a new page load, so a new holder: it
takes over at once when the server has seen the old tab close (the usual
case), else when its heartbeat goes stale, up to :data:`HOLD_S` later, while
the page says why and tries again by itself. :meth:`VisitBook.join` says how
each join came about (:class:`JoinKind`) for an audit trail.

Everything lives in this server process's memory (one process serves both
pages); visits are dropped when they end or expire, and with them their
frames. Each step's result and trajectories are also written to the data
folder when one is given.

A visit started for a patient (a pseudonymous ID) is also a session in the
clinic record (:mod:`movement_check.record`) when the book has one: the
patient's check-in and each step's result and trajectory are saved there.
A check-in with a red flag stops the on-camera tests (:class:`RedFlagStop`).
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Callable, NamedTuple

from .assessments import check_options
from .checkin import CheckIn
from .live import LiveStream
from .protocol import Step
from .recording import Recording
from .record import Record, RecordError
from .step_analysis import Analysis, analyse
from .step_extraction import StepExtraction
from .step_results import StepOutcome, keep, start_extraction


HOLD_S = 10.0
"""How long the browser holding a visit keeps it without a sign of life (:meth:`VisitBook.heartbeat`).

Its page gives one every second, so this is 10 missed beats: a 2-core
server analysing a step can hold a page's reruns back for seconds, and a
browser slows the timers of a tab in the background to about once a second.
Any longer keeps waiting a patient whose first device went off the network
(a tab that closes is seen at once, a reload too).
"""


class Refused(Exception):
    """A join link that cannot be used; the message tells the patient what to do, ``reason`` names the case
    (``unknown``, ``expired``, ``ended``, ``taken``: a browser without the patient token, ``busy``: the visit
    is open in another window)."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


EXPIRED = "This link has expired. Ask your therapist to send a new one."
UNKNOWN = "This link is not valid. Check that you opened the whole link your therapist sent, or ask for a new one."
TAKEN = ("Someone has already joined this visit with this link. If that was you in another window, "
         "use that window; otherwise ask your therapist for a new link.")
BUSY = ("This visit is already open in another window or on another device. Use that one, or close it: "
        f"this page will then open the visit by itself within about {HOLD_S:.0f} seconds.")
ENDED = "This visit has ended. Thank you."


class JoinKind(str, Enum):
    """How a join came about, for the audit trail."""

    FIRST = "first"            # the first browser to open the link: the patient token is made
    SAME = "same"              # the browser holding the visit, again (its page ran again)
    TAKEOVER = "takeover"      # a new page load with the token after the holder's closed or went quiet


class Joined(NamedTuple):
    """A browser tab let into a visit (:meth:`VisitBook.join`); ``kind`` and ``previous`` are what an audit
    trail records ("visit joined", "visit taken over from another window")."""

    visit: "Visit"
    token: str                 # the patient token, for the page's address
    kind: JoinKind
    previous: str | None = None    # on a takeover, the holder before


class RedFlagStop(Exception):
    """The check-in ticked a red flag: no on-camera tests in this visit."""


@dataclass
class Visit:
    number: str                          # short, for the therapist's list (not a secret)
    code: str                            # the join code: a secret
    therapist: str
    created: float                       # wall-clock seconds
    expires: float
    stream: LiveStream
    data_folder: Path | None = None
    scheduler: str = ""                  # a Dask scheduler's address: steps are analysed there (step_analysis)
    patient_token: str | None = None
    holder: str | None = None            # the browser tab showing the visit to the patient (see the module doc)
    holder_seen: float = 0.0             # its last sign of life, wall-clock seconds
    ended: bool = False
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
        (:class:`movement_check.live_video.PictureTrack`): made on the first call, fed by the live stream from
        then on, and stopped when the visit ends. The same track for every call (each viewer gets its own
        copy through streamlit-webrtc's relay), whichever connection the patient streams on."""
        from .live_video import PictureTrack      # aiortc: only the app's live pages need it

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
        """``holder`` is the browser tab the visit is open in now (cheap: for every frame received)."""
        return self.holder == holder

    @property
    def step(self) -> Step | None:
        """The step recording now (the live stream's), or None."""
        return self.stream.step

    def start_step(self, step: Step) -> None:
        """Start recording ``step``; the step recording before is stopped and analysed first."""
        if self.tests_stopped:
            raise RedFlagStop("The check-in ticked a red flag: no on-camera tests in this visit. "
                               "Arrange in-person care.")
        if self.step is not None:
            self.stop_step()
        with self.lock:
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
        """Mark the moment the patient reports pain (seconds into the step); None when not recording."""
        t = self.stream.pain_mark()
        if t is not None:
            with self.lock:
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
        session_id = self.session_id
        test_id = record.add_test(session_id, result, trajectory=trajectory, step=step)
        try:
            record.audit("result filed", who=f"therapist {self.therapist}", patient_id=self.patient_id,
                         session_id=session_id, detail=f"{result.get('test')} ({step}) in visit {self.number}, "
                                                       f"test {test_id}")
        except RecordError as exc:
            with self.lock:
                self.record_errors.append(f"Filed, but the audit log could not be written: {exc}")

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


class VisitBook:
    """The visits this server holds, thread-safe. ``clock`` gives wall-clock seconds (tests pass their own)."""

    def __init__(self, *, code_minutes: float = 120.0, max_hours: float = 12.0, model: str = "full",
                 data_dir: Path | None = None, record: Record | None = None, scheduler: str = "",
                 stream_factory: Callable[[str], LiveStream] | None = None,
                 clock: Callable[[], float] = time.time):
        self.code_s = code_minutes * 60.0
        self.max_s = max_hours * 3600.0
        self.model = model
        self.data_dir = data_dir
        self.record = record
        self.scheduler = scheduler
        self._stream_factory = stream_factory or (lambda model: LiveStream(model))
        self._clock = clock
        self._lock = threading.Lock()
        self._visits: dict[str, Visit] = {}        # by code

    def create(self, therapist: str, *, patient_id: str | None = None, initials: str | None = None) -> Visit:
        """A new visit; with ``patient_id`` (and a record) also a new session of that patient in the record
        (the patient is added if new). A bad ID raises :class:`movement_check.record.RecordError`."""
        now = self._clock()
        session_id = None
        if patient_id and self.record is not None:
            self.record.add_patient(patient_id, initials=initials, therapist=therapist)
            session_id = self.record.start_session(patient_id, "visit", therapist=therapist)
        visit = Visit(number=secrets.token_hex(3), code=secrets.token_urlsafe(16), therapist=therapist,
                      created=now, expires=now + self.code_s, stream=self._stream_factory(self.model),
                      data_folder=self.data_dir, scheduler=self.scheduler, patient_id=patient_id or None,
                      record=self.record, session_id=session_id)
        with self._lock:
            self._drop_expired(now)
            self._visits[visit.code] = visit
        return visit

    def of(self, therapist: str) -> list[Visit]:
        """The therapist's own visits still open, newest first."""
        with self._lock:
            self._drop_expired(self._clock())
            return sorted((v for v in self._visits.values() if v.therapist == therapist and not v.ended),
                          key=lambda v: -v.created)

    def join(self, code: str, token: str | None = None, *, holder: str,
             holder_gone: Callable[[str], bool] | None = None) -> Joined:
        """The visit for a patient's code, opened in the browser tab ``holder``; its patient token (new on
        the first join) and how the join came about.

        ``holder_gone(holder)``, when the page can tell, is True once that tab
        has closed: the visit is then free at once rather than after
        :data:`HOLD_S` (see the module docstring).

        Raises :class:`Refused` with the patient's next step for an unknown,
        expired, ended or already-taken code, or a visit open in another tab.
        """
        now = self._clock()
        with self._lock:
            visit = self._visits.get(code or "")
            if visit is None or not secrets.compare_digest(visit.code, code or ""):
                raise Refused(UNKNOWN, "unknown")
            if visit.ended:
                raise Refused(ENDED, "ended")
            if visit.patient_token is None:
                if now > visit.expires:
                    raise Refused(EXPIRED, "expired")
                visit.patient_token = secrets.token_urlsafe(16)
                visit.holder, visit.holder_seen = holder, now
                return Joined(visit, visit.patient_token, JoinKind.FIRST)
            if token is None or not secrets.compare_digest(visit.patient_token, token):
                raise Refused(TAKEN, "taken")
            if visit.holder == holder:
                visit.holder_seen = now
                return Joined(visit, token, JoinKind.SAME)
            if not holder_free(visit.holder, visit.holder_seen, now, holder_gone):
                raise Refused(BUSY, "busy")
            previous = visit.holder
            visit.holder, visit.holder_seen = holder, now
            return Joined(visit, token, JoinKind.TAKEOVER, previous)

    def heartbeat(self, visit: Visit, holder: str) -> bool:
        """The page of ``holder`` is still open: True while it holds ``visit`` (its last sign of life is
        renewed), False once another tab has taken the visit over (the page must stop and say why)."""
        with self._lock:
            if visit.holder != holder:
                return False
            visit.holder_seen = self._clock()
            return True

    def end(self, visit: Visit) -> None:
        visit.end()
        with self._lock:
            self._visits.pop(visit.code, None)

    def _drop_expired(self, now: float) -> None:
        """Visits nobody joined before their code expired, and any visit past ``max_hours``, are ended. A step
        still recording then (left running when the therapist's page closed) is stopped and analysed, and
        filed as if Stop had been pressed; the visit ends once its analysis is in."""
        for code, visit in list(self._visits.items()):
            unused = now > visit.expires and not visit.joined
            if not (unused or now - visit.created > self.max_s):
                continue
            if visit.step is not None:
                try:
                    visit.stop_step()
                except Exception:         # never let one visit's fault stop the sweep for everyone
                    visit._drop_step()
            if visit.analysis is None:
                visit.end()
                del self._visits[code]


def holder_free(holder: str | None, last_seen: float, now: float,
                gone: Callable[[str], bool] | None = None) -> bool:
    """Another tab may take a visit over from ``holder``: nobody holds it, the holder's last sign of life is
    over :data:`HOLD_S` old, or ``gone`` says its tab has closed."""
    if holder is None or now - last_seen > HOLD_S:
        return True
    return gone is not None and bool(gone(holder))
