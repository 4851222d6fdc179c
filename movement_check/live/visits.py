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
clinic record (:mod:`movement_check.clinic.record`) when the book has one: the
patient's check-in and each step's result and trajectory are saved there.
A check-in with a red flag stops the on-camera tests (:class:`RedFlagStop`).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from movement_check.live.stream import LiveStream
from movement_check.clinic.record import Record
from movement_check.live.visit import RedFlagStop, Visit, VisitClosing  # noqa: F401  (raised by a visit, caught by its callers)


HOLD_S = 10.0
"""How long the browser holding a visit keeps it without a sign of life (:meth:`VisitBook.heartbeat`).

Its page gives one every second, so this is 10 missed beats: a 2-core
server analysing a step can hold a page's reruns back for seconds, and a
browser slows the timers of a tab in the background to about once a second.
Any longer keeps waiting a patient whose first device went off the network
(a tab that closes is seen at once, a reload too).
"""


CLOSING_GRACE_S = 30 * 60.0
"""How long past its limit a closing visit waits for its last step's result before it ends anyway.

A step of a few minutes is analysed in a few minutes on a 2-core machine; a cluster with no worker left, or a
stuck analysis, would otherwise keep the visit (its frames, its patient's session) open for ever. The analysis
goes on in the background and still writes its result to the data folder and the record if it finishes.
"""


ENDED_SHOWN_S = 24 * 3600.0
"""A visit that ended at its time limit stays this long for its therapist's page to show its results (they are
in the data folder and the record as well): the page lists only open visits, and the therapist may not have
been watching when it ended."""


