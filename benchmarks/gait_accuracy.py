"""Gait events and cadence against labels made by eye on every real walking clip we have.

    python benchmarks/gait_accuracy.py [--model full] [--rates] [--markdown]

For each clip with a label file in ``benchmarks/labels/`` (see ``benchmarks/accuracy.py`` for how they
are scored), runs the clip through the same path as ``movement-check analyse --test gait`` and prints,
per clip: heel-strike and toe-off recall and precision within 1 and 2 frames, median |timing error|
(ms and frames), cadence against the labels' cadence (%), and mean step time against the labels' (ms).
Clips in ``../shared/videos`` are local only; a missing one is listed as skipped.

``--paces``: also each walk 0.8-2.1 times slower (``PACES``), cadence against the full-pace one / k.

``--rates``: also the same walks at 25, 20, 15 and 12 frames a second and with 30 % of the frames dropped
unevenly (the landmark track thinned out, as a slower or stuttering camera would deliver it; ``DRAWS`` random
draws), with each cadence against the full-rate one; and each rate again from each of the clip's first ``STARTS``
frames (which frames a slower camera catches depends on when it started: one start said too little, as one draw of
dropped frames did).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import accuracy as acc  # noqa: E402
from movement_check.analysis import assess, prepare  # noqa: E402
from movement_check.pipeline.cleaning import clean  # noqa: E402
from movement_check.assessments.gait.assess import assess as assess_gait  # noqa: E402
from movement_check.pipeline.extraction import ExtractionSettings  # noqa: E402
from movement_check.body.poses import Poses  # noqa: E402

RATES = (25, 20, 15, 12)
#: ``--paces``: each walk this many times slower (every time stretched: the same steps at a slower pace, seen at a
#: lower frame rate; 1.8 and 2.1 make the lab walk 69 and 60 steps a minute)
PACES = (0.8, 1.25, 1.5, 1.8, 2.1)


def thinned(raw: Poses, fps: float | None = None, *, drop: float = 0.0, seed: int = 0) -> Poses:
    """The track as a camera at ``fps`` would give it (the newest frame at each tick), or with ``drop`` of the
    frames missing at random (uneven intervals)."""
    t = raw.times
    if fps:
        grid = np.arange(t[0], t[-1] + 1e-9, 1.0 / fps)
        keep = np.unique(np.searchsorted(t, grid + 1e-6, side="right") - 1)
    else:
        rng = np.random.default_rng(seed)
        keep = np.sort(rng.choice(len(t), size=int(round(len(t) * (1 - drop))), replace=False))
    return Poses(times=t[keep], image=raw.image[keep], world=raw.world[keep], visibility=raw.visibility[keep],
                 presence=raw.presence[keep], frame_size=raw.frame_size, source=raw.source)


def slower(raw: Poses, k: float) -> Poses:
    """The track with every time stretched ``k`` times: the same walk at 1/k of its pace."""
    return Poses(times=raw.times * k, image=raw.image, world=raw.world, visibility=raw.visibility,
                 presence=raw.presence, frame_size=raw.frame_size, source=raw.source)


def pace_cells(raw: Poses, full: float | None) -> list[str]:
    """Cadence at each of PACES against the full-pace one / k: the error (%) and its stated standard errors."""
    cells = []
    for k in PACES:
        m = next(m for m in assess_gait(clean(slower(raw, k))[0]).metrics if m.name == "cadence")
        if m.value is None or full is None:
            cells.append("-")
            continue
        error = m.value - full / k
        cells.append(f"{100 * error / (full / k):+.1f} % ({abs(error) / m.uncertainty:.1f} SE)" if m.uncertainty
                     else f"{100 * error / (full / k):+.1f} %")
    return cells


def cadence_of(result) -> float | None:
    m = next(m for m in result.metrics if m.name == "cadence")
    return m.value


def clip_row(labels: acc.ClipLabels, result, times: np.ndarray) -> dict:
    """The figures of one clip's result against its labels."""
    row = {"clip": labels.clip, "view": labels.view}
    for event, key in (("heel_strike", "hs"), ("toe_off", "to")):
        score = acc.score_events(labels, event, [e.time_s for e in result.events if e.name == event], times)
        row[key] = score
    label_cadence = acc.labelled_cadence(labels, times)
    cadence = cadence_of(result)
    row["cadence"] = (label_cadence, cadence)
    row["sides"] = acc.sides_right(labels, [(e.time_s, e.side) for e in result.events if e.name == "heel_strike"],
                                   times)
    steps = acc.labelled_step_times(labels, times)
    found = [m.value for m in result.metrics if m.name == "step_time" and m.value is not None]
    hs = sorted(e.time_s for e in result.events if e.name == "heel_strike")
    detected_steps = [b - a for a, b in zip(hs[:-1], hs[1:]) if b - a < 1.6 * np.median(np.diff(hs))] \
        if len(hs) > 2 else []
    row["step_time"] = (float(np.mean(steps)) if steps else float("nan"),
                        float(np.mean(detected_steps)) if detected_steps else float("nan"), found)
    return row


