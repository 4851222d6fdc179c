"""Batch speed: clips per minute through `movement-check batch` with 1 and 2 worker processes, side by side.

    .venv/bin/python benchmarks/batch_speed.py [--clips 6] [--test gait] [--model full]

The folder holds ``--clips`` copies of the walking sample clip (230 frames, 1768x994, 7.7 s). Each
run is timed end to end (workers starting and loading the model included); printed as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from movement_check.batch import clips_in, run_batch  # noqa: E402

CLIP = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--test", default="gait")
    parser.add_argument("--model", default="full")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.clips):
            shutil.copy(CLIP, Path(tmp) / f"clip_{i:02d}.mp4")
        clips = clips_in(tmp)
        for workers in (1, 2):
            t0 = time.monotonic()
            rows = run_batch(clips, args.test, workers=workers, model=args.model)
            spent = time.monotonic() - t0
            print(json.dumps({"workers": workers, "clips": len(clips), "ok": sum(r.status == "ok" for r in rows),
                              "seconds": round(spent, 1), "clips_per_minute": round(60 * len(clips) / spent, 1),
                              "mean_seconds_per_clip_in_worker": round(sum(r.seconds for r in rows) / len(rows), 1)}),
                  flush=True)


if __name__ == "__main__":
    main()
