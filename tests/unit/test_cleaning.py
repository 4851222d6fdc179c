"""Cleaning on synthetic trajectories whose right answer is known."""

import numpy as np
import pytest
from scipy.signal import butter, freqz

from movement_check.pipeline.cleaning import CleaningSettings, clean, fill_gaps, find_swaps
from movement_check.body.signals import lowpass
from movement_check.body.landmarks import LEFT_LEG, RIGHT_LEG, Landmark

from tests.fixtures.synthetic import walking_poses


def test_short_gap_in_linear_motion_is_filled_exactly():
    t = np.arange(30) / 30.0
    x = 5.0 + 120.0 * t                      # 120 px/s, straight line
    y = np.column_stack([x, -2 * x])
    y[10:12] = np.nan                         # 2 frames missing: bridge 0.1 s <= 0.12 s
    filled = fill_gaps(y, t, max_gap_s=0.12)
    np.testing.assert_allclose(filled[10:12, 0], x[10:12], atol=1e-9)
    np.testing.assert_allclose(filled[10:12, 1], -2 * x[10:12], atol=1e-9)


def test_gap_fill_uses_time_not_frame_index():
    # variable frame rate: the missing frame sits 1/4 of the way through the gap in time
    t = np.array([0.0, 0.03, 0.04, 0.07, 0.10])
    x = 10.0 * t
    x[2] = np.nan
    filled = fill_gaps(x, t, max_gap_s=0.12)
    assert filled[2] == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize("fps, filled_up_to", [(30, 3), (25, 3), (24, 2), (20, 2), (15, 1), (12, 1), (10, 1)])
def test_gap_rule_is_the_time_unseen_at_every_frame_rate(fps, filled_up_to):
    # 120 ms unseen is filled whatever the camera's rate: 3 frames at 30 fps, 1 at 12 (the span between the
    # seen frames would have filled 1 frame at 24 fps and none at 12)
    t = np.arange(60) / fps
    for missing in range(1, 5):
        x = 3.0 + 50.0 * t
        x[20:20 + missing] = np.nan
        filled = fill_gaps(x, t, max_gap_s=0.12)
        if missing <= filled_up_to:
            np.testing.assert_allclose(filled[20:20 + missing], 3.0 + 50.0 * t[20:20 + missing], atol=1e-9)
        else:
            assert np.isnan(filled[20:20 + missing]).all(), (fps, missing)


def test_long_gap_and_edges_stay_missing():
    t = np.arange(40) / 30.0
    x = np.sin(t)
    x[0] = np.nan                             # start of the clip
    x[10:14] = np.nan                         # 4 frames: bridge 0.167 s > 0.12 s
    x[-1] = np.nan                            # end of the clip
    filled = fill_gaps(x, t, max_gap_s=0.12)
    assert np.isnan(filled[0]) and np.isnan(filled[-1])
    assert np.isnan(filled[10:14]).all()
    # and nothing else changed
    keep = np.isfinite(x)
    np.testing.assert_array_equal(filled[keep], x[keep])


def test_filter_passes_1hz_within_1_percent():
    fs = 30.0
    t = np.arange(int(20 * fs)) / fs
    x = np.sin(2 * np.pi * 1.0 * t)
    y = lowpass(x, t, cutoff_hz=6.0)
    core = slice(int(2 * fs), int(-2 * fs))   # away from the ends
    gain = np.max(np.abs(y[core])) / np.max(np.abs(x[core]))
    assert gain == pytest.approx(1.0, abs=0.01)
    # zero lag: the peaks stay where they were
    assert np.max(np.abs(y[core] - x[core])) < 0.01


def test_filter_attenuates_15hz_as_designed():
    fs = 60.0
    t = np.arange(int(20 * fs)) / fs
    x = np.sin(2 * np.pi * 15.0 * t)
    y = lowpass(x, t, cutoff_hz=6.0, order=2)
    core = slice(int(2 * fs), int(-2 * fs))
    measured = np.sqrt(np.mean(y[core] ** 2)) / np.sqrt(np.mean(x[core] ** 2))
    b, a = butter(2, 6.0 / (fs / 2))
    _, h = freqz(b, a, worN=[15.0], fs=fs)
    designed = np.abs(h[0]) ** 2              # forward and backward: squared magnitude
    assert designed < 0.05                    # the design really attenuates
    assert measured == pytest.approx(designed, rel=0.05)


