"""The command line's clinic commands: ``report`` (one visit as PDF or HTML), ``audit`` (who did what to
which patient) and ``batch`` (a folder of clips through one test, in parallel, to CSV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import InputError, shorten


def add_parsers(sub) -> None:
    rep = sub.add_parser("report", help="one session of the clinic record as a PDF or HTML document")
    rep.add_argument("session", type=int, help="the session's number in the clinic record")
    rep.add_argument("-o", "--output", required=True, metavar="visit.pdf|visit.html",
                     help="where to write the report; .pdf or .html")
    rep.add_argument("--record", metavar="PATH|URL",
                     help="the clinic record (default: the app's, from movement-check.toml or "
                          "MOVEMENT_CHECK_RECORD, else movement-check-data/record.sqlite)")
    rep.add_argument("--no-figures", action="store_true", help="leave the figures out")

    aud = sub.add_parser("audit", help="the clinic record's audit log: who did what to which patient, newest first")
    aud.add_argument("--record", metavar="PATH|URL", help="the clinic record (default: the app's)")
    aud.add_argument("--patient", metavar="ID", help="only this patient's entries")
    aud.add_argument("--who", metavar="WHO", help='only this person\'s, as the log names them ("therapist jdoe")')
    aud.add_argument("--since", metavar="YYYY-MM-DD", help="only entries from this day on (UTC)")
    aud.add_argument("--limit", type=int, default=200, help="at most this many entries (default 200; 0 = all)")

    from .assessments import TESTS

    bat = sub.add_parser("batch", help="every clip in a folder through one test, in parallel; one CSV row each")
    bat.add_argument("folder", help="the folder of clips (mp4, mov, m4v, webm, avi, mkv)")
    bat.add_argument("--test", required=True, choices=TESTS, help="which test the clips show")
    bat.add_argument("--out", required=True, metavar="results.csv", help="where to write the CSV")
    bat.add_argument("--workers", type=int, default=2, help="worker processes (default 2; 1 = no extra process)")
    bat.add_argument("--model", default="full", help="pose model: full (bundled, default), lite, or a .task file")
    bat.add_argument("--height-cm", type=float, metavar="CM", help="the patients' height, for gait distances")
    bat.add_argument("--export", metavar="trc,mot,fhir,bids",
                     help="also write these exports of each clip (movement-check export) into a folder beside the "
                          "CSV, <CSV name>-exports")


def record_location(args: argparse.Namespace) -> str:
    if args.record:
        return args.record
    from .config import load_config

    return load_config().record_location


def open_record(args: argparse.Namespace, *, for_filing: bool):
    """The clinic record the command names, opened and checked before any work.

    Filing (``analyze --patient``) creates a new record only at the default location (the app's) or with
    ``--create-record``; its write lock is tried at once. A report only reads: nothing is created or changed.
    Any refusal is an InputError (exit 2)."""
    from .record import Record, RecordError

    location = record_location(args)
    default = not args.record
    try:
        if not for_filing:
            return Record(location, read_only=True)
        record = Record(location, create=default or getattr(args, "create_record", False), make_folder=default)
        try:
            record.check_writable()
        except RecordError:
            record.close()
            raise
        return record
    except RecordError as exc:
        raise InputError(f"Clinic record: {exc}.") from None


def run_report(args: argparse.Namespace) -> int:
    from .outputs import check_file, write_file
    from .record import RecordError
    from .report import to_html, to_pdf, visit_report

    out = Path(args.output)
    if out.suffix.lower() not in (".pdf", ".html", ".htm"):
        raise InputError(f"The report is written as .pdf or .html; {shorten(out.name)} is neither.")
    check_file(out, "report")
    record = open_record(args, for_filing=False)
    try:
        report = visit_report(record, args.session, with_figures=not args.no_figures)
    except RecordError as exc:
        raise InputError(str(exc)) from None
    finally:
        record.close()
    if out.suffix.lower() == ".pdf":
        write_file(out, "report", lambda tmp: to_pdf(report, tmp))
    else:
        html = to_html(report)
        write_file(out, "report", lambda tmp: Path(tmp).write_text(html, encoding="utf-8"))
    print(f"wrote {out}", file=sys.stderr)
    return 0


def run_audit(args: argparse.Namespace) -> int:
    """Print the audit log's entries, one a line, newest first (the record is only read)."""
    from datetime import date

    from .record import RecordError

    if args.since:
        try:
            date.fromisoformat(args.since)
        except ValueError:
            raise InputError(f"--since is a day as YYYY-MM-DD; got {shorten(args.since)}.") from None
    if args.limit < 0:
        raise InputError("--limit is 0 (all) or more.")
    record = open_record(args, for_filing=False)
    try:
        entries = record.audit_entries(patient_id=args.patient, who=args.who, since=args.since,
                                       limit=args.limit or None)
    except RecordError as exc:
        raise InputError(f"Clinic record: {exc}.") from None
    finally:
        record.close()
    for entry in entries:
        print(entry.line())
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", file=sys.stderr)
    return 0


SOME_FAILED = 3          # batch's exit status when some clips could not be analysed (README)


def run_batch_command(args: argparse.Namespace) -> int:
    """Exit status: 0 every clip analysed; 3 some (or all) clips not analysed, each listed with its reason;
    130 stopped by Ctrl-C (the finished rows written); 2 bad input, nothing run."""
    from .batch import clips_in, run_batch, write_csv
    from .cli import check_height_cm
    from .outputs import check_file, write_file

    check_height_cm(args.height_cm)
    if not 1 <= args.workers <= 32:
        raise InputError("--workers is 1 to 32.")
    out = check_file(args.out, "CSV")
    clips = clips_in(args.folder)
    shown = sys.stderr.isatty()

    def progress(done: int, total: int, row) -> None:
        bar = "#" * int(30 * done / total)
        note = "" if row.status == "ok" else f"  {row.clip}: {row.reason}"
        if shown:
            sys.stderr.write(f"\rbatch [{bar:<30}] {done}/{total} clips" + ("\n" + note.strip() + "\n" if note else ""))
        elif note:
            sys.stderr.write(note.strip() + "\n")
        sys.stderr.flush()

    def stopping(under_way: int) -> None:
        sys.stderr.write(f"\nstopping: no new clip; {under_way} under way will finish (Ctrl-C again to end them "
                         "now)\n")
        sys.stderr.flush()

    options = {"height_cm": args.height_cm} if args.height_cm else {}
    if getattr(args, "export", None):
        from .exports import parse_kinds
        from .outputs import check_folder

        kinds = parse_kinds(args.export)
        folder = check_folder(out.parent / f"{out.stem}-exports", "exports")
        folder.mkdir(exist_ok=True)
        options["export"] = {"kinds": kinds, "dir": str(folder)}
    run = run_batch(clips, args.test, workers=args.workers, model=args.model, options=options, progress=progress,
                    on_stop=stopping)
    rows = run.rows
    failed = [r for r in rows if r.status != "ok"]
    if shown:
        sys.stderr.write("\n")
    write_file(out, "CSV", lambda tmp: write_csv(rows, tmp))
    not_run = run.total - len(rows)
    print(f"batch: {len(rows) - len(failed)} analysed, {len(failed)} failed"
          + (f", {not_run} not run (stopped)" if run.stopped else "")
          + f" of {run.total} clips; wrote {out}", file=sys.stderr)
    if run.stopped:
        return 130
    return SOME_FAILED if failed else 0
