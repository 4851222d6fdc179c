"""Gait on a synthetic walker with known events (tests/fixtures/walker.py), then on real clips."""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.pipeline.cleaning import clean

from tests.fixtures.reshaped import mirrored, one_after_the_other, smaller
from tests.fixtures.walker import Camera, Script, walk, walk_edges

FPS = 30.0
FRONT_CAMERA = Camera(position=(14.0, 0.0, 1.1), target=(0.0, 0.0, 0.8), focal_px=1400.0)


def _metrics(assessment):
    return {(m.name, m.side): m for m in assessment.metrics}


def _interior(truth, script, name, side):
    """Truth events more than one stride away from where walking starts or stops."""
    edges = np.array(walk_edges(script))
    return np.array([t for s, n, t in truth.events if s == side and n == name
                     and np.min(np.abs(edges - t)) > truth.stride_s])


def _run(script, **render):
    poses, truth = walk(script, fps=FPS, **render)
    cleaned, _ = clean(poses)
    return assess(cleaned, settings=GaitSettings(height_cm=script.height_m * 100)), truth


STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])    # 7.2 m: stays in view


@pytest.fixture(scope="module")
def steady_noisy():
    # 1.5 px noise, two short dropouts and a planted left/right leg swap
    return _run(STEADY, noise_px=1.5, dropouts=[(80, 82), (120, 122)], swap=(150, 165), seed=3)


def test_heel_strikes_and_toe_offs_within_one_frame(steady_noisy):
    found, truth = steady_noisy
    for name in ("heel_strike", "toe_off"):
        for side in ("left", "right"):
            expected = _interior(truth, STEADY, name, side)
            detected = np.array([e.time_s for e in found.events if e.name == name and e.side == side])
            assert expected.size >= 3
            for t in expected:
                assert np.min(np.abs(detected - t)) * FPS <= 1.0, (name, side, t)


def test_cadence_step_times_and_knee_peak(steady_noisy):
    found, truth = steady_noisy
    m = _metrics(found)
    assert m[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.01)
    for side in ("left", "right"):
        assert m[("step_time", side)].value == pytest.approx(truth.step_s[side], abs=1 / FPS)
        assert m[("knee_flexion_swing_peak", side)].value == pytest.approx(truth.knee_peak_swing[side], abs=3.0)
        assert m[("stance", side)].value == pytest.approx(62.0, abs=3.0)
    assert m[("trunk_forward_lean", None)].value == pytest.approx(STEADY.trunk_lean_deg, abs=1.0)
    assert m[("gait_speed", None)].value == pytest.approx(STEADY.speed_mps, rel=0.1)
    assert found.quality["view"] == "side"


def test_limp_symmetry_index_within_2_points():
    limp = Script(segments=[("stand", 1.0), ("walk", 8.0), ("stand", 1.0)], limp=0.05, cadence=100.0,
                  speed_mps=0.9)     # 7.2 m in view, 6 strides: enough to flag
    found, truth = _run(limp, noise_px=1.0, seed=5)
    si = _metrics(found)[("step_time_symmetry_index", None)]
    assert si.value == pytest.approx(400 * limp.limp, abs=2.0)          # 20 %: right steps longer
    assert si.flag == "asymmetric"
    pairs = _metrics(found)[("step_time_asymmetry", None)]
    assert pairs.value == pytest.approx(400 * limp.limp, abs=3.0)       # alternating 0.55 / 0.45 of a stride
    normal, _ = _run(STEADY, noise_px=1.0, seed=5)
    assert abs(_metrics(normal)[("step_time_symmetry_index", None)].value) < 2.0


def test_standing_and_turning_are_left_out():
    script = Script(segments=[("stand", 1.5), ("walk", 4.5), ("turn", 1.0), ("walk", 4.5), ("stand", 1.5)],
                    speed_mps=0.8)
    far = Camera(position=(1.8, -12.0, 1.0), target=(1.8, 0.0, 0.9), focal_px=1500.0)
    found, truth = _run(script, camera=far)
    bouts = found.quality["walking_bouts"]
    assert [b["direction"] for b in bouts] == ["to the right", "to the left"]
    stand_turn = [(0.0, 1.5), (6.0, 7.0), (11.5, 13.0)]
    for b in bouts:
        for a, z in stand_turn:
            overlap = min(b["stop_s"], z) - max(b["start_s"], a)
            assert overlap < 0.6, (b, a, z)          # at most the edge of the 1 s window
    assert not any(a + 0.3 < e.time_s < z - 0.3 for e in found.events for a, z in stand_turn)


def test_no_walking_gives_reasons_not_zeros():
    found, _ = _run(Script(segments=[("stand", 5.0)]))
    m = _metrics(found)
    assert m[("cadence", None)].value is None and "no steady walking" in m[("cadence", None)].note
    assert found.warnings and not found.events


