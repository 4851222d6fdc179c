"""The faster ways of working out the same numbers (issue 22: cleaning + one test's analysis of a minute < 100 ms)
give what the plain ways give: each is set against the plain computation it replaced, on inputs where they could
differ (gaps, swaps, a grid's end, uneven frames)."""

import warnings

import numpy as np
import pytest

from movement_check.assessments.foot_rotation.floor import FloorCamera, _spreads
from movement_check.assessments.foot_rotation.foot_line import foot_lines, least
from movement_check.assessments.gait.events import refine_peak
from movement_check.assessments.stride_stats import sampler, window
from movement_check.body.landmarks import LEFT_LEG, RIGHT_LEG
from movement_check.body.signals import nanmedian_across
from movement_check.pipeline.cleaning import _Fit, _plain_switches, find_swaps

from tests.fixtures.synthetic import walking_poses


@pytest.mark.parametrize("shape", [(7, 300, 12, 2), (1, 9), (2, 40), (6, 5, 3)])
def test_nanmedian_across_is_numpys_to_the_bit(shape):
    rng = np.random.default_rng(sum(shape))
    stack = rng.normal(size=shape) * 100
    stack[rng.random(shape) < 0.4] = np.nan            # every count of seen values, none included
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanmedian(stack, axis=0)
    np.testing.assert_array_equal(nanmedian_across(stack), expected)


def test_each_frames_switch_is_the_frame_by_frame_answer():
    """Against _Fit.switched with the two frames before as history, on a walk with swaps, a glitch and a gap."""
    truth = walking_poses(seconds=6.0, fps=30.0, noise_px=2.0, seed=4)
    image = truth.image.copy()
    li, ri = list(map(int, LEFT_LEG)), list(map(int, RIGHT_LEG))
    for frames in (np.arange(40, 70), np.array([100])):
        image[np.ix_(frames, li + ri)] = image[np.ix_(frames, ri + li)]
    image[120:125] = np.nan
    times = truth.times + np.random.default_rng(0).uniform(-0.004, 0.004, truth.times.size)   # uneven frames
    xy = image[:, :, :2]
    seen = np.isfinite(xy[:, li + ri]).all(axis=(1, 2))
    frames = [t for t in range(len(times)) if seen[t]]
    fit = _Fit(xy[:, li], xy[:, ri], times.tolist(), 0.5, min_gain=3.0)
    plain = _plain_switches(xy, times, li, ri, frames, 0.5, 3.0)
    assert plain[2:].any() and not plain[2:].all()
    for i in range(2, len(frames)):
        history = [(frames[i - 2], False), (frames[i - 1], False)]
        assert plain[i] == fit.switched(frames[i], history, False), frames[i]
        assert plain[i] == fit.switched(frames[i], [(f, True) for f, _ in history], True)    # all exchanged alike
    np.testing.assert_array_equal(np.flatnonzero(find_swaps(image, times, tuple(li), tuple(ri))), np.arange(40, 70))


def test_a_peak_between_frames_is_the_parabolas_vertex():
    times = np.array([0.0, 0.04, 0.07, 0.1])                 # uneven
    vertex_t, top = 0.061, 3.0
    values = top - 50.0 * (times - vertex_t) ** 2
    e = refine_peak(times, values, 2)
    assert e.time_s == pytest.approx(vertex_t, abs=1e-12)
    assert e.value == pytest.approx(top, abs=1e-12)
    assert e.frame == pytest.approx(1 + (vertex_t - 0.04) / 0.03, abs=1e-9)
    rising = np.array([0.0, 0.5, 1.0, 1.2])              # the parabola's top lies past the next frame
    assert refine_peak(times, rising, 2).time_s == pytest.approx(0.1)        # clipped to it


def test_sampler_and_window_are_interpolation_and_a_time_slice():
    times = np.arange(10) / 10.0
    series = np.arange(10.0) ** 2
    series[[0, 5]] = np.nan
    at = sampler(times, series)
    assert np.isnan(at(0.05)) and np.isnan(at(0.95))        # outside the seen samples
    assert at(0.45) == pytest.approx(16 + (36 - 16) / 4)    # across the gap at 0.5, between its neighbours
    assert at(0.3) == 9.0
    np.testing.assert_array_equal(window(times, series, 0.2, 0.4), series[2:5])
    assert np.isnan(sampler(times, np.full(10, np.nan))(0.5))


def test_least_finds_a_minimum_between_grid_points_and_stays_in_the_grid():
    grid = np.linspace(-1.0, 1.0, 21)[None].repeat(3, axis=0) + np.array([[0.0], [0.5], [2.0]])
    true = np.array([0.0137, 0.9, 2.3])

    def cost(x):
        return (x - true[:, None]) ** 2 + 0.3 * (x - true[:, None]) ** 4

    np.testing.assert_allclose(least(cost, grid), true, atol=1e-6)
    # a minimum past the grid's end gives the end (as a bounded search did)
    assert least(lambda x: (x - 5.0) ** 2, np.linspace(0.0, 1.0, 11))[0] == pytest.approx(1.0)


