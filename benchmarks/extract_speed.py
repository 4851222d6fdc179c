"""Frames per second of `extract` against a bare MediaPipe loop, side by side in one run.

For each clip, three ways over the same frames, same model and settings
(VIDEO mode, the same max_people):

  bare      one thread: decode a frame, convert to RGB, detect_for_video, next
  extract   movement_check's pipeline: decoding in a background thread
            overlapping inference, plus tracking, cleaning and the Poses
  infer     detect_for_video alone over frames decoded beforehand (the floor:
            what inference costs with decoding taken away entirely)

Each is run ``--repeat`` times, alternating, and the best time is kept.
Prints frames per second and the ratio extract / bare (> 1: extract is faster).

    python benchmarks/extract_speed.py [--model full] [--max-people 2] [--repeat 2] [CLIP ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import mediapipe as mp
from mediapipe.tasks.python import BaseOptions, vision

from movement_check.analysis import prepare
from movement_check.estimator import EstimatorSettings, _quiet_stderr
from movement_check.extraction import ExtractionSettings
from movement_check.pose_model import resolve_model

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CLIPS = sorted((REPO / "sample_videos").glob("*.mp4"))


def _landmarker(model_path: Path, max_people: int):
    options = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(model_path)),
                                           running_mode=vision.RunningMode.VIDEO, num_poses=max_people)
    with _quiet_stderr():
        return vision.PoseLandmarker.create_from_options(options)


def bare_loop(clip: Path, model_path: Path, max_people: int) -> tuple[int, float]:
    landmarker = _landmarker(model_path, max_people)
    cap = cv2.VideoCapture(str(clip))
    n, last = 0, -1
    start = time.perf_counter()
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
    elapsed = time.perf_counter() - start
    cap.release()
    landmarker.close()
    return n, elapsed


def inference_only(clip: Path, model_path: Path, max_people: int) -> tuple[int, float]:
    cap = cv2.VideoCapture(str(clip))
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append((int(cap.get(cv2.CAP_PROP_POS_MSEC)), cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)))
    cap.release()
    landmarker = _landmarker(model_path, max_people)
    start = time.perf_counter()
    with _quiet_stderr():
        last = -1
        for ms, rgb in frames:
            ms = max(ms, last + 1)
            last = ms
            landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ms)
    elapsed = time.perf_counter() - start
    landmarker.close()
    return len(frames), elapsed


def pipeline(clip: Path, model: str, max_people: int) -> tuple[int, float]:
    settings = ExtractionSettings(model=model, estimator=EstimatorSettings(max_people=max_people))
    start = time.perf_counter()
    with _quiet_stderr():
        prepared = prepare(clip, settings)
    return len(prepared.poses), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("clips", nargs="*", type=Path, default=DEFAULT_CLIPS)
    parser.add_argument("--model", default="full")
    parser.add_argument("--max-people", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    model = resolve_model(args.model)
    print(f"model {model.name}, max_people {args.max_people}, best of {args.repeat}")
    print(f"{'clip':42s} {'size':>10s} {'frames':>6s} {'bare fps':>9s} {'extract fps':>11s} "
          f"{'infer fps':>9s} {'extract/bare':>12s}")
    for clip in args.clips:
        best = {"bare": float("inf"), "extract": float("inf"), "infer": float("inf")}
        n = 0
        for _ in range(args.repeat):
            n, t = bare_loop(clip, model.path, args.max_people)
            best["bare"] = min(best["bare"], t)
            n2, t = pipeline(clip, args.model, args.max_people)
            assert n2 == n, (n, n2)
            best["extract"] = min(best["extract"], t)
            _, t = inference_only(clip, model.path, args.max_people)
            best["infer"] = min(best["infer"], t)
        cap = cv2.VideoCapture(str(clip))
        size = f"{int(cap.get(cv2.CAP_PROP_FRAME_WIDTH))}x{int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))}"
        cap.release()
        fps = {k: n / v for k, v in best.items()}
        print(f"{clip.name:42s} {size:>10s} {n:6d} {fps['bare']:9.1f} {fps['extract']:11.1f} "
              f"{fps['infer']:9.1f} {fps['extract'] / fps['bare']:12.3f}")


if __name__ == "__main__":
    main()
