"""One document per visit for the clinical record, as HTML and PDF.

What it holds, in the order a physiotherapist reads it: the patient (pseudonymous ID) and the visit, the
red flags of the check-in, then each test's confidence and findings (:mod:`movement_check.findings.summary`) on
the first page; then the check-in's answers, each test's measures with plain names, normal ranges and
flags (:mod:`movement_check.findings.metric_table`), its warnings and figures, the key metrics beside the
previous visit's, and what one camera can and cannot measure. Both formats are made here from the
same :class:`VisitReport`; the PDF is drawn with matplotlib (already used for the figures), so no
other program is needed and nothing leaves the machine.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from movement_check import __version__
from movement_check.findings.confidence import confidence
from movement_check.findings.figure_sets import figure_pngs
from movement_check.assessments import ALL_TESTS
from movement_check.findings.summary import ABNORMAL, findings
from movement_check.clinic.history import Change, changes, previous_visit
from movement_check.assessments.metric_names import attach
from movement_check.findings.metric_table import display_rows, other_posture_tables
from movement_check.body.poses import Poses
from movement_check.clinic.protocol import BY_KEY
from movement_check.clinic.record import KINDS, Record, SessionRecord

TEST_TITLES = {t.name: t.title for t in ALL_TESTS}

CAMERA_LIMITS = (
    "One ordinary camera sees the body in two dimensions. Angles in the plane facing the camera (knee and "
    "hip bending seen side-on; trunk and pelvis tilt seen from the front) are measured within a few degrees; "
    "a pelvic drop while walking carries its uncertainty from the landmarks' jitter, and is not given where "
    "the hips are too few pixels apart to read it.",
    "Rotation about the leg's own axis and foot angles in the floor plane are seen poorly from one camera: "
    "foot progression angles carry an uncertainty stated beside each value, and small asymmetries are "
    "within it.",
    "Toe clearance in swing (1-2 cm in healthy walking) is below what the camera resolves; the toe-height "
    "figure compares the two sides, it does not measure clearance.",
    "Distances and speeds need the patient's height for scale; without it they are not reported.",
    "The pose model estimates joint centres from the image; loose clothing, poor light, and a body part "
    "out of view lower the quality, which each test's warnings state.",
)


@dataclass
class VisitReport:
    session: SessionRecord
    initials: str | None
    previous: SessionRecord | None
    changes: list[Change]
    figures: dict[int, dict[str, bytes]] = field(default_factory=dict)   # test id -> name -> PNG


def visit_report(record: Record, session_id: int, *, with_figures: bool = True) -> VisitReport:
    """The report of one session (visit, home check or upload) from the clinic record."""
    session = record.session(session_id)
    history = record.sessions(session.patient_id)
    before = previous_visit(history, session_id) if session.kind == "visit" else None
    initials = dict(record.patients()).get(session.patient_id)
    figures = {}
    if with_figures:
        for test in session.tests:
            data = record.trajectory(test.id) if test.has_trajectory else None
            if data:
                figures[test.id] = figure_pngs(test.test, Poses.from_npz_bytes(data), dpi=100)
    return VisitReport(session=session, initials=initials, previous=before, changes=changes(session, before),
                       figures=figures)


# -- the content, shared by both formats ----------------------------------------------------------------------

def _heading(r: VisitReport) -> list[str]:
    s = r.session
    who = f"Patient {s.patient_id}" + (f" ({r.initials})" if r.initials else "")
    lines = [who, f"{KINDS[s.kind]}, {s.started_at[:16].replace('T', ' ')} UTC"
             + (f", therapist {s.therapist}" if s.therapist else "")]
    return lines


def _fmt(value, unit: str | None = None) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, float):
        value = f"{value:.2f}" if abs(value) < 10 and unit == "s" else f"{value:.1f}"
    return attach(str(value), unit)                       # the unit as written: "52.2°", "12.0%", "3.0/10"


def metric_rows(result: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, side, value, normal range, flag) for each metric of a result, as a person reads them:
    plain names, flagged rows first, blanks for nothing (:func:`movement_check.findings.metric_table.display_rows`)."""
    return [(r["Measure"], r["Side"], r["Value"] or "not measured", r["Normal range"], r["Flag"])
            for r in display_rows(result)]


def test_title(test) -> str:
    """"Gait: Walk across the room (side view)" for a live visit's step (the title the therapist chose it by),
    "Gait" for a clip's test."""
    title = TEST_TITLES.get(test.test, test.test)
    if not test.step:
        return title
    return f"{title}: {BY_KEY[test.step].title}" if test.step in BY_KEY else f"{title} ({test.step})"


def summary(test) -> tuple[str, list[tuple[str, str]]]:
    """One test's confidence line and its findings as (kind, line), for the report's first page."""
    conf = confidence(test.result)
    head = f"Confidence: {conf.level} - {conf.reason}"
    if conf.reasons and conf.basis:
        head += f" ({conf.basis})"
    return head, [(f.kind, f.text if f.sure == conf.basis else f.line) for f in findings(test.result, conf)]


