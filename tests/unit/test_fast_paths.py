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
    stack[rng.random(shape) < 0.05] = np.inf           # NumPy counts them (sorted before NaN; -inf first)
    stack[rng.random(shape) < 0.05] = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # all unseen; inf - inf
        expected, got = np.nanmedian(stack, axis=0), nanmedian_across(stack)
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("margin, min_gain", [(0.5, 3.0), (0.5, 500.0), (0.7, 3.0)])   # each threshold deciding
def test_each_frames_switch_is_the_frame_by_frame_answer(margin, min_gain):
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
    fit = _Fit(xy[:, li], xy[:, ri], times.tolist(), margin, min_gain=min_gain)
    plain, sure = _plain_switches(xy, times, li, ri, frames, margin, min_gain)
    assert plain[2:].any() and not plain[2:].all() and sure[2:].all()
    for i in range(2, len(frames)):
        history = [(frames[i - 2], False), (frames[i - 1], False)]
        assert plain[i] == fit.switched(frames[i], history, False), frames[i]
        assert plain[i] == fit.switched(frames[i], [(f, True) for f, _ in history], True)    # all exchanged alike
    np.testing.assert_array_equal(np.flatnonzero(find_swaps(image, times, tuple(li), tuple(ri))), np.arange(40, 70))


def _swaps_frame_by_frame(image, times, left, right, *, margin=0.5, max_gap_s=0.25):
    """find_swaps the plain way, as before the all-frames answer: _Fit.switched asked at every frame."""
    xy, left, right = image[:, :, :2], list(left), list(right)
    seen = np.isfinite(xy[:, left + right]).all(axis=(1, 2))
    legs = np.linalg.norm(xy[seen][:, left[0]] - xy[seen][:, left[2]], axis=-1)
    fit = _Fit(xy[:, left], xy[:, right], list(times), margin, min_gain=0.03 * float(np.nanmedian(legs)) * len(left))
    frames, swapped, state, history = np.flatnonzero(seen).tolist(), np.zeros(len(times), dtype=bool), False, []
    for i, t in enumerate(frames):
        if history and times[t] - times[history[-1][0]] > max_gap_s:
            history, state = [], False
        if history and fit.switched(t, history, state):
            after = frames[i + 1] if i + 1 < len(frames) else None
            if after is not None and times[after] - times[t] <= max_gap_s and \
                    fit.switched(after, (history + [(t, not state)])[-2:], not state):
                swapped[t] = state
                continue
            state = not state
        swapped[t] = state
        history = (history + [(t, state)])[-2:]
    return swapped


def test_the_swap_search_is_the_frame_by_frame_search():
    """find_swaps takes the all-frames answer only where the two frames before were kept with the labels as they are
    now: on walks with swaps, one-frame glitches, legs thrown off, gaps and uneven frames it finds what asking
    frame by frame finds (these walks tell the two apart when the all-frames answer is taken after a glitch)."""
    li, ri = tuple(map(int, LEFT_LEG)), tuple(map(int, RIGHT_LEG))
    walk = walking_poses(seconds=20.0, fps=24.0, noise_px=4.0, seed=1)
    rng = np.random.default_rng(2)
    for _ in range(12):
        image, n = walk.image.copy(), len(walk.times)
        for length in rng.integers(1, 25, 5):                   # labels exchanged for a while, or for one frame
            frames = np.arange(rng.integers(0, n - length), n)[:length]
            image[np.ix_(frames, li + ri)] = image[np.ix_(frames, ri + li)]
        for length in rng.integers(1, 10, 5):
            image[rng.integers(0, n):][:length] = np.nan
        for t in rng.integers(0, n, 5):                         # legs thrown off for a frame
            image[t, li + ri, :2] += rng.normal(0, 60, (len(li) * 2, 2))
        times = np.sort(walk.times + rng.uniform(-0.01, 0.01, n))
        for margin in (0.5, 0.8):
            np.testing.assert_array_equal(find_swaps(image, times, li, ri, margin=margin),
                                          _swaps_frame_by_frame(image, times, li, ri, margin=margin))


