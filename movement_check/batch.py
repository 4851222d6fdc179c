"""Many clips through one test on Dask workers: one CSV row per clip, each kept as soon as it is done.

Where the clips run:

* ``workers=1`` and no scheduler: in this process, one after the other (no extra process).
* ``workers=N`` and no scheduler: a Dask ``LocalCluster`` started in this process for the batch: N worker processes
  (``spawn``, one thread each, so a MediaPipe graph is never shared between threads), everything on 127.0.0.1,
  no dashboard. Nothing to start beforehand.
* ``scheduler="tcp://HOST:8786"``: the clips go to a Dask cluster started elsewhere (``dask scheduler`` and ``dask
  worker`` processes, movement-check installed on each). A worker reads a clip from the path this computer gives
  (a folder every machine sees at the same path); when it cannot, a clip under :data:`SEND_LIMIT` bytes is sent to
  it instead; a larger one is reported as failed with the reason.

Each worker process imports the analysis and checks the pose model once (:class:`WarmWorker`); every clip gets
a new MediaPipe landmarker, as the command line's ``analyze`` does (its tracker and timestamps must start afresh
with each clip).

A clip that cannot be analysed (not a video, corrupt, no person in view, ...) gets a row with status ``error`` and
the reason in words; the others go on. A worker lost in the middle of a clip (killed, out of memory, its machine
gone) gets the clip once more; lost again, the clip's row is an error saying so. Rows come out in the folder's
(sorted) order, whatever order the workers finish in.

Kept as they finish (:class:`ResultStore`): one JSON per clip in a folder beside the CSV (``results.clips/`` for
``results.csv``): the clip's sha256, the settings, its row and its whole result. A rerun with the same settings
keeps every clip whose file has the same sha256 and analyses only the rest (``--redo``: all again). Rows that say a
worker was lost, an internal error or a stop are not kept: a rerun tries those clips again.

Stopping: the first Ctrl-C (SIGINT) takes no new clip and lets the clips under way finish; the second ends the
workers at once (on a cluster of your own: the clips under way are cancelled, a worker finishes the clip it is
on and drops it). Either way the rows finished so far come back (``BatchRun.stopped`` says it was stopped), and no
local worker is left behind. The local workers ignore SIGINT themselves: the main process decides.

CSV columns: ``clip``, ``status`` (ok | error), ``reason``, ``seconds`` (analysis time), ``warnings``
(count), then one column per metric, ``name`` or ``name_side`` (e.g. ``cadence``,
``knee_flexion_swing_peak_left``), in the order the results give them.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import signal
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from .errors import InputError
from .video import VIDEO_SUFFIXES

FIXED = ("clip", "status", "reason", "seconds", "warnings")
#: a clip a worker cannot read at its path is sent to it when it is at most this big
SEND_LIMIT = 32 * 1024 * 1024
#: reasons that say the clip itself was not the problem: such rows are not kept, a rerun tries again
LOST = "the worker analysing it was lost"
INTERNAL = "internal error"
STOPPED = "stopped"


@dataclass
class ClipRow:
    clip: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    warnings: int = 0
    metrics: dict[str, float | None] = field(default_factory=dict)
    units: dict[str, str | None] = field(default_factory=dict)      # column -> the metric's unit, for the legend

    @property
    def final(self) -> bool:
        """The clip's own answer (kept for a rerun), not a lost worker, an internal error or a stop."""
        return self.status == "ok" or not self.reason.startswith((LOST, INTERNAL, STOPPED, "the worker"))


