"""Time to clean and analyse a minute of each test's trajectory (issue 22's target: under 100 ms each).

The trajectories are the synthetic people of the tests, 60 s at 30 fps (``--seconds``, ``--fps``):

  gait            the walker on the spot, seen from the side (a treadmill: in view for the whole minute)
  leg raise       twelve single-leg raises, left and right in turn, seen from the side
  foot rotation   the walker on the spot toward a front camera 3 m away (12 / 6 deg toe-out), and the side walk

For each: the median of ``--repeat`` runs of cleaning + the test's analysis, and of the analysis alone, after
one warm-up run (imports, caches).

    python benchmarks/analysis_speed.py [--seconds 60] [--fps 30] [--repeat 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from movement_check.assessments.foot_rotation.assess import assess as foot_rotation  # noqa: E402
from movement_check.assessments.gait.assess import GaitSettings, assess as gait  # noqa: E402
from movement_check.assessments.leg_raise.assess import assess as leg_raise  # noqa: E402
from movement_check.pipeline.cleaning import clean  # noqa: E402
from tests.fixtures.cameras import camera  # noqa: E402
from tests.fixtures.raiser import Raise, Script as RaiseScript, perform  # noqa: E402
from tests.fixtures.walker import Camera, Script, walk  # noqa: E402

TARGET_MS = 100.0


def trajectories(seconds: float, fps: float) -> list[tuple[str, object, object]]:
    """(name, raw poses, analysis) of each test's minute."""
    side = Camera(position=(0.0, -4.0, 1.0), target=(0.0, 0.0, 0.9), focal_px=700.0)
    walker, _ = walk(Script(segments=[("walk", seconds)], speed_mps=0.0), fps=fps, camera=side, noise_px=1.5, seed=1)
    front, _ = walk(Script(segments=[("walk", seconds)], speed_mps=0.0, toe_out_deg=(12.0, 6.0)), fps=fps,
                    camera=camera(3.0, 1.2, 10.0, 0.0), noise_px=1.0, seed=1)
    raises = [Raise("left" if k % 2 == 0 else "right", 1.0 + k * (seconds - 2.0) / 12) for k in range(12)]
    raiser, _ = perform(RaiseScript(raises=raises, duration=seconds), fps=fps)
    return [("gait (side)", walker, lambda p: gait(p, settings=GaitSettings(height_cm=175))),
            ("leg raise (side)", raiser, leg_raise),
            ("foot rotation (front)", front, foot_rotation),
            ("foot rotation (side)", walker, foot_rotation)]


def timed(raw, analyse, repeat: int) -> tuple[float, float]:
    """Median ms of cleaning + analysis, and of the analysis alone."""
    analyse(clean(raw)[0])                         # warm-up
    both, alone = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cleaned, _ = clean(raw)
        t1 = time.perf_counter()
        analyse(cleaned)
        t2 = time.perf_counter()
        both.append(t2 - t0)
        alone.append(t2 - t1)
    return 1000 * statistics.median(both), 1000 * statistics.median(alone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    print(f"{args.seconds:g} s at {args.fps:g} fps; median of {args.repeat} runs; target: cleaning + analysis "
          f"< {TARGET_MS:g} ms")
    for name, raw, analyse in trajectories(args.seconds, args.fps):
        both, alone = timed(raw, analyse, args.repeat)
        print(f"{name:24s} cleaning + analysis {both:7.1f} ms   analysis alone {alone:7.1f} ms   "
              f"{'met' if both < TARGET_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
