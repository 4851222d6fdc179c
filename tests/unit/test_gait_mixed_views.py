"""A walk seen both from the front and from the side (toward the camera, then across the room): its steps timed from
the side, its side angles from the side, its pelvic drop from the front (known answers: the synthetic walker filmed
both ways and joined, nobody seen for a second between)."""

from collections import Counter

import pytest

from benchmarks.gait_accuracy import thinned
from movement_check.assessments.gait.assess import GaitSettings, assess
from movement_check.assessments.gait.events import HEEL_STRIKE
from movement_check.assessments.gait.figures import gait_cycle_figure
from movement_check.assessments.gait.settings import walking
from movement_check.assessments.gait.step_scale import travel_speeds
from movement_check.assessments.gait.strides import GaitAnalysis, step_times, strides_from_events
from movement_check.body.poses import Poses
from movement_check.body.views import FRONT
from movement_check.pipeline.cleaning import clean

from tests.fixtures.cameras import camera
from tests.fixtures.reshaped import first_seconds, one_after_the_other
from tests.fixtures.walker import Camera, Script, walk

FRONT_CAMERA = Camera(position=(14.0, 0.0, 1.1), target=(0.0, 0.0, 0.8), focal_px=1400.0)
STEADY = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)])


def _metrics(poses: Poses):
    found = assess(clean(poses)[0], settings=GaitSettings(height_cm=STEADY.height_m * 100))
    return {(m.name, m.side): m for m in found.metrics}, found


@pytest.fixture(scope="module")
def both_ways():
    front, _ = walk(STEADY, fps=30.0, camera=FRONT_CAMERA, noise_px=1.0, seed=2)
    side, _ = walk(STEADY, fps=30.0, noise_px=1.0, seed=2)
    return front, side


def test_a_walk_seen_both_ways_is_timed_from_the_side_and_gives_the_angles_of_each_view(both_ways):
    front, side = both_ways
    alone, _ = _metrics(side)
    facing, _ = _metrics(front)
    mixed, found = _metrics(one_after_the_other(front, side))
    assert found.quality["view"] == "mixed"
    # the steps' timing is the side walk's: the front's strikes, 2-3 frames early, no longer lengthen stance
    for key in [("cadence", None), ("stance", "left"), ("stance", "right"), ("double_support", "left"),
                ("step_time", "left"), ("step_time", "right")]:
        assert mixed[key].value == alone[key].value, key
        assert mixed[key].uncertainty == alone[key].uncertainty, key
    assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.01)
    # the side angles from the side (they read "needs a side view" before), the pelvic drop from the front
    assert mixed[("knee_flexion_swing_peak", "left")].value == alone[("knee_flexion_swing_peak", "left")].value
    assert mixed[("knee_flexion_swing_peak", "left")].value is not None
    assert mixed[("trunk_lateral_lean", None)].value is not None
    for key in [("trunk_lateral_lean", None), ("pelvic_drop", "left"), ("pelvic_drop", "right")]:
        assert mixed[key].value == facing[key].value, key
    assert any(w.startswith("steps timed from the walking seen from the side") for w in found.warnings)


def test_frames_arriving_unevenly_still_time_the_side_walk(both_ways):
    """From the front, unevenly arriving frames are not timed; they withheld every timing of a walk seen both ways,
    the side walk's too (the studio front walk then its side walk, 30 % of the frames dropped: no cadence)."""
    front, side = both_ways
    for seed in range(3):
        mixed, _ = _metrics(thinned(one_after_the_other(front, side), drop=0.3, seed=seed))
        assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.03), seed
        assert "from the front" not in (mixed[("cadence", None)].note or "")


def test_a_side_walk_too_short_to_time_leaves_the_timing_to_the_whole_walk(both_ways):
    front, side = both_ways
    short = first_seconds(side, 3.5)          # 1 s standing, 2.5 s walking across: too few strides to time alone
    mixed, found = _metrics(one_after_the_other(front, short))
    assert found.quality["view"] == "mixed"
    assert not any(w.startswith("steps timed from the walking seen from the side") for w in found.warnings)
    assert mixed[("cadence", None)].value == pytest.approx(STEADY.cadence, rel=0.03)


def _legs_mixed_up_in_front(poses: Poses, found_walk: GaitAnalysis) -> GaitAnalysis:
    """``found_walk`` with its front bout's right heel strikes named left until the two feet's counts differ by two
    (the pose model mixing up the legs there, as :func:`.gates.sides_problem` catches)."""
    found = {b: {s: dict(events) for s, events in per_side.items()} for b, per_side in found_walk.found.items()}
    front = found[next(b for b, bout in enumerate(found_walk.bouts) if bout.view == FRONT)]
    while len(front["left"][HEEL_STRIKE]) - len(front["right"][HEEL_STRIKE]) <= 1:
        front["left"][HEEL_STRIKE] = sorted(front["left"][HEEL_STRIKE] + front["right"][HEEL_STRIKE][:1],
                                            key=lambda e: e.time_s)
        front["right"][HEEL_STRIKE] = front["right"][HEEL_STRIKE][1:]
    travel, dropped = travel_speeds(poses, found_walk.bouts), Counter()
    return GaitAnalysis(bouts=found_walk.bouts, found=found, strides=strides_from_events(found, travel, dropped),
                        steps=step_times(found, travel, dropped), side_votes=found_walk.side_votes, dropped=dropped,
                        asked=found_walk.asked)


