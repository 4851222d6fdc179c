"""Cadence: strides taken from the heel strikes in time order (whatever foot the pose model named), and what the
camera must deliver for it (known answers: strike times set by hand, and the synthetic walker thinned)."""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.assessments.gait.events import Extremum
from movement_check.assessments.gait.running import too_fast_problem
from movement_check.assessments.gait.step_timing import cadence_metrics, cadence_uncertainty, side_free_strides
from movement_check.assessments.gait.toe_offs import holds_two_toe_offs
from movement_check.assessments.gait.strides import GaitAnalysis
from movement_check.body.poses import Poses
from movement_check.pipeline.cleaning import clean

from tests.fixtures.walker import Script, walk

STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])


def _walk(strikes: list[tuple[float, str]], weak: tuple[float, ...] = ()) -> GaitAnalysis:
    """A walk of one bout with these (time s, foot named) heel strikes; those at ``weak`` times stand out less
    (prominence 0.2 against 1)."""
    per_side = {s: {"heel_strike": [Extremum(t * 30, t, 1.0, 0.2 if t in weak else 1.0)
                                    for t, side in strikes if side == s], "toe_off": []}
                for s in ("left", "right")}
    return GaitAnalysis(bouts=[], found={0: per_side}, strides=[], steps={"left": [], "right": []}, side_votes={})


def _cadence(walk: GaitAnalysis, travel=None) -> float:
    metrics, _ = cadence_metrics(side_free_strides(walk, travel))
    return metrics[0].value


def test_a_far_leg_named_wrong_and_a_late_last_strike_do_not_move_the_cadence():
    """Steps of 0.6 s (100 steps/min); from the fourth strike on the model names every foot the other way, and the
    last strike comes 0.12 s late. Per named foot only two strides are whole, one of them 0.12 s long: their
    median read 95.2. In time order all strides are used and the median is the true one."""
    times = [0.0, 0.6, 1.2, 1.8, 2.4, 3.0 + 0.12]
    named = ["right", "left", "right", "right", "left", "right"]
    walk = _walk(list(zip(times, named)))
    assert side_free_strides(walk) == pytest.approx([1.2, 1.2, 1.2, 1.32])
    assert _cadence(walk) == pytest.approx(100.0, abs=0.1)
    # the names play no part
    renamed = _walk(list(zip(times, ["left"] * 6)))
    assert side_free_strides(renamed) == side_free_strides(walk)


def test_a_missed_strike_makes_no_stride_even_on_a_treadmill():
    """Steps of 0.55 s with the strike at 1.65 s missed, no pelvis travel (a treadmill): the 1.1 s "step" holds
    a missed strike; the two "strides" that contain it (1.65 s, 1.5 x the usual) are left out."""
    times = [0.0, 0.55, 1.1, 2.2, 2.75, 3.3, 3.85]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk, {0: 0.0}) == pytest.approx([1.1, 1.1, 1.1])
    assert _cadence(walk, {0: 0.0}) == pytest.approx(109.1, abs=0.1)


def test_a_missed_strike_is_left_out_by_the_pelvis_travel_when_the_walker_crosses_the_frame():
    """Only four strides, two of them over a missed strike: their median is the wrong one, so the usual stride
    cannot tell them; the pelvis travel (1.6 leg lengths in the 1.2 s "step" at 1.3 leg lengths a second) can."""
    times = [0.0, 0.6, 1.2, 2.4, 3.0]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk, {0: 1.3}) == pytest.approx([1.2])
    assert _cadence(walk, {0: 0.0}) != pytest.approx(100.0, abs=1)      # without travel it cannot be told


def test_a_fast_walker_s_late_strike_is_not_taken_for_a_missed_one():
    """Steps of 0.48 s (125 steps/min) at 2.24 leg lengths a second: 1.08 leg lengths a step. The second strike
    is 0.1 s late, so the first step covers 1.30 leg lengths, over MAX_STEP_LEGS but no longer than one step
    against the others: the stride over it is kept (without it the median read 132 for 125)."""
    times = [0.0, 0.58, 0.96, 1.44, 1.92]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk, {0: 2.24}) == pytest.approx([0.96, 0.86, 0.96])
    assert _cadence(walk, {0: 2.24}) == pytest.approx(125.0, abs=0.1)