class Refused(Exception):
    """A join link that cannot be used; the message tells the patient what to do, ``reason`` names the case
    (``unknown``, ``expired``, ``ended``, ``closing``: past its time limit, ``taken``: a browser without the patient token, ``busy``: the visit
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
ENDING = "This visit has reached its time limit and is ending. Thank you."


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


class VisitBook:
    """The visits this server holds, thread-safe. ``clock`` gives seconds on a clock that never jumps
    (``time.monotonic``; tests pass their own): a server's wall clock stepped by NTP (a device with no
    battery clock syncing after boot, a VM resumed) would otherwise end every visit at once, or keep a
    patient's new device out ("open in another window") for as long as it stepped back."""

    def __init__(self, *, code_minutes: float = 120.0, max_hours: float = 12.0, model: str = "full",
                 data_dir: Path | None = None, record: Record | None = None, scheduler: str = "",
                 stream_factory: Callable[[str], LiveStream] | None = None,
                 clock: Callable[[], float] = time.monotonic):
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
        # codes of visits gone, for ENDED_SHOWN_S: (when, code, the visit if it ended at its limit, else None: one
        # the therapist ended is let go at once), and what its patient's page reads ("ended"; "expired": unused)
        self._ended: list[tuple[float, str, Visit | None, str]] = []

    def create(self, therapist: str, *, patient_id: str | None = None, initials: str | None = None) -> Visit:
        """A new visit; with ``patient_id`` (and a record) also a new session of that patient in the record
        (the patient is added if new). A bad ID raises :class:`movement_check.clinic.record.RecordError`."""
        now = self._clock()
        session_id = None
        if patient_id and self.record is not None:
            self.record.add_patient(patient_id, initials=initials, therapist=therapist)
            session_id = self.record.start_session(patient_id, "visit", therapist=therapist)
        visit = Visit(number=secrets.token_hex(3), code=secrets.token_urlsafe(16), therapist=therapist,
                      created=now, expires=now + self.code_s, stream=self._stream_factory(self.model),
                      data_folder=self.data_dir, scheduler=self.scheduler, patient_id=patient_id or None,
                      record=self.record, session_id=session_id)
        with self._swept(now):
            self._visits[visit.code] = visit
        return visit

    def of(self, therapist: str) -> list[Visit]:
        """The therapist's own visits still open, newest first."""
        with self._swept(self._clock()):
            return sorted((v for v in self._visits.values() if v.therapist == therapist and not v.ended),
                          key=lambda v: -v.created)

    def ended_at_limit(self, therapist: str) -> list[Visit]:
        """The therapist's visits that ended at their time limit with results, in the last ENDED_SHOWN_S,
        newest first."""
        with self._swept(self._clock()):
            return [v for _, _, v, _ in sorted(self._ended, key=lambda e: -e[0])
                    if v is not None and v.therapist == therapist and v.outcomes]

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
        with self._swept(now):                # a patient's page sweeps too (an unused code it drops at expiry is
            return self._join(code, token, holder, holder_gone, now)      # still told "expired")

    def _join(self, code: str, token: str | None, holder: str, holder_gone: Callable[[str], bool] | None,
              now: float) -> Joined:
        """:meth:`join`, under the book's lock."""
        visit = self._visits.get(code or "")
        gone = [why for t, c, _, why in self._ended
                if now - t < ENDED_SHOWN_S and secrets.compare_digest(c, code or "")]
        if visit is None and gone:    # the patient's page after the visit ended (or a reload), an unused code swept
            raise Refused(EXPIRED, "expired") if gone[0] == "expired" else Refused(ENDED, "ended")   # at expiry
        if visit is None or not secrets.compare_digest(visit.code, code or ""):
            raise Refused(UNKNOWN, "unknown")
        if visit.ended:
            raise Refused(ENDED, "ended")
        if visit.closing:
            raise Refused(ENDING, "closing")
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
        with self._swept(self._clock()):     # the visit may end here: its page says so (it holds it)
            if visit.holder != holder:
                return False
            visit.holder_seen = self._clock()
            return True

    def end(self, visit: Visit) -> None:
        """The therapist ends ``visit``; its patient's page then reads "ended" (for ENDED_SHOWN_S)."""
        visit.end()
        with self._lock:
            if self._visits.pop(visit.code, None) is not None and visit.joined:
                self._ended.append((self._clock(), visit.code, None, "ended"))

    @contextmanager
    def _swept(self, now: float) -> Iterator[None]:
        """The book's lock, held after a sweep (:meth:`_drop_expired`); the visits the sweep forgot are ended
        after the lock is let go: ending one closes its pose model and its session in the clinic record (a
        database that may be slow or away), and every patient's heartbeat, every second, waits for the lock."""
        ending: list[Visit] = []
        try:
            with self._lock:
                ending = self._drop_expired(now)
                yield
        finally:
            for visit in ending:
                try:
                    visit.end()
                except Exception:     # one visit's fault must not stop the others' ends, nor the page
                    logging.getLogger(__name__).exception("visit %s did not end cleanly", visit.number)
                    with visit.lock:
                        visit.ended = True

    def _drop_expired(self, now: float) -> list[Visit]:
        """Visits nobody joined before their code expired, and any visit past ``max_hours``, are ended. A step
        still recording then (left running when the therapist's page closed) is stopped and analysed, and
        filed as if Stop had been pressed; the visit ends once its analysis is in. Until then it is *closing*:
        still listed for its therapist (the result is on its way), but no new step starts in it and no patient
        can join it, for up to :data:`CLOSING_GRACE_S`; then it ends, its analysis left to finish on its own.
        Every page's run sweeps (the therapist's :meth:`of` and :meth:`create`, the patient's :meth:`join` and
        :meth:`heartbeat`). Returns the visits forgotten, to be ended once the lock is let go (:meth:`_swept`)."""
        ending: list[Visit] = []
        self._ended = [e for e in self._ended if now - e[0] < ENDED_SHOWN_S]
        for code, visit in list(self._visits.items()):
            unused = now > visit.expires and not visit.joined
            if not (unused or now - visit.created > self.max_s):
                continue
            if visit.closing and now - visit.created > self.max_s + CLOSING_GRACE_S:
                ending.append(self._forget(code, visit, now))   # its last result never came: the thread runs on
                continue
            with visit.lock:                  # start_step checks it under the same lock
                visit.closing = True
            if visit.step is not None:
                try:
                    visit.stop_step()
                except Exception:         # never let one visit's fault stop the sweep for everyone
                    visit._drop_step()
            if visit.analysis is None:
                ending.append(self._forget(code, visit, now))
        return ending

    def _forget(self, code: str, visit: Visit, now: float) -> Visit:
        """A visit ended by the sweep: forgotten, but a joined one kept ENDED_SHOWN_S for its results on the
        therapist's page and a reload of the patient's page ("ended"), an unused one's code to read "expired".
        Returns ``visit``, to be ended (:meth:`_swept`)."""
        del self._visits[code]
        if visit.joined:                      # its page may reload: "ended", and its results for the therapist
            self._ended.append((now, code, visit, "ended"))
        else:                                 # any page's sweep drops it within a second of expiring: its
            self._ended.append((now, code, None, "expired"))      # patient still reads "expired"
        return visit


def holder_free(holder: str | None, last_seen: float, now: float,
                gone: Callable[[str], bool] | None = None) -> bool:
    """Another tab may take a visit over from ``holder``: nobody holds it, the holder's last sign of life is
    over :data:`HOLD_S` old, or ``gone`` says its tab has closed."""
    if holder is None or now - last_seen > HOLD_S:
        return True
    return gone is not None and bool(gone(holder))
