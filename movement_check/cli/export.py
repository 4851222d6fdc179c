"""``movement-check export``: a clip or a saved trajectory (.npz) to OpenSim (.trc, .mot), FHIR R4 (JSON) and
BIDS-Motion files (:mod:`movement_check.exports`).

    movement-check export CLIP_OR_NPZ --trc OUT.trc --mot OUT.mot [--fhir OUT.json --test gait] [--bids DIR]

Every output is checked before any work and written whole or not at all; nothing leaves the computer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from movement_check.cli.options import check_height_cm, subject_rule
from movement_check.errors import InputError


def add_parser(sub) -> None:
    from movement_check.assessments import AUTO, TESTS
    from movement_check.exports.mot import MODELS
    from movement_check.pipeline.tracking import RULES

    exp = sub.add_parser("export", help="clip or saved trajectories (.npz) -> OpenSim .trc/.mot, FHIR R4 JSON, "
                                        "BIDS-Motion")
    exp.add_argument("clip", metavar="CLIP_OR_NPZ",
                     help="a video clip, or the .npz that `movement-check extract` wrote")
    exp.add_argument("--trc", metavar="OUT.trc", help="OpenSim markers: the 33 world landmarks, Y up, metres")
    exp.add_argument("--mot", metavar="OUT.mot",
                     help="OpenSim coordinates: hip_flexion, knee_angle, ankle_angle per side, in degrees "
                          "(needs walking across the camera)")
    exp.add_argument("--fhir", metavar="OUT.json", help="FHIR R4 Bundle of Observations, one per measured metric "
                                                        "(analyses the clip: see --test)")
    exp.add_argument("--bids", metavar="DIR", help="BIDS-Motion files in this dataset folder (made if need be)")
    exp.add_argument("--test", choices=TESTS + (AUTO,), default=AUTO,
                     help="the test the clip shows, for --fhir and the BIDS task name (default: auto)")
    exp.add_argument("--patient", metavar="ID",
                     help="the patient's pseudonymous ID (e.g. P-0042, never a name): FHIR subject, BIDS sub-")
    exp.add_argument("--knee-convention", choices=MODELS, default=MODELS[0],
                     help="the OpenSim model whose knee_angle sign the .mot follows: gait2392 (and 2354: flexion "
                          "negative, default) or rajagopal (flexion positive)")
    exp.add_argument("--height-cm", type=float, metavar="CM", help="the patient's height, for gait speed in --fhir")
    exp.add_argument("--model", default="full", help="pose model for a clip: full (default), lite, or a .task file")
    exp.add_argument("--subject", default="auto", type=subject_rule,
                     help=f"whom to follow in a clip: {', '.join(RULES)}, or a person's number (default: auto)")
    exp.add_argument("--quiet", action="store_true", help="nothing on stderr but errors")
    exp.add_argument("--debug", action="store_true", help="show the traceback of an internal error")


def _poses_and_result(args, need_result: bool):
    """(poses, result dict or None): from the .npz as saved, or from the clip through the usual analysis."""
    from movement_check.analysis import Prepared, _subject_for, assess, prepare
    from movement_check.pipeline.cleaning import CleaningReport
    from movement_check.pipeline.extraction import ExtractionSettings
    from movement_check.body.poses import Poses
    from movement_check.assessments.which_test import detect_test

    subject = args.subject
    options = {"height_cm": args.height_cm} if args.height_cm else {}
    if Path(args.clip).suffix.lower() == ".npz":
        poses = Poses.load(args.clip)
        if not need_result:
            return poses, None
        test = args.test if args.test != "auto" else detect_test(poses)[0]
        prepared = Prepared(extraction=None, poses=poses, cleaning=CleaningReport(),
                            quality=dict(poses.source.get("quality") or {}), warnings=[])
        return poses, assess(test, prepared, **options).to_dict()
    settings = ExtractionSettings(model=args.model)
    if need_result:
        from movement_check.service import analyse

        outcome = analyse(args.clip, args.test, settings, subject=subject, **options)
        return outcome.prepared.poses, outcome.result_dict
    return prepare(args.clip, settings, subject=_subject_for(args.test, subject)).poses, None


def _seen_test(poses) -> str:
    """The test the trajectories show (the BIDS task name), "movement" when none is recognised."""
    from movement_check.assessments.which_test import detect_test

    try:
        return detect_test(poses)[0]
    except InputError:
        return "movement"


def run_export(args: argparse.Namespace) -> int:
    from movement_check.exports import bids, fhir, mot, trc
    from movement_check.outputs import check_file, check_folder, write_file
    from movement_check.clinic.record import RecordError, check_patient

    if not (args.trc or args.mot or args.fhir or args.bids):
        raise InputError("Say what to export: --trc, --mot, --fhir and/or --bids.")
    for path, what in ((args.trc, "TRC"), (args.mot, "MOT"), (args.fhir, "FHIR JSON")):
        if path:
            check_file(path, what, not_over=args.clip)
    if args.bids:
        check_folder(args.bids, "BIDS dataset")
    check_height_cm(args.height_cm)
    if args.patient:
        try:
            check_patient(args.patient)
        except RecordError as exc:
            raise InputError(f"--patient: {exc}.") from None
    if not Path(args.clip).is_file():
        raise InputError(f"{args.clip} is not a file.")

    poses, result = _poses_and_result(args, need_result=bool(args.fhir))
    task = (result or {}).get("test") or (_seen_test(poses) if args.test == "auto" and args.bids else args.test)
    made: dict[Path, tuple[str, str]] = {}            # every text made before any is written
    if args.trc:
        made[Path(args.trc)] = ("TRC", trc.trc_text(poses, file_name=Path(args.trc).name))
    if args.mot:
        made[Path(args.mot)] = ("MOT", mot.poses_mot_text(poses, model=args.knee_convention, name=Path(args.mot).stem))
    if args.fhir:
        made[Path(args.fhir)] = ("FHIR JSON", json.dumps(fhir.bundle([result], patient_id=args.patient),
                                                         indent=2) + "\n")
    if args.bids:
        for name, text in bids.files(poses, subject=args.patient or Path(args.clip).stem, task=task).items():
            made[Path(args.bids) / name] = ("BIDS file", text)
    for path, (what, text) in made.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, what, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8"))
    if not args.quiet:
        print(f"export: wrote {len(made)} file{'s' if len(made) != 1 else ''} ({len(poses)} frames"
              + (f", {task}" if result else "") + ")", file=sys.stderr)
    return 0