def test_without_height_speed_is_not_guessed():
    poses, _ = walk(STEADY, fps=FPS)
    m = _metrics(assess(clean(poses)[0]))
    assert m[("gait_speed", None)].value is None and "height" in m[("gait_speed", None)].note
    assert m[("step_length", "left")].value is None


def test_front_view_is_recognised_and_side_angles_declined():
    script = Script(segments=[("walk", 8.0)], speed_mps=1.0)
    found, truth = _run(script, camera=FRONT_CAMERA)
    m = _metrics(found)
    assert found.quality["view"] == "front"
    assert m[("cadence", None)].value == pytest.approx(script.cadence, rel=0.03)
    assert m[("knee_flexion_swing_peak", "left")].value is None
    assert "side view" in m[("knee_flexion_swing_peak", "left")].note
    assert m[("trunk_lateral_lean", None)].value is not None


def test_few_strides_report_values_but_withhold_flags():
    # a short, very asymmetric walk: the symmetry index is large but rests on too few strides to flag
    short = Script(segments=[("walk", 4.0)], limp=0.08, cadence=100.0)
    far = Camera(position=(1.5, -10.0, 1.0), target=(1.5, 0.0, 0.9), focal_px=1400.0)
    found, _ = _run(short, camera=far)
    si = _metrics(found)[("step_time_symmetry_index", None)]
    assert si.value is not None and abs(si.value) > 10
    assert si.flag is None and si.note.startswith("not flagged: only")
    assert any("not reliable" in w for w in found.warnings)


def _foot_tops(times, top_times):
    """Toe height over the ankle (px): a smooth hump on each known top time, flat foot between."""
    return sum(12.0 * np.exp(-0.5 * ((times - t) / 0.09) ** 2) for t in top_times)


def test_front_view_strikes_move_to_the_foot_top():
    from movement_check.assessments.gait.events import Extremum, foot_top_strikes
    fps, tops = 25.0, [1.131, 2.262, 3.409]
    times = np.arange(int(4.2 * fps)) / fps
    coarse = [Extremum(t * fps - 4.0, t - 4.0 / fps, 0.0) for t in tops]   # heel plateau: 4 frames early
    found, kept = foot_top_strikes(times, _foot_tops(times, tops), coarse, stride_s=1.13)
    assert kept == 0
    assert [e.time_s for e in found] == pytest.approx(tops, abs=0.1 / fps)


def test_front_view_strike_without_a_foot_top_is_kept():
    from movement_check.assessments.gait.events import Extremum, foot_top_strikes
    fps = 25.0
    times = np.arange(100) / fps
    rising = times * 3.0                                   # no top near the strike: only an edge value
    coarse = [Extremum(50.0, 2.0, 0.0)]
    found, kept = foot_top_strikes(times, rising, coarse, stride_s=1.1)
    assert kept == 1 and found == coarse


# -- foot-drop sign: the feet compared only when each was seen walking both ways ----------------------------

def _foot_metrics(segments, drop):
    poses, _ = walk(Script(segments=segments, foot_drop_deg=drop))
    result = assess(clean(poses)[0])
    got = {(m.name, m.side): m for m in result.metrics}
    return result, {k: got[k] for k in got if k[0] in ("ankle_dorsiflexion_mid_swing", "toe_height_mid_swing")}


ACROSS_AND_BACK = [("walk", 5.0), ("turn", 1.0), ("walk", 5.0)]


def test_a_dropped_foot_seen_walking_both_ways_is_flagged_on_its_side_only():
    result, feet = _foot_metrics(ACROSS_AND_BACK, (0.0, 15.0))
    for name in ("ankle_dorsiflexion_mid_swing", "toe_height_mid_swing"):
        assert feet[(name, "right")].flag == "lower than the other side"
        assert feet[(name, "left")].flag is None
    # the toes pitched down 15 deg at mid-swing: the foot's angle about 15 deg below the other's
    gap = feet[("ankle_dorsiflexion_mid_swing", "left")].value - feet[("ankle_dorsiflexion_mid_swing", "right")].value
    assert 10.0 < gap < 20.0
    assert not any("not walking each way" in w for w in result.warnings)


def test_flat_feet_seen_both_ways_are_not_flagged():
    _, feet = _foot_metrics(ACROSS_AND_BACK, (0.0, 0.0))
    assert all(m.flag is None for m in feet.values())
    left, right = (feet[("ankle_dorsiflexion_mid_swing", s)].value for s in ("left", "right"))
    assert abs(left - right) < 2.0          # each foot near and far in turn: the perspective cancels


