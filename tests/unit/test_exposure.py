"""A clip's light (movement_check.pipeline.exposure): the level its brightest parts reach."""

import numpy as np
import pytest

from movement_check.pipeline.exposure import DARK_BELOW, clip_light, dark_warning, frame_light


def test_the_level_is_the_brightest_parts_luma_not_the_mean():
    frame = np.zeros((80, 80, 3), np.uint8)
    frame[:8] = 255                       # a white band, a tenth of the frame: above the 95th percentile
    assert frame_light(frame) == pytest.approx(255.0)
    assert frame_light(np.zeros((80, 80, 3), np.uint8)) == 0.0
    green = np.zeros((80, 80, 3), np.uint8)
    green[..., 1] = 100                   # BGR: luma 0.587 of green
    assert frame_light(green) == pytest.approx(58.7, abs=0.01)


def test_the_clip_level_is_the_median_of_its_frames():
    assert clip_light([]) is None
    assert clip_light([(0, 20.0), (8, 200.0), (16, 210.0)]) == 200.0    # one dark frame (a hand on the lens)


@pytest.mark.parametrize("levels, dark", [([255.0] * 5, False), ([DARK_BELOW] * 5, False),
                                          ([DARK_BELOW - 1] * 5, True), ([30.0, 40.0, 250.0], True),
                                          ([], False)])
def test_a_clip_is_dark_below_the_level(levels, dark):
    warning = dark_warning([(8 * i, v) for i, v in enumerate(levels)])
    assert (warning is not None) == dark
    if dark:
        assert "light on" in warning and f"reach {np.median(levels):.0f} of 255" in warning
