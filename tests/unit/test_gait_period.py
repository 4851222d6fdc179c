"""How often a walk's signal repeats (assessments/gait/events.dominant_period): its shortest near-equal
autocorrelation peak, not a multiple of it that happens to stand higher on a noisy signal.

The backlit copy of the limp walk (benchmarks/gait_image_quality.py), its walk ended 3 frames later: the feet's
signal had autocorrelation peaks 0.21 at one stride and 0.28 at two; taking two strides for the repeat halved the
step and the cadence read 49.3 +- 2.2 for 94.5 (with this rule: 86.8 +- 14.8, as with the walk's usual end).
"""

import numpy as np
import pytest

from movement_check.assessments.gait.events import FUNDAMENTAL_SHARE, autocorrelation, dominant_period

FPS = 30.0


def _signal(period_s: float, slow: float, seconds: float = 8.0) -> tuple[np.ndarray, np.ndarray]:
    """A repeat every ``period_s`` with a ``slow`` share of a wave twice as long on top: its autocorrelation peaks at
    both, the one at twice the period the higher."""
    t = np.arange(int(seconds * FPS)) / FPS
    return t, np.sin(2 * np.pi * t / period_s) + slow * np.sin(2 * np.pi * t / (2 * period_s))


def _peak(t: np.ndarray, x: np.ndarray, lag_s: float) -> float:
    ac, dt = autocorrelation(t, x)
    i = int(round(lag_s / dt))
    return float(ac[i - 2:i + 3].max())


@pytest.mark.parametrize("period_s", [0.6, 0.9, 1.2])
def test_a_repeat_whose_double_stands_higher_is_still_the_repeat(period_s):
    t, x = _signal(period_s, slow=0.35)
    one, two = _peak(t, x, period_s), _peak(t, x, 2 * period_s)
    assert FUNDAMENTAL_SHARE * two <= one < two          # the case: the double the higher peak, the repeat near it
    assert dominant_period(t, x, lo_s=0.25, hi_s=2.5) == pytest.approx(period_s, abs=1.5 / FPS)


def test_a_repeat_that_hardly_shows_half_way_is_the_long_one():
    """A step-to limp's feet: the signal repeats once a stride, with little at half a stride; the stride stays."""
    t, x = _signal(0.6, slow=1.5)
    assert _peak(t, x, 0.6) < FUNDAMENTAL_SHARE * _peak(t, x, 1.2)
    assert dominant_period(t, x, lo_s=0.25, hi_s=2.5) == pytest.approx(1.2, abs=1.5 / FPS)


def test_a_plain_repeat_is_found_at_any_length():
    for period_s in (0.5, 1.0, 1.6, 2.2):
        t = np.arange(int(10 * FPS)) / FPS
        assert dominant_period(t, np.sin(2 * np.pi * t / period_s), lo_s=0.25, hi_s=2.5) == \
            pytest.approx(period_s, abs=1.5 / FPS)