def clips_in(folder: str | Path) -> list[Path]:
    """The folder's files with a video suffix, sorted by name (other files are not clips and are skipped)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder.")
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
    if not found:
        raise InputError(f"No clips in {folder} (looked for {', '.join(sorted(VIDEO_SUFFIXES))}).")
    return found


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _analyse(path: str, test: str, model: str, options: dict) -> tuple[ClipRow, dict | None]:
    """One clip: its row and its result as a dict (None when it failed); never an exception."""
    from .extraction import ExtractionSettings
    from .service import analyse

    name = Path(path).name
    t0 = time.monotonic()
    options = dict(options)
    export = options.pop("export", None)          # {"kinds": ("trc", ...), "dir": folder}: batch --export
    try:
        outcome = analyse(path, test, ExtractionSettings(model=model), **options)
    except InputError as exc:
        return ClipRow(name, "error", str(exc), time.monotonic() - t0), None
    except Exception as exc:  # an internal error: listed, the batch goes on
        return ClipRow(name, "error", f"{INTERNAL} ({type(exc).__name__}: {exc})", time.monotonic() - t0), None
    result = outcome.result
    metrics = {(m.name if m.side is None else f"{m.name}_{m.side}"): m.value for m in result.metrics}
    units = {(m.name if m.side is None else f"{m.name}_{m.side}"): m.unit for m in result.metrics}
    not_exported = ""
    if export:
        from .exports import write_exports

        try:
            skipped = write_exports(result, outcome.prepared.poses, export["kinds"], export["dir"], Path(name).stem)[1]
        except Exception as exc:  # a disk that fills up, or an internal error: the row says so, the batch goes on
            skipped = {"exports": f"{type(exc).__name__}: {exc}"}
        not_exported = "; ".join(f"{kind} not exported: {why}" for kind, why in skipped.items())
    return (ClipRow(name, "ok", not_exported, time.monotonic() - t0, len(result.warnings), metrics, units),
            outcome.result_dict)


def analyse_one(path: str, test: str, model: str, options: dict) -> ClipRow:
    """One clip in this process: a row, never an exception."""
    return _analyse(path, test, model, options)[0]


def analyse_task(path: str, test: str, model: str, options: dict, sha256: str, data: bytes | None = None) -> dict:
    """One clip on a Dask worker: ``{"row", "result", "sha256"}``, or ``{"missing": True}`` when this worker cannot
    read ``path`` and no ``data`` came with it. The file read must have the sha256 this computer found: a shared
    folder mounted differently must not give another clip's numbers."""
    name = Path(path).name
    with tempfile.TemporaryDirectory(prefix="movement-check-clip-") as tmp:
        if data is not None:
            path = os.path.join(tmp, name)         # the clip's own name, so messages name it
            with open(path, "wb") as fh:
                fh.write(data)
        elif not os.path.isfile(path):
            return {"missing": True}
        try:
            found = file_sha256(path)
        except OSError as exc:
            return {"row": asdict(ClipRow(name, "error", f"the worker could not read it ({exc})"))}
        if found != sha256:
            return {"row": asdict(ClipRow(name, "error", f"the worker read another file at {path} (sha256 "
                                                         f"{found[:12]}, here {sha256[:12]}): every machine must "
                                                         "see the same shared folder at the same path"))}
        row, result = _analyse(path, test, model, options)
    return {"row": asdict(row), "result": result, "sha256": found}


def settings_of(test: str, model: str, options: dict) -> dict:
    """What a kept result depends on besides the clip: a rerun keeps it only when these are the same."""
    from . import __version__
    from .pose_model import resolve_model

    return {"test": test, "model": resolve_model(model).sha256, "options": dict(sorted(options.items())),
            "version": __version__}


