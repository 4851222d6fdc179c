"""Where heavy offline work runs: on this computer, or on the Dask cluster the settings name.

``[compute] scheduler = "tcp://HOST:8786"`` in movement-check.toml (or ``MOVEMENT_CHECK_SCHEDULER``) sends the
batch's clips (and, through :func:`run_offline`, the app's offline analyses) to a cluster of ``dask worker``
processes started elsewhere; unset, ``movement-check batch`` starts its own workers on 127.0.0.1
(:func:`local_cluster`) and the app analyses in its own process.

Dask's protocol is unauthenticated unless TLS is configured: a scheduler's port must be reachable only by the
clinic's own machines, as patients' clips and results travel over it.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import warnings
from typing import Any, Callable

from movement_check.errors import InputError


@contextlib.contextmanager
def quiet_dask():
    """Dask's own log lines (a worker restarted, a connection closed at the end) are for whoever runs a cluster,
    not for the batch's user: the batch reports what happened to each clip itself."""
    loggers = [logging.getLogger(n) for n in ("distributed", "tornado", "asyncio")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def local_cluster(workers: int):
    """``workers`` processes on 127.0.0.1 only (one thread each, spawned, so a MediaPipe graph is never shared
    between threads), no dashboard (the scheduler's small HTTP endpoint, /health and the like, on a free port of
    127.0.0.1), no memory limit; a task whose worker dies is failed at once (the batch
    tries it once more itself).

    The workers ignore SIGINT from :class:`movement_check.batch.worker_plugin.WarmWorker`'s setup on (a Ctrl-C in the terminal reaches the whole
    process group); one pressed in the very first seconds, while a worker starts, may end that worker: the
    batch, told too, stops as asked."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.worker.multiprocessing-method": "spawn"}):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            scheduler_port=0, dashboard_address="127.0.0.1:0", worker_dashboard_address=None,
                            scheduler_kwargs={"dashboard": False}, memory_limit=0,
                            silence_logs=logging.CRITICAL)


def connect(where, timeout: str = "20s"):
    """A Dask client of a LocalCluster or of the scheduler at an address such as ``tcp://10.0.0.5:8786``."""
    from distributed import Client

    if not isinstance(where, str):
        return Client(where, set_as_default=False)
    try:
        return Client(where, set_as_default=False, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"No Dask scheduler answers at {where} ({exc}): start one (`dask scheduler`), check the "
                         "address, or leave the scheduler out to run on this computer.") from None


_clients: dict[str, Any] = {}
_lock = threading.Lock()


def run_offline(fn: Callable, *args, scheduler: str | None = None, **kwargs):
    """``fn(*args, **kwargs)`` on the configured Dask cluster when there is one (``scheduler``, else the settings'
    ``[compute] scheduler``), waiting for its answer; in this process otherwise. ``fn`` and its arguments must
    pickle (no callbacks such as a progress bar: those run only here)."""
    if scheduler is None:
        from movement_check.config import load_config

        scheduler = load_config().scheduler
    if not scheduler:
        return fn(*args, **kwargs)
    with _lock:
        client = _clients.get(scheduler)
        if client is None or client.status not in ("running", "connecting"):
            with quiet_dask():
                client = _clients[scheduler] = connect(scheduler)
    # a clip's bytes or a step's frames go to the cluster on their own (scattered, through the scheduler: the
    # workers may not be reachable from here), not inside the task: Dask warns about, and slows down on, a task
    # graph of many megabytes
    args = tuple(client.scatter(a) if _large(a) else a for a in args)
    return client.submit(fn, *args, pure=False, **kwargs).result()


#: an argument larger than this is scattered to the cluster before the task that needs it
SCATTER_BYTES = 1_000_000


def _large(value: Any) -> bool:
    """Whether ``value`` is over :data:`SCATTER_BYTES`, measured without copying it: bytes by their length, a
    recording by the frames it keeps (``bytes_kept``), an array by its size; anything else is small."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        size = len(value)
    else:
        size = getattr(value, "bytes_kept", None) or getattr(value, "nbytes", 0)
    return int(size) > SCATTER_BYTES


def analyse_bytes(data: bytes, name: str, test: str, settings, **kwargs):
    """:func:`movement_check.analysis.analyse_clip` on an upload's bytes, wherever this runs (a worker that cannot
    see the app's files): the clip is written to a private temporary folder there and deleted at once."""
    from movement_check.analysis import analyse_clip
    from movement_check.pipeline.video import temporary_clip

    with temporary_clip(data, name) as clip:
        return analyse_clip(clip, test, settings, **kwargs)
