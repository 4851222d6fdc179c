"""The ``movement-check`` command.

    movement-check extract CLIP -o poses.npz [--csv poses.csv] [--annotated OUT.mp4]
    movement-check analyze CLIP --test {gait,leg-raise,foot-rotation} [--json OUT|-]
    movement-check export CLIP_OR_NPZ [--trc OUT.trc] [--mot OUT.mot] [--fhir OUT.json] [--bids DIR]

Exit status: 0 on success, 2 on bad input (one line on stderr saying what to
do), 1 on an internal error (one line; ``--debug`` shows the traceback),
130 when interrupted. A user never sees a traceback by default.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from . import __version__
from .assessments import AUTO, TESTS, check_options
from .assessments.leg_raise import parse_times
from .cleaning import CleaningSettings
from .errors import InputError, OutputError, one_line
from .estimator import EstimatorSettings
from .extraction import ExtractionSettings
from .kinematics import DEFAULT_FOV_DEG
from .option_ranges import check_numbers, flag
from .tracking import RULES
from .video import VideoLimits
from .cli_options import subject_rule


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






class Parser(argparse.ArgumentParser):
    """argparse with a usage error on one line, naming the command and pointing at its --help (argparse's own
    prints the whole usage, up to 21 lines, and echoes a bad value in full)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {one_line(message, limit=300)}; see {self.prog} --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="movement-check",
        description="Objective movement tests (gait, single-leg raise, foot rotation) from one camera.")
    parser.add_argument("--version", action="version", version=f"movement-check {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    common = _clip_options()
    pw = sub.add_parser("hash-password",
                        help="a therapist's sign-in for the live session: prints the line for movement-check.toml")
    pw.add_argument("name", help="the therapist's sign-in name")

    from .cli_record import add_parsers

    add_parsers(sub)
    from .cli_export import add_parser as add_export

    add_export(sub)

    ext = sub.add_parser("extract", parents=[common],
                         help="clip -> one person's landmark trajectories (.npz, optional CSV)")
    ext.add_argument("-o", "--output", required=True, metavar="POSES.npz", help="where to save the trajectories")
    ext.add_argument("--csv", metavar="POSES.csv", help="also write one row per frame as CSV")
    ext.add_argument("--raw", action="store_true", help="save the trajectories as detected, not cleaned")

    _add_analyze(sub, common)
    return parser


def _clip_options() -> argparse.ArgumentParser:
    """The options of every command that reads a clip (a parent parser)."""
    common = Parser(add_help=False)
    common.add_argument("clip", help="the video clip (mp4, mov, m4v, webm, avi, mkv)")
    common.add_argument("--model", default="full",
                        help="pose model: full (bundled, default), lite, or the path of a .task file")
    common.add_argument("--subject", default="auto", type=subject_rule,
                        help=f"whom to analyse when several people are in view: {', '.join(RULES)}, "
                             "or the number of a person listed in the result (default: auto)")
    common.add_argument("--max-people", type=int, default=2,
                        help="how many people the model looks for in each frame (default 2)")
    common.add_argument("--max-gap-ms", type=float, default=120.0,
                        help="fill gaps in a landmark's track up to this long (default 120 ms)")
    common.add_argument("--cutoff-hz", type=float, default=6.0,
                        help="low-pass filter cut-off (default 6 Hz; 0 = no filter)")
    common.add_argument("--max-duration-s", type=float, default=VideoLimits.max_duration_s,
                        help="refuse clips longer than this (default 600 s)")
    common.add_argument("--max-size-mb", type=float, default=VideoLimits.max_file_bytes / 1e6,
                        help="refuse files larger than this (default 2000 MB)")
    common.add_argument("--annotated", metavar="OUT.mp4",
                        help="also write the clip with the skeleton drawn and faces blurred")
    common.add_argument("--no-blur", action="store_true",
                        help="do not blur faces in the annotated clip (it then shows who the person is)")
    common.add_argument("--quiet", action="store_true", help="no progress bar or summary on stderr")
    common.add_argument("--debug", action="store_true", help="show the traceback of an internal error")

    return common


def _add_analyze(sub, common: argparse.ArgumentParser) -> None:
    """``analyze``: clip -> a test's result as JSON (and filed, with figures)."""
    ana = sub.add_parser("analyze", parents=[common], help="clip -> a test's result as JSON")
    ana.add_argument("--test", required=True, choices=TESTS + (AUTO,),
                     help="which test the clip shows; auto: found from the clip (the result says why)")
    filed = ana.add_argument_group("clinic record")
    filed.add_argument("--patient", metavar="ID",
                       help="also file the result and trajectory in the clinic record under this patient ID "
                            "(a pseudonym such as P-0042, not a name; a new ID is added)")
    filed.add_argument("--initials", help="the patient's initials, for a new patient (optional)")
    filed.add_argument("--record", metavar="PATH|URL",
                       help="the clinic record (default: the app's, from movement-check.toml or "
                            "MOVEMENT_CHECK_RECORD, else movement-check-data/record.sqlite)")
    filed.add_argument("--create-record", action="store_true",
                       help="start a new clinic record at --record when there is none (without it, a record that "
                            "does not exist is refused: a mistyped path files nothing)")
    ana.add_argument("--json", default="-", metavar="OUT|-",
                     help="where to write the result JSON (default -: standard output)")
    ana.add_argument("--height-cm", type=float, metavar="CM",
                     help="the patient's height: scales gait speed and step length (without it they are not given)")
    ana.add_argument("--figures", metavar="DIR",
                     help="also save the test's figures as PNG files in this folder")
    ana.add_argument("--view", choices=("side", "front"),
                     help="override the view found in the clip (side: walking across or side-on; front: facing "
                          "the camera)")
    ana.add_argument("--fov-deg", type=float, metavar="DEG",
                     help=f"the camera's field of view across the frame's longer side (default {DEFAULT_FOV_DEG:g}, like "
                          "most webcams and phones): thigh heights from the front and foot angles depend on it")
    ana.add_argument("--camera-tilt-deg", type=float, metavar="DEG",
                     help="foot rotation: how far the camera looks down (default: found from a walk toward or away "
                          "from it, else level)")
    _add_raise_options(ana)


def _add_raise_options(ana: argparse.ArgumentParser) -> None:
    """``analyze``'s leg-raise and home-exercise options."""
    raise_ = ana.add_argument_group("leg-raise options")
    raise_.add_argument("--posture", choices=("standing", "supine"),
                        help="override the posture found in the clip (supine: lying on the back)")
    raise_.add_argument("--pain-at", metavar="S[,S...]", type=_times,
                        help="times (s from the start of the clip) the patient reported pain: the leg's angle at each "
                             "is reported")
    raise_.add_argument("--stance-test", action="store_true",
                        help="the patient was asked to stand on one leg as long as possible (flags under 5 s)")
    raise_.add_argument("--prescribed-reps", type=int, metavar="N",
                        help="home exercise: raises prescribed per side (turns on the form check)")
    raise_.add_argument("--prescribed-hold-s", type=float, metavar="S", help="home exercise: hold prescribed (s)")
    raise_.add_argument("--prescribed-sides", choices=("both", "left", "right"), default="both",
                        help="home exercise: which legs (default both)")
    raise_.add_argument("--straight-knee", action="store_true",
                        help="home exercise: a straight-leg raise (a bent knee is pointed out)")
    raise_.add_argument("--target-deg", type=float, metavar="DEG", help="home exercise: raise at least this high")


def _times(text: str) -> tuple[float, ...]:
    try:
        values = parse_times(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not values:
        raise argparse.ArgumentTypeError("give times in seconds from the start of the clip, e.g. 3.5,7.2")
    return values


def _test_options(args) -> dict:
    """The test's settings from the command line (each test takes the ones it knows), checked as the tests'
    settings check them (:func:`movement_check.assessments.check_options`), every problem in one message."""
    sides = ("left", "right") if args.prescribed_sides == "both" else (args.prescribed_sides,)
    options = {"height_cm": args.height_cm, "view": args.view, "posture": args.posture,
               "pain_at_s": args.pain_at, "stance_test": args.stance_test or None,
               "prescribed_repetitions": args.prescribed_reps, "prescribed_hold_s": args.prescribed_hold_s,
               "prescribed_sides": sides, "straight_knee": args.straight_knee or None,
               "target_angle_deg": args.target_deg, "fov_deg": args.fov_deg, "camera_tilt_deg": args.camera_tilt_deg}
    check_options(options, name=flag)
    return options


def _settings(args) -> tuple[ExtractionSettings, CleaningSettings | None]:
    check_numbers({"max_people": args.max_people, "max_gap_ms": args.max_gap_ms, "cutoff_hz": args.cutoff_hz,
                   "max_duration_s": args.max_duration_s, "max_size_mb": args.max_size_mb})
    limits = VideoLimits(max_duration_s=args.max_duration_s, max_file_bytes=int(args.max_size_mb * 1e6))
    settings = ExtractionSettings(model=args.model, estimator=EstimatorSettings(max_people=args.max_people),
                                  limits=limits)
    cleaning = CleaningSettings(max_gap_s=args.max_gap_ms / 1000.0,
                                cutoff_hz=args.cutoff_hz if args.cutoff_hz > 0 else None)
    return settings, cleaning


def findings_text(result: dict) -> str:
    """The test's confidence and findings, as the therapist reads them (:mod:`movement_check.findings`)."""
    from .findings import summary_lines

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
    from .outputs import check_file, check_folder

    for path, what in ((getattr(args, "output", None), "output"), (getattr(args, "csv", None), "CSV"),
                       (args.annotated, "annotated video"), (getattr(args, "json", None), "JSON")):
        if path not in (None, "-"):
            check_file(path, what, not_over=args.clip)
    if getattr(args, "figures", None):
        check_folder(args.figures, "figures")


def run(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from .analysis import analyze_clip, prepare  # heavy imports only once arguments are fine

    if args.command == "hash-password":
        return _hash_password(args.name)
    if args.command == "export":
        from .cli_export import run_export

        return run_export(args)
    if args.command in ("report", "batch", "audit"):
        from .cli_record import run_audit, run_batch_command, run_report

        return {"report": run_report, "batch": run_batch_command, "audit": run_audit}[args.command](args)
    _check_outputs(args)
    record = _check_patient(args) if getattr(args, "patient", None) else None
    settings, cleaning = _settings(args)
    options = _test_options(args) if args.command == "analyze" else {}
    progress = ProgressBar("pose", enabled=not args.quiet and sys.stderr.isatty())
    try:
        if args.command == "extract":
            prepared = prepare(args.clip, settings, cleaning=None if args.raw else cleaning,
                               subject=args.subject, progress=progress)
        else:
            result, prepared = analyze_clip(args.clip, args.test, settings, cleaning=cleaning,
                                            subject=args.subject, progress=progress, **options)
    finally:
        progress.close()

    failures = _write_outputs(args, prepared, result if args.command == "analyze" else None, options, settings)
    filed = None
    if record is not None:
        filed = _file(args, record, result, prepared, failures)
    if failures:
        more = f" ({len(failures) - 1} more output{'s' if len(failures) > 2 else ''} failed too)" \
            if len(failures) > 1 else ""
        raise OutputError(failures[0] + more)
    if not args.quiet:
        if filed is not None:
            print(f"filed as session {filed} of patient {args.patient} "
                  f"(movement-check report {filed} -o report.pdf)", file=sys.stderr)
        print(_summary(prepared), file=sys.stderr)
        if args.command == "analyze":
            print(findings_text(result.to_dict()), file=sys.stderr)
        for warning in (result.warnings if args.command == "analyze" else prepared.warnings):
            print(f"warning: {warning}", file=sys.stderr)
    return 0


def _write_outputs(args, prepared, result, options: dict, settings) -> list[str]:
    """Write what was asked, each output on its own: one that fails is kept elsewhere and the rest still
    written. The failures' messages (each naming the user's path and where the output was kept)."""
    from .outputs import write_file

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
    if args.command == "analyze" and args.figures:
        from .figure_sets import figures_for

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
        from .annotate import write_annotated

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
    from .cli_record import open_record
    from .record import RecordError, check_patient

    if args.annotated and args.no_blur:
        raise InputError("A clip kept with the clinic record has faces blurred: drop --no-blur, or --patient.")
    try:
        check_patient(args.patient, args.initials)
    except RecordError as exc:
        raise InputError(f"--patient / --initials: {exc}.") from None
    return open_record(args, for_filing=True)


def _file(args, record, result, prepared, failures: list[str]) -> int | None:
    """File the analysed clip in the clinic record (an upload session); the annotated clip's name with it when
    one was written (video is kept only when asked for). The session's ID; None when it could not be filed,
    with a message in ``failures`` naming the JSON file the result and trajectory were kept in."""
    import base64
    import json

    from .outputs import keep
    from .record import RecordError

    trajectory = prepared.poses.npz_bytes()
    try:
        session_id, _ = record.file_test(args.patient, "upload", result.to_dict(), initials=args.initials,
                                         trajectory=trajectory,
                                         video=str(Path(args.annotated).resolve()) if args.annotated else None)
        try:
            record.audit("result filed", who=command_line_user(), patient_id=args.patient, session_id=session_id,
                         detail=f"{result.test} from {Path(args.clip).name}"[:200])
        except RecordError as exc:
            failures.append(f"Filed, but the audit log could not be written: {exc}.")
        return session_id
    except RecordError as exc:
        reason = str(exc)
    finally:
        record.close()
    unfiled = {"patient": args.patient, "initials": args.initials, "kind": "upload", "result": result.to_dict(),
               "trajectory_npz_base64": base64.b64encode(trajectory).decode("ascii")}
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

    from .accounts import hash_password

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
