"""Cadence of the synthetic walker (tests/fixtures/walker.py) seen from cameras at angles to the walking line.

0 deg: the walker comes straight at the camera (a front view); 90: square to the walk (a side view). Walks
across the room, slow walks and treadmills, at 30 and 15 fps, each once plain and once with the pose model's
legs swapped for 30 frames. Prints each case's view, cadence and error against the script's cadence, and a count.

    python benchmarks/gait_camera_angles.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from movement_check.assessments.gait.assess import assess  # noqa: E402
from movement_check.pipeline.cleaning import clean  # noqa: E402
from tests.fixtures.cameras import camera  # noqa: E402
from tests.fixtures.walker import Script, walk  # noqa: E402

#: name: (script, the middle of the walk in metres, where the camera points)
SCRIPTS = {
    "walk": (Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)]), 3.0),
    "slow walk": (Script(segments=[("stand", 0.5), ("walk", 8.0), ("stand", 0.5)], speed_mps=0.6, cadence=85), 2.4),
    "treadmill": (Script(segments=[("walk", 8.0)], speed_mps=0.0), 0.0),
    "slow treadmill": (Script(segments=[("walk", 8.0)], speed_mps=0.0, cadence=85), 0.0),
}
ANGLES = (90, 70, 55, 45, 35, 20, 0)


def main() -> None:
    rows = []
    for name, (script, middle) in SCRIPTS.items():
        for angle in ANGLES:
            for fps in (30.0, 15.0):
                for swapped in (False, True):
                    poses, _ = walk(script, fps=fps, noise_px=2.0, seed=2 if swapped else 1,
                                    camera=camera(5.0, 1.0, 5.0, angle, middle=middle),
                                    **({"swap": (40, 70)} if swapped else {}))
                    found = assess(clean(poses)[0])
                    c = next(m for m in found.metrics if m.name == "cadence")
                    err = None if c.value is None else 100 * (c.value - script.cadence) / script.cadence
                    angled = any(b.get("seen_at_an_angle") for b in found.quality.get("walking_bouts", []))
                    rows.append((err, c.uncertainty, script.cadence))
                    print(f"{name:15s} {angle:3d} deg {fps:3.0f} fps {'swap' if swapped else 'plain':5s} "
                          f"view {found.quality.get('view')}{' (at an angle)' if angled else ''}: "
                          f"cadence {c.value} +- {c.uncertainty} ({script.cadence:g}) "
                          f"{'-' if err is None else f'{err:+.1f} %'}", flush=True)
    given = [(e, u, cad) for e, u, cad in rows if e is not None]
    print(f"given {len(given)} of {len(rows)}; within 3 %: {sum(abs(e) <= 3 for e, _, _ in given)}; "
          f"over 6 % off: {sum(abs(e) > 6 for e, _, _ in given)}, of which outside 3 standard errors: "
          f"{sum(abs(e) > 6 and abs(e) * cad / 100 > 3 * (u or 0) for e, u, cad in given)}")


if __name__ == "__main__":
    main()
