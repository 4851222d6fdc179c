"""How long a step lasts (assessments/gait/repeat.py): a walk whose feet the pose model named front and back.

A low-resolution side view may call the foot ahead "right" whatever foot it is (the lab walk: from its frame 60 on,
each named foot repeats once a step). Each named foot's signal then repeats as often as both feet together, as a
step-to limp's do; taken for a limp's stride, that repeat halved the step, and bumps between heel strikes counted
as strikes: the lab walk slowed to 69 steps a minute read 112.
"""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import assess
from movement_check.assessments.gait.repeat import LIMP_SPEED_SPREAD, pelvis_speed_spread
from movement_check.body.landmarks import LEG, Landmark as L
from movement_check.body.poses import Poses
from movement_check.pipeline.cleaning import clean
from tests.fixtures.walker import Script, walk

LEFT_LEG = [int(i) for i in LEG["left"]]
RIGHT_LEG = [int(i) for i in LEG["right"]]


def _named_front_and_back(poses: Poses) -> Poses:
    """The walk with the foot ahead (along the walk, to the right) always named "right"."""
    ahead = poses.image[:, L.LEFT_HEEL, 0] > poses.image[:, L.RIGHT_HEEL, 0]
    arrays = {}
    for name in ("image", "world", "visibility", "presence"):
        a = getattr(poses, name).copy()
        a[np.ix_(ahead, LEFT_LEG + RIGHT_LEG)] = getattr(poses, name)[np.ix_(ahead, RIGHT_LEG + LEFT_LEG)]
        arrays[name] = a
    return Poses(times=poses.times, frame_size=poses.frame_size, source=poses.source, **arrays)


def _cadence(result) -> float | None:
    return next(m for m in result.metrics if m.name == "cadence" and m.side is None).value


@pytest.mark.parametrize("cadence", [60.0, 66.0])
def test_a_slow_walk_whose_feet_are_named_front_and_back_keeps_its_cadence(cadence):
    """Slow walks (steps of 0.9-1 s) with 4 px of landmark noise, the feet named front and back: on main before
    this rule, 60 steps a minute read 119-121 in 5 of 6 noise draws, 66 read 127-131 in 2."""
    script = Script(segments=[("walk", 8.0)], cadence=cadence, speed_mps=0.35 + 0.006 * cadence)
    for seed in range(6):
        poses, _ = walk(script, fps=25.0, noise_px=4.0, seed=seed)
        named = _named_front_and_back(poses)
        # the naming is front and back: the foot named right is never behind the other
        assert np.nanmax(named.image[:, L.LEFT_HEEL, 0] - named.image[:, L.RIGHT_HEEL, 0]) <= 0
        assert _cadence(assess(clean(named)[0])) == pytest.approx(cadence, rel=0.04), seed


@pytest.mark.parametrize("fps", [25.0, 30.0])
def test_a_steady_pelvis_with_noisy_landmarks_is_no_limp_s_surge(fps):
    """A slow walk (66 steps a minute) with 6 px of landmark noise, its feet named front and back: the pelvis goes
    on steadily, and its speed measured over SPEED_OVER_S says so in every draw. Measured from one frame to the next
    (before), the noise alone spread it 0.42-0.65, past LIMP_SPEED_SPREAD in one draw at each rate, whose step was
    then halved: 128-136 steps a minute for 66."""
    from movement_check.body.walking import find_bouts
    script = Script(segments=[("walk", 8.0)], cadence=66.0, speed_mps=0.35 + 0.006 * 66.0)
    for seed in range(6):
        poses, _ = walk(script, fps=fps, noise_px=6.0, seed=seed)
        named = clean(_named_front_and_back(poses))[0]
        spreads = [pelvis_speed_spread(named, b) for b in find_bouts(named)]
        assert spreads and all(s is not None and s < 0.8 * LIMP_SPEED_SPREAD for s in spreads), (seed, spreads)
        assert _cadence(assess(named)) == pytest.approx(66.0, rel=0.04), seed


