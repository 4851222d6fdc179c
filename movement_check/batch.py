"""Many clips through one test, in parallel worker processes: one CSV row per clip.

Each clip runs :func:`movement_check.analysis.analyze_clip` in a worker process of its own
(``spawn``: each worker loads the pose model once and never shares a MediaPipe graph). A clip that
fails (not a video, corrupt, no person in view, ...) gets a row with status ``error`` and the reason
in words; the others go on. Rows come out in the folder's (sorted) order, whatever order the workers
finish in.

Stopping: the first Ctrl-C (SIGINT) takes no new clip and lets the clips under way finish; the second ends the
workers at once. Either way the rows finished so far come back (``BatchRun.stopped`` says it was stopped), and
no worker is left behind. Workers ignore SIGINT themselves: the main process decides.

CSV columns: ``clip``, ``status`` (ok | error), ``reason``, ``seconds`` (analysis time), ``warnings``
(count), then one column per metric, ``name`` or ``name_side`` (e.g. ``cadence``,
``knee_flexion_swing_peak_left``), in the order the results give them.
"""

from __future__ import annotations

import csv
import multiprocessing
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import InputError
from .video import VIDEO_SUFFIXES

FIXED = ("clip", "status", "reason", "seconds", "warnings")


@dataclass
class ClipRow:
    clip: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    warnings: int = 0
    metrics: dict[str, float | None] = field(default_factory=dict)


def clips_in(folder: str | Path) -> list[Path]:
    """The folder's files with a video suffix, sorted by name (other files are not clips and are skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    if not found:
        raise InputError(f"No clips in {folder} (looked for {', '.join(sorted(VIDEO_SUFFIXES))}).")
    return found


def analyse_one(path: str, test: str, model: str, options: dict) -> ClipRow:
    """One clip in a worker: a row, never an exception."""
    from .analysis import analyze_clip
    from .extraction import ExtractionSettings

    t0 = time.monotonic()
    options = dict(options)
    export = options.pop("export", None)          # {"kinds": ("trc", ...), "dir": folder}: batch --export
    try:
        result, prepared = analyze_clip(path, test, ExtractionSettings(model=model), **options)
    except InputError as exc:
        return ClipRow(Path(path).name, "error", str(exc), time.monotonic() - t0)
    except Exception as exc:  # an internal error: listed, the batch goes on
        return ClipRow(Path(path).name, "error", f"internal error ({type(exc).__name__}: {exc})",
                       time.monotonic() - t0)
    metrics = {(m.name if m.side is None else f"{m.name}_{m.side}"): m.value for m in result.metrics}
    not_exported = ""
    if export:
        from .exports import write_exports

        try:
            skipped = write_exports(result, prepared.poses, export["kinds"], export["dir"], Path(path).stem)[1]
        except Exception as exc:  # a disk that fills up, or an internal error: the row says so, the batch goes on
            skipped = {"exports": f"{type(exc).__name__}: {exc}"}
        not_exported = "; ".join(f"{kind} not exported: {why}" for kind, why in skipped.items())
    return ClipRow(Path(path).name, "ok", not_exported, time.monotonic() - t0, len(result.warnings), metrics)


@dataclass
class BatchRun:
    """The rows of the clips that finished, in the order of the clips; ``stopped``: interrupted (Ctrl-C), so
    ``total - len(rows)`` clips were not analysed."""

    rows: list[ClipRow]
    total: int
    stopped: bool = False


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


def _ignore_sigint() -> None:  # pragma: no cover - runs in the worker processes
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_batch(clips: list[Path], test: str, *, workers: int = 2, model: str = "full", options: dict | None = None,
              progress: Callable[[int, int, ClipRow], None] | None = None,
              on_stop: Callable[[int], None] | None = None) -> BatchRun:
    """Every clip through ``test``; the finished rows in the order of ``clips``. ``on_stop(clips under way)`` is
    called at the first Ctrl-C."""
    options = options or {}
    rows: dict[int, ClipRow] = {}

    def finished(i: int, row: ClipRow) -> None:
        rows[i] = row
        if progress:
            progress(len(rows), len(clips), row)

    if workers <= 1:
        interrupts = _Interrupts(on_first=(lambda: on_stop(1)) if on_stop else None)
        with interrupts:
            for i, clip in enumerate(clips):
                if interrupts.count:
                    break
                finished(i, _one_stoppable(str(clip), test, model, options, interrupts))
                if interrupts.count > 1:
                    rows.pop(i, None)       # cut short: not a result
                    break
        return BatchRun([rows[i] for i in sorted(rows)], len(clips), stopped=interrupts.count > 0)

    # clips are handed out one per free worker, never queued ahead: the first Ctrl-C then only stops handing
    # them out (cancelling queued futures and then ending the workers trips the executor: CPython 3.11 tries to
    # fail the cancelled futures again and prints a traceback)
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_sigint)
    futures: dict = {}
    waiting = list(enumerate(clips))
    interrupts = _Interrupts(on_first=(lambda: on_stop(len(futures))) if on_stop else None)
    killed = False
    try:
        with interrupts:
            while waiting or futures:
                while waiting and len(futures) < workers and not interrupts.count:
                    i, clip = waiting.pop(0)
                    futures[pool.submit(analyse_one, str(clip), test, model, options)] = i
                if not futures:
                    break
                done, _ = wait(list(futures), timeout=0.25, return_when=FIRST_COMPLETED)
                for future in done:
                    i = futures.pop(future)
                    try:
                        finished(i, future.result())
                    except Exception as exc:  # the worker itself died (e.g. out of memory), unless we ended it
                        if not killed:
                            finished(i, ClipRow(clips[i].name, "error",
                                                f"the worker stopped ({type(exc).__name__}: {exc})"))
                if interrupts.count > 1 and not killed:
                    killed = True
                    _end_workers(pool)
    finally:
        pool.shutdown(wait=True)
    return BatchRun([rows[i] for i in sorted(rows)], len(clips), stopped=interrupts.count > 0)


def _one_stoppable(path: str, test: str, model: str, options: dict, interrupts: _Interrupts) -> ClipRow:
    """One clip in this process; a second Ctrl-C during it interrupts it (KeyboardInterrupt inside the clip)."""
    previous = interrupts.on_first

    def second_stops(signum, frame):
        interrupts._handle(signum, frame)
        if interrupts.count > 1:
            raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, second_stops)
    try:
        return analyse_one(path, test, model, options)
    except KeyboardInterrupt:
        return ClipRow(Path(path).name, "error", "stopped")
    finally:
        interrupts.on_first = previous
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, interrupts._handle)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    """End every worker process now (the second Ctrl-C) and wait for each."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(timeout=10)


def write_csv(rows: list[ClipRow], path: str | Path) -> Path:
    names: list[str] = []
    for row in rows:
        names += [n for n in row.metrics if n not in names]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(FIXED + tuple(names))
        for r in rows:
            out.writerow([r.clip, r.status, r.reason, f"{r.seconds:.1f}", r.warnings]
                         + ["" if r.metrics.get(n) is None else r.metrics[n] for n in names])
    return Path(path)
