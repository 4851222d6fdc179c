"""Sign-in throttling: growing waits, then a temporary lock, after repeated failed sign-ins.

Counted separately per account (someone guessing one therapist's password from many places) and per
client address (someone trying many names from one place); an attempt must pass both. The first
``FREE_FAILURES`` failures cost nothing (a typo happens); each later one doubles the wait before the next
attempt, from ``FIRST_WAIT_S``; at ``LOCK_AFTER`` failures the account or address is locked for
``LOCK_S``. A success clears the account's count and the address's. Failures older than ``FORGET_S``
are forgotten. While a wait runs, the password is not even checked (no PBKDF2 work for an attacker to
spend). OWASP's Authentication Cheat Sheet ("account lockout", "throttling") is the reasoning.

The counts live in the server process's memory: a restart clears them, and each server process has its
own (the README's SECURITY section says so).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

FREE_FAILURES = 3
FIRST_WAIT_S = 2.0
LOCK_AFTER = 10
LOCK_S = 15 * 60.0
FORGET_S = 60 * 60.0
MAX_KEPT = 10_000                 # accounts and addresses counted at once
#: passwords checked at the same time, server-wide: each check is 0.3-0.7 s of PBKDF2 on one core
CHECKS_AT_ONCE = 2
CHECKING = threading.BoundedSemaphore(CHECKS_AT_ONCE)


def wait_after(failures: int) -> float:
    """Seconds to wait before the next attempt after ``failures`` failures in a row."""
    if failures < FREE_FAILURES:
        return 0.0
    if failures >= LOCK_AFTER:
        return LOCK_S
    return min(LOCK_S, FIRST_WAIT_S * 2 ** (failures - FREE_FAILURES))


@dataclass
class _Count:
    failures: int = 0
    last: float = 0.0
    refusal_noted: bool = False           # a refused attempt in the current wait has been reported


@dataclass
class SignInLimits:
    """Failed sign-ins per account and per client address, and the wait each now owes."""

    clock: Callable[[], float] = time.monotonic
    _counts: dict[str, _Count] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, account: str, client: str | None) -> float:
        """Seconds before this account may be tried again from this client (0: it may now)."""
        now = self.clock()
        with self._lock:
            return self._owed(account, client, now)

    def attempt(self, account: str, client: str | None) -> float:
        """Before the password is checked: 0 and the attempt counted as a failure (a success then clears it
        with :meth:`succeeded`), or the wait still owed and nothing counted. Counting first means attempts
        sent side by side from many browser sessions meet the waits too: each is counted before any is
        checked (counted after the check, 30 at once all got through)."""
        now = self.clock()
        with self._lock:
            wait = self._owed(account, client, now)
            if wait > 0:
                return wait
            self._count(account, client, now)
            return 0.0

    def first_refusal(self, account: str, client: str | None) -> bool:
        """True for the first attempt refused during the current wait of this account (or address), False
        for the rest: the audit log keeps one entry per wait, not one per attempt (a locked account tried
        every second would push every other entry out of sight)."""
        with self._lock:
            first = False
            for key in self._keys(account, client):
                count = self._counts.get(key)
                if count is not None and not count.refusal_noted:
                    count.refusal_noted = first = True
            return first

    def failed(self, account: str, client: str | None) -> float:
        """Count a failed attempt; the wait it now costs."""
        now = self.clock()
        with self._lock:
            self._count(account, client, now)
            return self._owed(account, client, now)

    def _count(self, account: str, client: str | None, now: float) -> None:
        for key in self._keys(account, client):
            count = self._counts.get(key)
            if count is None or now - count.last > FORGET_S:
                count = self._counts[key] = _Count()
            count.failures += 1
            count.last = now
            count.refusal_noted = False
        if len(self._counts) > MAX_KEPT:                   # forget the oldest: memory stays bounded
            for key, _ in sorted(self._counts.items(), key=lambda kv: kv[1].last)[:len(self._counts) - MAX_KEPT]:
                del self._counts[key]

    def succeeded(self, account: str, client: str | None) -> None:
        with self._lock:
            for key in self._keys(account, client):
                self._counts.pop(key, None)

    def _owed(self, account: str, client: str | None, now: float) -> float:
        """The longer of the account's and the address's waits (an attempt must pass both)."""
        return max(self._wait(key, now) for key in self._keys(account, client))

    def _wait(self, key: str, now: float) -> float:
        count = self._counts.get(key)
        if count is None or now - count.last > FORGET_S:
            return 0.0
        return max(0.0, count.last + wait_after(count.failures) - now)

    @staticmethod
    def _keys(account: str, client: str | None) -> list[str]:
        keys = [f"account:{account.strip().lower()}"]
        if client:
            keys.append(f"client:{client}")
        return keys


def in_words(seconds: float) -> str:
    """'12 s', '3 min' (rounded up: never promise less than the wait)."""
    if seconds < 90:
        return f"{max(1, int(-(-seconds // 1)))} s"
    return f"{int(-(-seconds // 60))} min"