def _bouts(*bouts: list[float]) -> GaitAnalysis:
    """A walk of these bouts' heel strikes (times, s; the feet named in turn)."""
    return GaitAnalysis(bouts=[], found={b: _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)]
                                                  ).found[0] for b, times in enumerate(bouts)},
                        strides=[], steps={"left": [], "right": []}, side_votes={})


def test_one_strike_in_four_missed_on_a_treadmill_does_not_halve_the_cadence():
    """Steps of 0.55 s, every fourth strike missed, no pelvis travel: half the two-step "strides" hold a missed
    strike (1.65 s), so their median sat among them and the whole ones (1.1 s) were left out as short: 72.7
    for 109.1, flagged low. The usual stride is the walk's lower quartile: a missed strike only lengthens."""
    times = [t for i, t in enumerate(np.arange(0, 12, 0.55)) if i % 4 != 3]
    walk = _bouts(times)
    assert side_free_strides(walk, {0: 0.0}) == pytest.approx([1.1] * len(side_free_strides(walk, {0: 0.0})))
    assert _cadence(walk, {0: 0.0}) == pytest.approx(109.1, abs=0.1)


def test_a_short_bout_is_judged_against_the_whole_walk_s_usual_stride():
    """A bout of three strikes has one two-step stride, its own median: with a strike missed in it (0.55 then 1.1 s,
    a 1.65 s "stride") it passed its own check. Against the walk's usual stride (1.1 s) it is left out."""
    walk = _bouts([0.0, 0.55, 1.1, 1.65, 2.2, 2.75, 3.3], [6.0, 6.55, 7.65])
    assert side_free_strides(walk) == pytest.approx([1.1] * 5)


def test_seen_from_the_front_a_foot_striking_twice_in_a_row_makes_no_stride():
    """Steps of 0.55 s, every third strike missed: in time order the steps read 0.55, 1.1, 0.55, 1.1, a step-to
    limp's pattern, and the cadence 72.7 for 109.1. From the front the model tells the feet apart and the same
    foot strikes twice in a row across each long "step": no stride holds one. From the side the names play no
    part."""
    from movement_check.body.walking import Bout
    true = np.arange(0, 12, 0.55)
    strikes = [(float(t), "left" if i % 2 else "right") for i, t in enumerate(true) if i % 3 != 2]
    walk = _walk(strikes)
    assert _cadence(walk) == pytest.approx(72.7, abs=0.1)          # side view: timing alone cannot tell
    walk.bouts = [Bout(0, 360, "front", 1, 0.0, 12.0, direction_from="feet")]
    assert side_free_strides(walk) == []
    metrics, _ = cadence_metrics(side_free_strides(walk))
    assert metrics[0].value is None and "too few whole strides" in metrics[0].note
    # alternating feet from the front still make strides
    walk = _walk([(float(t), "left" if i % 2 else "right") for i, t in enumerate(true)])
    walk.bouts = [Bout(0, 360, "front", 1, 0.0, 12.0, direction_from="feet")]
    assert _cadence(walk) == pytest.approx(109.1, abs=0.1)


def test_a_limp_s_alternating_short_and_long_steps_keep_every_stride():
    """Steps of 0.4 and 0.9 s (a marked step-to limp): each stride is one of each, 1.3 s."""
    times = np.cumsum([0.0, 0.4, 0.9, 0.4, 0.9, 0.4, 0.9])
    walk = _walk([(float(t), "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk, {0: 0.5}) == pytest.approx([1.3] * 5)
    assert _cadence(walk) == pytest.approx(120 / 1.3, abs=0.1)


def test_a_false_strike_close_to_a_true_one_is_left_out():
    """A false strike 0.2 s after a true one (no walking step is that short), standing out less than the true
    ones: it is left out, and every stride is whole (1.4 to 2.4 s would be a 1.0 s "stride" with it). Whichever
    of the two comes first, the sharper peak stays."""
    times = [0.0, 0.6, 1.2, 1.4, 1.8, 2.4, 3.0, 3.6, 4.2]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)], weak=(1.4,))
    assert side_free_strides(walk) == pytest.approx([1.2] * 6)
    early = [0.0, 0.6, 1.0, 1.2, 1.8, 2.4, 3.0, 3.6, 4.2]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(early)], weak=(1.0,))
    assert side_free_strides(walk) == pytest.approx([1.2] * 6)


