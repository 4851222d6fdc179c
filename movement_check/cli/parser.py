"""What the ``movement-check`` command accepts: its parser, and the settings read from it (checked as read).

:mod:`.main` runs the commands; the record and export commands add their own parsers
(:mod:`.record`, :mod:`.export`).
"""

from __future__ import annotations

import argparse

from movement_check import __version__
from movement_check.assessments import AUTO, TESTS, check_options
from movement_check.assessments.leg_raise.assess import parse_times
from movement_check.pipeline.cleaning import CleaningSettings
from movement_check.cli.options import subject_rule
from movement_check.errors import InputError, one_line
from movement_check.pipeline.estimator import EstimatorSettings
from movement_check.pipeline.extraction import ExtractionSettings
from movement_check.body.kinematics import DEFAULT_FOV_DEG
from movement_check.assessments.option_ranges import check_numbers, flag
from movement_check.pipeline.tracking import RULES
from movement_check.pipeline.video import VideoLimits


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

    from movement_check.cli.record import add_parsers

    add_parsers(sub)
    from movement_check.cli.export import add_parser as add_export

    add_export(sub)

    ext = sub.add_parser("extract", parents=[common],
                         help="clip -> one person's landmark trajectories (.npz, optional CSV)")
    ext.add_argument("-o", "--output", required=True, metavar="POSES.npz", help="where to save the trajectories")
    ext.add_argument("--csv", metavar="POSES.csv", help="also write one row per frame as CSV")
    ext.add_argument("--raw", action="store_true", help="save the trajectories as detected, not cleaned")

    _add_analyse(sub, common)
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


def _add_analyse(sub, common: argparse.ArgumentParser) -> None:
    """``analyse``: clip -> a test's result as JSON (and filed, with figures)."""
    ana = sub.add_parser("analyse", aliases=["analyze"], parents=[common],
                         help="clip -> a test's result as JSON (also spelt analyze)")
    ana.set_defaults(command="analyse")             # one name, whichever spelling was typed
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
    """``analyse``'s leg-raise and home-exercise options."""
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


def test_options(args) -> dict:
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


def clip_settings(args) -> tuple[ExtractionSettings, CleaningSettings | None]:
    """How the clip goes through the pose model and the cleaning, from the command line (checked)."""
    check_numbers({"max_people": args.max_people, "max_gap_ms": args.max_gap_ms, "cutoff_hz": args.cutoff_hz,
                   "max_duration_s": args.max_duration_s, "max_size_mb": args.max_size_mb})
    limits = VideoLimits(max_duration_s=args.max_duration_s, max_file_bytes=int(args.max_size_mb * 1e6))
    settings = ExtractionSettings(model=args.model, estimator=EstimatorSettings(max_people=args.max_people),
                                  limits=limits)
    cleaning = CleaningSettings(max_gap_s=args.max_gap_ms / 1000.0,
                                cutoff_hz=args.cutoff_hz if args.cutoff_hz > 0 else None)
    return settings, cleaning