def red_flags(report: VisitReport) -> list[str]:
    """The check-in's red flags and what to do (empty when none was ticked or nothing was asked)."""
    checkin = report.session.checkin
    return [] if checkin is None else checkin.advice()


def change_rows(report: VisitReport) -> list[tuple[str, str, str, str, str]]:
    def signed(c: Change) -> str:
        d = c.difference
        return "-" if d is None else ("+" if d >= 0 else "-") + _fmt(abs(d), c.unit)
    return [(c.label, c.side or "", _fmt(c.before, c.unit), _fmt(c.now, c.unit), signed(c)) for c in report.changes]


# -- HTML ---------------------------------------------------------------------------------------------------

def to_html(report: VisitReport) -> str:
    """A self-contained HTML page (figures embedded), for a browser or the clinic's record system."""
    e = html.escape
    s = report.session
    parts = ["<!doctype html><html><head><meta charset='utf-8'><title>movement-check report</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
             "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.2em .5em;"
             "text-align:left}.flag{color:#b00;font-weight:bold}.red{background:#fdd;padding:.5em;"
             "border:2px solid #b00}img{max-width:100%}</style></head><body>",
             "<h1>movement-check visit report</h1>"]
    parts += [f"<p>{e(line)}</p>" for line in _heading(report)]
    flags = red_flags(report)
    if flags:
        parts.append("<div class='red'>" + "<br>".join(e(a) for a in flags) + "</div>")
    parts.append("<h2>Findings</h2>")
    if not s.tests:
        parts.append("<p>No test was recorded in this session.</p>")
    for test in s.tests:
        head, lines = summary(test)
        parts.append(f"<h3>{e(test_title(test))}</h3><p><b>{e(head)}</b></p><ul>"
                     + "".join(f"<li class='flag'>{e(t)}</li>" if k == ABNORMAL else f"<li>{e(t)}</li>"
                               for k, t in lines) + "</ul>")
    parts.append("<h2>Check-in</h2>")
    if s.checkin is None:
        parts.append("<p>No check-in was recorded.</p>")
    else:
        parts.append(_html_table(("Question", "Answer"), s.checkin.summary()))
    for test in s.tests:
        parts.append(f"<h2>{e(test_title(test))}: all measures</h2>")
        parts.append(_html_table(("Measure", "Side", "Value", "Normal range", "Flag"),
                                 metric_rows(test.result), flag_column=4))
        for heading, part in other_posture_tables(test.result):
            parts.append(f"<h3>{e(heading)}</h3>")
            parts.append(_html_table(("Measure", "Side", "Value", "Normal range", "Flag"), metric_rows(part),
                                     flag_column=4))
        warnings = test.result.get("warnings", [])
        if warnings:
            parts.append("<p><b>Warnings</b></p><ul>" + "".join(f"<li>{e(w)}</li>" for w in warnings) + "</ul>")
        for name, png in report.figures.get(test.id, {}).items():
            parts.append(f"<p><img alt='{e(name)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>")
    parts.append("<h2>Compared with the previous visit</h2>")
    if report.previous is None:
        parts.append("<p>No earlier visit of this patient in the record.</p>")
    else:
        parts.append(f"<p>Previous visit: {e(report.previous.started_at[:10])}</p>")
        parts.append(_html_table(("Measure", "Side", "Before", "Now", "Change"), change_rows(report)))
    parts.append("<h2>What one camera can and cannot measure</h2><ul>"
                 + "".join(f"<li>{e(t)}</li>" for t in CAMERA_LIMITS) + "</ul>")
    parts.append(f"<p><small>movement-check {e(__version__)}. Normal ranges and flags cite their sources in "
                 "the software's documentation (CLINICAL.md); a value without a range has no validated "
                 "cut-off.</small></p></body></html>")
    return "\n".join(parts)


def _html_table(head, rows, *, flag_column: int | None = None) -> str:
    e = html.escape
    out = ["<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = [f"<td class='flag'>{e(str(c))}</td>" if i == flag_column and c else f"<td>{e(str(c))}</td>"
                 for i, c in enumerate(row)]
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(out) + "</table>"


# -- PDF ----------------------------------------------------------------------------------------------------

A4 = (8.27, 11.69)           # inches
MARGIN = 0.6