def test_the_cadence_s_uncertainty_is_the_standard_error_of_its_median_stride():
    """Five strides of 1.0-1.4 s: spread 1.4826 x 0.1 s (their median absolute deviation), standard error of
    the median 1.253 x that / sqrt(5) = 0.083 s, at 120 / 1.2^2 steps/min a second: +-6.9 steps/min. Equal
    strides still carry the frame's own limit: two events anywhere within a 1/30 s frame."""
    assert cadence_uncertainty([1.0, 1.1, 1.2, 1.3, 1.4], 1 / 30) == pytest.approx(6.92, abs=0.01)
    floor = 120 * 1.253 * (1 / 30) / np.sqrt(6) / 2 / 1.2 ** 2
    assert cadence_uncertainty([1.2] * 4, 1 / 30) == pytest.approx(floor)
    # more strides, surer; fewer frames a second, less sure
    assert cadence_uncertainty([1.2] * 16, 1 / 30) == pytest.approx(floor / 2)
    assert cadence_uncertainty([1.2] * 4, 1 / 15) == pytest.approx(2 * floor)
    metrics, _ = cadence_metrics([1.0, 1.1, 1.2, 1.3, 1.4], 1 / 30)
    assert metrics[0].value == 100.0 and metrics[0].uncertainty == pytest.approx(6.9)


def _thinned(poses: Poses, keep: np.ndarray) -> Poses:
    return Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                 visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size,
                 source=poses.source)


def _every(poses: Poses, fps: float) -> np.ndarray:
    return np.unique(np.searchsorted(poses.times, np.arange(0, poses.times[-1], 1 / fps) + 1e-6, side="right") - 1)


@pytest.mark.parametrize("fps, drop, given", [(12, 0.0, True), (10, 0.0, False), (20, 0.3, False),
                                              (30, 0.3, True)])
def test_cadence_needs_frames_often_enough_and_evenly_enough(fps, drop, given):
    """12 frames a second at a steady rate time the cadence; 10 do not; 20 with 30 % of them dropped at random
    (14 a second, uneven) do not; 30 with 30 % dropped (21 a second) do."""
    poses, _ = walk(STEADY, fps=30.0, noise_px=0.5, seed=6)
    keep = _every(poses, fps)
    if drop:
        rng = np.random.default_rng(1)
        keep = np.sort(rng.choice(keep, size=int(round(len(keep) * (1 - drop))), replace=False))
    found = assess(clean(_thinned(poses, keep))[0], settings=GaitSettings())
    cadence = next(m for m in found.metrics if m.name == "cadence")
    if given:
        assert cadence.value == pytest.approx(STEADY.cadence, rel=0.03)
    else:
        assert cadence.value is None
        assert "too few to count steps reliably" in cadence.note
        assert ("late or missing" in cadence.note) == bool(drop)
        assert any("too few to count steps" in w for w in found.warnings)


@pytest.mark.parametrize("fps, uneven, needs", [(14.7, 0.2, 15), (11.46, 0.0, 11.5), (19.6, 0.0, 20), (14.6, 0.0, 15)])
def test_the_frame_rate_a_reason_gives_is_below_what_it_needs(fps, uneven, needs):
    """14.7 frames a second read "delivered 15 frames a second ... (needs 15 a second ...)": a therapist cannot
    act on that. Whole where that is below what is needed, else cut to one decimal."""
    from movement_check.assessments.gait.timing import Delivery, withheld
    why = withheld(Delivery(fps=fps, longest_interval_s=0.1, leg_px=200.0, uneven=uneven), "side")
    delivered = float(why["stance"].split("delivered ")[1].split(" frames")[0])
    assert delivered < needs and f"needs {needs:g}" in why["stance"]


def test_the_cadence_s_flag_counts_the_strides_it_was_timed_from():
    """The cadence comes from the strikes in time order, whatever foot was named; its flag was withheld by the
    named feet's clean strides, its note then read "not flagged: only 1 clean stride; ... (10 strides; ...)".
    It needs as many whole strides of its own as both sides' would be (2 x 4)."""
    from movement_check.assessments.gait.assess import _withhold_unreliable_flags
    from movement_check.assessments.result import Metric
    low = Metric("cadence", 80.0, "steps/min", normal_range=(100.0, 120.0), flag="low", note="2 x 60 / median")
    kept = _withhold_unreliable_flags([low], {"left": 1, "right": 1}, {"cadence": 10})[0]
    assert kept.flag == "low"
    few = _withhold_unreliable_flags([low], {"left": 6, "right": 6}, {"cadence": 5})[0]
    assert few.flag is None and few.note.startswith("not flagged: only 5 whole strides")
    # the others still count the named feet's clean strides
    si = Metric("step_time_symmetry_index", 15.0, "%", flag="asymmetric")
    assert _withhold_unreliable_flags([si], {"left": 1, "right": 6}, {"cadence": 10})[0].flag is None


