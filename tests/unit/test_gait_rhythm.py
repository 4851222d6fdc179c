"""The walk's rhythm from the front (movement_check/assessments/gait/rhythm.py): the stride time as the period of
the feet's to-and-fro, checked against signals and walks whose period is known."""

from __future__ import annotations

import numpy as np
import pytest

from movement_check.assessments.gait.assess import assess
from movement_check.assessments.gait.rhythm import AGREE, SYSTEMATIC, Rhythm, period, with_rhythm
from movement_check.assessments.result import Metric
from movement_check.body.views import FRONT
from movement_check.pipeline.cleaning import clean
from tests.fixtures.cameras import camera
from tests.fixtures.walker import Camera, Script, walk


def _sawtooth(times: np.ndarray, stride_s: float) -> np.ndarray:
    """A foot ahead of the pelvis: moves back steadily in stance (60 %), swings forward fast (40 %)."""
    phase = (times / stride_s) % 1.0
    return np.where(phase < 0.6, 1.0 - phase / 0.6, (phase - 0.6) / 0.4)


@pytest.mark.parametrize("fps", [30.0, 25.0, 15.0])
def test_the_period_is_placed_between_frames(fps):
    """A stride of 1.0909 s (110 steps a minute) is 32.7 frames at 30 fps: a whole-frame lag reads 112.5 or 109.1."""
    times = np.arange(0.0, 6.0, 1.0 / fps)
    found, height = period(times, _sawtooth(times, 120.0 / 110.0))
    assert abs(120.0 / found - 110.0) < 0.3 and height > 0.9


def test_a_to_and_fro_that_grows_keeps_its_period():
    """A walker coming nearer: the feet's swing grows threefold over the walk. An autocorrelation summed over the
    whole signal falls with the lag as the overlap shrinks and the later, larger swings drop out, which pulls its
    peak toward shorter lags; each lag's own correlation does not."""
    times = np.arange(0.0, 4.2, 1.0 / 30.0)
    growing = (1.0 + 2.0 * times / times[-1]) * (_sawtooth(times, 1.2) - 0.5)
    found, _ = period(times, growing)
    assert abs(found - 1.2) < 0.005 * 1.2
    # the whole-signal autocorrelation's peak, for contrast
    x = growing - growing.mean()
    ac = np.correlate(x, x, mode="full")[x.size - 1:]
    lo = int(0.6 * 30)
    assert (lo + int(np.argmax(ac[lo:60]))) / 30.0 < 1.2 - 0.02


def test_no_period_without_a_repeat():
    times = np.arange(0.0, 5.0, 1.0 / 30.0)
    assert period(times, np.random.default_rng(0).normal(size=times.size)) is None \
        or period(times, np.random.default_rng(0).normal(size=times.size))[1] < 0.4


@pytest.mark.parametrize("stride_s, expected", [
    (1.2, 1.2),         # a walk: its double (2.4 s) also lies in the range
    (0.7, 0.7),         # a fast walk: three strides (2.1 s) lie in the range too
    (0.61, 0.61),       # at the range's very edge (18.3 frames at 30 fps): no peak inside it, seen from below
    (0.55, None),       # faster than a stride can be (218 steps a minute): refused, not read at 1.1 s
    (0.48, None),       # 250 steps a minute: its fifth multiple (2.4 s) stood highest and read 50
])
def test_a_clean_repeat_is_read_at_its_own_period_not_a_multiple(stride_s, expected):
    """Every multiple of a clean repeat stands near as high as the period itself (0.95-0.98): the shortest is the
    period, and one shorter than the shortest stride is none (jogging on the spot read 102.5 +- 2.1 for 205 steps
    a minute, and 50 for 250)."""
    times = np.arange(0.0, 8.0, 1.0 / 30.0)
    found = period(times, _sawtooth(times, stride_s))
    if expected is None:
        assert found is None
    else:
        assert found is not None and abs(found[0] - expected) < 0.01 * expected


@pytest.mark.parametrize("cadence, expected", [(195, 195.0), (205, None), (215, None), (250, None)])
def test_jogging_on_the_spot_faster_than_a_walk_gets_no_halved_cadence(cadence, expected):
    """The synthetic walker on a treadmill, facing the camera, faster than 200 steps a minute (out of the range a
    cadence is given in): no cadence rather than half or a fifth of it (read 102.5 +- 2.1, 107.5 +- 2.2 and 50.0
    +- 1.0); 195 is read as it is (was 97.5 +- 2.0: its stride lay at the range's very edge)."""
    script = Script(segments=[("walk", 8.0)], speed_mps=0.0, cadence=cadence)
    poses, _ = walk(script, fps=30.0, noise_px=1.0, seed=1, camera=camera(5.0, 1.0, 5.0, 0.0, middle=0.0))
    c = next(m for m in assess(clean(poses)[0]).metrics if m.name == "cadence")
    if expected is None:
        assert c.value is None, (c.value, c.note)
    else:
        assert c.value is not None and abs(c.value - expected) <= 0.03 * expected, c.value