class _Pages:
    """Text, tables and images flowed down A4 pages of a PdfPages file."""

    def __init__(self, pdf: PdfPages):
        self.pdf = pdf
        self.fig: Figure | None = None
        self.y = 0.0

    def _new_page(self) -> None:
        self.flush()
        self.fig = Figure(figsize=A4)
        self.y = A4[1] - MARGIN

    def _room(self, height: float) -> None:
        if self.fig is None or self.y - height < MARGIN:
            self._new_page()

    def text(self, line: str, *, size: float = 9.5, bold: bool = False, color: str = "black",
             wrap: int = 105, indent: float = 0.0) -> None:
        for piece in textwrap.wrap(line, wrap) or [""]:
            height = size / 72 * 1.45
            self._room(height)
            self.y -= height
            self.fig.text((MARGIN + indent) / A4[0], self.y / A4[1], piece, fontsize=size, color=color,
                          fontweight="bold" if bold else "normal", va="bottom", ha="left")

    def table(self, head, rows, widths, *, flag_column: int | None = None) -> None:
        """Rows of cells in columns ``widths`` inches wide; a cell longer than its column wraps onto more
        lines (at ~15 characters an inch at 8.5 pt), so nothing is cut off."""
        x = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
        line = 9 / 72 * 1.5
        for r, row in enumerate([head] + list(rows)):
            cells = [textwrap.wrap(str(cell), max(4, int(w * 15))) or [""] for cell, w in zip(row, widths)]
            height = line * max(len(c) for c in cells)
            self._room(height)
            for i, pieces in enumerate(cells):
                color = "#b00000" if (i == flag_column and r and row[i]) else "black"
                for k, piece in enumerate(pieces):
                    self.fig.text(x[i] / A4[0], (self.y - line * (k + 1)) / A4[1], piece, fontsize=8.5,
                                  fontweight="bold" if r == 0 else "normal", color=color, va="bottom")
            self.y -= height

    def image(self, png: bytes, *, width: float = A4[0] - 2 * MARGIN) -> None:
        from matplotlib.image import imread

        pixels = imread(io.BytesIO(png), format="png")
        height = width * pixels.shape[0] / pixels.shape[1]
        self._room(height + 0.1)
        self.y -= height + 0.1
        ax = self.fig.add_axes([MARGIN / A4[0], self.y / A4[1], width / A4[0], height / A4[1]])
        ax.imshow(np.asarray(pixels))
        ax.set_axis_off()

    def flush(self) -> None:
        if self.fig is not None:
            self.pdf.savefig(self.fig)
            self.fig = None


def to_pdf(report: VisitReport, out: str | Path | BinaryIO) -> None:
    """The report as an A4 PDF (text as real, searchable text), to a file path or a binary file object
    (a page's download: nothing written to disk)."""
    s = report.session
    with rc_context({"pdf.fonttype": 42}), PdfPages(out, metadata={"Title": "movement-check visit report",
                                                                    "Creator": f"movement-check {__version__}"}) as pdf:
        pages = _Pages(pdf)
        pages.text("movement-check visit report", size=16, bold=True)
        for line in _heading(report):
            pages.text(line, size=11)
        for line in red_flags(report):
            pages.text(line, color="#b00000", bold=True, wrap=88)
        pages.text("")
        pages.text("Findings", size=13, bold=True)
        if not s.tests:
            pages.text("No test was recorded in this session.")
        for test in s.tests:
            head, lines = summary(test)
            pages.text(test_title(test), size=11, bold=True)
            pages.text(head, bold=True, wrap=95)
            for kind, line in lines:
                pages.text("- " + line, color="#b00000" if kind == ABNORMAL else "black", indent=0.15, wrap=100)
        pages.text("")
        pages.text("Check-in", size=13, bold=True)
        if s.checkin is None:
            pages.text("No check-in was recorded.")
        else:
            pages.table(("Question", "Answer"), s.checkin.summary(), (2.6, 4.4))
        for test in s.tests:
            pages.text("")
            pages.text(test_title(test) + ": all measures", size=13, bold=True)
            pages.table(("Measure", "Side", "Value", "Normal range", "Flag"), metric_rows(test.result),
                        (2.5, 0.5, 1.3, 1.3, 1.45), flag_column=4)
            for heading, part in other_posture_tables(test.result):
                pages.text(heading, size=11, bold=True)
                pages.table(("Measure", "Side", "Value", "Normal range", "Flag"), metric_rows(part),
                            (2.5, 0.5, 1.3, 1.3, 1.45), flag_column=4)
            for w in test.result.get("warnings", []):
                pages.text("Warning: " + w, color="#7a4a00")
            for png in report.figures.get(test.id, {}).values():
                pages.image(png)
        pages.text("")
        pages.text("Compared with the previous visit", size=13, bold=True)
        if report.previous is None:
            pages.text("No earlier visit of this patient in the record.")
        else:
            pages.text(f"Previous visit: {report.previous.started_at[:10]}")
            pages.table(("Measure", "Side", "Before", "Now", "Change"), change_rows(report),
                        (2.6, 0.6, 1.3, 1.3, 1.2))
        pages.text("")
        pages.text("What one camera can and cannot measure", size=13, bold=True)
        for t in CAMERA_LIMITS:
            pages.text("- " + t)
        pages.text("")
        pages.text(f"movement-check {__version__}. A value without a normal range has no validated cut-off.",
                   size=8)
        pages.flush()