def test_two_strides_give_no_cadence_three_do():
    """The median of two strides is their mean: one over a misplaced strike moves it unseen. Four strikes in a
    row (two strides) give no cadence, with the reason; five (three strides) give it, one odd stride or not."""
    metrics, warnings = cadence_metrics(side_free_strides(_walk([(t, "left" if i % 2 else "right")
                                                                 for i, t in enumerate([0.0, 0.6, 1.2, 1.8])])))
    assert metrics[0].value is None and "too few whole strides" in metrics[0].note and warnings
    odd = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate([0.0, 0.6, 1.2, 1.8, 2.5])])
    assert side_free_strides(odd) == pytest.approx([1.2, 1.2, 1.3])
    assert _cadence(odd) == pytest.approx(100.0)


def test_the_typical_stride_is_the_hodges_lehmann_estimate_from_four_strides_and_the_median_of_three():
    """Four strides of 1.0, 1.1, 1.2 and 1.6 s: their ten pairwise means (each with itself included) have the
    median 1.175 s (the strides' median 1.15, mean 1.225). Of three, the median: one odd stride in three is past
    the estimate's robustness (29 %)."""
    from movement_check.assessments.stride_stats import typical_of
    assert typical_of([1.6, 1.0, 1.2, 1.1]) == pytest.approx(1.175)
    assert typical_of([1.2, 1.2, 1.5]) == pytest.approx(1.2)
    metrics, _ = cadence_metrics([1.0, 1.1, 1.2, 1.6])
    assert metrics[0].value == pytest.approx(120 / 1.175, abs=0.05)


def test_strides_timed_to_the_frame_give_a_truer_cadence_than_their_median():
    """Nine heel strikes of a steady walk (steps of 0.55 s, 109.1 steps/min), each seen 20 ms off at random (one
    standard deviation) and rounded to a 25 fps frame, 400 times over. A 1.1 s stride is 27.5 frames: each stride
    is seen as 27 or 28, and so is the median of seven, always 2 steps/min off; the typical stride averages them."""
    rng = np.random.default_rng(3)
    true = np.arange(9) * 0.55
    errors = {"typical": [], "median": []}
    for _ in range(400):
        seen = np.round((true + rng.normal(0.0, 0.02, true.size)) * 25) / 25
        strides = list(seen[2:] - seen[:-2])
        errors["typical"].append(abs(cadence_metrics(strides)[0][0].value - 120 / 1.1))
        errors["median"].append(abs(120 / float(np.median(strides)) - 120 / 1.1))
    assert np.mean(errors["median"]) > 1.8
    assert np.mean(errors["typical"]) < 0.4 * np.mean(errors["median"])


def test_with_few_strides_their_standard_deviation_bounds_the_cadence_s_uncertainty():
    """Three strides of 1.36, 1.42 and 1.14 s (a limp's clip thinned to 15 fps, one stride over a mistimed strike):
    their median absolute deviation (0.06 s) hides the odd one: +-4.2 steps/min.
    Under five strides their standard deviation (0.147 s) is taken where larger: +-6.9."""
    strides = [1.36, 1.42, 1.14]
    sd = float(np.std(strides, ddof=1))
    assert cadence_uncertainty(strides, 1 / 15) == pytest.approx(120 * 1.253 * sd / np.sqrt(3) / 1.36 ** 2)
    assert cadence_uncertainty(strides, 1 / 15) > 1.6 * 120 * 1.253 * 1.4826 * 0.06 / np.sqrt(3) / 1.36 ** 2


def test_a_false_strike_in_a_slow_walk_does_not_pull_the_typical_stride():
    """Steps of 0.65 s (92.3 steps/min), eight strikes and one false one 0.32 s after the third. The false strike
    splits a step (0.32 + 0.33 s) and makes the strides either side 0.97 and 0.98 s, within the usual-stride
    bounds: two short strides of six moved the typical stride (Hodges-Lehmann, 29 % robust) to 105.3 +- 0.6,
    where their median read the true 92.3. The split step and the two strides sharing it are left out."""
    times = sorted([i * 0.65 for i in range(8)] + [2 * 0.65 + 0.32])
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk, {0: 0.0}) == pytest.approx([1.3] * 4)
    assert _cadence(walk, {0: 0.0}) == pytest.approx(92.3, abs=0.1)


