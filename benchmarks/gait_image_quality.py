"""The labelled side walks as a poorer camera or room would film them, against the same labels.

    python benchmarks/gait_image_quality.py [--model full] [--markdown] [--keep DIR]

Each labelled side-view clip (``benchmarks/labels/``) is copied six ways, frame by frame, and the pose model
is run again on each copy (about 2 minutes a kind on a 2-core machine):

- ``dim``: a dim room: a quarter of the light, gamma 1.6, sensor noise (SD 4 grey levels);
- ``backlit``: a window behind the walker: contrast cut to 45 %, everything lifted by 150 grey levels;
- ``blur``: horizontal motion blur 13 px wide at 1280 px (slow shutter);
- ``noise``: sensor noise, SD 18 grey levels;
- ``jpeg``: every frame through JPEG at quality 8 (a starved video call);
- ``mirrored``: flipped left-right, the same walk in the other direction (the pose model sees other pixels: as near
  to footage nobody tuned to as the labels allow; the labels' frames stand, their sides swap).

The copies are written as MJPG (OpenCV's default quality) at the clip's own rate; a clip with a variable frame rate is
written at its nominal rate, so its labels (frame numbers) still point at the same frames. Per copy: heel
strikes within 2 frames of the labels (recall, precision), cadence against the labels' (and how many of its
standard errors off), the feet's mean visibility as the model reports it, the clip's light level
(:mod:`movement_check.pipeline.exposure`), whether it was said to be dark, and any value no walk can have.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402

from benchmarks import accuracy as acc  # noqa: E402
from movement_check.analysis import assess, prepare  # noqa: E402
from movement_check.assessments.gait.gates import (CADENCE_POSSIBLE, DOUBLE_SUPPORT_POSSIBLE,  # noqa: E402
                                                   STANCE_POSSIBLE)
from movement_check.pipeline.exposure import clip_light  # noqa: E402
from movement_check.pipeline.extraction import ExtractionSettings  # noqa: E402

#: what no walk can have: the gait gates' own bounds (swing is the rest of the stride after stance)
LIMITS = {"stance": STANCE_POSSIBLE, "swing": (100 - STANCE_POSSIBLE[1], 100 - STANCE_POSSIBLE[0]),
          "double_support": DOUBLE_SUPPORT_POSSIBLE, "cadence": CADENCE_POSSIBLE}


def _kinds(rng: np.random.Generator) -> dict:
    def dim(f):
        return np.clip((f / 255.0) ** 1.6 * 64 + rng.normal(0, 4, f.shape), 0, 255).astype(np.uint8)

    def backlit(f):
        return np.clip(f * 0.45 + 150, 0, 255).astype(np.uint8)

    def blur(f):
        k = max(3, int(13 * f.shape[1] / 1280) | 1)
        return cv2.filter2D(f, -1, np.full((1, k), 1 / k, np.float32))

    def noise(f):
        return np.clip(f + rng.normal(0, 18, f.shape), 0, 255).astype(np.uint8)

    def jpeg(f):
        return cv2.imdecode(cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 8])[1], cv2.IMREAD_COLOR)

    def mirrored(f):
        return cv2.flip(f, 1)

    return {"dim": dim, "backlit": backlit, "blur": blur, "noise": noise, "jpeg": jpeg, "mirrored": mirrored}


def copy(src: Path, dst: Path, change) -> Path:
    cap = cv2.VideoCapture(str(src))
    fps, size = cap.get(cv2.CAP_PROP_FPS), (int(cap.get(3)), int(cap.get(4)))
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        out.write(change(frame))
    out.release()
    cap.release()
    return dst


def row(labels: acc.ClipLabels, kind: str, path: Path, model: str) -> dict:
    prepared = prepare(path, ExtractionSettings(model=model), subject="walker")
    result = assess("gait", prepared)
    times = prepared.poses.times
    hs = acc.score_events(labels, "heel_strike", [e.time_s for e in result.events if e.name == "heel_strike"],
                          times)
    cad = next(m for m in result.metrics if m.name == "cadence")
    label_cadence = acc.labelled_cadence(labels, times)
    bad = [m.name for m in result.metrics if m.name in LIMITS and m.value is not None
           and not LIMITS[m.name][0] <= m.value <= LIMITS[m.name][1]]
    return {"clip": Path(labels.clip).stem, "kind": kind, "hs": hs, "labels": label_cadence, "cadence": cad,
            "visibility": float(np.nanmean(prepared.raw.visibility[:, 27:33])),
            "light": clip_light(prepared.extraction.people.video.light),
            "dark": any("the clip is dark" in w for w in result.warnings), "impossible": bad}


def _cells(r: dict) -> list[str]:
    hs, cad, lab = r["hs"], r["cadence"], r["labels"]
    if cad.value is None:
        cadence = f"withheld ({lab:.1f})"
    else:
        z = abs(cad.value - lab) / max(cad.uncertainty or 1e-9, 1e-9)
        cadence = f"{cad.value:.1f} ± {cad.uncertainty:.1f} ({lab:.1f}; {100 * (cad.value - lab) / lab:+.1f} %, {z:.1f} SE)"
    light = "-" if r["light"] is None else f"{r['light']:.0f}"
    return [r["clip"], r["kind"], f"{hs.recall(2):.0%} / {hs.precision(2):.0%} of {hs.labelled}", cadence,
            f"{r['visibility']:.2f}", light, "yes" if r["dark"] else "no", ", ".join(r["impossible"]) or "none"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="full")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--keep", type=Path, help="write the copies here (default: a temporary folder)")
    parser.add_argument("--kinds", default="original,dim,backlit,blur,noise,jpeg,mirrored")
    args = parser.parse_args()
    kinds = _kinds(np.random.default_rng(7))
    head = ["clip", "copy", "heel strikes within 2 frames (recall / precision)", "cadence (labels; error, SE)",
            "feet visibility", "light", "said dark", "impossible values"]
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head) if args.markdown else "  ".join(head))
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for kind in args.kinds.split(","):
            for labels in acc.all_labels():
                if labels.view != "side" or not labels.path.exists():
                    continue
                path = labels.path if kind == "original" else copy(
                    labels.path, folder / f"{Path(labels.clip).stem}_{kind}.avi", kinds[kind])
                cells = _cells(row(labels, kind, path, args.model))
                print("| " + " | ".join(cells) + " |" if args.markdown else "  ".join(cells), flush=True)


if __name__ == "__main__":
    main()
