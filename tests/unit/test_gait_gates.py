"""Gait you can trust: direction from travel, events that survive the model's side swaps, plausibility gates,
what the camera delivered (synthetic inputs with known answers; the real clips are in test_gait_accuracy)."""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.assessments.gait.gates import (cadence_problem, sides_problem, stride_phases,
                                                   stride_steps_problem)
from movement_check.assessments.gait.strides import fill_alternation
from movement_check.pipeline.cleaning import clean
from movement_check.assessments.gait.events import Extremum, alternate_sides
from movement_check.body.landmarks import Landmark as L
from movement_check.body.poses import Poses

from tests.fixtures.walker import Camera, Script, walk

FPS = 30.0
STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])
LEFT_LEG = [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
RIGHT_LEG = [L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]


def _metrics(found):
    return {(m.name, m.side): m for m in found.metrics}


def _truth_strikes(truth, side=None):
    return np.array([t for s, n, t in truth.events if n == "heel_strike" and (side is None or s == side)])


def _with_image(poses: Poses, image: np.ndarray) -> Poses:
    return Poses(times=poses.times, image=image, world=poses.world, visibility=poses.visibility,
                 presence=poses.presence, frame_size=poses.frame_size, source=poses.source)


def _interior_recall(found, truth, *, within_frames=1.0):
    """Share of the truth's heel strikes more than a stride from the walk's ends found within the tolerance."""
    detected = np.array([e.time_s for e in found.events if e.name == "heel_strike"])
    expected = [t for t in _truth_strikes(truth) if 1.0 + truth.stride_s < t < 7.0 - truth.stride_s]
    hits = [np.min(np.abs(detected - t)) * FPS <= within_frames for t in expected] if detected.size else []
    return float(np.mean(hits)) if hits else 0.0, len(expected)


# ------------------------------------------------------------------ gates as pure functions
def test_stride_phases_in_order_give_stance_and_double_support():
    # heel strike 0, other toe-off 0.12, other heel strike 0.55, toe-off 0.68, next heel strike 1.1
    ph = stride_phases(0.0, 1.1, 0.68, 0.55, 0.12)
    assert ph.stance == pytest.approx(100 * 0.68 / 1.1)
    assert ph.double_support == pytest.approx(100 * (0.12 + 0.13) / 1.1)
    assert ph.dropped == ()


@pytest.mark.parametrize("toe_off, other_strike, other_toe_off, reason", [
    (0.50, 0.55, 0.12, "events out of order"),          # own toe-off before the other heel strike
    (0.68, 0.55, 0.60, "events out of order"),          # other toe-off after the other heel strike
    (1.00, 0.55, 0.12, "stance outside 45-80 %"),       # 91 % stance
    (0.45, 0.30, 0.10, "stance outside 45-80 %"),       # 41 % stance
])
def test_impossible_phases_are_dropped_with_the_reason(toe_off, other_strike, other_toe_off, reason):
    ph = stride_phases(0.0, 1.1, toe_off, other_strike, other_toe_off)
    assert ph.stance is None
    if reason == "events out of order":
        assert ph.double_support is None
    assert reason in ph.dropped


def test_double_support_over_half_the_stride_is_dropped():
    ph = stride_phases(0.0, 1.0, 0.79, 0.30, 0.29)     # 29 % + 49 % = 78 %
    assert ph.stance == pytest.approx(79.0) and ph.double_support is None
    assert "double support outside 0-50 %" in ph.dropped


def test_cadence_and_sides_and_stride_gates():
    assert cadence_problem(110.0) is None and cadence_problem(None) is None
    assert "outside what walking can be" in cadence_problem(215.6)
    assert "outside what walking can be" in cadence_problem(25.0)
    assert sides_problem([(4, 4), (3, 2)], [(7, 8)]) is None
    assert "3 left and 0 right" in sides_problem([(3, 0)], [])
    assert "3 of 5" in sides_problem([(3, 2)], [(3, 5)])              # a 3-2 vote is a coin toss
    assert sides_problem([(4, 3)], [(5, 7)]) is None                   # 5-2
    assert sides_problem([(5, 5), (1, 1)], [(10, 10), (2, 2)]) is None  # a short second bout: counted over all
    assert stride_steps_problem({"left": 1.1, "right": 1.1}, {"left": 0.55, "right": 0.56}) is None
    assert "does not last its two steps" in stride_steps_problem({"left": 1.1, "right": 0.6},
                                                                 {"left": 0.55, "right": 0.56})


def test_alternation_overrules_single_mislabels():
    times = [0.5 * k for k in range(8)]
    truth = ["left", "right"] * 4
    votes = [1 if s == "left" else -1 for s in truth]
    votes[3] = -votes[3]                   # the model swapped the legs at two strikes
    votes[6] = -votes[6]
    sides, agreeing, judged = alternate_sides(times, votes)
    assert sides == truth and (agreeing, judged) == (6, 8)
    # a missed step (a gap of two steps) starts a new run with its own vote
    times2 = [0.0, 0.5, 1.0, 2.0, 2.5, 3.0]
    sides2, _, _ = alternate_sides(times2, [1, -1, 1, 1, -1, 1])
    assert sides2 == ["left", "right", "left", "left", "right", "left"]
    # a tied vote is a coin toss: half the labels count as agreeing, and the gate does not pass it
    tied, agreeing, judged = alternate_sides([0.0, 0.5, 1.0, 1.5], [1, 1, -1, -1])
    assert (agreeing, judged) == (2, 4)
    assert sides_problem([(2, 2)], [(agreeing, judged)]) is not None


def test_a_step_to_foot_is_filled_in_between_two_strikes_of_the_other():
    lead = [Extremum(f, f / 30, 1.0, 0.4) for f in (30.0, 66.0, 102.0)]        # only the left foot ever leads
    own_right = [Extremum(48.0, 1.6, -0.1, 0.2), Extremum(84.0, 2.8, -0.1, 0.2)]
    events, votes = fill_alternation(lead, [1.0, 1.0, 1.0], {"left": lead, "right": own_right}, stride_s=1.2)
    assert [e.frame for e in events] == [30.0, 48.0, 66.0, 84.0, 102.0]
    assert [v > 0 for v in votes] == [True, False, True, False, True]
    # a step apart (not a stride), two strikes voted to one foot are a mislabel: nothing is added
    events, _ = fill_alternation(lead[:2], [1.0, 1.0], {"left": lead, "right": own_right}, stride_s=2.4)
    assert len(events) == 2


def test_two_strides_between_one_foot_s_events_are_filled_with_both_feet():
    # the right foot trails at every toe-off here, and a frame gap hid the left one in the middle too:
    # right's events at 0 and 2.4 s (2 strides) miss left's at 0.6 and 1.8 and right's own at 1.2
    found = [Extremum(0.0, 0.0, -1.0, 0.4), Extremum(72.0, 2.4, -1.0, 0.4)]
    own = {"left": [Extremum(19.0, 19 / 30, -0.2, 0.2), Extremum(25.0, 25 / 30, -0.2, 0.1),
                    Extremum(53.0, 53 / 30, -0.2, 0.2)],
           "right": [Extremum(0.0, 0.0, -1.0, 0.4), Extremum(37.0, 37 / 30, -0.2, 0.3), Extremum(72.0, 2.4, -1.0, 0.4)]}
    events, votes = fill_alternation(found, [-1.0, -1.0], own, stride_s=1.2)
    # the more prominent of left's two near 0.6 s; each within a quarter stride of where alternation puts it
    assert [e.frame for e in events] == [0.0, 19.0, 37.0, 53.0, 72.0]
    assert [v > 0 for v in votes] == [False, True, False, True, False]


# ------------------------------------------------------------------ whole walks
def test_direction_comes_from_travel_when_the_model_fits_the_feet_backwards():
    poses, truth = walk(STEADY, fps=FPS, noise_px=1.0, seed=2)
    image = poses.image.copy()
    for heel, toe in ((L.LEFT_HEEL, L.LEFT_FOOT_INDEX), (L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)):
        image[:, [heel, toe]] = image[:, [toe, heel]]           # heels where the toes are
    found = assess(clean(_with_image(poses, image))[0])
    bouts = found.quality["walking_bouts"]
    assert [b["direction"] for b in bouts] == ["to the right"]
    assert bouts[0]["direction_from"] == "travel" and bouts[0]["feet_against_travel"]
    m = _metrics(found)
    for side in ("left", "right"):                 # read from the heel->toe line: turned round, so not given
        assert m[("ankle_dorsiflexion_mid_swing", side)].value is None
        assert "wrong way round" in m[("ankle_dorsiflexion_mid_swing", side)].note
        assert m[("knee_flexion_swing_peak", side)].value is not None
    recall, n = _interior_recall(found, truth, within_frames=1.0)
    assert n >= 6 and recall == 1.0
    assert _metrics(found)[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.02)


def test_events_survive_the_far_leg_swapped_at_every_other_strike():
    poses, truth = walk(STEADY, fps=FPS, noise_px=1.0, seed=4)
    image = poses.image.copy()
    for t in _truth_strikes(truth, "left")[::2]:                 # swap the legs for 0.2 s around these strikes
        k = int(round(t * FPS))
        seg = image[k - 3:k + 3].copy()
        seg[:, LEFT_LEG + RIGHT_LEG] = seg[:, RIGHT_LEG + LEFT_LEG]
        image[k - 3:k + 3] = seg
    found = assess(clean(_with_image(poses, image))[0])
    recall, n = _interior_recall(found, truth)
    assert n >= 6 and recall == 1.0
    m = _metrics(found)
    assert m[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.02)
    # each side's strikes are that side's (the alternation vote overrules the swapped labels)
    for side in ("left", "right"):
        got = np.array([e.time_s for e in found.events if e.name == "heel_strike" and e.side == side])
        for t in got:
            assert np.min(np.abs(_truth_strikes(truth, side) - t)) * FPS <= 1.0


def test_walking_back_and_forth_gives_one_bout_per_crossing():
    script = Script(segments=[("stand", 1.0), ("walk", 4.5), ("turn", 1.0), ("walk", 4.5), ("turn", 1.0),
                              ("walk", 4.5), ("stand", 1.0)], speed_mps=0.8)
    far = Camera(position=(1.8, -12.0, 1.0), target=(1.8, 0.0, 0.9), focal_px=1500.0)
    poses, truth = walk(script, fps=FPS, camera=far, noise_px=1.0, seed=1)
    found = assess(clean(poses)[0])
    assert [b["direction"] for b in found.quality["walking_bouts"]] == ["to the right", "to the left", "to the right"]
    assert all(b["direction_from"] == "travel" for b in found.quality["walking_bouts"])
    assert _metrics(found)[("cadence", None)].value == pytest.approx(script.cadence, rel=0.02)


def _thinned(poses: Poses, fps: float) -> Poses:
    keep = np.unique(np.searchsorted(poses.times, np.arange(0, poses.times[-1], 1 / fps) + 1e-6, side="right") - 1)
    return Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                 visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size,
                 source=poses.source)