def test_the_cadence_s_uncertainty_is_no_smaller_than_its_gap_from_the_median_stride_s():
    """Nine strides of a limp's walk, three of them short over a false strike the filters cannot tell (split in
    the long step): the typical stride reads 106.7, the median 92.3; the strides' median absolute deviation (0)
    gave +-0.5. The gap between the two bounds it."""
    strides = [1.3, 1.3, 0.85, 0.8, 0.95, 1.3, 1.3, 1.3, 1.3]
    metrics, _ = cadence_metrics(strides, 1 / 30)
    assert metrics[0].value == pytest.approx(106.7, abs=0.05)
    assert metrics[0].uncertainty >= 106.7 - 92.3 - 0.05
    # evenly scattered strides: the two agree and the spread decides
    assert cadence_uncertainty([1.08, 1.1, 1.1, 1.12, 1.1, 1.09], 1 / 30) < 1.0


def _walk_with_offs(strikes: list[float], offs: list[float]) -> GaitAnalysis:
    """One bout with these heel strikes and toe-offs (times s), feet named alternately."""
    def named(times, k):
        return [Extremum(t * 30, t, 1.0, 1.0) for i, t in enumerate(times) if i % 2 == k]
    per_side = {s: {"heel_strike": named(strikes, k), "toe_off": named(offs, k)} for k, s in enumerate(("left", "right"))}
    return GaitAnalysis(bouts=[], found={0: per_side}, strides=[], steps={"left": [], "right": []}, side_votes={})


def test_a_step_to_limp_with_every_other_short_step_missed_gives_no_cadence():
    """The real step-to limp with 30 % of its frames dropped at random: every other short step's strike was missed
    (its heel barely leads), so every "step" was a long and a short one and the four strides, each three steps,
    agreed with each other: 62.5 +- 1.8 for 94.4 steps/min. The toe-offs were found: each long "step" holds two,
    and one foot stands through a step (walking has no flight), so a strike between them was missed.
    Times from that run (s): strikes 1.09, 1.64, 3.01, 3.64, 4.94, 5.44; toe-offs 0.81, 1.26, 1.94, 2.65, 3.73,
    4.54, 5.06 (labels: strikes at 2.50 and 4.17 missed)."""
    strikes = [1.091, 1.639, 3.007, 3.642, 4.937, 5.435]
    offs = [0.805, 1.258, 1.937, 2.65, 3.732, 4.537, 5.055]
    assert len(side_free_strides(_walk([(t, "left") for t in strikes]), {0: 0.5})) == 4       # without toe-offs
    assert side_free_strides(_walk_with_offs(strikes, offs), {0: 0.5}) == []
    metrics, _ = cadence_metrics(side_free_strides(_walk_with_offs(strikes, offs), {0: 0.5}))
    assert metrics[0].value is None and "too few whole strides" in metrics[0].note


def test_one_toe_off_per_step_or_an_early_one_leaves_the_strides_in(monkeypatch):
    """Steps of 0.6 s, each toe-off 0.1 s after a strike (one per step): every stride stays. A toe-off timed 0.2 s
    early (0.1 s before the strike ahead of it) lands in the step before, beside that step's own, but no whole
    swing follows it in that step: no missed strike, the strides stay (without that rule two of them go)."""
    import movement_check.assessments.gait.toe_offs as st
    strikes = [i * 0.6 for i in range(7)]
    offs = [t + 0.1 for t in strikes[:-1]]
    assert side_free_strides(_walk_with_offs(strikes, offs), {0: 0.0}) == pytest.approx([1.2] * 5)
    early = offs[:3] + [strikes[3] - 0.1] + offs[4:]
    assert side_free_strides(_walk_with_offs(strikes, early), {0: 0.0}) == pytest.approx([1.2] * 5)
    monkeypatch.setattr(st, "MIN_SWING_S", 0.0)
    assert side_free_strides(_walk_with_offs(strikes, early), {0: 0.0}) == pytest.approx([1.2] * 3)


