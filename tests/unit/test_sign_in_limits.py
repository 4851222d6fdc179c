"""Sign-in throttling: growing waits then a lock, per account and per client address."""

import pytest

from movement_check.clinic.sign_in_limits import (FIRST_WAIT_S, FORGET_S, FREE_FAILURES, LOCK_AFTER, LOCK_S, SignInLimits,
                                           in_words, wait_after)


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_the_wait_grows_by_doubling_after_the_free_failures_then_locks():
    waits = [wait_after(n) for n in range(LOCK_AFTER + 2)]
    assert waits[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    assert waits[FREE_FAILURES] == FIRST_WAIT_S
    growing = waits[FREE_FAILURES:LOCK_AFTER]
    assert all(b == 2 * a for a, b in zip(growing, growing[1:]))
    assert waits[LOCK_AFTER] == waits[LOCK_AFTER + 1] == LOCK_S


def test_an_account_is_slowed_from_any_address_and_an_address_for_any_account():
    clock = Clock()
    limits = SignInLimits(clock=clock)
    for i in range(FREE_FAILURES):
        assert limits.wait_s("jdoe", f"10.0.0.{i}") == 0
        limits.failed("jdoe", f"10.0.0.{i}")              # one account, three addresses
    assert limits.wait_s("jdoe", "10.9.9.9") == pytest.approx(FIRST_WAIT_S)
    assert limits.wait_s("asmith", "10.9.9.9") == 0          # other accounts from elsewhere are not slowed
    clock.t += FIRST_WAIT_S
    assert limits.wait_s("jdoe", "10.9.9.9") == 0            # the wait has passed
    for name in ("a", "b", "c"):                              # many names from one address
        limits.failed(name, "10.6.6.6")
    assert limits.wait_s("nobody-yet", "10.6.6.6") == pytest.approx(FIRST_WAIT_S)
    assert limits.wait_s("nobody-yet", "10.7.7.7") == 0
    assert limits.wait_s(" JDOE ", None) == 0 and limits.wait_s("JDoe", "x") == limits.wait_s("jdoe", "x")


def test_repeated_failures_lock_then_a_success_or_an_hour_clears_them():
    clock = Clock()
    limits = SignInLimits(clock=clock)
    for _ in range(LOCK_AFTER):
        wait = limits.failed("jdoe", "10.0.0.1")
    assert wait == pytest.approx(LOCK_S) and in_words(wait) == "15 min"
    clock.t += LOCK_S - 1
    assert limits.wait_s("jdoe", "10.0.0.2") == pytest.approx(1)
    assert in_words(0.2) == "1 s" and in_words(12.01) == "13 s"
    limits.succeeded("jdoe", "10.0.0.1")
    assert limits.wait_s("jdoe", "10.0.0.1") == 0
    for _ in range(FREE_FAILURES + 1):
        limits.failed("asmith", None)
    assert limits.wait_s("asmith", None) > 0
    clock.t += FORGET_S + 1
    assert limits.wait_s("asmith", None) == 0
    limits.failed("asmith", None)                              # counting starts again from one
    assert limits.wait_s("asmith", None) == 0


def test_attempts_side_by_side_are_counted_before_any_password_is_checked():
    """Many browser sessions sending at once: each attempt is counted when it starts, so the waits begin
    after FREE_FAILURES of them, not after all have been checked; a success clears its own count."""
    clock = Clock()
    limits = SignInLimits(clock=clock)
    started = [limits.attempt("jdoe", f"10.0.0.{i}") for i in range(10)]
    assert started[:FREE_FAILURES] == [0.0] * FREE_FAILURES
    assert all(w == pytest.approx(FIRST_WAIT_S) for w in started[FREE_FAILURES:])
    limits.succeeded("jdoe", "10.0.0.0")                   # one of the first three was right
    assert limits.attempt("jdoe", "10.0.0.5") == 0.0


def test_an_unknown_name_costs_one_password_hash_like_a_known_one(monkeypatch):
    """The time a sign-in takes must not tell which names are accounts: count PBKDF2 runs, not seconds."""
    import hashlib

    import movement_check.clinic.accounts as accounts

    stored = accounts.hash_password("right", iterations=1000)
    accounts.sign_in({"jdoe": stored}, "nobody", "x")                 # the stand-in hash is made once
    runs = []
    real = hashlib.pbkdf2_hmac
    monkeypatch.setattr(accounts.hashlib, "pbkdf2_hmac", lambda *a, **k: runs.append(a[0]) or real(*a, **k))
    assert not accounts.sign_in({"jdoe": stored}, "nobody", "x")
    unknown = len(runs)
    assert not accounts.sign_in({"jdoe": stored}, "jdoe", "wrong")
    assert unknown == 1 and len(runs) - unknown == 1


def test_a_refused_attempt_is_reported_once_per_wait():
    clock = Clock()
    limits = SignInLimits(clock=clock)
    for _ in range(FREE_FAILURES):
        limits.failed("jdoe", "10.0.0.1")
    assert limits.attempt("jdoe", "10.0.0.1") > 0
    assert limits.first_refusal("jdoe", "10.0.0.1") is True
    assert limits.attempt("jdoe", "10.0.0.2") > 0 and limits.first_refusal("jdoe", "10.0.0.2") is False
    clock.t += FIRST_WAIT_S
    assert limits.attempt("jdoe", "10.0.0.1") == 0              # counted: a new, longer wait begins
    assert limits.attempt("jdoe", "10.0.0.1") > 0 and limits.first_refusal("jdoe", "10.0.0.1") is True