def test_the_frame_after_a_switch_is_asked_frame_by_frame():
    """A leg swinging past the standing one, the labels exchanged from the frame it passes: the frame after the
    switch is predicted from the two before as corrected (one of them exchanged), not as they were labelled."""
    times = np.arange(10) / 15.0
    image = np.zeros((10, 6, 3))
    image[:, :, 1] = [0.0, 50.0, 100.0] * 2                                        # hip, knee, ankle
    image[:, :3, 0] = (204.0 + 30.0 * (np.arange(10) - 5))[:, None]   # swinging, 4 px past the other at frame 5
    image[:, 3:, 0] = 200.0                                                         # standing
    image[5:] = image[5:][:, [3, 4, 5, 0, 1, 2]]
    swapped = find_swaps(image, times, (0, 1, 2), (3, 4, 5))
    np.testing.assert_array_equal(swapped, _swaps_frame_by_frame(image, times, (0, 1, 2), (3, 4, 5)))
    np.testing.assert_array_equal(np.flatnonzero(swapped), np.arange(5, 10))


def test_a_frame_on_the_knifes_edge_is_asked_frame_by_frame():
    """NumPy's hypot and Python's math.hypot (which _Fit uses) can differ in the last bit. With the margin set to the
    very ratio of the two costs, the answer turns on that bit: find_swaps must give _Fit's (it gave NumPy's)."""
    left = np.array([[0.0, 0.0], [0.0, 10.0], [0.0, 20.0]])
    right = left + [5.0, 0.0]
    image = np.zeros((3, 6, 3))
    image[:2, :3, :2], image[:2, 3:, :2] = left, right          # standing still
    image[2, :3, :2], image[2, 3:, :2] = right + [0.4, 0.7], left   # then the labels exchanged, give or take
    keep = _Fit.cost(image[2, :3, :2].tolist(), left.tolist()) + _Fit.cost(left.tolist(), right.tolist())
    swap = _Fit.cost(left.tolist(), left.tolist()) + _Fit.cost(image[2, :3, :2].tolist(), right.tolist())
    times = np.array([0.0, 0.1, 0.2])
    for margin in (swap / keep, np.nextafter(swap / keep, 0.0), np.nextafter(swap / keep, 1.0)):
        np.testing.assert_array_equal(find_swaps(image, times, (0, 1, 2), (3, 4, 5), margin=float(margin)),
                                      _swaps_frame_by_frame(image, times, (0, 1, 2), (3, 4, 5), margin=float(margin)))


def test_a_peak_between_frames_is_the_parabolas_vertex():
    times = np.array([0.0, 0.04, 0.07, 0.12])                # uneven: 30 ms before frame 2, 50 ms after
    top = 3.0
    for vertex_t, frame in ((0.061, 1 + (0.061 - 0.04) / 0.03), (0.09, 2 + (0.09 - 0.07) / 0.05)):
        values = top - 50.0 * (times - vertex_t) ** 2
        e = refine_peak(times, values, 2)
        assert e.time_s == pytest.approx(vertex_t, abs=1e-12)
        assert e.value == pytest.approx(top, abs=1e-12)
        assert e.frame == pytest.approx(frame, abs=1e-9)
    rising = np.array([0.0, 0.5, 1.0, 1.4])              # the parabola's top lies past the next frame
    assert refine_peak(times, rising, 2).time_s == pytest.approx(0.12)       # clipped to it


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
    base, offsets = np.array([0.0, 0.5, 2.0]), np.linspace(-1.0, 1.0, 21)
    true = np.array([0.0137, 0.9, 2.3])

    def cost(centre, deltas):
        x = centre[:, None] + deltas[None] - true[:, None]
        return x ** 2 + 0.3 * x ** 4

    np.testing.assert_allclose(least(cost, base, offsets), true, atol=1e-6)
    np.testing.assert_allclose(least(cost, base, offsets, refine=10), true, atol=1e-6)

    def beyond(centre, deltas):          # least past either end of the grid: the end (as a bounded search gave)
        return -np.abs(centre[:, None] + deltas[None] - 0.37)

    np.testing.assert_allclose(least(beyond, np.array([0.4, 0.0]), np.linspace(0.0, 1.0, 11)), [1.4, 1.0])
    ends = least(lambda c, d: (c[:, None] + d[None] - np.array([[5.0], [-5.0]])) ** 2, np.zeros(2),
                 np.linspace(0.0, 1.0, 11))
    np.testing.assert_allclose(ends, [1.0, 0.0])
    # a kink between grid points (no parabola): within the fine grid's step
    assert least(lambda c, d: np.abs(c[:, None] + d[None] - 0.4321), np.zeros(1),
                 np.linspace(0.0, 1.0, 11))[0] == pytest.approx(0.4321, abs=0.1 / 100)
    # a row that costs inf everywhere stays on the grid (its first point, as before), and warns of nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        everywhere = least(lambda c, d: np.where(np.arange(c.size)[:, None] == 0, np.inf, (c[:, None] + d[None]) ** 2),
                           np.zeros(2), np.linspace(0.0, 1.0, 11))
    np.testing.assert_array_equal(everywhere, [0.0, 0.0])


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