def test_from_the_front_a_foot_s_toe_raised_as_it_lands_is_no_toe_off():
    """The real front-view walk (slow: 1.0 s steps, 0.3-0.4 s of double support) with 20 % of its frames dropped
    at 20 fps. From the front a toe-off is the toe highest in the picture, and a foot's toe is raised as its heel
    lands too: the left toe-off went to 8.590 s, beside the left foot's own strike at 8.578 (labels: left toe-off
    7.96, right 9.00). With the right toe-off at 8.999 the step 8.578-9.884 (labels: 8.68-9.84, no strike missed)
    then held two toe-offs 0.41 s apart and its two good strides were left out. A foot does not leave the ground
    just after landing: seen from the front, where the model names the feet, a toe-off of the foot that struck
    under a stance (MIN_STANCE_S) before is not counted. The step 4.505-7.540 (two strikes missed) still holds two."""
    from movement_check.body.walking import Bout
    strikes = [(3.506, "right"), (4.505, "left"), (7.54, "right"), (8.578, "left"), (9.884, "right"), (10.779, "left")]
    offs = [(2.912, "right"), (3.916, "left"), (4.886, "right"), (5.878, "left"), (8.59, "left"), (8.999, "right"),
            (10.365, "left"), (11.852, "right")]
    per_side = {s: {"heel_strike": [Extremum(t * 20, t, 1.0, 1.0) for t, side in strikes if side == s],
                    "toe_off": [Extremum(t * 20, t, 1.0, 1.0) for t, side in offs if side == s]} for s in ("left", "right")}
    walk = GaitAnalysis(bouts=[Bout(0, 240, "front", 1, 2.0, 12.0, direction_from="feet")], found={0: per_side},
                        strides=[], steps={"left": [], "right": []}, side_votes={})
    assert side_free_strides(walk, {0: 0.0}) == pytest.approx([9.884 - 7.54, 10.779 - 8.578])


def test_from_the_front_a_toe_raised_well_after_the_strike_is_no_toe_off_either():
    """The real front walk with its landmarks jittered (0.3 % of the frame) at 15 fps: the right strike found
    0.15 s early (9.69 for 9.84), the right toe raised as that heel landed was taken as a toe-off 0.35 s after it
    (over MIN_STEP_S), the left toe-off 0.31 s later: a good step held two, and the cadence was withheld (+0.6 %
    without the rule). Here steps of 1.0 s with 0.5 s of double support (a slow walker), the right strike at 4.0
    found at 3.8 and its toe raised at 4.15: a foot stands through the other's swing (MIN_STANCE_S, 0.5 s, or
    the median step if shorter), and every stride stays."""
    from movement_check.body.walking import Bout
    strikes = [(float(t), "right" if i % 2 == 0 else "left") for i, t in enumerate([0, 1, 2, 3, 3.8, 5, 6, 7, 8])]
    offs = [(h + 0.5, "left" if i % 2 == 0 else "right") for i, h in enumerate(range(8))] + [(4.15, "right")]
    per_side = {s: {"heel_strike": [Extremum(t * 15, t, 1.0, 1.0) for t, side in strikes if side == s],
                    "toe_off": [Extremum(t * 15, t, 1.0, 1.0) for t, side in sorted(offs) if side == s]}
                for s in ("left", "right")}
    walk = GaitAnalysis(bouts=[Bout(0, 135, "front", 1, 0.0, 9.0, direction_from="feet")], found={0: per_side},
                        strides=[], steps={"left": [], "right": []}, side_votes={})
    assert side_free_strides(walk, {0: 0.0}) == pytest.approx([2.0, 2.0, 1.8, 2.0, 2.2, 2.0, 2.0])


def test_one_toe_off_found_twice_close_together_is_not_a_missed_strike():
    """A toe-off's dip split in two (0.12 s apart, the second still a whole swing before the step's end) is one
    toe-off seen twice, not the next step's: the strides stay. Two a step apart (0.6 s) are a missed strike."""
    strikes = [i * 0.6 for i in range(7)]
    offs = [t + 0.1 for t in strikes[:-1]]
    twice = sorted(offs + [offs[2] + 0.12])
    assert side_free_strides(_walk_with_offs(strikes, twice), {0: 0.0}) == pytest.approx([1.2] * 5)
    assert holds_two_toe_offs(np.array([0.0, 1.2]), [0.1, 0.7]).tolist() == [True]
    assert holds_two_toe_offs(np.array([0.0, 1.2]), [0.1, 0.22]).tolist() == [False]


