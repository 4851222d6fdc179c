"""A batch's CSV and its column legend.

CSV columns: ``clip``, ``status`` (ok | error), ``reason``, ``seconds`` (analysis time), ``warnings``
(count), then one column per metric, ``name`` or ``name_side`` (e.g. ``cadence``,
``knee_flexion_swing_peak_left``), in the order the results give them.
"""

from __future__ import annotations

import csv
from pathlib import Path

from movement_check.batch.run import ClipRow

FIXED = ("clip", "status", "reason", "seconds", "warnings")


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
    from movement_check.assessments.metric_names import legend_csv

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
