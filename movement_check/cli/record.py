"""The command line's clinic commands: ``report`` (one visit as PDF or HTML), ``audit`` (who did what to
which patient) and ``batch`` (a folder of clips through one test, in parallel, to CSV)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from movement_check.cli.options import check_height_cm
from movement_check.errors import InputError, shorten
from movement_check.outputs import atomic, check_file, check_folder, write_file


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

    from movement_check.assessments import TESTS

    bat = sub.add_parser("batch", help="every clip in a folder through one test, in parallel; one CSV row each")
    bat.add_argument("folder", help="the folder of clips (mp4, mov, m4v, webm, avi, mkv)")
    bat.add_argument("--test", required=True, choices=TESTS, help="which test the clips show")
    bat.add_argument("--out", required=True, metavar="results.csv", help="where to write the CSV")
    bat.add_argument("--workers", type=int, default=2,
                     help="worker processes on this computer (default 2; 1 = no extra process)")
    bat.add_argument("--scheduler", metavar="tcp://HOST:8786",
                     help="run on this Dask cluster instead (default: [compute] scheduler in movement-check.toml or "
                          "MOVEMENT_CHECK_SCHEDULER, else this computer; `local`: this computer whatever the "
                          "settings say); its workers must see the folder at the same path")
    bat.add_argument("--redo", action="store_true",
                     help="analyse every clip again (default: clips already done with the same file and settings, "
                          "kept beside the CSV, are not run again)")
    bat.add_argument("--quiet", action="store_true", help="no progress bar")
    bat.add_argument("--model", default="full", help="pose model: full (bundled, default), lite, or a .task file")
    bat.add_argument("--height-cm", type=float, metavar="CM", help="the patients' height, for gait distances")
    bat.add_argument("--export", metavar="trc,mot,fhir,bids",
                     help="also write these exports of each clip (movement-check export) into a folder beside the "
                          "CSV, <CSV name>-exports (clips kept from an earlier run are not exported again: --redo)")


def record_location(args: argparse.Namespace) -> str:
    if args.record:
        return args.record
    from movement_check.config import load_config

    return load_config().record_location


def open_record(args: argparse.Namespace, *, for_filing: bool):
    """The clinic record the command names, opened and checked before any work.

    Filing (``analyse --patient``) creates a new record only at the default location (the app's) or with
    ``--create-record``; its write lock is tried at once. A report only reads: nothing is created or changed.
    Any refusal is an InputError (exit 2)."""
    from movement_check.clinic.record import Record, RecordError

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
    from movement_check.outputs import check_file, write_file
    from movement_check.clinic.record import RecordError
    from movement_check.clinic.report import to_html, to_pdf, visit_report

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

    from movement_check.clinic.record import RecordError

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
    from movement_check.batch.run import clips_in, run_batch, settings_of
    from movement_check.batch.kept_results import ResultStore

    check_height_cm(args.height_cm)
    if not 1 <= args.workers <= 32:
        raise InputError("--workers is 1 to 32.")
    out = check_file(args.out, "CSV")
    clips = clips_in(args.folder)
    scheduler = _scheduler(args.scheduler)
    options = {"height_cm": args.height_cm} if args.height_cm else {}
    store = ResultStore(out, settings_of(args.test, args.model, options))
    if getattr(args, "export", None):           # after the store's settings: exports do not change the numbers
        options["export"] = _exports(args.export, out)
    kept, hashes = ({}, {}) if args.redo else store.kept(clips)
    if kept:
        print(f"batch: {len(kept)} of {len(clips)} clips kept from an earlier run (same file, same settings; "
              f"{store.folder.name}/); --redo analyses them again", file=sys.stderr)
    bar = _ProgressBar(len(clips), kept, hidden=args.quiet or not sys.stderr.isatty())
    try:
        run = run_batch(clips, args.test, workers=args.workers, model=args.model, options=options,
                        progress=lambda done, total, row: _shown(bar, row),
                        on_stop=lambda under_way: bar.note(f"stopping: no new clip; {under_way} under way will "
                                                           "finish (Ctrl-C again to end them now)"),
                        scheduler=scheduler or None, store=store, kept=kept, hashes=hashes,
                        checkpoint=_checkpoints(out),
                        on_retry=lambda clip, why: bar.note(f"{clip}: the worker analysing it was lost ({why}); "
                                                            "trying it once more"),
                        on_start=None if args.quiet else lambda todo, workers: bar.note(
                            f"batch: {todo} clip{'s' if todo != 1 else ''} to analyse on {workers} "
                            f"worker{'s' if workers != 1 else ''}"))
    finally:
        bar.close()
    return _batch_written(run, out)


def _scheduler(given: str | None) -> str:
    """--scheduler: "" for the batch's own workers, else the cluster's address (given, or the config's)."""
    from movement_check.config import load_config, scheduler_address

    if given == "local":
        return ""
    return scheduler_address(given) if given else load_config().scheduler


def _exports(kinds_given: str, out: Path) -> dict:
    """--export: the kinds and the folder beside the CSV they are written to (made now)."""
    from movement_check.exports import parse_kinds

    kinds = parse_kinds(kinds_given)
    folder = check_folder(out.parent / f"{out.stem}-exports", "exports")
    folder.mkdir(exist_ok=True)
    return {"kinds": kinds, "dir": str(folder.resolve())}


def _shown(bar: "_ProgressBar", row) -> None:
    bar.update(row)
    if row.status != "ok":
        bar.note(f"{row.clip}: {row.reason}")


def _checkpoints(out: Path):
    """A checkpoint: a coherent CSV at any moment, rewritten at most every 2 s."""
    from movement_check.batch.table import write_csv

    last_write = [0.0]

    def checkpoint(rows) -> None:
        if time.monotonic() - last_write[0] >= 2.0:
            last_write[0] = time.monotonic()
            try:
                atomic(out, lambda tmp: write_csv(rows, tmp))
            except OSError:
                pass                                       # the write at the end says what is wrong
    return checkpoint


def _batch_written(run, out: Path) -> int:
    """The CSV and its legend written, the summary said; the exit status."""
    from movement_check.batch.table import legend_path, write_csv, write_legend

    rows = run.rows
    failed = [r for r in rows if r.status != "ok"]
    write_file(out, "CSV", lambda tmp: write_csv(rows, tmp))
    write_file(legend_path(out), "CSV's column legend", lambda tmp: write_legend(rows, tmp))
    not_run = run.total - len(rows)
    print(f"batch: {len(rows) - len(failed)} analysed, {len(failed)} failed"
          + (f", {not_run} not run (stopped)" if run.stopped else "")
          + f" of {run.total} clips" + (f" ({run.kept} kept from an earlier run)" if run.kept else "")
          + f"; wrote {out}", file=sys.stderr)
    if run.not_kept:
        print(f"batch: some results could not be kept for a rerun ({run.not_kept}): a rerun analyses those clips "
              "again", file=sys.stderr)
    if run.stopped:
        return 130
    return SOME_FAILED if failed else 0


class _ProgressBar:
    """The terminal's progress bar (tqdm): clips done, failed, rate and time left; hidden, only the notes (a clip
    that failed, stopping) are written."""

    def __init__(self, total: int, kept: dict, *, hidden: bool):
        self.failed = sum(r.status != "ok" for r in kept.values())
        self.bar = None
        if not hidden:
            from tqdm import tqdm

            self.bar = tqdm(total=total, initial=len(kept), unit="clip", desc="batch", file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1,
                            bar_format="{desc} {bar} {n_fmt}/{total_fmt} clips, {postfix} [{elapsed}<{remaining}, "
                                       "{rate_fmt}]")
            self.bar.set_postfix_str(f"{self.failed} failed", refresh=True)

    def update(self, row) -> None:
        self.failed += row.status != "ok"
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.failed} failed", refresh=False)
            self.bar.update(1)

    def note(self, text: str) -> None:
        if self.bar is not None:
            self.bar.write(text, file=sys.stderr)
        else:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