def test_the_strides_left_out_are_counted_by_reason_and_named_when_no_cadence_is_given():
    """The limp run of the test above: the four strides the six strikes could make all hold a missed strike; the
    reason a cadence is not given says so (it read "film a longer walk", the walk being long enough). A false
    strike 0.1 s after a true one (dropped before the strides are made) and one splitting a step are counted as
    false; with the strides kept, they add up to all the strides the strikes could make."""
    from collections import Counter

    from movement_check.assessments.gait.step_timing import FALSE_STRIKE, MISSED_STRIKE
    strikes = [1.091, 1.639, 3.007, 3.642, 4.937, 5.435]
    offs = [0.805, 1.258, 1.937, 2.65, 3.732, 4.537, 5.055]
    left_out = Counter()
    assert side_free_strides(_walk_with_offs(strikes, offs), {0: 0.5}, left_out) == []
    assert left_out == {MISSED_STRIKE: 4}
    metrics, warnings = cadence_metrics([], 1 / 24, left_out)
    assert "(0 of the 4 the heel strikes found could make; left out: 4 holding a missed heel strike or a pause;" \
        in metrics[0].note
    assert "camera steady" in warnings[0]

    times = sorted([i * 0.65 for i in range(8)] + [2 * 0.65 + 0.32, 4 * 0.65 + 0.1])
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)], weak=(4 * 0.65 + 0.1,))
    left_out = Counter()
    kept = side_free_strides(walk, {0: 0.0}, left_out)
    assert kept == pytest.approx([1.3] * 4)
    assert left_out[FALSE_STRIKE] == 1 + 3 and left_out[MISSED_STRIKE] == 0
    assert len(kept) + sum(left_out.values()) == len(times) - 2


def test_no_camera_advice_where_the_camera_delivered_a_steady_rate():
    """A short walk with a pause in it, filmed at a steady 30 fps: the pause leaves strides out (counted as holding
    a missed strike or a pause), but the camera lost nothing: the reason names the strides left out and asks for a
    longer walk, not a steadier camera (it read "the camera steady at 15 frames a second or more"). Where frames
    were dropped the advice stays. (This walk ended in a turn until a bump in the turn stopped counting as a strike
    at the bout's edge: events._edge_peaks.)"""
    from collections import Counter

    from movement_check.assessments.gait.step_timing import MISSED_STRIKE
    from tests.fixtures.walker import Script, walk
    poses, _ = walk(Script(segments=[("walk", 2.6), ("stand", 0.6), ("walk", 1.2)]), fps=30, noise_px=2.0, seed=3)
    result = assess(clean(poses)[0])
    cadence = next(m for m in result.metrics if m.name == "cadence")
    assert result.quality["cadence_strides"]["left_out"]            # the case: a stride left out
    assert cadence.value is None and "film a longer walk" in cadence.note
    assert "camera steady" not in cadence.note
    left_out = Counter({MISSED_STRIKE: 1})
    assert "camera steady" not in cadence_metrics([1.1, 1.1], 1 / 30, left_out, steady_camera=True)[0][0].note
    assert "camera steady" in cadence_metrics([1.1, 1.1], 1 / 24, left_out, steady_camera=False)[0][0].note


def test_a_heel_strike_of_a_foot_barely_seen_times_no_stride():
    """Steps of 0.6 s, the strike at 3.0 s placed 0.12 s early, its foot barely seen (a far foot landing behind the
    near leg: its event confidence under MIN_STRIKE_CONFIDENCE). The three strides that hold it are left out and
    counted as such; the others are timed; without the flag the early strike times a short and a long one."""
    from collections import Counter
    from movement_check.assessments.gait.step_timing import UNSEEN_STRIKE
    times = [0.0, 0.6, 1.2, 1.8, 2.4, 3.0 - 0.12, 3.6, 4.2]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    left_out = Counter()
    assert side_free_strides(walk, None, left_out, {0: {3.0 - 0.12}}) == pytest.approx([1.2, 1.2, 1.2])
    assert left_out == Counter({UNSEEN_STRIKE: 3})
    assert sorted(side_free_strides(walk)) == pytest.approx([1.08, 1.2, 1.2, 1.2, 1.2, 1.32])