class ResultStore:
    """``results.clips/`` beside ``results.csv``: one JSON per finished clip (its sha256, the settings, the row and
    the whole result), written (atomically) as soon as the clip is done."""

    def __init__(self, csv_path: str | Path, settings: dict):
        csv_path = Path(csv_path)
        self.folder = csv_path.with_name(csv_path.stem + ".clips")
        self.settings = settings

    def _file(self, clip: str) -> Path:
        return self.folder / f"{clip}.json"

    def kept(self, clips: list[Path]) -> tuple[dict[int, ClipRow], dict[int, str]]:
        """The rows kept from an earlier run for these clips (same sha256, same settings), by index, and the
        sha256 of every clip looked at."""
        rows: dict[int, ClipRow] = {}
        hashes: dict[int, str] = {}
        for i, clip in enumerate(clips):
            try:
                saved = json.loads(self._file(clip.name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if saved.get("settings") != self.settings:
                continue
            hashes[i] = file_sha256(clip)
            if saved.get("sha256") == hashes[i]:
                try:
                    rows[i] = ClipRow(**saved["row"])
                except (KeyError, TypeError):
                    continue
        return rows, hashes

    def save(self, row: ClipRow, sha256: str, result: dict | None) -> None:
        from .outputs import atomic

        self.folder.mkdir(exist_ok=True)
        text = json.dumps({"clip": row.clip, "sha256": sha256, "settings": self.settings, "row": asdict(row),
                           "result": result}, indent=1, allow_nan=True)
        atomic(self._file(row.clip), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


@dataclass
class BatchRun:
    """The rows of the clips that finished (kept from an earlier run included), in the order of the clips;
    ``stopped``: interrupted (Ctrl-C), so ``total - len(rows)`` clips were not analysed; ``kept``: how many rows
    came from an earlier run."""

    rows: list[ClipRow]
    total: int
    stopped: bool = False
    kept: int = 0
    not_kept: str = ""          # why some finished clips could not be kept for a rerun (e.g. the disk is full)


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


Progress = Callable[[int, int, ClipRow], None]


class _Rows:
    """The finished rows by clip index: each kept in the store as it comes, then reported."""

    def __init__(self, clips: list[Path], kept: dict[int, ClipRow], store: ResultStore | None,
                 progress: Progress | None, checkpoint: Callable[[list[ClipRow]], None] | None):
        self.clips = clips
        self.rows = dict(kept)
        self.store = store
        self.progress = progress
        self.checkpoint = checkpoint
        self.not_kept = ""              # why a finished clip could not be kept for a rerun (the last reason)

    def finished(self, i: int, row: ClipRow, sha256: str | None = None, result: dict | None = None) -> None:
        self.rows[i] = row
        if self.store is not None and sha256 and row.final:
            try:
                self.store.save(row, sha256, result)
            except OSError as exc:           # the row still goes in the CSV; a rerun analyses the clip again
                self.not_kept = f"{self.store.folder}: {exc.strerror or exc}"
        if self.progress:
            self.progress(len(self.rows), len(self.clips), row)
        if self.checkpoint:
            self.checkpoint(self.ordered())

    def ordered(self) -> list[ClipRow]:
        return [self.rows[i] for i in sorted(self.rows)]


def run_batch(clips: list[Path], test: str, *, workers: int = 2, model: str = "full", options: dict | None = None,
              progress: Progress | None = None, on_stop: Callable[[int], None] | None = None,
              scheduler: str | None = None, store: ResultStore | None = None,
              kept: dict[int, ClipRow] | None = None, hashes: dict[int, str] | None = None,
              checkpoint: Callable[[list[ClipRow]], None] | None = None,
              on_retry: Callable[[str, str], None] | None = None,
              on_start: Callable[[int, int], None] | None = None) -> BatchRun:
    """Every clip through ``test``; the finished rows in the order of ``clips``. ``on_stop(clips under way)`` is
    called at the first Ctrl-C. ``kept``: rows from an earlier run by clip index (those clips are not run again);
    ``hashes``: sha256 already known by index; ``store``: where each finished clip is kept; ``checkpoint(rows)``:
    called with the rows so far after each clip (e.g. to rewrite the CSV); ``on_retry(clip, why)``: a worker was lost
    under that clip, which is tried once more; ``on_start(clips to run, workers)``: the workers are ready and the
    first clips are handed out."""
    options = options or {}
    kept = kept or {}
    done = _Rows(clips, kept, store, progress, checkpoint)
    todo = [i for i in range(len(clips)) if i not in kept]
    if not todo:
        return BatchRun(done.ordered(), len(clips), kept=len(kept))
    if scheduler is None and workers <= 1:
        if on_start:
            on_start(len(todo), 1)
        stopped = _run_here(clips, todo, test, model, options, done, hashes or {}, on_stop)
    else:
        stopped = _run_dask(clips, todo, test, model, options, done, hashes or {}, on_stop,
                            scheduler=scheduler, workers=workers, on_retry=on_retry, on_start=on_start)
    return BatchRun(done.ordered(), len(clips), stopped=stopped, kept=len(kept), not_kept=done.not_kept)


def _run_here(clips, todo, test, model, options, done: _Rows, hashes, on_stop) -> bool:
    interrupts = _Interrupts(on_first=(lambda: on_stop(1)) if on_stop else None)
    with interrupts:
        for i in todo:
            if interrupts.count:
                break
            sha = hashes.get(i) or _sha_or_none(clips[i])
            row, result = _one_stoppable(str(clips[i]), test, model, options, interrupts)
            if interrupts.count > 1:
                break                            # cut short: not a result
            done.finished(i, row, sha, result)
    return interrupts.count > 0


def _sha_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def _one_stoppable(path: str, test: str, model: str, options: dict,
                   interrupts: _Interrupts) -> tuple[ClipRow, dict | None]:
    """One clip in this process; a second Ctrl-C during it interrupts it (KeyboardInterrupt inside the clip)."""
    previous = interrupts.on_first

    def second_stops(signum, frame):
        interrupts._handle(signum, frame)
        if interrupts.count > 1:
            raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, second_stops)
    try:
        return _analyse(path, test, model, options)
    except KeyboardInterrupt:
        return ClipRow(Path(path).name, "error", STOPPED), None
    finally:
        interrupts.on_first = previous
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, interrupts._handle)


def _run_dask(clips, todo, test, model, options, done: _Rows, hashes, on_stop, *, scheduler, workers,
              on_retry=None, on_start=None) -> bool:
    from .compute import connect, local_cluster, quiet_dask
    from .worker_plugin import WarmWorker

    futures: dict = {}
    interrupts = _Interrupts(on_first=(lambda: on_stop(len(futures))) if on_stop else None)
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


def _hand_out(client, cluster, clips, todo, test, model, options, done: _Rows, hashes, futures: dict,
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
            i, attempt, send = futures.pop(future)
            try:
                out = future.result()
            except Exception as exc:  # the worker died under the clip (killed, out of memory, machine lost)
                if killed:
                    continue
                why = f"{type(exc).__name__}: {exc}"[:300]
                if attempt == 0 and not interrupts.count:
                    waiting.insert(0, (i, 1, send))
                    if on_retry:
                        on_retry(clips[i].name, why)
                else:
                    again = " twice" if attempt else "; not tried again as the batch was stopping"
                    done.finished(i, ClipRow(clips[i].name, "error", f"{LOST}{again} ({why})"))
                continue
            if out.get("missing"):
                if not send and clips[i].stat().st_size <= SEND_LIMIT:
                    waiting.insert(0, (i, attempt, True))
                else:
                    done.finished(i, ClipRow(clips[i].name, "error",
                                             f"the worker cannot read {clips[i]}: every worker must see the clips "
                                             f"at the same path (a shared folder); clips over {SEND_LIMIT >> 20} MB "
                                             "are not sent"))
                continue
            done.finished(i, ClipRow(**out["row"]), hashes[i], out.get("result"))   # the worker read this sha256
        if interrupts.count > 1 and not killed:
            killed = True
            _end_now(client, cluster, list(futures))
            futures.clear()


def _submit(client, clips, item: tuple[int, int, bool], test, model, options, done: _Rows, hashes,
            futures: dict) -> None:
    """One clip handed to the cluster (its sha256 first: a clip that cannot be read is its row's error)."""
    i, attempt, send = item
    if i not in hashes:
        try:
            hashes[i] = file_sha256(clips[i])
        except OSError as exc:
            done.finished(i, ClipRow(clips[i].name, "error", f"it could not be read ({exc})"))
            return
    data = clips[i].read_bytes() if send else None
    futures[client.submit(analyse_task, os.path.abspath(clips[i]), test, model, options, hashes[i], data,
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


def _metric_columns(rows: list[ClipRow]) -> list[str]:
    names: list[str] = []
    for row in rows:
        names += [n for n in row.metrics if n not in names]
    return names


def legend_path(csv_path: str | Path) -> Path:
    """``results.csv`` -> ``results.columns.csv``: what each column of the CSV holds, in words."""
    csv_path = Path(csv_path)
    return csv_path.with_name(csv_path.stem + ".columns.csv")


def write_legend(rows: list[ClipRow], path: str | Path) -> Path:
    """The CSV's columns with their plain names, sides, units and explanations (the CSV's headers stay the stable
    names scripts use): :func:`metric_names.legend_csv`."""
    from .metric_names import legend_csv

    units: dict[str, str | None] = {}
    for row in rows:
        units.update({k: v for k, v in row.units.items() if v})
    Path(path).write_text(legend_csv(list(FIXED) + _metric_columns(rows), units), encoding="utf-8")
    return Path(path)


def write_csv(rows: list[ClipRow], path: str | Path) -> Path:
    names = _metric_columns(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(FIXED + tuple(names))
        for r in rows:
            out.writerow([r.clip, r.status, r.reason, f"{r.seconds:.1f}", r.warnings]
                         + ["" if r.metrics.get(n) is None else r.metrics[n] for n in names])
    return Path(path)
