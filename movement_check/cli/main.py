"""The ``movement-check`` command.

    movement-check extract CLIP -o poses.npz [--csv poses.csv] [--annotated OUT.mp4]
    movement-check analyse CLIP --test {gait,leg-raise,foot-rotation} [--json OUT|-]
    movement-check export CLIP_OR_NPZ [--trc OUT.trc] [--mot OUT.mot] [--fhir OUT.json] [--bids DIR]

Exit status: 0 on success, 2 on bad input (one line on stderr saying what to
do), 1 on an internal error (one line; ``--debug`` shows the traceback),
130 when interrupted. A user never sees a traceback by default.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from movement_check.cli.parser import build_parser, clip_settings, test_options
from movement_check.errors import InputError, OutputError, one_line


class ProgressBar:
    """A one-line progress bar on stderr, shown only on a terminal and for clips over ~3 s."""

    def __init__(self, label: str, *, enabled: bool):
        self.label = label
        self.enabled = enabled
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or (total and total < 90):
            return
        now = time.monotonic()
        if now - self._last < 0.2 and done != total:
            return
        self._last = now
        if total:
            frac = min(1.0, done / total)
            bar = "#" * int(30 * frac)
            line = f"\r{self.label} [{bar:<30}] {done}/{total} frames"
        else:
            line = f"\r{self.label} {done} frames"
        sys.stderr.write(line)
        sys.stderr.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()






def findings_text(result: dict) -> str:
    """The test's confidence and findings, as the therapist reads them (:mod:`movement_check.findings.summary`)."""
    from movement_check.findings.summary import summary_lines

    return "\n".join(summary_lines(result))


def _summary(prepared) -> str:
    raw = prepared.raw
    subject = prepared.extraction.subject
    seen = raw.frames_with_person
    line = (f"{len(raw)} frames, person found in {int(seen.sum())} ({seen.mean():.0%}); "
            f"subject: person {subject.person.number}, {subject.reason}")
    return line


def _check_outputs(args) -> None:
    """Every output the command will write, checked before any work (exit 2 naming the user's path)."""
    from movement_check.outputs import check_file, check_folder

    for path, what in ((getattr(args, "output", None), "output"), (getattr(args, "csv", None), "CSV"),
                       (args.annotated, "annotated video"), (getattr(args, "json", None), "JSON")):
        if path not in (None, "-"):
            check_file(path, what, not_over=args.clip)
    if getattr(args, "figures", None):
        check_folder(args.figures, "figures")


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from movement_check.analysis import prepare  # heavy imports only once arguments are fine
    from movement_check.service import analyse

    if args.command == "hash-password":
        return _hash_password(args.name)
    if args.command == "export":
        from movement_check.cli.export import run_export

        return run_export(args)
    if args.command in ("report", "batch", "audit"):
        from movement_check.cli.record import run_audit, run_batch_command, run_report

        return {"report": run_report, "batch": run_batch_command, "audit": run_audit}[args.command](args)
    _check_outputs(args)
    record = _check_patient(args) if getattr(args, "patient", None) else None
    settings, cleaning = clip_settings(args)
    options = test_options(args) if args.command == "analyse" else {}
    progress = ProgressBar("pose", enabled=not args.quiet and sys.stderr.isatty())
    try:
        if args.command == "extract":
            prepared = prepare(args.clip, settings, cleaning=None if args.raw else cleaning,
                               subject=args.subject, progress=progress)
        else:
            outcome = analyse(args.clip, args.test, settings, cleaning=cleaning, subject=args.subject,
                              progress=progress, **options)
            result, prepared = outcome.result, outcome.prepared
    finally:
        progress.close()

    failures = _write_outputs(args, prepared, result if args.command == "analyse" else None, options, settings)
    filed = None
    if record is not None:
        filed = _file(args, record, outcome, failures)
    if failures:
        more = f" ({len(failures) - 1} more output{'s' if len(failures) > 2 else ''} failed too)" \
            if len(failures) > 1 else ""
        raise OutputError(failures[0] + more)
    if not args.quiet:
        if filed is not None:
            print(f"filed as session {filed} of patient {args.patient} "
                  f"(movement-check report {filed} -o report.pdf)", file=sys.stderr)
        print(_summary(prepared), file=sys.stderr)
        if args.command == "analyse":
            print(findings_text(result.to_dict()), file=sys.stderr)
        for warning in (result.warnings if args.command == "analyse" else prepared.warnings):
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def _write_outputs(args, prepared, result, options: dict, settings) -> list[str]:
    """Write what was asked, each output on its own: one that fails is kept elsewhere and the rest still
    written. The failures' messages (each naming the user's path and where the output was kept)."""
    from movement_check.outputs import write_file

    failures: list[str] = []

    def attempt(path, what, writer) -> None:
        try:
            write_file(path, what, writer)
        except OutputError as exc:
            failures.append(str(exc))

    if args.command == "extract":
        poses = prepared.poses.with_source(quality=prepared.quality)
        attempt(args.output, "trajectories", poses.save)
        if args.csv:
            attempt(args.csv, "CSV", prepared.poses.to_csv)
    else:
        text = result.to_json() + "\n"
        if args.json == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            attempt(args.json, "JSON", lambda tmp: Path(tmp).write_text(text))
    if args.command == "analyse" and args.figures:
        from movement_check.findings.figure_sets import figures_for

        folder = Path(args.figures)
        stem = Path(args.clip).stem
        try:
            folder.mkdir(exist_ok=True)
        except OSError:
            pass                        # each figure then fails and is kept elsewhere
        for name, fig in figures_for(result.test, prepared.poses, analysis=result.analysis, **options).items():
            attempt(folder / f"{stem}_{name}.png", f"{name} figure",
                    lambda tmp, fig=fig: fig.savefig(tmp, dpi=110, format="png"))
    if args.annotated:
        from movement_check.pipeline.annotate import write_annotated

        def annotated(tmp: str) -> None:
            try:
                write_annotated(args.clip, tmp, prepared.poses, prepared.everyone, blur_faces=not args.no_blur,
                                limits=settings.limits)
            except InputError as exc:      # the video writer would not start there
                raise OSError(0, "the video writer could not start") from exc

        attempt(args.annotated, "annotated video", annotated)
    return failures