def _pct(x: float) -> str:
    return "-" if not np.isfinite(x) else f"{100 * x:.0f}"


def print_table(rows: list[dict], markdown: bool) -> None:
    head = ("clip", "HS recall @1/@2 %", "HS precision @2 %", "HS median |error| ms (frames)",
            "TO recall @1/@2 %", "TO precision @2 %", "TO median |error| ms (frames)",
            "cadence labels / found (error %)", "step time labels / found ms", "sides right")
    lines = []
    for r in rows:
        hs, to = r["hs"], r["to"]
        lab, got = r["cadence"]
        err = "-" if got is None or not np.isfinite(lab) else f"{100 * (got - lab) / lab:+.1f}"
        st_lab, st_got, _ = r["step_time"]
        lines.append((r["clip"] + ("" if r["view"] == "side" else f" ({r['view']})"),
                      f"{_pct(hs.recall(1))}/{_pct(hs.recall(2))} of {hs.labelled}", _pct(hs.precision(2)),
                      f"{hs.median_abs_error_ms():.0f} ({hs.median_abs_error_frames():.2f})",
                      f"{_pct(to.recall(1))}/{_pct(to.recall(2))} of {to.labelled}", _pct(to.precision(2)),
                      f"{to.median_abs_error_ms():.0f} ({to.median_abs_error_frames():.2f})",
                      f"{lab:.1f} / {'-' if got is None else f'{got:.1f}'} ({err})",
                      f"{1000 * st_lab:.0f} / {1000 * st_got:.0f}",
                      f"{r['sides'][0]} of {r['sides'][1]}" if r["sides"][1] else "withheld"))
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        for line in lines:
            print("  ".join(f"{h}: {v}" for h, v in zip(head, line)))


#: draws of 30 % of the frames dropped at random: one draw says little (on the limp, draw 1 gave -2.6 %, draw 4 -9.8 %)
DRAWS = 10


def dropped_cell(raw: Poses, full: float | None) -> str:
    """Cadence with 30 % of the frames dropped unevenly, over DRAWS draws against the full-rate ``full``: how many
    were within 3 % or withheld, the median and the worst error (%) of those given."""
    if full is None:
        return "-"
    values = [cadence_of(assess_gait(clean(thinned(raw, drop=0.3, seed=seed))[0])) for seed in range(DRAWS)]
    errors = [100 * (v - full) / full for v in values if v is not None]
    good = sum(abs(e) <= 3.0 for e in errors) + values.count(None)
    worst = max(errors, key=abs) if errors else None
    return (f"{good}/{DRAWS} ({values.count(None)} withheld); "
            + (f"{np.median(np.abs(errors)):.1f} %, {worst:+.1f} %" if errors else "all withheld"))


