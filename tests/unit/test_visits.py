"""One browser tab per visit link (movement_check.live.visits): who holds a visit, and when another tab may take it.

A fake clock drives the heartbeat; tab names stand for Streamlit session ids.
The code and token rules themselves are in tests/unit/test_live.py.
"""

import pytest

from movement_check.live.stream import LiveStream
from movement_check.live.visits import BUSY, ENDED, EXPIRED, HOLD_S, UNKNOWN, JoinKind, Refused, VisitBook, holder_free
from tests.fixtures.live_stubs import KnownPeople


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def book(clock):
    book = VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=lambda: KnownPeople()),
                     clock=clock, code_minutes=30, max_hours=2)
    yield book
    for visit in list(book._visits.values()):
        book.end(visit)


def _refused(book, code, token, holder, **kw) -> Refused:
    with pytest.raises(Refused) as refused:
        book.join(code, token, holder=holder, **kw)
    return refused.value


def test_the_first_tab_holds_the_visit_and_gets_the_token(book):
    visit = book.create("jdoe")
    joined = book.join(visit.code, holder="tab-A")
    assert joined.visit is visit and joined.kind is JoinKind.FIRST and joined.previous is None
    assert joined.token and joined.token != visit.code
    assert visit.held_by("tab-A") and not visit.held_by("tab-B")


def test_the_holding_tab_joins_again_as_often_as_its_page_runs(book, clock):
    visit = book.create("jdoe")
    token = book.join(visit.code, holder="tab-A").token
    for _ in range(3):
        clock.now += HOLD_S * 2                                  # even after a long pause: it is still its visit
        joined = book.join(visit.code, token, holder="tab-A")
        assert joined.kind is JoinKind.SAME and joined.token == token and visit.held_by("tab-A")


def test_a_second_tab_with_the_whole_address_is_refused_while_the_first_is_there(book, clock):
    visit = book.create("jdoe")
    token = book.join(visit.code, holder="tab-A").token
    for _ in range(30):                                          # the first tab's page, once a second
        clock.now += 1.0
        assert book.heartbeat(visit, "tab-A")
        refused = _refused(book, visit.code, token, "tab-B")
        assert refused.reason == "busy" and str(refused) == BUSY
    assert visit.held_by("tab-A")
    # without the token it is refused as before, whatever the first tab does
    clock.now += HOLD_S * 2
    assert _refused(book, visit.code, None, "tab-B").reason == "taken"
    assert visit.held_by("tab-A")


def test_the_refusal_tells_the_patient_what_to_do_in_plain_words():
    assert "another window or on another device" in BUSY and f"{HOLD_S:.0f} seconds" in BUSY
    assert "token" not in BUSY.lower() and "session" not in BUSY.lower()


def test_a_second_tab_takes_over_once_the_first_has_gone_quiet(book, clock):
    visit = book.create("jdoe")
    token = book.join(visit.code, holder="tab-A").token
    for _ in range(int(HOLD_S) - 1):               # the second tab tries every second: that keeps nobody's hold alive
        clock.now += 1.0
        assert _refused(book, visit.code, token, "tab-B").reason == "busy"
        assert not book.heartbeat(visit, "tab-B")
    clock.now += 0.5
    assert _refused(book, visit.code, token, "tab-B").reason == "busy"     # HOLD_S - 0.5: not quite stale yet
    clock.now += 1.0                                                        # the last sign of life is HOLD_S + 0.5 old
    joined = book.join(visit.code, token, holder="tab-B")
    assert joined.kind is JoinKind.TAKEOVER and joined.previous == "tab-A" and joined.token == token
    assert visit.held_by("tab-B") and not visit.held_by("tab-A")


def test_the_tab_that_lost_the_visit_is_refused_from_then_on(book, clock):
    visit = book.create("jdoe")
    token = book.join(visit.code, holder="tab-A").token
    clock.now += HOLD_S + 1
    book.join(visit.code, token, holder="tab-B")
    assert not book.heartbeat(visit, "tab-A")                  # its page notices and stops
    assert visit.holder == "tab-B"                             # ... without renewing anything for itself
    assert _refused(book, visit.code, token, "tab-A").reason == "busy"
    assert book.heartbeat(visit, "tab-B")
    # and the new holder keeps it for as long as it gives signs of life
    for _ in range(3):
        clock.now += HOLD_S - 1
        assert book.heartbeat(visit, "tab-B")
        assert _refused(book, visit.code, token, "tab-A").reason == "busy"


def test_a_tab_known_to_have_closed_frees_the_visit_at_once(book, clock):
    """A reload: the old tab's connection closed, the new page load takes over without waiting HOLD_S."""
    visit = book.create("jdoe")
    token = book.join(visit.code, holder="tab-A").token
    clock.now += 1.0
    open_tabs = {"tab-A", "tab-B"}
    assert _refused(book, visit.code, token, "tab-B", holder_gone=lambda t: t not in open_tabs).reason == "busy"
    open_tabs.discard("tab-A")
    asked = []

    def gone(tab):
        asked.append(tab)
        return tab not in open_tabs

    joined = book.join(visit.code, token, holder="tab-B", holder_gone=gone)
    assert joined.kind is JoinKind.TAKEOVER and joined.previous == "tab-A" and asked == ["tab-A"]


def test_ended_expired_and_unknown_links_are_refused_as_before(book, clock):
    unused, used = book.create("jdoe"), book.create("jdoe")
    token = book.join(used.code, holder="tab-A").token
    clock.now += 31 * 60
    assert (refused := _refused(book, unused.code, None, "tab-B")).reason == "expired" and str(refused) == EXPIRED
    assert book.join(used.code, token, holder="tab-A").kind is JoinKind.SAME   # a joined visit does not expire
    assert _refused(book, "not-the-code", token, "tab-A").reason == "unknown"
    used.end()
    for tab in ("tab-A", "tab-B"):                           # the holder and anyone else alike
        assert (refused := _refused(book, used.code, token, tab)).reason == "ended" and str(refused) == ENDED
    book.end(used)                                           # the therapist ends it: "ended" for a day
    assert str(_refused(book, used.code, token, "tab-A")) == ENDED
    clock.now += 24 * 3600 + 1                               # then the server has forgotten it
    assert str(_refused(book, used.code, token, "tab-A")) == UNKNOWN


def test_the_rule_for_a_free_visit():
    now = 5_000.0
    assert holder_free(None, 0.0, now)                                       # nobody holds it
    assert not holder_free("tab-A", now - HOLD_S, now)                       # exactly HOLD_S: still held
    assert holder_free("tab-A", now - HOLD_S - 0.01, now)
    assert holder_free("tab-A", now, now, lambda tab: True)                  # its tab closed
    assert not holder_free("tab-A", now, now, lambda tab: False)