def _metrics(cadence: float | None, note: str = "") -> list[Metric]:
    return [Metric("cadence", cadence, "steps/min", note=note or None, uncertainty=None if cadence is None else 1.0),
            Metric("step_time", 0.55, "s", side="left"), Metric("steps", 8, "count")]


def test_a_cadence_that_keeps_the_rhythm_stays():
    rhythm = Rhythm(stride_s=1.2, stride_se=0.01, strides=5.0)       # 100 steps a minute
    metrics, warnings, used = with_rhythm(_metrics(100.0 * (1 + 0.9 * AGREE)), [], rhythm)
    assert not used and metrics[0].value == pytest.approx(100.0 * (1 + 0.9 * AGREE)) and warnings == []


def test_a_cadence_off_the_rhythm_gives_the_rhythm_and_withholds_the_step_times():
    rhythm = Rhythm(stride_s=1.2, stride_se=0.01, strides=5.0)
    metrics, warnings, used = with_rhythm(_metrics(100.0 * (1 + 1.5 * AGREE)), [], rhythm)
    assert used and metrics[0].value == 100.0
    # its standard error and the bias the synthetic walks showed, together
    assert metrics[0].uncertainty == pytest.approx(np.hypot(120 * 0.01 / 1.44, 100 * SYSTEMATIC), abs=0.05)
    assert metrics[1].value is None and "missed or added steps" in metrics[1].note
    assert metrics[2].value == 8
    assert any("feet's rhythm" in w for w in warnings)


def test_a_cadence_not_given_is_given_from_the_rhythm_with_its_reason():
    rhythm = Rhythm(stride_s=1.2, stride_se=0.01, strides=5.0)
    metrics, warnings, used = with_rhythm(_metrics(None, "only 2 of the 5 strides agreed"),
                                          ["cadence not given: only 2 of the 5 strides agreed"], rhythm)
    assert used and metrics[0].value == 100.0 and metrics[1].value == 0.55
    assert warnings == ["cadence from the feet's rhythm, not from single steps: the steps could not be timed one by "
                        "one (only 2 of the 5 strides agreed)"]


def test_no_rhythm_changes_nothing():
    metrics, warnings, used = with_rhythm(_metrics(None, "why"), ["cadence not given: why"], None)
    assert not used and metrics[0].value is None and warnings == ["cadence not given: why"]


@pytest.mark.parametrize("fps", [30.0, 15.0])
@pytest.mark.parametrize("where, script", [
    (camera(5.0, 1.0, 5.0, 0.0, middle=3.0), Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)])),
    (Camera(position=(9.0, 0.3, 1.0), target=(0.0, 0.0, 0.9), focal_px=1000.0, size=(1280, 720)),
     Script(segments=[("walk", 6.0)])),
    (camera(5.0, 1.0, 5.0, 0.0, middle=0.0), Script(segments=[("walk", 8.0)], speed_mps=0.0)),
])
def test_a_walk_toward_the_camera_has_its_cadence(where, script, fps):
    """The synthetic walker coming from 7.5 to 2.5 m (its cadence was withheld: its heel strikes, from feet that do
    not tip, did not agree), from 9 to 3 m (read -4.4 and -7.9 % with seeds 4 and 5), and on a treadmill (+3.9 %
    at 30 fps, withheld at 15 fps with seed 2): within 3 % of the script's, and its stated uncertainty covers it."""
    for seed in (2, 4):
        poses, _ = walk(script, fps=fps, noise_px=2.0, seed=seed, camera=where)
        found = assess(clean(poses)[0])
        assert found.quality["view"] == FRONT
        c = next(m for m in found.metrics if m.name == "cadence")
        assert c.value is not None, c.note
        assert abs(c.value - script.cadence) <= 0.03 * script.cadence
        assert abs(c.value - script.cadence) <= 1.5 * c.uncertainty


def test_frames_missing_from_the_front_still_give_the_rhythm_not_the_step_times():
    """From the front, uneven frames withhold everything timed from single heel strikes ("a missing frame moves"
    the feet's slow height changes); the rhythm is taken over the frames' own times, so the cadence stays (the real
    front walk with 30 % of its frames dropped: withheld in 10 of 10 draws, now within 2.2 % in 10 of 10)."""
    from movement_check.body.poses import Poses

    script = Script(segments=[("walk", 8.0)], speed_mps=0.0)
    poses, _ = walk(script, fps=30.0, noise_px=2.0, seed=3, camera=camera(5.0, 1.0, 5.0, 0.0, middle=0.0))
    keep = np.sort(np.random.default_rng(1).choice(len(poses), size=int(0.7 * len(poses)), replace=False))
    gappy = Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                  visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size)
    found = assess(clean(gappy)[0])
    c = next(m for m in found.metrics if m.name == "cadence")
    assert c.value is not None and abs(c.value - 110.0) <= 0.03 * 110.0, c.note
    assert "to-and-fro" in c.note
    assert all(m.value is None for m in found.metrics if m.name in ("step_time", "stride_time", "stance"))
    assert any(w.startswith("cadence from the feet's rhythm") and "came late or were missing" in w for w in found.warnings)


