"""Wall time of `extract` against a plain MediaPipe loop, side by side in one run (issue 22).

For each clip, over the same frames and model (VIDEO mode):

  plain-1   one thread: decode a frame, convert to RGB, detect_for_video with num_poses=1 (MediaPipe's default:
            what a user who writes the loop gets; it follows whoever it sees first)
  plain-2   the same with num_poses=2 (looks for a second person in every frame)
  one       movement_check's pipeline with one pose model (``ExtractionSettings(halves=False)``): decoding in
            a background thread, ``max_people`` (2) people looked for in every frame, tracking, subject choice,
            cleaning
  extract   the default pipeline: the same with a second model on the second half of the clip at once, joined
            where the two agree exactly (:mod:`movement_check.pipeline.halves`)
  follow    (``--follow``) the subject followed at the cost of one with everybody looked for every 0.5 s
            (``ExtractionSettings(follow=FollowSettings())``, opt-in)

They run in turn, ``--repeat`` times; the median of each is kept. Printed: seconds, and the ratios
extract / plain-1, extract / plain-2 and extract / one (< 1: faster), and whether extract's landmarks are
identical to one model's (they must be: the halves are joined only where they agree bit for bit).

    python benchmarks/extract_speed.py [--model full] [--repeat 3] [CLIP ...]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import cv2
import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from movement_check.analysis import prepare
from movement_check.pipeline.estimator import _quiet_stderr
from movement_check.pipeline.extraction import ExtractionSettings
from movement_check.pipeline.following import FollowSettings
from movement_check.pipeline.pose_model import resolve_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CLIPS = sorted((REPO / "sample_videos").glob("*.mp4")) or sorted((REPO.parent / "shared" / "sample_videos").glob("*.mp4"))


def _landmarker(model_path: Path, max_people: int):
    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model_path)),
                                           running_mode=vision.RunningMode.VIDEO, num_poses=max_people)
    with _quiet_stderr():
        return vision.PoseLandmarker.create_from_options(options)


def bare_loop(clip: Path, model_path: Path, max_people: int) -> tuple[int, float]:
    """The loop a user writes: the landmarker made (timed, as the pipeline's is), then decode, convert, detect."""
    start = time.perf_counter()
    landmarker = _landmarker(model_path, max_people)
    cap = cv2.VideoCapture(str(clip))
    n, last = 0, -1
    with _quiet_stderr():
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            ms = max(int(cap.get(cv2.CAP_PROP_POS_MSEC)), last + 1)
            last = ms
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            landmarker.detect_for_video(image, ms)
            n += 1
        cap.release()
        landmarker.close()
    return n, time.perf_counter() - start


def pipeline(clip: Path, model: str, kind: str):
    settings = {"follow": ExtractionSettings(model=model, follow=FollowSettings()),
                "one": ExtractionSettings(model=model, halves=False)}.get(kind, ExtractionSettings(model=model))
    start = time.perf_counter()
    with _quiet_stderr():
        prepared = prepare(clip, settings)
    return prepared, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path, default=DEFAULT_CLIPS)
    parser.add_argument("--model", default="full")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--follow", action="store_true", help="also the opt-in follower")
    args = parser.parse_args()
    model = resolve_model(args.model)
    kinds = ["one", "extract"] + (["follow"] if args.follow else [])
    print(f"model {model.name}, median of {args.repeat} runs each, in turn; {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'clip':38s} {'size':>10s} {'frames':>6s} {'plain-1 s':>9s} {'plain-2 s':>9s} "
          + " ".join(f"{k + ' s':>9s}" for k in kinds)
          + f" {'ext/pl-1':>8s} {'ext/pl-2':>8s} {'ext/one':>8s} {'identical':>9s}")
    for clip in args.clips:
        times: dict[str, list[float]] = {k: [] for k in ["plain-1", "plain-2", *kinds]}
        n, found = 0, {}
        for _ in range(args.repeat):
            n, t = bare_loop(clip, model.path, 1)
            times["plain-1"].append(t)
            _, t = bare_loop(clip, model.path, 2)
            times["plain-2"].append(t)
            for kind in kinds:
                found[kind], t = pipeline(clip, args.model, kind)
                times[kind].append(t)
                assert len(found[kind].raw) == n, (kind, n, len(found[kind].raw))
        cap = cv2.VideoCapture(str(clip))
        size = f"{int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))}x{int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))}"
        cap.release()
        med = {k: float(np.median(v)) for k, v in times.items()}
        identical = bool(np.array_equal(found["extract"].raw.image, found["one"].raw.image, equal_nan=True))
        print(f"{clip.name:38s} {size:>10s} {n:6d} {med['plain-1']:9.2f} {med['plain-2']:9.2f} "
              + " ".join(f"{med[k]:9.2f}" for k in kinds)
              + f" {med['extract'] / med['plain-1']:8.2f} {med['extract'] / med['plain-2']:8.2f} "
              f"{med['extract'] / med['one']:8.2f} {str(identical):>9s}", flush=True)


if __name__ == "__main__":
    main()