@pytest.mark.parametrize("fps, phases, timing", [(30, True, True), (18, False, True), (12, False, False)])
def test_what_the_camera_delivered_decides_what_is_timed(fps, phases, timing):
    poses, _ = walk(STEADY, fps=30.0, noise_px=0.5, seed=6)
    found = assess(clean(_thinned(poses, fps))[0], settings=GaitSettings())
    m = _metrics(found)
    assert m[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.03)      # cadence at any rate
    assert (m[("stance", "left")].value is not None) == phases
    assert (m[("step_time", "left")].value is not None) == timing
    if not timing:
        assert "frames a second: too few for step timing" in m[("step_time", "left")].note
    elif not phases:
        assert "too few for the phases of a stride" in m[("double_support", "left")].note
    assert found.quality["camera_delivered"]["frames_per_second"] == pytest.approx(fps, rel=0.05)
    # the timing metrics carry the event window (2 frames) as their uncertainty
    if timing:
        assert m[("step_time", "left")].uncertainty == pytest.approx(2 / fps, rel=0.05)


def test_a_person_too_small_in_the_picture_is_not_timed():
    tiny = Camera(position=(3.6, -60.0, 1.0), target=(3.6, 0.0, 0.9), focal_px=700.0)
    poses, _ = walk(Script(segments=[("walk", 6.0)], speed_mps=0.3), fps=FPS, camera=tiny)
    found = assess(clean(poses)[0])
    cadence = _metrics(found)[("cadence", None)]
    assert found.quality["walking_bouts"] and cadence.value is None
    assert "too small in the picture" in cadence.note


