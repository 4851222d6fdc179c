"""The Dask worker plugin of movement-check's batch (imported only where Dask is used)."""

from __future__ import annotations

import signal
import threading

from distributed.diagnostics.plugin import WorkerPlugin

from movement_check.errors import InputError


class WarmWorker(WorkerPlugin):
    """At a worker's start: import the analysis and check the pose model once per process (not per clip); local
    workers also ignore SIGINT (a Ctrl-C in the terminal reaches the whole process group: the batch decides what
    it means)."""

    name = "movement-check-warm"

    def __init__(self, model: str = "full", ignore_sigint: bool = False):
        self.model = model
        self.ignore_sigint = ignore_sigint

    def setup(self, worker) -> None:
        if self.ignore_sigint and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        from movement_check import analysis  # noqa: F401  (MediaPipe, OpenCV, SciPy: once per process)
        from movement_check.pipeline.pose_model import resolve_model

        try:
            resolve_model(self.model)
        except InputError:
            pass                                  # each clip's row will say why
