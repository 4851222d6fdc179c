"""NaN-aware smoothing and derivatives: gaps planted in still and moving landmarks never make motion."""

import numpy as np
import pytest

from movement_check.assessments.foot_rotation.footprints import foot_velocities
from movement_check.body.signals import derivative, moving_mean, moving_std
from movement_check.body.walking import pelvis_travel

from tests.fixtures.walker import Script, walk

FPS = 30.0
T = np.arange(60) / FPS


def test_a_gap_in_a_still_landmark_makes_no_velocity():
    still = np.full((60, 2), 250.0)
    still[30] = np.nan                                  # one frame lost
    still[40:43] = np.nan                               # three frames lost
    v = derivative(moving_mean(still, 3), T)
    seen = np.isfinite(still).all(axis=1)
    assert np.all(np.isnan(v[~seen]))
    assert np.allclose(v[seen], 0.0)                    # zeros in for NaN gave +-27 px/s beside the gap
    # the old way, for contrast: NaN read as 0 before smoothing
    from scipy.ndimage import uniform_filter1d
    polluted = np.gradient(uniform_filter1d(np.nan_to_num(still), 3, axis=0, mode="nearest"), T, axis=0)
    assert np.nanmax(np.abs(polluted[seen])) > 1000


def test_a_moving_landmark_keeps_its_true_velocity_beside_gaps():
    x = 100.0 + 80.0 * T                               # 80 px/s
    x[[10, 25, 26, 27, 50]] = np.nan
    v = derivative(x, T)
    seen = np.isfinite(x)
    assert np.allclose(v[seen], 80.0)                  # central, or one-sided beside a gap
    assert np.all(np.isnan(v[~seen]))
    strict = derivative(x, T, one_sided=False)
    assert np.isnan(strict[[9, 11, 24, 28]]).all() and np.allclose(strict[np.isfinite(strict)], 80.0)
    # the mean of seen samples of a line is the line (centred window, away from the ends and the gaps)
    m = moving_mean(x, 3)
    inner = [i for i in range(2, 58) if np.isfinite(x[i - 1:i + 2]).all()]
    assert np.allclose(m[inner], x[inner])


def test_moving_std_ignores_gaps_and_needs_most_of_its_window():
    x = np.sin(2 * np.pi * T)
    x[20:23] = np.nan
    s = moving_std(x, 15)
    assert np.all(np.isfinite(s[15:45]))
    assert np.all(s[15:45] > 0.3)                      # a 1 Hz sine over half a second varies
    y = np.full(60, np.nan)
    y[:5] = 1.0
    assert np.isnan(moving_std(y, 15)[30])             # nothing seen in the window: no spread


def test_foot_velocities_and_pelvis_travel_are_not_bent_by_a_lost_frame():
    poses, _ = walk(Script(segments=[("walk", 3.0)], speed_mps=0.0), fps=FPS)      # walking on the spot
    image = poses.image.copy()
    image[45] = np.nan
    heel = image[:, 29, :2]
    toe = image[:, 31, :2]
    v = foot_velocities({"left": (heel, toe)}, poses.times)["left"]
    full = foot_velocities({"left": (poses.image[:, 29, :2], poses.image[:, 31, :2])}, poses.times)["left"]
    ok = np.isfinite(v).all(axis=1)
    assert ok.sum() > 70 and np.allclose(v[ok], full[ok])          # only the gap's neighbours go unknown
    from movement_check.body.poses import Poses
    lost = Poses(times=poses.times, image=image, world=poses.world, visibility=poses.visibility,
                 presence=poses.presence, frame_size=poses.frame_size, source=poses.source)
    travel = pelvis_travel(lost, 30)
    assert np.nanmax(np.abs(travel)) == pytest.approx(np.nanmax(np.abs(pelvis_travel(poses, 30))), abs=5.0)
    assert np.isnan(travel[45])
