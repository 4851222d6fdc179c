"""The therapist's live knee figure: each side's curve at its angle, in its colour; its title says when the
angles are from before Stop (the preview resting)."""

import numpy as np

from movement_check.live.knee_figure import MARGIN, RANGE_DEG, SIZE, knee_angles_image
from movement_check.pipeline.annotate import LEFT_COLOUR, RIGHT_COLOUR


def _rows_of(img: np.ndarray, colour) -> np.ndarray:
    return np.flatnonzero((np.abs(img.astype(int) - np.array(colour)).sum(axis=2) < 30).any(axis=1))


def test_each_knee_is_drawn_at_its_angle_in_its_colour():
    times = list(np.arange(0.0, 12.0, 1 / 15))
    image = knee_angles_image(times, {"left_knee": [60.0] * len(times), "right_knee": [0.0] * len(times)})
    w, h = SIZE
    top, bottom = MARGIN[1], h - MARGIN[3]

    def row(deg):
        return bottom - (deg - RANGE_DEG[0]) / (RANGE_DEG[1] - RANGE_DEG[0]) * (bottom - top)

    plot = image[:, MARGIN[0]:w - 100]                 # left of the legend's words
    left, right = _rows_of(plot, LEFT_COLOUR), _rows_of(plot, RIGHT_COLOUR)
    assert len(left) and abs(np.median(left) - row(60.0)) <= 1.5
    assert len(right) and abs(np.median(right) - row(0.0)) <= 1.5


def test_the_title_says_the_angles_are_from_before_stop_while_the_preview_rests():
    times = list(np.arange(0.0, 5.0, 1 / 15))
    angles = {"left_knee": [30.0] * len(times), "right_knee": [40.0] * len(times)}
    live, resting = knee_angles_image(times, angles), knee_angles_image(times, angles, before_stop=True)
    differs = np.flatnonzero((live != resting).any(axis=(1, 2)))
    assert len(differs) and differs.min() >= SIZE[1] - MARGIN[3]      # only the title's strip under the plot
