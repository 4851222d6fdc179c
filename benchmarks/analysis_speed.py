"""Time to analyse a 60 s, 30 fps walking trajectory (synthetic walker from tests/fixtures/walker.py).

Prints the median of ``--repeat`` runs of the gait assessment alone, and of
cleaning + assessment, against the 100 ms target.

    python benchmarks/gait_speed.py [--seconds 60] [--fps 30] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from movement_check.assessments.gait.assess import GaitSettings, assess  # noqa: E402
from movement_check.pipeline.cleaning import clean  # noqa: E402
from tests.fixtures.walker import Camera, Script, walk  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    # a treadmill-like walk seen from the side, so the walker stays in view for the whole minute
    script = Script(segments=[("walk", args.seconds)], speed_mps=0.0)
    camera = Camera(position=(0.0, -4.0, 1.0), target=(0.0, 0.0, 0.9), focal_px=700.0)
    poses, _ = walk(script, fps=args.fps, camera=camera, noise_px=1.5, seed=1)
    cleaned, _ = clean(poses)
    settings = GaitSettings(height_cm=175)
    assess(cleaned, settings=settings)            # warm-up (imports, caches)
    only, both = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = assess(cleaned, settings=settings)
        t1 = time.perf_counter()
        assess(clean(poses)[0], settings=settings)
        t2 = time.perf_counter()
        only.append(t1 - t0)
        both.append(t2 - t1)
    steps = next(m.value for m in result.metrics if m.name == "steps")
    print(f"{len(poses)} frames ({args.seconds:g} s at {args.fps:g} fps), {steps} steps found")
    print(f"gait assessment:            median {1000 * statistics.median(only):7.1f} ms   (target < 100 ms)")
    print(f"cleaning + gait assessment: median {1000 * statistics.median(both):7.1f} ms")


if __name__ == "__main__":
    main()