def _check_patient(args):
    """--patient and what goes with it, and the clinic record opened, its schema and write lock checked, before
    any work (a typo or a locked record costs nothing). The record."""
    from movement_check.cli.record import open_record
    from movement_check.clinic.record import RecordError, check_patient

    if args.annotated and args.no_blur:
        raise InputError("A clip kept with the clinic record has faces blurred: drop --no-blur, or --patient.")
    try:
        check_patient(args.patient, args.initials)
    except RecordError as exc:
        raise InputError(f"--patient / --initials: {exc}.") from None
    return open_record(args, for_filing=True)


def _file(args, record, outcome, failures: list[str]) -> int | None:
    """File the analysed clip in the clinic record (an upload session); the annotated clip's name with it when
    one was written (video is kept only when asked for). The session's ID; None when it could not be filed,
    with a message in ``failures`` naming the JSON file the result and trajectory were kept in."""
    import base64
    import json

    from movement_check.outputs import keep
    from movement_check.clinic.record import RecordError
    from movement_check.service import Filing, file_outcome

    filing = Filing(patient_id=args.patient, kind="upload", who=command_line_user(), initials=args.initials,
                    video=str(Path(args.annotated).resolve()) if args.annotated else None,
                    detail=f"{outcome.test} from {Path(args.clip).name}"[:200])
    try:
        filed = file_outcome(record, filing, outcome)
        if filed.problem:
            failures.append(f"{filed.problem}.")
        return filed.session_id
    except RecordError as exc:
        reason = str(exc)
    finally:
        record.close()
    unfiled = {"patient": args.patient, "initials": args.initials, "kind": "upload", "result": outcome.result_dict,
               "trajectory_npz_base64": base64.b64encode(outcome.npz).decode("ascii")}
    try:
        kept = keep(f"{args.patient}-not-filed.json",
                    lambda tmp: Path(tmp).write_text(json.dumps(unfiled)))
        where = f"the result and trajectory were kept as {kept}"
    except OSError as exc:
        where = f"nor could it be kept ({exc.strerror or exc})"
    failures.insert(0, f"Not filed in the clinic record: {reason}; {where}.")
    return None


def command_line_user() -> str:
    """Who the audit log names for a command: the operating system's user."""
    import getpass

    try:
        return f"command line ({getpass.getuser()})"
    except (KeyError, OSError):
        return "command line"


def _hash_password(name: str) -> int:
    """Ask for the password (twice at a terminal; one line from a pipe) and print the settings line."""
    import getpass
    import json

    from movement_check.clinic.accounts import hash_password

    if not name.strip() or any(c in name for c in " =\"[]"):
        raise InputError("A therapist's name must be one word without spaces, quotes, = or brackets.")
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("Again: ") != password:
            raise InputError("The two passwords differ: nothing was changed.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        raise InputError("Use a password of at least 10 characters.")
    stored = hash_password(password)
    print("# under [therapists] in movement-check.toml:", file=sys.stderr)
    print(f"{name} = {json.dumps(stored)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return run(argv)
    except InputError as exc:
        print(f"movement-check: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("movement-check: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: one line, unless --debug
        if debug:
            traceback.print_exc()
        else:
            print(one_line(f"movement-check: internal error ({type(exc).__name__}: {exc}); "
                           "run again with --debug and report the output"), file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