def test_a_stride_longer_than_the_walk_allows_is_left_out():
    """Heel strikes missed inside a bout (one of each foot): the pelvis travels farther in the 'step' or 'stride'
    around them than any can cover (1.4 leg lengths a second), so they are left out and counted."""
    from collections import Counter

    from movement_check.assessments.gait.strides import LONG_STEP, LONG_STRIDE, step_times, strides_from_events

    def strikes(times):
        return [Extremum(t * 30, t, 0.0) for t in times]
    # steps every 0.55 s; the left strike at 2.2 s and the right at 2.75 s were missed
    found = {0: {"left": {"heel_strike": strikes([0.0, 1.1, 3.3, 4.4]), "toe_off": []},
                 "right": {"heel_strike": strikes([0.55, 1.65, 3.85]), "toe_off": []}}}
    dropped = Counter()
    strides = strides_from_events(found, {0: 1.4}, dropped)
    steps = step_times(found, {0: 1.4}, dropped)
    assert all(st.duration < 1.2 for st in strides) and len(strides) == 3    # 1.1-3.3 and 1.65-3.85 left out
    assert dropped[LONG_STRIDE] == 2
    assert max(steps["left"] + steps["right"]) < 0.6 and dropped[LONG_STEP] == 1        # 1.65 -> 3.3
    # no travel known (a treadmill): nothing is judged by distance, but each of the two strides lasts as long as
    # four of the walk's steps, and is left out by its rhythm
    from movement_check.assessments.gait.strides import SLOW_STRIDE
    rhythm = Counter()
    assert len(strides_from_events(found, {}, rhythm)) == 3 and rhythm[SLOW_STRIDE] == 2