def test_a_walk_goes_on_at_a_steady_pace_and_a_step_to_limp_surges():
    """The synthetic walker's pelvis goes on at a steady speed; one that stops for a third of each stride
    (a step-to limp's pelvis nearly stops after its short step) surges past LIMP_SPEED_SPREAD."""
    poses, _ = walk(Script(segments=[("walk", 6.0)], cadence=100.0), fps=30.0, noise_px=1.0, seed=1)
    poses = clean(poses)[0]
    from movement_check.body.walking import find_bouts
    bout = find_bouts(poses)[0]
    assert pelvis_speed_spread(poses, bout) < 0.3
    # the same pelvis held still for the first third of every 1.2 s stride, faster over the rest
    t = poses.times
    phase = (t % 1.2) / 1.2
    moved = np.cumsum(np.where(phase < 1 / 3, 0.0, 1.5) * np.gradient(t)) * 120.0
    surging = poses.image.copy()
    for hip in (L.LEFT_HIP, L.RIGHT_HIP):
        surging[:, hip, 0] = surging[0, hip, 0] + moved
    jerky = Poses(times=t, image=surging, world=poses.world, visibility=poses.visibility, presence=poses.presence,
                  frame_size=poses.frame_size, source=poses.source)
    assert pelvis_speed_spread(jerky, bout) > LIMP_SPEED_SPREAD


def test_a_slow_walk_at_an_angle_keeps_its_stride():
    """The synthetic slow walk seen 35 deg off the walking line at 15 fps, its legs swapped for 30 frames: both
    feet's signal repeats once a stride (near and far foot at different depths) with no step showing between at
    that frame rate, and its pelvis is steady. Before the rule that a walk at an angle keeps its stride (the step
    width keeps one foot ahead in the picture), its step was taken for the whole stride: 43.1 for 85."""
    from benchmarks.gait_camera_angles import SCRIPTS
    from tests.fixtures.cameras import camera

    script, middle = SCRIPTS["slow walk"]
    poses, _ = walk(script, fps=15.0, noise_px=2.0, seed=2, camera=camera(5.0, 1.0, 5.0, 35, middle=middle),
                    swap=(40, 70))
    result = assess(clean(poses)[0])
    assert any(b.get("seen_at_an_angle") for b in result.quality["walking_bouts"])
    assert _cadence(result) == pytest.approx(85.0, rel=0.03)


@pytest.mark.parametrize("fps", [30.0, 15.0])
def test_a_step_to_limp_whose_pelvis_goes_on_steadily_keeps_its_short_steps(fps):
    """The synthetic walker limping hard (steps of 0.36 and 0.84 s, 0.3 and 0.7 of its 1.2 s stride) with a pelvis
    that goes on at 1.2 m/s: no step shows half way through the repeat and the pelvis does not surge, but over one
    repeat it travels 1.44 m, 1.6 leg lengths, further than a step covers: the repeat is a stride. Before, it was
    taken for a step, the strikes of the short steps were never looked for, and every step and stride failed the
    pelvis-travel gates: no cadence, "film a longer walk" for an 8 s walk of 12 steps."""
    script = Script(segments=[("walk", 8.0)], cadence=100.0, limp=0.2)
    for seed in range(3):
        poses, _ = walk(script, fps=fps, noise_px=2.0, seed=seed)
        result = assess(clean(poses)[0])
        assert _cadence(result) == pytest.approx(100.0, rel=0.03), seed
        if fps < 20:        # step times at 15 fps sit on the documented limit (withheld below it): cadence only
            continue
        steps = {m.side: m.value for m in result.metrics if m.name == "step_time" and m.side}
        assert steps["left"] == pytest.approx(0.36, abs=0.04), seed       # the step ending on the left foot
        assert steps["right"] == pytest.approx(0.84, abs=0.04), seed