#: ``--rates``: each lower rate also taken from each of the clip's first STARTS frames
STARTS = 6


def started_at(raw: Poses, k: int) -> Poses:
    """The track from its frame ``k`` on (a camera started ``k`` frames later)."""
    return Poses(times=raw.times[k:], image=raw.image[k:], world=raw.world[k:], visibility=raw.visibility[k:],
                 presence=raw.presence[k:], frame_size=raw.frame_size, source=raw.source)


def starts_cell(raw: Poses, fps: float, full: float | None) -> str:
    """Cadence at ``fps`` from each of the first STARTS frames against the full-rate ``full``: how many were within
    3 % or withheld, and the worst error (%) of those given with its stated standard errors."""
    if full is None:
        return "-"
    found = [next(m for m in assess_gait(clean(thinned(started_at(raw, k), fps))[0]).metrics if m.name == "cadence")
             for k in range(STARTS)]
    given = [m for m in found if m.value is not None]
    good = sum(abs(m.value - full) <= 0.03 * full for m in given) + len(found) - len(given)
    if not given:
        return f"{good}/{STARTS} (all withheld)"
    worst = max(given, key=lambda m: abs(m.value - full))
    error = 100 * (worst.value - full) / full
    se = f" ({abs(worst.value - full) / worst.uncertainty:.1f} SE)" if worst.uncertainty else ""
    return f"{good}/{STARTS} ({len(found) - len(given)} withheld); worst {error:+.1f} %{se}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="full")
    parser.add_argument("--rates", action="store_true", help="also thinned to lower and uneven frame rates")
    parser.add_argument("--paces", action="store_true", help="also each walk at slower and faster paces")
    parser.add_argument("--markdown", action="store_true", help="print tables as Markdown (for the README)")
    args = parser.parse_args()
    rows, rate_rows, pace_rows, start_rows = [], [], [], []
    for labels in acc.all_labels():
        if not labels.path.exists():
            print(f"skipped {labels.clip}: not at {labels.path}")
            continue
        prepared = prepare(labels.path, ExtractionSettings(model=args.model), subject="walker")
        result = assess("gait", prepared)
        rows.append(clip_row(labels, result, prepared.poses.times))
        if args.rates:
            full = cadence_of(result)
            cells = []
            for fps in RATES:
                value = cadence_of(assess_gait(clean(thinned(prepared.raw, fps))[0]))
                cells.append("-" if value is None or full is None else f"{value:.1f} ({100 * (value - full) / full:+.1f} %)")
            cells.append(dropped_cell(prepared.raw, full))
            rate_rows.append((labels.clip, "-" if full is None else f"{full:.1f}", *cells))
            start_rows.append((labels.clip, *(starts_cell(prepared.raw, fps, full) for fps in RATES)))
        if args.paces:
            full = cadence_of(result)
            pace_rows.append((labels.clip, "-" if full is None else f"{full:.1f}", *pace_cells(prepared.raw, full)))
    print_table(rows, args.markdown)
    if args.paces:
        print()
        _print_rows(("clip", "cadence at its pace", *(f"times x {k:g}" for k in PACES)), pace_rows, args.markdown)
    if args.rates:
        head = ("clip", "cadence at the clip's rate", *(f"{r} fps" for r in RATES),
                f"30 % dropped unevenly ({DRAWS} draws): within 3 % or withheld; median, worst error")
        print()
        _print_rows(head, rate_rows, args.markdown)
        print()
        _print_rows(("clip", *(f"{r} fps from each of the first {STARTS} frames: within 3 % or withheld; worst"
                               for r in RATES)), start_rows, args.markdown)


def _print_rows(head: tuple, rows: list[tuple], markdown: bool) -> None:
    if markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |" if markdown else "  ".join(f"{h}: {v}" for h, v in zip(head, r)))


if __name__ == "__main__":
    main()