def test_a_stride_hiding_a_missed_strike_is_left_out_in_a_slow_limping_walk():
    """A slow step-to limp (0.5 leg lengths a second, steps of 0.45 and 0.85 s): the pelvis travels too little for
    the distance gate, so a stride over a missed strike is caught by its length against the walk's own steps;
    the limp's long steps and strides lose nothing."""
    from collections import Counter

    from movement_check.assessments.gait.strides import LONG_STRIDE, SLOW_STRIDE, strides_from_events

    def strikes(times):
        return [Extremum(t * 30, t, 0.0) for t in times]
    left = [round(1.3 * k, 2) for k in range(7)]
    right = [round(0.45 + 1.3 * k, 2) for k in range(6)]
    kept = Counter()
    walk = {0: {"left": {"heel_strike": strikes(left), "toe_off": []},
                "right": {"heel_strike": strikes(right), "toe_off": []}}}
    assert len(strides_from_events(walk, {0: 0.5}, kept)) == 11 and not kept
    # the left strike at 2.6 s and the right one at 1.75 s were missed (the legs hidden for a moment): the left
    # stride 1.3 -> 3.9 s (2.6 s) has one right strike inside, and the pelvis went only 1.3 leg lengths over it;
    # likewise the right stride 0.45 -> 3.05 s
    missed = {0: {"left": {"heel_strike": strikes([t for t in left if t != 2.6]), "toe_off": []},
                  "right": {"heel_strike": strikes([t for t in right if t != 1.75]), "toe_off": []}}}
    dropped = Counter()
    strides = strides_from_events(missed, {0: 0.5}, dropped)
    assert max(st.duration for st in strides) == pytest.approx(1.3) and len(strides) == 7
    assert dropped[SLOW_STRIDE] == 2 and dropped[LONG_STRIDE] == 0      # and the right one, 0.45 -> 3.05 s


def test_a_short_second_bout_does_not_withhold_the_sides():
    script = Script(segments=[("stand", 1.0), ("walk", 6.0), ("turn", 1.0), ("walk", 1.6)], speed_mps=0.8)
    far = Camera(position=(1.8, -12.0, 1.0), target=(1.8, 0.0, 0.9), focal_px=1500.0)
    poses, _ = walk(script, fps=FPS, camera=far, noise_px=1.0, seed=1)
    found = assess(clean(poses)[0])
    assert found.quality["steps"]["sides"] == "told apart"
    assert _metrics(found)[("stance", "left")].value is not None


def test_a_heel_strike_on_the_first_frame_the_walker_is_seen_is_found():
    """A walker entering the picture just before a heel strike: the peak has one seen sample before it, and is
    found when that sample is lower (it rose into the peak) and the seen side falls by the prominence; a
    signal that only falls from its first sample holds no peak there."""
    from movement_check.assessments.gait.events import find_extrema

    times = np.arange(60) / 30.0
    signal = 0.5 * np.cos(2 * np.pi * (times - 0.4) / 1.1)       # peaks at 0.4 s (frame 12) and 1.5 s
    seen = signal.copy()
    seen[:11] = np.nan                                             # first seen at frame 11, one before the peak
    found = find_extrema(times, seen, kind="max", min_interval_s=0.3, min_prominence=0.1, edges=True)
    assert [round(e.frame) for e in found] == [12, 45]
    assert [round(e.frame) for e in find_extrema(times, seen, kind="max", min_interval_s=0.3,
                                                 min_prominence=0.1)] == [45]      # the plain reading misses it
    later = signal.copy()
    later[:13] = np.nan                                            # first seen just after the peak: falling
    assert [round(e.frame) for e in find_extrema(times, later, kind="max", min_interval_s=0.3, min_prominence=0.1,
                                                 edges=True)] == [45]


