"""Seconds from "Stop and analyse" to a live step's result: analysed after Stop (before), or while recording and
the frames left at Stop through two models at once (after) or one (after-one-model).

A walking clip is fed at real time into a live visit in this process, as
the patient's page hands frames to the server: a "camera" thread puts each
frame (letterboxed to 640x480) in a queue at its time, and a "callback" thread
hands every frame queued since its last call to ``LiveStream.receive``, like
streamlit-webrtc's queued-frames callback. The live preview runs the real
pose model on the newest frame of each call (``--no-preview``: a stand-in
that finds nobody). The clip loops, its times running on.

For each path: 3 s of preview, a step of ``--seconds``, Stop, and the time
until the result is in (the preview still running, as the patient stays in
view); the camera stops once the result is in.

    .venv/bin/python benchmarks/step_result_time.py [--seconds 20] [--model full] [--repeat 1]
        [--clip PATH] [--paths after-one-model,after] [--no-preview]

Printed per run (a JSON line) and as a table at the end: the path, the step's
length and frames, the frames analysed while recording, seconds from Stop to
the result and, of them, after the last frame came out of the pose model
(following, cleaning, the test, figures), the live preview's rate during the
step and after Stop, and the load average before the run. No browser: WebRTC's decoding and the return
video's encoding (about a core's tenth each on this kind of machine) are not
in these figures; benchmarks/live.py --steps measures with a real browser.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import movement_check.live.step_extraction as step_extraction  # noqa: E402
import movement_check.live.visit as visit_module  # noqa: E402
import movement_check.live.visits as visits  # noqa: E402
from movement_check.live.stream import LiveStream  # noqa: E402
from movement_check.clinic.protocol import step  # noqa: E402
from movement_check.pipeline.video import ClipReader  # noqa: E402

SHARED_WALK = REPO.parent / "shared" / "videos" / "side_walk_home_normal.mp4"
SAMPLE_WALK = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def webcam_frames(clip: Path) -> tuple[list[np.ndarray], float]:
    """The clip's frames letterboxed to 640x480 (BGR), and its frame rate."""
    frames, times = [], []
    for frame in ClipReader(clip):
        h, w = frame.bgr.shape[:2]
        scale = min(640 / w, 480 / h)
        small = cv2.resize(frame.bgr, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((480, 640, 3), np.uint8)
        y, x = (480 - small.shape[0]) // 2, (640 - small.shape[1]) // 2
        canvas[y:y + small.shape[0], x:x + small.shape[1]] = small
        frames.append(canvas)
        times.append(frame.time_s)
    return frames, (len(times) - 1) / (times[-1] - times[0])


class Camera:
    """Frames at real time into a queue; a callback thread hands each batch to the stream."""

    def __init__(self, stream: LiveStream, frames: list[np.ndarray], fps: float):
        self.stream, self.frames, self.fps = stream, frames, fps
        self.queue: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._camera, daemon=True),
                        threading.Thread(target=self._callback, daemon=True)]

    def __enter__(self) -> "Camera":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)

    def _camera(self) -> None:
        start, k = time.monotonic(), 0
        while not self.stop.is_set():
            due = start + k / self.fps
            time.sleep(max(0.0, due - time.monotonic()))
            self.queue.put((k / self.fps, self.frames[k % len(self.frames)]))
            k += 1

    def _callback(self) -> None:
        while not self.stop.is_set():
            try:
                batch = [self.queue.get(timeout=0.2)]
            except queue.Empty:
                continue
            while True:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            self.stream.receive(batch)


class _NobodyThere:
    def detect(self, rgb, time_s):
        from movement_check.pipeline.estimator import Detections
        return Detections.empty()

    def close(self) -> None:
        pass


def one_run(path: str, frames: list[np.ndarray], fps: float, *, seconds: float, model: str, preview: bool) -> dict:
    factory = (lambda m: LiveStream(m)) if preview else (lambda m: LiveStream(m, estimator_factory=_NobodyThere))
    book = visits.VisitBook(model=model, stream_factory=factory)
    visit = book.create("bench")
    real, real_split = visit_module.start_extraction, step_extraction.split_at
    if path == "before":                 # the step analysed after Stop only, as before the background extraction
        visit_module.start_extraction = lambda *a, **k: None
    if path == "after-one-model":        # the frames left at Stop through one model, as before step_halves
        step_extraction.split_at = lambda *a, **k: None
    load = os.getloadavg()[0]
    try:
        with Camera(visit.stream, frames, fps):
            time.sleep(3.0)
            visit.start_step(step("walk-side"))
            p0, t0 = visit.stream.view().frames_processed, time.monotonic()
            time.sleep(seconds)
            p1, t1 = visit.stream.view().frames_processed, time.monotonic()
            job = visit.stop_step(height_cm=175)
            models_done = None              # when the last frame came out of the pose model
            while job.thread.is_alive():
                if models_done is None and job.done >= job.frames:
                    models_done = time.monotonic()
                job.thread.join(timeout=0.05)
            t2 = time.monotonic()
            p2 = visit.stream.view().frames_processed
    finally:
        visit_module.start_extraction, step_extraction.split_at = real, real_split
        book.end(visit)
    (outcome,) = visit.outcomes
    return {"path": path, "model": model, "step_s": round(seconds, 1), "frames": job.frames,
            "analysed_while_recording": job.before_stop, "stop_to_result_s": round(t2 - t1, 1),
            "after_the_model_s": round(t2 - models_done, 1) if models_done else None,
            "preview_fps_step": round((p1 - p0) / (t1 - t0), 1),
            "preview_fps_after_stop": round((p2 - p1) / (t2 - t1), 1),
            "load_before": round(load, 2), "error": outcome.error,
            "warnings": (outcome.result or {}).get("warnings", [])[:3],
            "cadence": next((m["value"] for m in (outcome.result or {}).get("metrics", []) if m["name"] == "cadence"),
                            None)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--model", default="full")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--paths", default="after-one-model,after")
    parser.add_argument("--clip", type=Path, default=SHARED_WALK if SHARED_WALK.exists() else SAMPLE_WALK)
    parser.add_argument("--no-preview", action="store_true")
    parser.add_argument("--nice", type=int, default=None,
                        help="nice steps below the preview for the background extraction (default: "
                             "step_extraction.BACKGROUND_NICE)")
    args = parser.parse_args()
    if args.nice is not None:
        step_extraction.BACKGROUND_NICE = args.nice
    frames, fps = webcam_frames(args.clip)
    rows = []
    for _ in range(args.repeat):
        for path in args.paths.split(","):
            row = one_run(path, frames, fps, seconds=args.seconds, model=args.model, preview=not args.no_preview)
            rows.append(row)
            print(json.dumps(row), flush=True)
    keys = ["path", "step_s", "frames", "analysed_while_recording", "stop_to_result_s", "after_the_model_s",
            "preview_fps_step",
            "preview_fps_after_stop", "load_before"]
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")


if __name__ == "__main__":
    main()