@pytest.mark.parametrize("fps, leg_px, why", [(7.5, 200.0, "frames a second"), (25.0, 20.0, "pixels from hip")])
def test_uneven_frames_from_the_front_do_not_lift_the_other_gates_from_the_rhythm(fps, leg_px, why):
    """The rhythm is taken over the frames' own times, so uneven frames from the front no longer withhold it; the
    camera's other limits still do, as they do with even frames and from the side (the uneven-frames rule returned
    first: a front clip at 7.5 frames a second with 47 % of them late was given the rhythm's cadence where the same
    clip at an even 7.5 was not)."""
    from movement_check.assessments.gait.timing import Delivery, withheld

    uneven = Delivery(fps=fps, longest_interval_s=0.2, leg_px=leg_px, uneven=0.47)
    even = Delivery(fps=fps, longest_interval_s=0.2, leg_px=leg_px, uneven=0.0)
    assert why in withheld(even, FRONT)["cadence"]
    assert why in withheld(uneven, FRONT, rhythm=True)["cadence"]
    # the steps themselves stay withheld for the frames' unevenness whatever else
    assert "came late or were missing" in withheld(uneven, FRONT, rhythm=True)["step_time"]


def test_a_front_walk_with_too_few_frames_left_has_no_cadence_from_the_rhythm():
    """15 fps with half its frames dropped (7.7 a second delivered, 47 % late): below MIN_FPS_CADENCE, withheld
    as an even 7.5 fps clip is (it was given 109.5 +- 2.4 from the rhythm)."""
    from movement_check.body.poses import Poses

    script = Script(segments=[("walk", 10.0)], speed_mps=0.0)
    poses, _ = walk(script, fps=15.0, noise_px=2.0, seed=1, camera=camera(5.0, 1.0, 5.0, 0.0, middle=0.0))
    keep = np.sort(np.random.default_rng(1).choice(len(poses), size=len(poses) // 2, replace=False))
    gappy = Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                  visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size)
    found = assess(clean(gappy)[0])
    c = next(m for m in found.metrics if m.name == "cadence")
    assert c.value is None, c.note
    assert not any(w.startswith("cadence from the feet's rhythm") for w in found.warnings)


def test_the_swing_is_evened_over_time_where_frames_are_missing():
    """A swing growing e-fold every 2 s, its second half with two frames of three missing and a gap of 0.3 s: divided
    by its root mean square over 1.1 s of time it is even throughout. Taken over 33 samples (1.1 s at the usual
    interval) the window spanned 3.3 s where frames were missing, and the second half read 0.80 of the first."""
    from movement_check.assessments.gait.rhythm import even

    t = np.arange(0.0, 8.0, 1.0 / 30.0)
    t = t[(t < 4.0) | (np.arange(t.size) % 3 == 0)]
    x = np.exp(t / 2.0) * np.sin(2 * np.pi * t / 1.1)
    x[(t > 2.0) & (t < 2.3)] = np.nan
    y = even(t, x)
    swing = [float(np.sqrt(np.nanmean(y[(t >= a) & (t < a + 1.1)] ** 2))) for a in (1.0, 2.5, 4.5, 6.0)]
    assert max(swing) / min(swing) < 1.1, swing


def test_a_walk_that_changes_pace_says_so_in_its_uncertainty():
    """A treadmill walk from the front speeding up from 80 to 140 steps a minute over 10 s (mean 109.5): the feet's
    periods agreed, and the rhythm read 115.5 +- 3.0 (+5.4 %, 2.0 of its stated uncertainties, s44 review). The
    bout's two halves show the change: the uncertainty now holds it (115.5 +- 16.0)."""
    from tests.fixtures.walker import render, simulate
    script = Script(segments=[("walk", 10.0)], speed_mps=0.0, cadence=110)
    times = np.arange(300) / 30.0
    rate = (80 + 60 * times / 10.0) / script.cadence          # the walker's clock runs at the cadence of the moment
    clock = np.concatenate([[0.0], np.cumsum(0.5 * (rate[1:] + rate[:-1]) * np.diff(times))])
    truth = 60 * script.cadence * clock[-1] / 60 / 10.0
    for seed in (1, 2):
        pos, _ = simulate(script, clock)
        poses = render(pos, times, camera(5.0, 1.0, 5.0, 0.0, middle=0.0), noise_px=2.0, seed=seed)
        c = next(m for m in assess(clean(poses)[0]).metrics if m.name == "cadence")
        if c.value is not None:
            assert abs(c.value - truth) <= 1.5 * c.uncertainty, (seed, c.value, c.uncertainty, truth)
