"""Many clips through one test, in this process or on Dask workers: one CSV row per clip, each kept as soon as it
is done.

Where the clips run: ``workers=1`` and no scheduler: in this process, one after the other (no extra process);
otherwise on Dask workers, a local cluster started for the batch or one started elsewhere (:mod:`.on_cluster`).
Every clip gets a new MediaPipe landmarker, as the command line's ``analyse`` does (its tracker and timestamps must
start afresh with each clip).

A clip that cannot be analysed (not a video, corrupt, no person in view, ...) gets a row with status ``error`` and
the reason in words; the others go on. Rows come out in the folder's (sorted) order, whatever order the workers
finish in. The parts:

* :mod:`.kept_results`: the rows and results kept as they finish, for a rerun (``results.clips/``);
* :mod:`.on_cluster`: handing the clips to Dask workers, a worker lost, a clip a worker cannot read;
* :mod:`.stopping`: Ctrl-C, once (no new clip) and twice (the clips under way ended);
* :mod:`.table`: the CSV and its column legend.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from movement_check.batch.on_cluster import LOST, _run_dask
from movement_check.batch.stopping import _Interrupts
from movement_check.errors import InputError
from movement_check.pipeline.video import VIDEO_SUFFIXES

#: reasons that say the clip itself was not the problem: such rows are not kept, a rerun tries again (and LOST)
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
    from movement_check.pipeline.extraction import ExtractionSettings
    from movement_check.service import analyse

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
        from movement_check.exports import write_exports

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
    from movement_check import __version__
    from movement_check.pipeline.pose_model import resolve_model

    return {"test": test, "model": resolve_model(model).sha256, "options": dict(sorted(options.items())),
            "version": __version__}



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


class _Keeper(Protocol):
    """Where each finished clip is kept for a rerun (:class:`.kept_results.ResultStore`)."""

    folder: Path

    def save(self, row: ClipRow, sha256: str, result: dict | None) -> None: ...


Progress = Callable[[int, int, ClipRow], None]


class _Rows:
    """The finished rows by clip index: each kept in the store as it comes, then reported. The runners make a
    clip's row through it (:mod:`.on_cluster` knows no ``ClipRow``), and find there the task a Dask worker runs."""

    task = staticmethod(analyse_task)       # submitted to Dask: workers import it as movement_check.batch.run.analyse_task

    def __init__(self, clips: list[Path], kept: dict[int, ClipRow], store: _Keeper | None,
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

    def failed(self, i: int, reason: str) -> None:
        """Clip ``i`` finished as an error row saying ``reason``."""
        self.finished(i, ClipRow(self.clips[i].name, "error", reason))

    def from_worker(self, i: int, out: dict, sha256: str) -> None:
        """Clip ``i`` finished on a worker: ``out`` is what :func:`analyse_task` gave back."""
        self.finished(i, ClipRow(**out["row"]), sha256, out.get("result"))

    def sha256(self, i: int, hashes: dict[int, str]) -> str | None:
        """Clip ``i``'s sha256 (found once, kept in ``hashes``); None, the clip's row an error, when it cannot be
        read."""
        if i not in hashes:
            try:
                hashes[i] = file_sha256(self.clips[i])
            except OSError as exc:
                self.failed(i, f"it could not be read ({exc})")
                return None
        return hashes[i]

    def ordered(self) -> list[ClipRow]:
        return [self.rows[i] for i in sorted(self.rows)]


def run_batch(clips: list[Path], test: str, *, workers: int = 2, model: str = "full", options: dict | None = None,
              progress: Progress | None = None, on_stop: Callable[[int], None] | None = None,
              scheduler: str | None = None, store: _Keeper | None = None,
              kept: dict[int, ClipRow] | None = None, hashes: dict[int, str] | None = None,
              checkpoint: Callable[[list[ClipRow]], None] | None = None,
              on_retry: Callable[[str, str], None] | None = None,
              on_start: Callable[[int, int], None] | None = None) -> BatchRun:
    """Every clip through ``test``; the finished rows in the order of ``clips``. ``on_stop(clips under way)`` is
    called at the first Ctrl-C. ``kept``: rows from an earlier run by clip index (those clips are not run again);
    ``hashes``: sha256 already known by index; ``store``: where each finished clip is kept (a
    :class:`.kept_results.ResultStore`); ``checkpoint(rows)``: called with the rows so far after each clip (e.g. to
    rewrite the CSV); ``on_retry(clip, why)``: a worker was lost under that clip, which is tried once more;
    ``on_start(clips to run, workers)``: the workers are ready and the first clips are handed out."""
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
    with interrupts.second_raises():
        try:
            return _analyse(path, test, model, options)
        except KeyboardInterrupt:
            return ClipRow(Path(path).name, "error", STOPPED), None
