"""Many clips through one test, in parallel worker processes: one CSV row per clip.

Each clip runs :func:`movement_check.analysis.analyze_clip` in a worker process of its own
(``spawn``: each worker loads the pose model once and never shares a MediaPipe graph). A clip that
fails (not a video, corrupt, no person in view, ...) gets a row with status ``error`` and the reason
in words; the others go on. Rows come out in the folder's (sorted) order, whatever order the workers
finish in.

CSV columns: ``clip``, ``status`` (ok | error), ``reason``, ``seconds`` (analysis time), ``warnings``
(count), then one column per metric, ``name`` or ``name_side`` (e.g. ``cadence``,
``knee_flexion_swing_peak_left``), in the order the results give them.
"""

from __future__ import annotations

import csv
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
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
    try:
        result, _ = analyze_clip(path, test, ExtractionSettings(model=model), **options)
    except InputError as exc:
        return ClipRow(Path(path).name, "error", str(exc), time.monotonic() - t0)
    except Exception as exc:  # an internal error: listed, the batch goes on
        return ClipRow(Path(path).name, "error", f"internal error ({type(exc).__name__}: {exc})",
                       time.monotonic() - t0)
    metrics = {(m.name if m.side is None else f"{m.name}_{m.side}"): m.value for m in result.metrics}
    return ClipRow(Path(path).name, "ok", "", time.monotonic() - t0, len(result.warnings), metrics)


def run_batch(clips: list[Path], test: str, *, workers: int = 2, model: str = "full", options: dict | None = None,
              progress: Callable[[int, int, ClipRow], None] | None = None) -> list[ClipRow]:
    """Every clip through ``test``; rows in the order of ``clips``."""
    options = options or {}
    rows: dict[int, ClipRow] = {}
    if workers <= 1:
        for i, clip in enumerate(clips):
            rows[i] = analyse_one(str(clip), test, model, options)
            if progress:
                progress(len(rows), len(clips), rows[i])
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {pool.submit(analyse_one, str(clip), test, model, options): i for i, clip in enumerate(clips)}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    rows[i] = future.result()
                except Exception as exc:  # the worker itself died (e.g. out of memory)
                    rows[i] = ClipRow(clips[i].name, "error", f"the worker stopped ({type(exc).__name__}: {exc})")
                if progress:
                    progress(len(rows), len(clips), rows[i])
    return [rows[i] for i in range(len(clips))]


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