def test_filter_never_crosses_a_gap():
    fs = 30.0
    t = np.arange(60) / fs
    x = np.where(t < 1.0, 0.0, 100.0)         # a step hidden inside a long gap
    x[25:35] = np.nan
    y = lowpass(x, t, cutoff_hz=6.0)
    assert np.isnan(y[25:35]).all()
    np.testing.assert_allclose(y[:25], 0.0, atol=1e-9)     # no ringing from the other side
    np.testing.assert_allclose(y[35:], 100.0, atol=1e-9)


def test_filter_on_variable_frame_rate_keeps_1hz():
    rng = np.random.default_rng(0)
    dt = 1 / 30 + rng.uniform(-0.008, 0.008, 600)
    t = np.cumsum(dt)
    x = np.sin(2 * np.pi * 1.0 * t)
    y = lowpass(x, t, cutoff_hz=6.0)
    core = slice(60, -60)
    assert np.max(np.abs(y[core] - x[core])) < 0.02


def test_planted_left_right_swap_is_undone():
    truth = walking_poses(seconds=4.0, fps=30.0, noise_px=1.0, seed=1)
    swapped = truth.image.copy()
    frames = np.arange(40, 70)
    li, ri = list(map(int, LEFT_LEG)), list(map(int, RIGHT_LEG))
    sub = swapped[frames]
    sub[:, li + ri] = sub[:, ri + li]
    swapped[frames] = sub
    mask = find_swaps(swapped, truth.times, tuple(li), tuple(ri))
    np.testing.assert_array_equal(np.flatnonzero(mask), frames)

    cleaned, report = clean(truth.with_arrays(image=swapped), CleaningSettings(cutoff_hz=None))
    assert report.swap_runs == [(40, 70)]
    ankle = int(Landmark.LEFT_ANKLE)
    np.testing.assert_allclose(cleaned.image[:, ankle], truth.image[:, ankle])


def _crossing_legs(n: int = 40) -> np.ndarray:
    """Two legs seen from the side, hips on one spot, feet swinging past each other once a second: rows
    hip, knee, ankle, heel, toes of the left leg (0-4) then the right (5-9)."""
    img = np.zeros((n, 10, 3))
    for f in range(n):
        swing = np.sin(2 * np.pi * f / 30)
        for first, sign in ((0, 1), (5, -1)):
            foot = 270 + sign * 110 * swing
            img[f, first:first + 5, :2] = [(293, 200), (293 + sign * 30 * swing, 300), (foot, 400),
                                           (foot - 15, 410), (foot + 50, 410)]
    return img


@pytest.mark.parametrize("at", [5, 8, 20, 24])
def test_one_frame_glitch_is_not_taken_for_a_swap(at):
    """The pose model puts the two feet on each other's side for one frame. A switch that the next frame
    switches straight back is a glitch: nothing is swapped (before: the glitch frame, or it and the next good
    frame, had their whole legs exchanged). Two frames with the legs exchanged are still a swap."""
    left, right = (0, 1, 2, 3, 4), (5, 6, 7, 8, 9)
    times = np.arange(40) / 30.0
    glitch = _crossing_legs()
    glitch[at, [2, 3, 4, 7, 8, 9]] = glitch[at, [7, 8, 9, 2, 3, 4]]
    assert not find_swaps(glitch, times, left, right).any()
    two = _crossing_legs()
    two[[at, at + 1]] = two[[at, at + 1]][:, [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]]
    np.testing.assert_array_equal(np.flatnonzero(find_swaps(two, times, left, right)), [at, at + 1])


def test_no_swap_found_in_a_clean_walk():
    truth = walking_poses(seconds=6.0, fps=30.0, noise_px=2.0, seed=2)
    li, ri = tuple(map(int, LEFT_LEG)), tuple(map(int, RIGHT_LEG))
    assert not find_swaps(truth.image, truth.times, li, ri).any()


def test_clean_reports_what_it_did_and_skips_filter_at_10fps():
    poses = walking_poses(seconds=3.0, fps=10.0, noise_px=0.0, seed=3)
    image = poses.image.copy()
    image[5:7] = np.nan                       # two frames missing: 0.2 s unseen > 0.12 s at 10 fps
    cleaned, report = clean(poses.with_arrays(image=image))
    assert report.frames_filled == 0
    assert not report.filtered
    assert any("not low-pass filtered" in w for w in report.warnings)
    assert np.isnan(cleaned.image[5:7]).all()
