"""The command line's clinic-record commands: ``report`` (one visit as PDF or HTML)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError


def add_parsers(sub) -> None:
    rep = sub.add_parser("report", help="one session of the clinic record as a PDF or HTML document")
    rep.add_argument("session", type=int, help="the session's number in the clinic record")
    rep.add_argument("-o", "--output", required=True, metavar="visit.pdf|visit.html",
                     help="where to write the report; .pdf or .html")
    rep.add_argument("--record", metavar="PATH|URL",
                     help="the clinic record (default: the app's, from movement-check.toml or "
                          "MOVEMENT_CHECK_RECORD, else movement-check-data/record.sqlite)")
    rep.add_argument("--no-figures", action="store_true", help="leave the figures out")


def record_location(args: argparse.Namespace) -> str:
    if args.record:
        return args.record
    from .config import load_config

    return load_config().record_location


def run_report(args: argparse.Namespace) -> int:
    from .record import Record, RecordError
    from .report import to_html, to_pdf, visit_report

    out = Path(args.output)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise InputError(f"The report is written as .pdf or .html; {out.name} is neither.")
    if not out.parent.is_dir():
        raise InputError(f"The folder {out.parent} does not exist.")
    location = record_location(args)
    if "://" not in location and not Path(location).is_file():
        raise InputError(f"There is no clinic record at {location} (give --record).")
    try:
        record = Record(location)
        report = visit_report(record, args.session, with_figures=not args.no_figures)
    except RecordError as exc:
        raise InputError(str(exc)) from None
    if out.suffix.lower() == ".pdf":
        to_pdf(report, out)
    else:
        out.write_text(to_html(report), encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0
