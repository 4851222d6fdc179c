"""Figures: stride normalisation with a known answer, and what the gait figures draw."""

import numpy as np

from movement_check.assessments.gait.strides import Stride
from movement_check.pipeline.cleaning import clean
from movement_check.assessments.gait.figures import foot_paths_figure, gait_cycle_figure, normalise_strides

from tests.fixtures.walker import Script, walk


def test_normalise_strides_maps_each_stride_onto_0_to_100_percent():
    times = np.arange(0, 4.0, 1 / 30)
    series = (times % 1.3) * 10            # a saw-tooth restarting at every "heel strike" (every 1.3 s)
    strides = [Stride("left", start=k * 1.3, stop=(k + 1) * 1.3 - 1e-6, toe_off=None, other_strike=None,
                      other_toe_off=None, bout=0) for k in range(2)]
    rows = normalise_strides(times, series, strides)
    assert rows.shape == (2, 101)
    np.testing.assert_allclose(rows[0], np.linspace(0, 13.0, 101), atol=0.35)   # within one sample's rise


def test_gait_figures_draw_both_sides_and_the_events(tmp_path):
    poses, truth = walk(Script(segments=[("walk", 6.0)]), noise_px=1.0, seed=2)
    poses, _ = clean(poses)
    fig = gait_cycle_figure(poses)
    knee_axes = fig.axes[1]
    assert any(label.startswith("left (n=") for label in fig.axes[0].get_legend_handles_labels()[1])
    peak = max(np.nanmax(line.get_ydata()) for line in knee_axes.get_lines() if len(line.get_ydata()) == 101)
    assert abs(peak - truth.knee_peak_swing["left"]) < 4.0
    paths = foot_paths_figure(poses)
    markers = [line for line in paths.axes[0].get_lines() if line.get_marker() in ("v", "^")]
    assert len(markers) >= 8
    fig.savefig(tmp_path / "cycle.png")
    assert (tmp_path / "cycle.png").stat().st_size > 5000


def test_leg_raise_figure_marks_each_raise_peak_and_pain(tmp_path):
    from movement_check.findings.figure_sets import figures_for

    from tests.fixtures.raiser import SIDE_CAMERA, Raise, perform
    from tests.fixtures.raiser import Script as RaiseScript

    poses, truth = perform(RaiseScript([Raise("right", 1.0, hip=70), Raise("left", 5.0, hip=50)], duration=9),
                           camera=SIDE_CAMERA)
    poses, _ = clean(poses)
    fig = figures_for("leg-raise", poses, pain_at_s=(2.0,))["raises"]
    ax = fig.axes[0]
    peaks = sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_marker() == "v")
    assert np.allclose(peaks, [50, 70], atol=3)
    assert sum(1 for t in ax.texts if t.get_text().startswith("hold")) == 2
    assert any("pain" in t.get_text() for t in ax.texts)
    fig.savefig(tmp_path / "raises.png")
    assert (tmp_path / "raises.png").stat().st_size > 5000


def test_foot_rotation_figures_show_each_step_and_each_footprint_turned_out(tmp_path):
    from movement_check.findings.figure_sets import figures_for

    from tests.fixtures.cameras import FOV, camera

    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=(5.0, 20.0)), camera=camera(8.0, 1.2, 10.0, 0.0))
    figs = figures_for("foot-rotation", poses, fov_deg=FOV)
    steps = figs["step_angles"].axes[0]
    dots = {line.get_label().split(":")[0]: line.get_ydata() for line in steps.get_lines() if line.get_marker() == "o"}
    assert np.allclose(dots["left foot"], 5.0, atol=1.0) and np.allclose(dots["right foot"], 20.0, atol=1.0)
    # from above, walking up: each foot's heel->toe segment leans outward by its toe-out
    sketch = figs["footprints"].axes[0]
    checked = 0
    for line in sketch.get_lines():
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) == 2 and line.get_color() in ("#1f77b4", "#d62728"):
            lean = np.degrees(np.arctan2(x[1] - x[0], y[1] - y[0]))      # + = toward the walker's right
            expected = -5.0 if line.get_color() == "#1f77b4" else 20.0
            assert abs(lean - expected) < 1.0
            checked += 1
    assert checked >= 6
    figs["footprints"].savefig(tmp_path / "feet.png")
    assert (tmp_path / "feet.png").stat().st_size > 5000
