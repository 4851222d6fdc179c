"""Stopping a batch with Ctrl-C (SIGINT): the first takes no new clip and lets the clips under way finish; the
second ends them at once (in this process: the clip under way is interrupted; local Dask workers are killed; on a
cluster of your own the clips under way are cancelled, a worker finishes the clip it is on and drops it). Either
way the rows finished so far come back (``BatchRun.stopped`` says it was stopped), and no local worker is left
behind. The local workers ignore SIGINT themselves: the main process decides.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Callable


class _Interrupts:
    """Counts SIGINTs while installed (main thread only); the previous handler comes back afterwards."""

    def __init__(self, on_first: Callable[[], None] | None = None):
        self.count = 0
        self.on_first = on_first
        self._previous = None

    def _handle(self, signum, frame) -> None:
        self.count += 1
        if self.count == 1 and self.on_first:
            self.on_first()

    def __enter__(self) -> "_Interrupts":
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    @contextmanager
    def second_raises(self):
        """While inside: a second Ctrl-C raises KeyboardInterrupt there (to cut short a clip analysed in this
        process); the counting handler comes back afterwards."""
        previous = self.on_first

        def second_stops(signum, frame):
            self._handle(signum, frame)
            if self.count > 1:
                raise KeyboardInterrupt

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, second_stops)
        try:
            yield
        finally:
            self.on_first = previous
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, self._handle)