@pytest.fixture(scope="module")
def near_with_a_drop():
    """The walker with a 6 deg drop of the left hip, filmed from the front near enough to read it, then from the
    side (:mod:`tests.unit.test_gait_pelvic_drop`'s camera)."""
    script = Script(segments=[("stand", 0.5), ("walk", 5.0), ("stand", 0.5)], speed_mps=0.6, cadence=100,
                    pelvic_drop_deg=(6.0, 0.0))
    front, _ = walk(script, fps=30.0, noise_px=0.5, seed=1, camera=camera(5.5, 1.0, 5.0, 0.0, middle=1.5))
    side, _ = walk(script, fps=30.0, noise_px=0.5, seed=1)
    return clean(front)[0], clean(one_after_the_other(front, side))[0]


def test_legs_mixed_up_in_the_front_part_withhold_what_the_front_part_gives_by_side(near_with_a_drop):
    """The sides are judged on the part the steps are timed from (the side walk), which left a front part whose
    heel strikes do not alternate (4 left, 2 right: the legs mixed up) with its pelvic drop given by side (5.9 and
    1.1 deg) and its events named by side, where the same front walk alone withholds them. Its pelvic drop is
    withheld now, its events unnamed; the side walk's values of each side stay."""
    front, mixed = near_with_a_drop
    settings = GaitSettings(height_cm=175.0)
    alone = {(m.name, m.side): m for m in assess(front, settings=settings).metrics}
    plain = {(m.name, m.side): m for m in assess(mixed, settings=settings).metrics}
    assert plain[("pelvic_drop", "left")].value == alone[("pelvic_drop", "left")].value == pytest.approx(6.0, abs=1)
    found = assess(mixed, settings=settings, walk=_legs_mixed_up_in_front(mixed, walking(mixed, settings)))
    m = {(x.name, x.side): x for x in found.metrics}
    assert found.quality["steps"]["sides"] == "told apart"
    for side in ("left", "right"):
        assert m[("pelvic_drop", side)].value is None
        assert "not told apart in the walking seen from the front" in m[("pelvic_drop", side)].note
        assert m[("knee_flexion_swing_peak", side)].value is not None
        assert m[("stance", side)].value == plain[("stance", side)].value is not None
    front_stop = next(b.stop_s for b in found.analysis.bouts if b.view == FRONT)
    assert all(e.side is None for e in found.events if e.time_s <= front_stop)
    assert all(e.side is not None for e in found.events if e.time_s > front_stop)
    assert any("not told apart in the walking seen from the front" in w for w in found.warnings)


def test_the_gait_cycle_figure_names_the_feet_as_the_values_do(both_ways):
    """The figure judged the sides on the whole walk while the values were judged on the side part the steps are
    timed from: the synthetic front-then-side clip (its front bout 5 left / 3 right heel strikes) drew 'one foot'
    and 'the other foot', 'left and right not told apart', beside a left and a right knee value and stance."""
    front, side = both_ways
    poses = clean(one_after_the_other(front, side))[0]
    found = assess(poses)
    assert found.quality["steps"]["sides"] == "told apart"
    m = {(x.name, x.side): x for x in found.metrics}
    assert m[("knee_flexion_swing_peak", "left")].value is not None and m[("stance", "right")].value is not None
    fig = gait_cycle_figure(poses, walk=found.analysis)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert [x.split(" (")[0] for x in labels] == ["left", "right"]
    assert "not told apart" not in fig._suptitle.get_text()


def test_the_side_angles_of_a_side_walk_too_short_to_time_are_flagged_by_their_own_strides():
    """A side walk too short to time alone leaves the timing to the whole walk, whose strides are mostly the front
    part's; the knee's swing peak, read from the side walk's one stride a leg, was flagged by those (8 left, 7
    right): a stiff-knee walker on a treadmill from the front, then 2.5 s across, read 21.4 deg 'low' on both knees
    where the same side walk alone says 'not flagged: only 1 clean stride'. The whole side walk does flag them."""
    stiff = {"knee_lift_m": 0.02}
    front, _ = walk(Script(segments=[("walk", 10.0)], speed_mps=0.0, **stiff), fps=30.0, noise_px=0.5, seed=1,
                    camera=Camera(position=(6.0, 0.0, 1.1), target=(0.0, 0.0, 0.8), focal_px=1000.0))
    side, _ = walk(Script(segments=STEADY.segments, **stiff), fps=30.0, noise_px=0.5, seed=1)
    short = first_seconds(side, 3.5)                          # 1 s standing, 2.5 s walking across
    whole, _ = _metrics(side)
    mixed, found = _metrics(one_after_the_other(front, short))
    assert not any(w.startswith("steps timed from the walking seen from the side") for w in found.warnings)
    for side_ in ("left", "right"):
        assert whole[("knee_flexion_swing_peak", side_)].flag == "low"
        knee = mixed[("knee_flexion_swing_peak", side_)]
        assert knee.value is not None and knee.value < 44.0
        assert knee.flag is None and knee.note.startswith("not flagged: only 1 clean stride"), (side_, knee)
