"""Leg raises on real clips against labels made by eye (``benchmarks/labels/raises_*.json``).

    python benchmarks/raise_accuracy.py [--model full] [--markdown]

Each label file lists, for one clip, every time a foot left the floor (``foot_off``: the last frame it
touched; ``foot_down``: the first frame it touched again; the steady ``hold`` where there is one), or none
(a lunge or a squat: no leg raise there). The clip goes through the same path as ``movement-check analyse
--test leg-raise`` and the script prints, per clip: lifts labelled and raises found (per side), the
timing error of each found raise's start and end against the nearest labelled foot-off and foot-down (ms
and frames), and the hold time found against the labelled hold. Clips in ``../shared/videos`` are local
only; a missing one is listed as skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.accuracy import LABELS, clip_path  # noqa: E402
from movement_check.analysis import analyse_clip  # noqa: E402
from movement_check.pipeline.extraction import ExtractionSettings  # noqa: E402


def raise_labels() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(LABELS.glob("raises_*.json"))]


def score(labels: dict, result, times: np.ndarray) -> dict:
    """Counts, start/end errors and holds of one clip's raises against its labels."""
    lifts = labels["lifts"]
    starts = [e for e in result.events if e.name == "raise_start"]
    ends = [e for e in result.events if e.name == "raise_end"]
    fps = 1.0 / float(np.median(np.diff(times)))
    row = {"clip": labels["clip"], "labelled": len(lifts),
           "found": next((m.value for m in result.metrics if m.name == "repetitions" and m.side is None), None),
           "start_errors": [], "end_errors": [], "holds": []}
    for lift in lifts:
        for key, found, errors in (("foot_off", starts, row["start_errors"]), ("foot_down", ends, row["end_errors"])):
            if lift.get(key) is None or not found:
                continue
            t = float(np.interp(lift[key], np.arange(len(times)), times))
            nearest = min(found, key=lambda e: abs(e.time_s - t))
            errors.append((nearest.time_s - t) * fps)
        if lift.get("hold"):
            a, b = lift["hold"]
            hold = next((m.value for m in result.metrics if m.name == "hold_time" and m.side == lift["foot"]), None)
            row["holds"].append(((b - a) / fps, hold))
    row["fps"] = fps
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="full")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    head = ("clip", "lifts labelled (foot: off-down frames)", "raises found (side: start-end frames)",
            "start error frames (median abs)", "end error frames (median abs)", "hold labelled / found s")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    for labels in raise_labels():
        path = clip_path(labels["clip"])
        if not path.exists():
            print(f"skipped {labels['clip']}: not at {path}")
            continue
        result, prepared = analyse_clip(path, "leg-raise", ExtractionSettings(model=args.model))
        row = score(labels, result, prepared.poses.times)
        med = lambda xs: "-" if not xs else f"{np.median(np.abs(xs)):.1f} ({', '.join(f'{x:+.1f}' for x in xs)})"  # noqa: E731
        holds = "; ".join(f"{a:.1f} / {'-' if b is None else f'{b:.1f}'}" for a, b in row["holds"]) or "-"
        lifts = ", ".join(f"{x['foot']}: {x['foot_off']}-{x['foot_down']}" for x in labels["lifts"]) or "none"
        found = ", ".join(f"{s.side}: {s.frame}-{e.frame}" for s, e in zip(
            [e for e in result.events if e.name == "raise_start"], [e for e in result.events if e.name == "raise_end"]))
        cells = (row["clip"], f"{row['labelled']} ({lifts})", f"{row['found']} ({found or 'none'})",
                 med(row["start_errors"]), med(row["end_errors"]), holds)
        print("| " + " | ".join(cells) + " |" if args.markdown else "  ".join(f"{h}: {c}" for h, c in zip(head, cells)))


if __name__ == "__main__":
    main()