def _one_line(seen, jac, length, noise_px=3.0, sd_share=0.1):
    """The same fit as foot_lines for one footprint, the plain way: a fine scan of directions."""
    prior = 1.0 / (sd_share * length) ** 2
    w = np.linalg.inv(2.0 * noise_px ** 2 * jac @ jac.T)
    angles = np.arctan2(seen[1], seen[0]) + np.radians(np.linspace(-89.0, 89.0, 178001))
    u = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    best = ((u @ w) @ seen + prior * length) / (np.einsum("ni,ij,nj->n", u, w, u) + prior)
    miss = seen - best[:, None] * u
    cost = np.einsum("ni,ij,nj->n", miss, w, miss) + prior * (best - length) ** 2
    k = int(np.argmin(cost))
    return best[k] * u[k]


def test_foot_lines_of_many_footprints_are_each_ones_own_fit():
    camera = FloorCamera(700.0, (320.0, 240.0), tilt_deg=10.0)
    rng = np.random.default_rng(3)
    centres = np.column_stack([rng.uniform(-0.3, 0.3, 6), rng.uniform(1.5, 4.0, 6)])
    seen = np.column_stack([rng.uniform(-0.05, 0.05, 6), rng.uniform(0.05, 0.25, 6)])
    jacobians = camera.jacobian(centres)
    assert jacobians.shape == (6, 2, 2)
    np.testing.assert_allclose(jacobians[2], camera.jacobian(centres[2]))
    lines = foot_lines(seen, jacobians, 0.16, noise_px=3.0, length_sd_share=0.1)
    for k in range(6):
        np.testing.assert_allclose(lines[k], _one_line(seen[k], jacobians[k], 0.16), atol=2e-5)
    np.testing.assert_array_equal(foot_lines(seen, jacobians, float("nan"), noise_px=3.0, length_sd_share=0.1), seen)


def test_the_pitch_search_gives_each_pitchs_own_spread():
    """_spreads for many pitches at once against the spread worked out for each pitch's own camera."""
    from scipy.ndimage import uniform_filter1d
    camera = FloorCamera(700.0, (320.0, 240.0), tilt_deg=0.0)
    true = camera.with_tilt(12.0)
    n, frames = 30, 240
    depth = np.linspace(2.0, 6.0, frames)
    heels = np.stack([true.to_image(np.column_stack([np.full(frames, x), depth])) for x in (-0.1, 0.1)], axis=1)
    hips = true.to_image(np.column_stack([np.zeros(frames), depth]), height=0.5)
    hips = hips + np.random.default_rng(1).normal(0, 0.5, hips.shape)

    def smoothed(x):
        return uniform_filter1d(x, n, axis=0, mode="nearest")

    tilts = np.array([-5.0, 0.0, 11.5, 12.0, 12.5, 30.0])
    got = _spreads(camera.rays(heels), camera.rays(smoothed(hips)), tilts, smoothed, n)
    for tilt, spread in zip(tilts, got):
        cam = camera.with_tilt(tilt)
        feet_y = smoothed(cam.to_floor(heels).mean(axis=1)[:, 1])
        hip_h = cam.height_over(smoothed(hips), feet_y)
        good = np.isfinite(hip_h) & (feet_y > 0)
        assert spread == pytest.approx(np.std(hip_h[good]) / np.mean(hip_h[good]), rel=1e-9)
    assert tilts[int(np.argmin(got))] == 12.0


def test_span_means_are_each_footprints_heel_and_toe():
    from movement_check.assessments.foot_rotation.footprints import footprint, span_means
    rng = np.random.default_rng(5)
    heel, toe = rng.normal(size=(60, 2)), rng.normal(size=(60, 2))
    heel[[3, 4, 20]] = np.nan
    toe[[10, 21, 22, 23, 24, 25]] = np.nan
    spans = [(0, 8), (18, 26), (21, 26), (40, 60)]
    heels, toes = span_means(heel, toe, spans)
    for (a, b), h, t in zip(spans, heels, toes):
        p = footprint("left", heel, toe, a, b, np.arange(60) / 30.0, min_frames=1)
        if p is None:                              # 21-26: no frame with both seen
            assert np.isnan(h).all() and np.isnan(t).all()
        else:
            np.testing.assert_allclose(h, p.heel, rtol=1e-12)
            np.testing.assert_allclose(t, p.toe, rtol=1e-12)
    assert np.isnan(heels[2]).all()


def test_progression_angles_of_all_footprints_are_each_ones():
    from movement_check.assessments.foot_rotation.angles import progression_angles
    from movement_check.assessments.foot_rotation.footprints import Footprint, progression_angle
    rng = np.random.default_rng(6)
    prints = [Footprint(side, 0, 5, 0.1, (0.0, 1.0), (0.0, 1.2), 1.0) for side in ("left", "right", "left")]
    directions, axes = list(rng.normal(size=(3, 2))), list(rng.normal(size=(3, 2)))
    got = progression_angles(prints, directions, axes)
    assert got == [progression_angle(p.side, d, a) for p, d, a in zip(prints, directions, axes)]
    assert np.isnan(progression_angles(prints[:1], [np.full(2, np.nan)], axes[:1])[0])