@pytest.mark.parametrize("budget", [1 << 16, 1000, 1])          # all 8 pitches at once, 2 at a time, 1 at a time
def test_the_pitch_search_gives_each_pitchs_own_spread(budget, monkeypatch):
    """_spreads for many pitches at once against the spread worked out for each pitch's own camera."""
    from scipy.ndimage import uniform_filter1d
    from movement_check.assessments.foot_rotation import floor
    monkeypatch.setattr(floor, "SPREADS_BUDGET", budget)
    camera = FloorCamera(700.0, (320.0, 240.0), tilt_deg=0.0)
    true = camera.with_tilt(12.0)
    n, frames = 30, 240
    depth = np.linspace(2.0, 6.0, frames)
    heels = np.stack([true.to_image(np.column_stack([np.full(frames, x), depth])) for x in (-0.1, 0.1)], axis=1)
    hips = true.to_image(np.column_stack([np.zeros(frames), depth]), height=0.5)
    hips = hips + np.random.default_rng(1).normal(0, 0.5, hips.shape)

    def smoothed(x):
        return uniform_filter1d(x, n, axis=0, mode="nearest")

    # -10: hips seen above the floor in 15 frames only, under a stride (inf); 80: looking down so steeply that some
    # feet come out behind the camera
    tilts = np.array([-10.0, -5.0, 0.0, 11.5, 12.0, 12.5, 30.0, 80.0])
    got, feet_ys, goods = _spreads(camera.rays(heels), camera.rays(smoothed(hips)), tilts, smoothed, n)
    for tilt, spread, feet_y_k, good_k in zip(tilts, got, feet_ys, goods):
        cam = camera.with_tilt(tilt)
        feet_y = smoothed(cam.to_floor(heels).mean(axis=1)[:, 1])
        hip_h = cam.height_over(smoothed(hips), feet_y)
        good = np.isfinite(hip_h) & (feet_y > 0)
        np.testing.assert_array_equal(good_k, good)                 # the frames that count, and their distances
        np.testing.assert_allclose(feet_y_k[good], feet_y[good], rtol=1e-12)
        if good.sum() < n:
            assert spread == np.inf
        else:
            assert spread == pytest.approx(np.std(hip_h[good]) / np.mean(hip_h[good]), rel=1e-9)
    assert tilts[int(np.argmin(got))] == 12.0
    # hips seen under the floor (a mean height below 0) count as not seen: inf
    under = true.to_image(np.column_stack([np.zeros(frames), depth]), height=-0.5)
    assert _spreads(camera.rays(heels), camera.rays(smoothed(under)), np.array([12.0]), smoothed, n)[0][0] == np.inf


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