def test_two_short_steps_in_a_row_are_one_step_split_by_a_false_strike_but_a_limp_s_short_steps_are_not():
    """Steps of 0.6 s, one split 0.35 + 0.4 s by a false strike (0.75 s together: 1.25 median steps, over
    FALSE_PAIR_STEPS): both under SHORT_PAIR_STEPS of the median step, so the strides holding them are left out and
    the cadence stays 100. A step-to limp's short steps (0.4 s) alternate with long ones (0.8 s): never two short
    in a row, every stride kept."""
    times = [0.0, 0.6, 1.2, 1.8, 2.15, 2.55, 3.15, 3.75, 4.35, 4.95]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(times)])
    assert side_free_strides(walk) == pytest.approx([1.2] * 5)
    assert _cadence(walk) == pytest.approx(100.0, abs=0.1)
    limp = [0.0, 0.8, 1.2, 2.0, 2.4, 3.2, 3.6, 4.4, 4.8]
    walk = _walk([(t, "left" if i % 2 else "right") for i, t in enumerate(limp)])
    assert side_free_strides(walk) == pytest.approx([1.2] * 7)


def test_a_strike_barely_seen_in_one_bout_is_not_taken_as_barely_seen_in_another_at_the_same_time():
    """Bouts look beyond their ends (EDGE_PAD_S), so two bouts can hold a strike at the same time and foot, with
    confidences that differ (scaled by each bout's view): each bout's strike is judged by its own event."""
    from movement_check.assessments.gait.assess import _barely_seen
    from movement_check.assessments.result import Event
    strike = Extremum(60.0, 2.0, 1.0, 1.0)
    per_side = {"left": {"heel_strike": [strike], "toe_off": []}, "right": {"heel_strike": [], "toe_off": []}}
    walk = GaitAnalysis(bouts=[], found={0: per_side, 1: per_side}, strides=[], steps={"left": [], "right": []},
                        side_votes={})
    found = [(b, side, name, e) for b, sides in walk.found.items() for side in ("left", "right")
             for name in ("heel_strike", "toe_off") for e in sides[side][name]]       # as _assess lists them
    events = [Event(2.0, "heel_strike", "left", 60, 0.9), Event(2.0, "heel_strike", "left", 60, 0.1)]
    assert _barely_seen(found, events) == {0: set(), 1: {2.0}}


@pytest.mark.parametrize("cadence, speed", [(210.0, 3.2), (230.0, 3.5)])
def test_a_jog_is_said_to_be_faster_than_walking_not_a_walk_of_false_strikes(cadence, speed):
    """Steps faster than 200 a minute (the synthetic walker jogging) are running, or a clip playing too fast: the
    cadence and the other timing measures say so, and no warning calls its steps false heel strikes or asks for a
    longer walk (before: 'too few whole strides ... split by a false heel strike: film a longer walk')."""
    poses, _ = walk(Script(segments=[("walk", 8.0)], cadence=cadence, speed_mps=speed), fps=30.0, noise_px=1.0,
                    seed=1)
    found = assess(clean(poses)[0])
    m = {(x.name, x.side): x for x in found.metrics}
    assert m[("cadence", None)].value is None
    assert "faster than walking" in m[("cadence", None)].note
    assert f"one every {60 / cadence:.2f} s" in m[("cadence", None)].note
    assert m[("step_time", "left")].value is None and "faster than walking" in m[("step_time", "left")].note
    assert not any("false heel strike" in w or "film a longer walk" in w for w in found.warnings)


def test_a_brisk_walk_under_200_steps_a_minute_is_still_timed():
    poses, _ = walk(Script(segments=[("walk", 8.0)], cadence=190.0, speed_mps=3.0), fps=30.0, noise_px=1.0, seed=1)
    m = {(x.name, x.side): x for x in assess(clean(poses)[0]).metrics}
    assert m[("cadence", None)].value == pytest.approx(190.0, rel=0.01)


def test_false_strikes_in_a_brisk_walk_are_not_taken_for_running():
    """A brisk walk (a step every 0.4 s, 150 a minute) with a false strike 0.12 s after 7 of its 14 strikes: its
    steps of 0.12, 0.28 and 0.40 s have a median under 0.3 s, but come unevenly (second reviewer: read as running
    and its cadence withheld); a jog's come evenly."""
    real = [0.4 * k for k in range(14)]
    false = [real[k] + 0.12 for k in range(1, 14, 2)]
    strikes = sorted([(t, "left" if k % 2 else "right") for k, t in enumerate(real)] + [(t, "left") for t in false])
    assert too_fast_problem(_walk(strikes, weak=tuple(false))) is None
    jitter = np.random.default_rng(0).normal(0.0, 0.01, 20)
    jog = [(0.286 * k + jitter[k], "left" if k % 2 else "right") for k in range(20)]
    assert "faster than walking" in too_fast_problem(_walk(jog))
