"""A camera that delivers the frame rate a measure needs gets the measure (assessments/gait/timing.py).

Frames over time of an exact 20 fps walk add up to 19.999999999999996 frames a second, and of some 15 fps walks
to 14.999999999999998: before RATE_SLACK, compared as they were with 20 and 15, the phases of a stride (and, at
15 fps, every step time) were withheld from such a clip as "too few frames a second (needs 20)".
"""

import pytest

from movement_check.assessments.gait import timing
from movement_check.assessments.gait.assess import assess
from movement_check.pipeline.cleaning import clean
from tests.fixtures.walker import Script, walk


def _delivered(fps: float) -> timing.Delivery:
    return timing.Delivery(fps=fps, longest_interval_s=1.0 / fps, leg_px=200.0)


@pytest.mark.parametrize("fps, phases, steps", [
    (19.999999999999996, True, True),   # an exact 20 fps clip's frames over time
    (19.85, True, True),                # one frame of 150 lost
    (19.5, False, True),
    (14.999999999999998, False, True),
    (14.6, False, False),
])
def test_a_rate_is_delivered_up_to_the_slack(fps, phases, steps):
    withheld = timing.withheld(_delivered(fps))
    assert ("stance" not in withheld) == phases
    assert ("step_time" not in withheld) == steps
    assert timing.steady(_delivered(fps)) == steps
    assert "cadence" not in withheld


def test_an_exact_20_fps_walk_gets_its_stance_and_double_support():
    poses, _ = walk(Script(segments=[("walk", 8.0)], cadence=100.0), fps=20.0, noise_px=1.0, seed=0)
    found = assess(clean(poses)[0])
    metrics = {(m.name, m.side): m for m in found.metrics}
    assert found.quality["camera_delivered"]["frames_per_second"] == pytest.approx(20.0)
    for side in ("left", "right"):
        assert metrics[("stance", side)].value == pytest.approx(60.0, abs=6.0), metrics[("stance", side)].note
        assert metrics[("double_support", side)].value is not None
