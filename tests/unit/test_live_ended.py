"""Ended visits (second reviewer of the visit-end changes): what an ended visit still holds, and a sweep that
meets a visit failing to end."""

from __future__ import annotations

import gc
import weakref

import pytest

from movement_check.live.stream import LiveStream
from movement_check.live.visits import ENDED, EXPIRED, Refused, VisitBook
from tests.fixtures.live_stubs import KnownPeople, grey_frame


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def _book(clock, made=None, **kw):
    def estimator():
        model = KnownPeople()
        if made is not None:
            made.append(model)
        return model
    return VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=estimator), clock=clock, **kw)


def test_a_frame_arriving_after_the_visit_ended_makes_no_new_pose_model_and_is_not_taken(tmp_path):
    """The patient's browser sends frames until its page has run again (up to a second after the end): the
    closed stream must not make a new pose model (never closed, kept a day with the ended visit)."""
    made: list = []
    book = _book(Clock(), made)
    visit = book.create("jdoe")
    book.join(visit.code, holder="tab-1")
    visit.stream.receive([(0.0, grey_frame((64, 48)))])
    assert len(made) == 1 and visit.held_by("tab-1")
    book.end(visit)
    assert made[0].closed
    assert not visit.held_by("tab-1")                 # the page's frame callback drops frames from now on
    visit.stream.receive([(0.04, grey_frame((64, 48)))])   # one already past the callback's check
    assert len(made) == 1                             # no new model made on the closed stream
    assert visit.stream.view().frames_processed == 1 and visit.stream.snapshot_jpeg() is None


def test_a_visit_the_therapist_ended_is_not_kept_only_its_code_for_the_patients_page():
    """The therapist's End: the patient's page reads "ended" for a day, but the visit itself (its stream, its
    last pictures, its results) is let go at once, as before; only one ended at its limit is kept."""
    clock = Clock()
    book = _book(clock)
    visit = book.create("jdoe")
    code = visit.code
    _, token, _, _ = book.join(code, holder="tab-1")
    book.end(visit)
    gone = weakref.ref(visit)
    del visit
    gc.collect()
    assert gone() is None
    with pytest.raises(Refused, match=ENDED):
        book.join(code, token, holder="tab-1")


def test_a_visit_that_fails_to_end_in_a_sweep_is_forgotten_and_the_other_pages_go_on():
    """The sweep runs in every patient's heartbeat now: one visit whose end raises (its stream will not close)
    must not make every page's join and heartbeat raise from then on."""
    clock = Clock()
    book = _book(clock, max_hours=2)
    broken = book.create("jdoe")
    book.join(broken.code, holder="tab-1")

    def will_not_close():
        raise RuntimeError("the pose model would not close")
    broken.stream.close = will_not_close
    clock.now += 2 * 3600 + 1
    other = book.create("asmith")                   # the sweep in create meets the broken visit
    _, token, _, _ = book.join(other.code, holder="tab-2")
    assert book.heartbeat(other, "tab-2")
    assert broken.code not in book._visits and broken.ended
    with pytest.raises(Refused, match=ENDED):
        book.join(broken.code, holder="tab-1")


def test_the_books_limits_are_timed_on_a_clock_that_never_jumps(monkeypatch):
    """The server's wall clock stepped (NTP after a boot with no battery clock, a VM resumed): 13 hours on
    would end every visit, the patient on camera included; an hour back would keep a patient's new device
    out as "open in another window" for that hour. The book times its limits on time.monotonic."""
    import time

    book = VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=KnownPeople))
    visit = book.create("jdoe")
    assert abs(visit.created - time.monotonic()) < 60
    _, token, _, _ = book.join(visit.code, holder="tab-1")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 13 * 3600)
    assert book.of("jdoe") == [visit] and book.heartbeat(visit, "tab-1") and not visit.closing
    book.end(visit)


def test_an_unused_code_swept_by_another_patients_page_is_still_told_expired():
    """Since every patient's heartbeat sweeps (each second), an unused code is dropped as soon as it expires:
    its patient must still read "expired, ask for a new one", not "not valid, check the whole link"."""
    clock = Clock()
    book = _book(clock, code_minutes=30)
    unused, other = book.create("jdoe"), book.create("jdoe")
    book.join(other.code, holder="tab-2")
    clock.now += 31 * 60
    assert book.heartbeat(other, "tab-2")                # another patient's page sweeps: the code is dropped
    assert unused.code not in book._visits
    for _ in range(2):                                   # and a second try reads the same
        with pytest.raises(Refused) as refused:
            book.join(unused.code, holder="tab-1")
        assert refused.value.reason == "expired" and str(refused.value) == EXPIRED
    assert book.ended_at_limit("jdoe") == []
    book.end(other)


def test_a_visit_slow_to_end_in_a_sweep_does_not_hold_up_the_other_pages():
    """Ending a visit closes its pose model and its session in the clinic record (a database that may be slow
    or away): done outside the book's lock, so the other patients' heartbeats (every second) and joins, and the
    therapists' pages, do not wait for it."""
    import threading
    import time

    clock = Clock()
    book = _book(clock, max_hours=2)
    slow = book.create("jdoe")
    book.join(slow.code, holder="tab-1")
    closing, release = threading.Event(), threading.Event()

    def slow_close():
        closing.set()
        release.wait(10)
    slow.stream.close = slow_close
    clock.now += 3600
    other = book.create("asmith")                     # an hour later: not past its limit when the slow one is
    book.join(other.code, holder="tab-2")
    clock.now += 3600 + 1
    sweeping = threading.Thread(target=lambda: book.of("jdoe"))
    sweeping.start()
    try:
        assert closing.wait(10)                       # the sweep is ending the slow visit
        started = time.monotonic()
        assert book.heartbeat(other, "tab-2")
        assert time.monotonic() - started < 2.0
    finally:
        release.set()
        sweeping.join(10)
    assert slow.ended and slow.code not in book._visits
