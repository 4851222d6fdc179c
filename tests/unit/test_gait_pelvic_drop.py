"""Pelvic drop from the front while walking, against the synthetic walker with a known drop (or a level pelvis) and
landmark jitter: the hips' tilt is smoothed before its peak is read, carries an uncertainty from the jitter left,
and is withheld when the hips are too few pixels apart for their jitter. The strides are the script's own (its
true heel strikes and toe-offs), so only the angle is under test here."""

import numpy as np
import pytest

from movement_check.assessments.gait.angles import front_angle_metrics, hip_tilt, jitter_ratio
from movement_check.assessments.gait.strides import Stride
from movement_check.body.kinematics import lateral_tilt
from movement_check.body.landmarks import Landmark as L
from movement_check.body.signals import lowpass
from movement_check.body.views import FRONT
from movement_check.body.walking import MAX_INTERRUPTION_S, find_bouts, in_bouts
from movement_check.pipeline.cleaning import clean, low_pass_applied

from tests.fixtures.cameras import camera
from tests.fixtures.walker import Script, walk


def _true_strides(truth) -> dict[str, list[Stride]]:
    out = {}
    for side in ("left", "right"):
        hs = sorted(t for s, n, t in truth.events if s == side and n == "heel_strike")
        to = sorted(t for s, n, t in truth.events if s == side and n == "toe_off")
        out[side] = [Stride(side, a, z, next((t for t in to if a < t < z), None), None, None, 0)
                     for a, z in zip(hs[:-1], hs[1:])]
    return out


def _drops(drop_deg=(0.0, 0.0), *, distance=4.0, noise_px=0.5, seed=1):
    script = Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)], speed_mps=0.6, cadence=100,
                    pelvic_drop_deg=drop_deg)
    poses, truth = walk(script, fps=30.0, noise_px=noise_px, seed=seed,
                        camera=camera(distance + 1.5, 1.0, 5.0, 0.0, middle=1.5))
    poses = clean(poses)[0]
    bouts = [b for b in find_bouts(poses, bridge_s=MAX_INTERRUPTION_S) if b.view == FRONT]
    assert bouts
    metrics = front_angle_metrics(poses, bouts, _true_strides(truth))
    return {m.side: m for m in metrics if m.name == "pelvic_drop"}


@pytest.mark.parametrize("distance", [4.0, 7.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_level_pelvis_reads_no_drop_beyond_its_uncertainty(distance, seed):
    """The peak of a noisy tilt stands above the truth: read raw, a level pelvis gave 1.4-2.6 deg per side at
    0.5 px of jitter (the hips 21-33 px apart); smoothed, under 2 deg and within 3 of its uncertainties."""
    drops = _drops(distance=distance, seed=seed)
    for side, m in drops.items():
        assert m.value is not None and m.uncertainty
        assert m.value < 2.0, side
        assert m.value <= 3 * m.uncertainty, side


@pytest.mark.parametrize("distance", [4.0, 7.0])
def test_a_known_drop_of_the_left_hip_is_read_on_the_left(distance):
    drops = _drops((6.0, 0.0), distance=distance)
    assert drops["left"].value == pytest.approx(6.0, abs=1.0)
    assert drops["right"].value < 2.0
    assert abs(drops["left"].value - 6.0) <= 3 * drops["left"].uncertainty


def test_hips_too_few_pixels_apart_for_their_jitter_give_no_drop():
    """Ten metres from the camera the hips are 16 px apart; with 3 px of jitter a level pelvis read 12 deg."""
    drops = _drops(distance=10.0, noise_px=3.0)
    for m in drops.values():
        assert m.value is None
        assert "shook" in m.note and "px apart" in m.note


def test_the_jitter_left_after_smoothing_is_estimated():
    """A 5 deg, 1 Hz tilt with 2 deg of white jitter at 30 fps: smoothed at 3 Hz, sqrt(3 / 15) of the jitter
    is left (0.89 deg); the estimate comes from what the smoothing took away."""
    rng = np.random.default_rng(0)
    times = np.arange(300) / 30.0
    clean_tilt = 5.0 * np.sin(2 * np.pi * 1.0 * times)
    smooth, jitter = hip_tilt(clean_tilt + rng.normal(0.0, 2.0, times.size), times)
    assert jitter == pytest.approx(2.0 * np.sqrt(3.0 / 15.0), rel=0.25)
    assert np.std(smooth - clean_tilt) < 1.2 * jitter      # what is left is about what was estimated


@pytest.mark.parametrize("fps", [15.0, 30.0, 60.0])
def test_the_jitter_is_estimated_after_cleaning_low_passed_the_landmarks(fps):
    """Cleaning low-passes the landmarks at 6 Hz before the tilt is smoothed at 3 Hz: little jitter is then left
    above 3 Hz to measure. Taken as white up to the Nyquist frequency, the jitter read 0.42 of the truth at 30 fps
    and 0.23 at 60 (the uncertainty as much too small, the 1 deg limit letting 2.5-4 deg through); with the
    cleaning's filter allowed for, within 15 %."""
    script = Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)], speed_mps=0.6, cadence=100)
    cam = camera(5.5, 1.0, 5.0, 0.0, middle=1.5)
    est, true = [], []
    for seed in (1, 2, 3):
        tilts = []
        for noise in (0.5, 0.0):
            poses = clean(walk(script, fps=fps, noise_px=noise, seed=seed, camera=cam)[0])[0]
            inside = in_bouts(len(poses), [b for b in find_bouts(poses, bridge_s=MAX_INTERRUPTION_S)
                                           if b.view == FRONT])
            raw = np.where(inside, lateral_tilt(poses.image[:, L.LEFT_HIP], poses.image[:, L.RIGHT_HIP]), np.nan)
            tilts.append(hip_tilt(raw, poses.times, cleaned=low_pass_applied(poses)))
        est.append(tilts[0][1])
        true.append(np.nanstd(tilts[0][0] - tilts[1][0]))
    assert np.mean(est) == pytest.approx(np.mean(true), rel=0.2)


@pytest.mark.parametrize("fs", [15.0, 24.0, 30.0, 60.0])
def test_the_jitter_ratio_is_the_filters_own(fs):
    """White jitter low-passed at 6 Hz (as cleaning does), then smoothed at 3 Hz: the ratio of what passes to what
    is taken away, from the filters' responses, matches the noise's."""
    rng = np.random.default_rng(3)
    times = np.arange(int(60 * fs)) / fs
    noise = lowpass(rng.normal(0.0, 1.0, times.size), times, cutoff_hz=6.0)
    cutoff = min(3.0, 0.4 * fs)
    smooth = lowpass(noise, times, cutoff_hz=cutoff)
    measured = np.std(smooth[50:-50]) / np.std((noise - smooth)[50:-50])
    assert jitter_ratio(fs, cutoff, (6.0, 2)) == pytest.approx(measured, rel=0.1)


def test_the_low_pass_cleaning_applied_is_read_from_the_poses():
    poses = walk(Script(segments=[("walk", 2.0)]), fps=30.0)[0]
    assert low_pass_applied(poses) == (6.0, 2)                                 # clean() called directly
    assert low_pass_applied(poses.with_source(cleaning=None)) is None          # not cleaned
    assert low_pass_applied(poses.with_source(cleaning={"low_pass_filter": "not filtered"})) is None
    assert low_pass_applied(poses.with_source(
        cleaning={"low_pass_filter": "Butterworth, zero-lag, cut-off 4.5 Hz"})) == (4.5, 2)