def test_outliers_are_judged_against_the_same_foots_other_seen_footprints():
    """apart_from_the_rest against the check footprint by footprint: unseen angles, 0-6 footprints a foot, angles
    exactly OUTLIER_DEG from the others' median (kept)."""
    from movement_check.assessments.foot_rotation.angles import OUTLIER_DEG, apart_from_the_rest
    from movement_check.assessments.foot_rotation.footprints import Footprint
    rng = np.random.default_rng(5)
    for k in range(300):
        prints = [Footprint(str(side), 0, 1, 0.0, (0.0, 2.0), (0.0, 2.2), 0.0)
                  for side in rng.choice(["left", "right"], rng.integers(0, 13))]
        angles = np.where(rng.random(len(prints)) < 0.2, np.nan, rng.normal(0.0, 12.0, len(prints)))
        angles = (np.round(angles / 5.0) * 5.0 if k % 2 else angles).tolist()     # whole 5s: differences of 15
        plain = []
        for i, (p, a) in enumerate(zip(prints, angles)):
            others = [b for j, (q, b) in enumerate(zip(prints, angles))
                      if j != i and q.side == p.side and np.isfinite(b)]
            plain.append(not (np.isfinite(a) and len(others) >= 3 and abs(a - np.median(others)) > OUTLIER_DEG))
        assert apart_from_the_rest(prints, angles) == plain


def test_each_footprints_bout_is_the_first_holding_its_start():
    """bouts_of against bout_of footprint by footprint: starts before, between, inside and after bouts, no bouts."""
    from movement_check.assessments.foot_rotation.angles import bout_of, bouts_of, by_bout
    from movement_check.assessments.foot_rotation.footprints import Footprint
    from movement_check.body.walking import Bout
    rng = np.random.default_rng(9)
    for _ in range(200):
        edges = np.sort(rng.choice(np.arange(0, 100), 2 * rng.integers(0, 4), replace=False))
        bouts = [Bout(int(a), int(b), "side", 1, a / 30, b / 30) for a, b in zip(edges[::2], edges[1::2])]
        prints = [Footprint("left", int(s), int(s) + 3, 0.0, (0.0, 2.0), (0.0, 2.2), 0.0)
                  for s in rng.integers(0, 105, rng.integers(0, 9))]
        assert bouts_of(prints, bouts) == [bout_of(p, bouts) for p in prints]
        assert by_bout(prints, bouts) == [[p for p in prints if bout_of(p, bouts) == i] for i in range(len(bouts))]
        assert by_bout(prints, bouts, bouts_of(prints, bouts)) == by_bout(prints, bouts)


def test_the_median_of_the_others_is_numpys_median_without_that_value():
    """medians_of_the_others against np.median(np.delete(...)) to the bit: odd and even counts, ties, 2-40 values."""
    from movement_check.assessments.foot_rotation.angles import medians_of_the_others
    rng = np.random.default_rng(8)
    for n in list(range(2, 12)) * 20 + [39, 40]:
        values = rng.normal(0.0, 12.0, n)
        if rng.random() < 0.4:                              # ties
            values = np.round(values / 5.0) * 5.0
        got = medians_of_the_others(values)
        want = np.array([np.median(np.delete(values, k)) for k in range(n)])
        assert np.array_equal(got, want), (values, got, want)