def test_a_slow_stride_between_one_foot_s_events_is_filled_as_one_stride():
    # one foot's events 1.6 strides apart (a slow or hesitant stride): read as two strides, the other foot's
    # event near the middle would sit where this foot's own was expected and be lost; one stride explains it
    found = [Extremum(0.0, 0.0, 1.0, 0.4), Extremum(57.6, 1.92, 1.0, 0.4)]
    own = {"left": list(found), "right": [Extremum(28.8, 0.96, 0.5, 0.2)]}
    events, votes = fill_alternation(found, [1.0, 1.0], own, stride_s=1.2)
    assert [e.frame for e in events] == [0.0, 28.8, 57.6]
    assert [v > 0 for v in votes] == [True, False, True]


def test_a_step_shorter_than_walking_allows_leaves_its_strides_and_steps_out_even_on_a_treadmill():
    from collections import Counter

    from movement_check.assessments.gait.events import HEEL_STRIKE, TOE_OFF
    from movement_check.assessments.gait.strides import SHORT_STEP, step_times, strides_from_events

    def ev(*times):
        return [Extremum(frame=t * 30, time_s=t, value=0.0) for t in times]

    # 0.55 s steps, but a false left heel strike 0.17 s after a right one (at 2.37)
    left, right = [0.0, 1.1, 2.37, 2.75], [0.55, 1.65, 2.2, 3.3]
    found = {0: {"left": {HEEL_STRIKE: ev(*left), TOE_OFF: []}, "right": {HEEL_STRIKE: ev(*right), TOE_OFF: []}}}
    dropped = Counter()
    strides = strides_from_events(found, {0: 0.0}, dropped)     # the pelvis did not travel: no distance gate
    assert all(min(s.other_strike - s.start, s.stop - s.other_strike) >= 0.3 for s in strides)
    assert {(s.side, s.start) for s in strides} == {("left", 0.0), ("right", 0.55)}
    steps = step_times(found, {0: 0.0}, dropped)
    assert all(d >= 0.3 for d in steps["left"] + steps["right"])
    assert dropped[SHORT_STEP] == 1                                   # the 0.17 s step
    # a stride whose other foot lands 0.15 s before its end: left out by this gate, not by the others
    late = {0: {"left": {HEEL_STRIKE: ev(0.0, 1.1), TOE_OFF: []}, "right": {HEEL_STRIKE: ev(0.95), TOE_OFF: []}}}
    caught = Counter()
    assert strides_from_events(late, {0: 0.0}, caught) == [] and caught[SHORT_STEP] == 1
    # the same walk without the false strike loses nothing to this gate
    clean_found = {0: {"left": {HEEL_STRIKE: ev(0.0, 1.1, 2.2 + 0.55), TOE_OFF: []},
                       "right": {HEEL_STRIKE: ev(0.55, 1.65, 3.3), TOE_OFF: []}}}
    kept = Counter()
    step_times(clean_found, {0: 0.0}, kept), strides_from_events(clean_found, {0: 0.0}, kept)
    assert kept[SHORT_STEP] == 0


def test_a_limp_s_good_strides_are_kept_when_its_short_steps_are_the_majority():
    """Steps of 0.4 and 0.9 s (a marked step-to limp), four strikes: three steps, two of them short. Twice the
    median step (0.8 s) is far under the 1.3 s stride; the strides are whole and must be kept."""
    from collections import Counter

    from movement_check.assessments.gait.strides import SLOW_STRIDE, strides_from_events

    def strikes(times):
        return [Extremum(t * 30, t, 0.0) for t in times]
    walk = {0: {"left": {"heel_strike": strikes([0.0, 1.3]), "toe_off": []},
                "right": {"heel_strike": strikes([0.4, 1.7]), "toe_off": []}}}
    dropped = Counter()
    assert [st.duration for st in strides_from_events(walk, {0: 0.5}, dropped)] == pytest.approx([1.3, 1.3])
    assert not dropped[SLOW_STRIDE]