def test_a_short_way_back_is_not_enough_to_compare_the_feet():
    """Five seconds across and 2.3 s back: each foot has one or two strides the way back, too few to know which
    foot is lower that way (the far foot's bias would otherwise pass through the majority way's mean)."""
    result, feet = _foot_metrics([("walk", 5.0), ("turn", 1.0), ("walk", 2.3)], (0.0, 15.0))
    assert all(m.flag is None for m in feet.values())
    assert any("right foot looked lower" in w and "not walking each way" in w for w in result.warnings)


def test_walking_one_way_the_feet_are_not_compared_and_a_lower_foot_is_said_not_flagged():
    result, feet = _foot_metrics([("walk", 8.0)], (0.0, 15.0))
    assert all(m.flag is None for m in feet.values())
    assert feet[("ankle_dorsiflexion_mid_swing", "right")].value < feet[("ankle_dorsiflexion_mid_swing", "left")].value
    assert any("right foot looked lower" in w and "not walking each way" in w for w in result.warnings)
    assert "walking each way" in feet[("toe_height_mid_swing", "right")].note
    flat, _ = _foot_metrics([("walk", 8.0)], (0.0, 0.0))
    assert not any("looked lower" in w for w in flat.warnings)


def _with_frames_cut(poses, start_s: float, stop_s: float):
    """The walk as an edited clip shows it: the frames between start_s and stop_s cut out, the rest played on
    at the same rate (so the walker jumps forward by what they walked meanwhile)."""
    from movement_check.body.poses import Poses

    keep = ~((poses.times > start_s) & (poses.times < stop_s))
    return Poses(times=np.arange(keep.sum()) / 30.0, image=poses.image[keep], world=poses.world[keep],
                 visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size,
                 source=poses.source)


def test_a_walk_is_split_where_the_picture_jumps_and_says_so():
    from movement_check.body.body_size import leg_length_px
    from movement_check.body.walking import MAX_INTERRUPTION_S, find_bouts, pelvis_jumps

    poses, _ = walk(Script(segments=[("walk", 7.7)], speed_mps=1.2), fps=30)
    whole = clean(poses)[0]
    assert not pelvis_jumps(whole, leg_length_px(whole)).any()              # walking is never a jump
    edited = clean(_with_frames_cut(poses, 2.0, 3.0))[0]                     # 1.2 m skipped in one frame
    jumps = np.flatnonzero(pelvis_jumps(edited, leg_length_px(edited)))
    assert jumps.size and abs(edited.times[jumps[0]] - 2.0) < 0.1
    bouts = find_bouts(edited, bridge_s=MAX_INTERRUPTION_S)
    assert len(bouts) == 2 and bouts[0].stop_s <= 2.0 + 1e-9 < bouts[1].start_s
    found = assess(edited, settings=GaitSettings(height_cm=175.0))
    speed = next(m for m in found.metrics if m.name == "gait_speed").value
    assert speed == pytest.approx(1.2, abs=0.1)                     # one bout across the cut read 1.58
    assert any("the picture jumped at 2.0 s" in w for w in found.warnings)


def test_on_a_treadmill_the_advice_is_to_film_the_other_side_not_to_walk_across():
    on_the_spot = Camera(position=(0.0, -4.0, 1.0), target=(0.0, 0.0, 0.9), focal_px=700.0)
    poses, _ = walk(Script(segments=[("walk", 12.0)], speed_mps=0.0, foot_drop_deg=(0.0, 15.0)), fps=30,
                    camera=on_the_spot)
    found = assess(clean(poses)[0])
    assert {b.direction_from for b in found.analysis.bouts} == {"feet"}         # the pelvis did not travel
    said = [w for w in found.warnings if "foot looked lower" in w]
    assert said and "film the other side too" in said[0] and "across the room" not in said[0]


def test_the_toes_height_is_in_the_walker_s_leg_length_of_the_moment():
    """A walk across followed by the same walk back along a far wall, 0.6 times the size in the picture: the toe's
    height at mid-swing in leg lengths is the same as with the walk back at the same size (in the clip's one leg
    length the far crossing's toes read lower: the labelled home walk so read 0.078 / 0.099 below the heel for
    0.076 / 0.076)."""
    one_way, _ = walk(Script(segments=[("walk", 6.0)], foot_drop_deg=(0.0, 15.0)), noise_px=0.5, seed=1)
    # (mirrored: the way back is the walker seen from the other side, the dropped foot then named left)
    near, far = (assess(clean(one_after_the_other(one_way, smaller(mirrored(one_way), k)))[0]) for k in (1.0, 0.6))
    for side in ("left", "right"):
        got = [next(m.value for m in r.metrics if m.name == "toe_height_mid_swing" and m.side == side)
               for r in (near, far)]
        assert got[1] == pytest.approx(got[0], abs=0.003), side