def test_each_footprints_hip_height_is_over_its_frames_hips_seen():
    """hip_height's running sums against each footprint's own mean of the hips seen (a footprint with none: left
    out)."""
    from movement_check.assessments.foot_rotation.footprints import Footprint, hip_height
    from movement_check.body.landmarks import Landmark as L
    from movement_check.body.walking import midpoint
    poses = walking_poses(seconds=4.0, fps=30.0, noise_px=2.0, seed=2)
    image = poses.image.copy()
    image[20:50, L.LEFT_HIP] = np.nan                   # no hip midpoint in frames 20-49
    image[70:75, L.RIGHT_HIP] = np.nan
    poses = poses.with_arrays(image=image)
    camera = FloorCamera(700.0, (poses.frame_size[0] / 2, poses.frame_size[1] / 2), tilt_deg=10.0)
    prints = [Footprint("left", a, b, 0.0, (0.0, y), (0.0, y + 0.2), 0.0)
              for a, b, y in ((0, 12, 2.0), (15, 45, 3.0), (25, 45, 3.5), (60, 80, 2.5), (90, 110, 4.0))]
    hips = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # the footprint with no hip seen
        each = [float(camera.height_over(np.nanmean(hips[p.start:p.stop], axis=0), p.centre[1])) for p in prints]
    assert np.isnan(each[2]) and np.isfinite(each).sum() == 4
    assert hip_height(poses, camera, prints) == pytest.approx(np.nanmedian(each), rel=1e-12)
    assert np.isnan(hip_height(poses, camera, []))


def test_footprints_of_many_spans_are_each_spans_footprint():
    from movement_check.assessments.foot_rotation.footprints import footprint, footprints_of
    rng = np.random.default_rng(8)
    heel = rng.normal(size=(80, 2)) * 0.01 + [0.0, 3.0]
    toe = heel + [0.05, 0.25] + rng.normal(size=(80, 2)) * 0.01
    heel[[5, 6, 33]] = np.nan
    toe[[40, 41, 42]] = np.nan
    times = np.cumsum(rng.uniform(0.02, 0.05, 80))           # uneven frames
    spans = [(0, 4), (4, 7), (20, 32), (32, 35), (40, 43), (50, 80)]     # 4-7: one frame seen, 32-35: two (enough)
    got = footprints_of("right", heel, toe, spans, times)
    assert [p is None for p in got] == [False, True, False, False, True, False]
    for (a, b), p in zip(spans, got):
        q = footprint("right", heel, toe, a, b, times)
        if q is None:                                        # 40-43: no frame with both seen
            assert p is None
            continue
        assert (p.side, p.start, p.stop) == (q.side, q.start, q.stop)
        np.testing.assert_allclose([p.time_s, *p.heel, *p.toe, p.frame_sd_deg],
                                   [q.time_s, *q.heel, *q.toe, q.frame_sd_deg], rtol=1e-9)
    assert got[5].frame_sd_deg > 1.0                          # the frames' directions do scatter


def test_heel_lift_is_the_least_absolute_misfit_of_the_lengths():
    """heel_lift's lengths from a quadratic in the lift against the lengths worked out for each lift: the least
    absolute misfit (a kinked cost: its least on a kink, which the parabola alone missed by up to a fine step)."""
    from movement_check.assessments.foot_rotation.foot_line import heel_lift
    from movement_check.assessments.foot_rotation.footprints import Footprint
    rng = np.random.default_rng(10)
    n, length, lift = 25, 0.25, 0.03
    heels = np.column_stack([rng.normal(0.0, 0.3, n), rng.uniform(2.0, 6.0, n)])
    toes = heels * (1.0 - lift) + np.column_stack([rng.normal(0.0, 0.05, n), rng.normal(length, 0.05, n)])
    prints = [Footprint("left", 0, 2, 0.0, tuple(h), tuple(t), 1.0) for h, t in zip(heels.tolist(), toes.tolist())]

    def misfit(lifts):
        lengths = np.linalg.norm(toes[None] - heels[None] * (1.0 - np.asarray(lifts)[:, None, None]), axis=2)
        return np.abs(lengths - length).sum(axis=1)

    lo = -1.5 * length / np.median(np.linalg.norm(heels, axis=1))
    hi = 0.8 * np.median(np.linalg.norm(toes - heels, axis=1)) / np.median(np.linalg.norm(heels, axis=1))
    fine = np.linspace(lo, hi, 40001)
    truth = fine[int(np.argmin(misfit(fine)))]
    got = heel_lift(prints, length)
    assert abs(got - truth) <= (hi - lo) / 40000 and abs(got - lift) < 0.01             # the dense grid's step
    assert heel_lift(prints, float("nan")) == 0.0 and heel_lift([], length) == 0.0
