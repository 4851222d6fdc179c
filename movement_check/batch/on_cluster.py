"""A batch's clips on Dask workers: a ``LocalCluster`` started for the batch, or a cluster started elsewhere.

* ``workers=N`` and no scheduler: a Dask ``LocalCluster`` started in this process for the batch: N worker processes
  (``spawn``, one thread each, so a MediaPipe graph is never shared between threads), everything on 127.0.0.1,
  no dashboard. Nothing to start beforehand.
* ``scheduler="tcp://HOST:8786"``: the clips go to a Dask cluster started elsewhere (``dask scheduler`` and ``dask
  worker`` processes, movement-check installed on each). A worker reads a clip from the path this computer gives
  (a folder every machine sees at the same path); when it cannot, a clip under :data:`SEND_LIMIT` bytes is sent to
  it instead; a larger one is reported as failed with the reason.

Each worker process imports the analysis and checks the pose model once (:class:`WarmWorker`). Clips are handed
out one per free worker thread, never queued ahead. A worker lost in the middle of a clip (killed, out of memory,
its machine gone) gets the clip once more; lost again, the clip's row is an error saying so.

What a clip's row is, and the task a worker runs for it (``movement_check.batch.run.analyse_task``), come from
:mod:`movement_check.batch.run` through the batch's book of rows (``done``): this module does not import it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time

from movement_check.batch.stopping import _Interrupts

#: a clip a worker cannot read at its path is sent to it when it is at most this big
SEND_LIMIT = 32 * 1024 * 1024
#: a worker lost under a clip: such rows are not kept, a rerun tries again
LOST = "the worker analysing it was lost"


def _run_dask(clips, todo, test, model, options, done, hashes, on_stop, *, scheduler, workers,
              on_retry=None, on_start=None) -> bool:
    from movement_check.compute import connect, local_cluster, quiet_dask
    from movement_check.batch.worker_plugin import WarmWorker

    futures: dict = {}
    interrupts = _Interrupts(on_first=(lambda: on_stop(len(futures))) if on_stop else None)
    # a scheduler's connection to a worker killed by a second Ctrl-C can close, and log a traceback, a moment after
    # the cluster was closed and the log levels restored: that one logger stays quiet in this process
    logging.getLogger("distributed.batched").setLevel(logging.CRITICAL)
    with interrupts, quiet_dask():         # a Ctrl-C while the workers start counts too
        cluster = local_cluster(workers) if scheduler is None else None
        try:
            client = connect(cluster or scheduler)
            try:
                client.register_plugin(WarmWorker(model, ignore_sigint=cluster is not None))
                _hand_out(client, cluster, clips, todo, test, model, options, done, hashes, futures, interrupts,
                          on_retry, on_start)
            finally:
                with contextlib.suppress(Exception):
                    client.close(timeout=10)
        finally:
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close(timeout=10)
    return interrupts.count > 0


def _hand_out(client, cluster, clips, todo, test, model, options, done, hashes, futures: dict,
              interrupts: _Interrupts, on_retry=None, on_start=None) -> None:
    """Clips are handed out one per free worker thread, never queued ahead: the first Ctrl-C then only stops
    handing them out, and "under way" is what the workers are on."""
    waiting: list[tuple[int, int, bool]] = [(i, 0, False) for i in todo]     # (index, attempt, send the bytes)
    capacity, asked = 0, 0.0
    killed = False
    while waiting or futures:
        if time.monotonic() - asked > 1.0:
            capacity, asked = _capacity(client), time.monotonic()
            if on_start and capacity:
                on_start(len(waiting), capacity)
                on_start = None
        while waiting and len(futures) < max(capacity, 1) and not interrupts.count:
            _submit(client, clips, waiting.pop(0), test, model, options, done, hashes, futures)
        if not futures:
            break
        finished = [future for future in futures if future.done()]
        if not finished:
            time.sleep(0.1)
        for future in finished:
            _came_back(future, futures.pop(future), clips, done, hashes, waiting, interrupts, killed, on_retry)
        if interrupts.count > 1 and not killed:
            killed = True
            _end_now(client, cluster, list(futures))
            futures.clear()


def _came_back(future, item: tuple[int, int, bool], clips, done, hashes, waiting: list, interrupts: _Interrupts,
               killed: bool, on_retry) -> None:
    """A clip's future is done: its row, or the clip back in ``waiting`` (a worker lost once; to be sent)."""
    i, attempt, send = item
    try:
        out = future.result()
    except Exception as exc:  # the worker died under the clip (killed, out of memory, machine lost)
        if killed:
            return
        why = f"{type(exc).__name__}: {exc}"[:300]
        if attempt == 0 and not interrupts.count:
            waiting.insert(0, (i, 1, send))
            if on_retry:
                on_retry(clips[i].name, why)
        else:
            again = " twice" if attempt else "; not tried again as the batch was stopping"
            done.failed(i, f"{LOST}{again} ({why})")
        return
    if out.get("missing"):
        if not send and clips[i].stat().st_size <= SEND_LIMIT:
            waiting.insert(0, (i, attempt, True))
        else:
            done.failed(i, f"the worker cannot read {clips[i]}: every worker must see the clips at the same path "
                           f"(a shared folder); clips over {SEND_LIMIT >> 20} MB are not sent")
        return
    done.from_worker(i, out, hashes[i])          # the worker read this sha256


def _submit(client, clips, item: tuple[int, int, bool], test, model, options, done, hashes,
            futures: dict) -> None:
    """One clip handed to the cluster (its sha256 first: a clip that cannot be read is its row's error)."""
    i, attempt, send = item
    if done.sha256(i, hashes) is None:
        return
    data = clips[i].read_bytes() if send else None
    futures[client.submit(done.task, os.path.abspath(clips[i]), test, model, options, hashes[i], data,
                          key=f"clip-{i}-{attempt}-{int(send)}-{os.getpid()}-{time.time_ns()}",
                          pure=False)] = (i, attempt, send)


def _capacity(client) -> int:
    """How many clips the cluster can work on at once (its worker threads)."""
    try:
        return sum(client.nthreads().values())
    except Exception:
        return 0


def _end_now(client, cluster, futures) -> None:
    """The second Ctrl-C: local workers are killed (and waited for), a cluster's clips under way cancelled."""
    with contextlib.suppress(Exception):
        client.cancel(futures, force=True)
    if cluster is None:
        return
    pids = [nanny.pid for nanny in list(cluster.workers.values()) if getattr(nanny, "pid", None)]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        cluster.close(timeout=10)
