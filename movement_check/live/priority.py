"""A background thread's CPU priority: lowered while it must yield to the live preview, raised back after.

On Linux each thread has its own nice value, and a thread it starts inherits
it: a pose model made in a thread whose priority was lowered runs its own
threads (MediaPipe's graph) at that priority too. Elsewhere, or when the
system refuses, nothing changes (the work then simply runs at the normal
priority). Raising a priority back needs the right to (root, or a raised
``RLIMIT_NICE``); without it the thread stays lowered.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_TASKS = Path("/proc/self/task")


def threads() -> set[int]:
    """The native ids of this process's threads now (empty where the system does not list them)."""
    try:
        return {int(name) for name in os.listdir(_TASKS)}
    except OSError:
        return set()


def lower_this_thread(by: int) -> int | None:
    """Lower the calling thread's priority by ``by`` nice steps; its nice value before (None: unchanged)."""
    if not hasattr(os, "setpriority") or not _TASKS.exists():
        return None
    tid = threading.get_native_id()
    try:
        before = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(before + by, 19))
    except OSError:
        return None
    return before


def set_priority(tids: set[int], nice: int) -> bool:
    """Give the threads ``tids`` the nice value ``nice``; False if the system refused any (threads gone since
    are skipped)."""
    ok = True
    for tid in tids:
        try:
            os.setpriority(os.PRIO_PROCESS, tid, nice)
        except ProcessLookupError:
            continue
        except OSError:
            ok = False
    return ok
