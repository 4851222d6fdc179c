"""A bout must take steps (body/walking.py::takes_steps): standing on one leg swings the ankles apart as walking
does, and was read as two walking bouts with a trunk lean given. Known answers: the synthetic walker standing,
one foot held up and wobbling (no bout), or the feet taking turns in place (a bout)."""

import numpy as np
import pytest

import movement_check.body.walking as walking
from movement_check.assessments.gait.assess import assess
from movement_check.body.body_size import leg_length_px
from movement_check.body.landmarks import Landmark as L
from movement_check.body.poses import Poses
from movement_check.pipeline.cleaning import clean

from tests.fixtures.walker import Camera, Script, walk

FRONT = Camera(position=(5.0, 0.0, 0.93), target=(0.0, 0.0, 0.93), focal_px=1000.0, size=(1280, 720))
LEFT_LEG = [L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
RIGHT_LEG = [L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]


def _standing(lift_px, camera=FRONT, swing_px=lambda t: 0.0) -> Poses:
    """The walker standing 8 s facing the camera, each foot raised by ``lift_px(t)`` -> (left, right) pixels
    (the knee half as much), the left foot moved ``swing_px(t)`` pixels across the picture (the knee half as much)."""
    poses, _ = walk(Script(segments=[("stand", 8.0)]), fps=30.0, camera=camera, noise_px=0.5, seed=2)
    image = poses.image.copy()
    for i, t in enumerate(poses.times):
        for leg, lift in zip((LEFT_LEG, RIGHT_LEG), lift_px(t)):
            image[i, leg, 1] -= lift * np.array([0.5, 1.0, 1.0, 1.0])
        image[i, LEFT_LEG, 0] += swing_px(t) * np.array([0.5, 1.0, 1.0, 1.0])
    return Poses(times=poses.times, image=image, world=poses.world, visibility=poses.visibility,
                 presence=poses.presence, frame_size=poses.frame_size, source=poses.source)


def _leg_px(poses: Poses) -> float:
    return leg_length_px(poses)


def test_standing_on_one_leg_is_no_walk(monkeypatch):
    """The left foot held up the whole time, 0.15-0.45 leg lengths, wobbling once a second: the ankles swing
    apart as in walking (without the rule a bout is found), but the same foot stays up: no bout, no gait values."""
    leg = _leg_px(_standing(lambda t: (0.0, 0.0)))
    stance = clean(_standing(lambda t: (leg * (0.3 + 0.15 * np.sin(2 * np.pi * t)), 0.0)))[0]
    assert walking.find_bouts(stance, bridge_s=0.25, across=True) == []
    found = assess(stance)
    assert found.metrics[0].value is None and "no steady walking" in found.metrics[0].note
    assert not [m for m in found.metrics if m.value is not None and m.name == "trunk_lateral_lean"]
    monkeypatch.setattr(walking, "takes_steps", lambda *a: True)
    assert walking.find_bouts(stance, bridge_s=0.25, across=True)          # the swing alone passes the other rules


@pytest.mark.parametrize("period_s", [1.1, 1.6])
def test_feet_taking_turns_in_place_are_a_walk(period_s):
    """Each foot raised in turn (walking on the spot, a stride every ``period_s``): the leading foot changes
    about twice a stride, a bout."""
    leg = _leg_px(_standing(lambda t: (0.0, 0.0)))
    def lift(t):
        phase = np.sin(2 * np.pi * t / period_s)
        return leg * 0.3 * max(phase, 0.0), leg * 0.3 * max(-phase, 0.0)
    marching = clean(_standing(lift))[0]
    bouts = walking.find_bouts(marching, bridge_s=0.25, across=True)
    assert bouts and bouts[0].view == "front" and sum(b.stop_s - b.start_s for b in bouts) > 4.0


@pytest.mark.parametrize("fps,noise_px", [(30.0, 0.0), (15.0, 3.0)])
def test_stepping_on_the_spot_at_an_angle_is_a_walk(fps, noise_px):
    """Walking on the spot (a treadmill) 45 deg off the camera's line: timed side-on (at_angle), the step width
    keeps the left ankle ahead in x all the time (0 lead changes), but the feet take turns being the lower one."""
    from tests.fixtures.cameras import camera
    poses, _ = walk(Script(segments=[("stand", 1.0), ("walk", 5.0), ("stand", 1.0)], speed_mps=0.0, cadence=100.0),
                    fps=fps, camera=camera(6.0, 1.0, 0.0, 45.0, middle=1.0), noise_px=noise_px, seed=4)
    bouts = walking.find_bouts(clean(poses)[0], bridge_s=0.25, across=True)
    assert bouts and all(b.view == "side" and b.at_angle for b in bouts) and sum(b.duration_s for b in bouts) > 3.5


def test_standing_on_one_leg_seen_at_an_angle_is_no_walk(monkeypatch):
    """60 deg off the walking line, the raised left foot (0.15-0.45 leg lengths) also swinging 0.2 leg lengths
    back and forth: a side-on bout without the rule; the raised foot is never the lower one, so no bout."""
    from tests.fixtures.cameras import camera
    angled = camera(5.0, 1.0, 0.0, 60.0, middle=0.0)
    leg = _leg_px(_standing(lambda t: (0.0, 0.0), angled))
    stance = clean(_standing(lambda t: (leg * (0.3 + 0.15 * np.sin(2 * np.pi * t)), 0.0), angled,
                             lambda t: leg * 0.2 * np.sin(2 * np.pi * 0.7 * t)))[0]
    assert walking.find_bouts(stance, bridge_s=0.25, across=True) == []
    monkeypatch.setattr(walking, "takes_steps", lambda *a: True)
    assert [b.view for b in walking.find_bouts(stance, bridge_s=0.25, across=True)] == ["side"]


def _step_to(script: Script, camera: Camera, fps: float = 30.0) -> Poses:
    """The walker with a step-to gait: the right foot is brought up to the left, never past it."""
    from tests.fixtures import walker
    times = np.arange(int(round(sum(d for _, d in script.segments) * fps))) / fps
    pos, _ = walker.simulate(script, times)
    past = np.maximum(pos[:, L.RIGHT_ANKLE, 0] - pos[:, L.LEFT_ANKLE, 0], 0.0)
    pos[:, RIGHT_LEG, 0] -= past[:, None] * np.array([0.5, 1.0, 1.0, 1.0])
    return clean(walker.render(pos, times, camera))[0]


@pytest.mark.parametrize("camera,speed_mps,lift_m,view", [
    (Camera(position=(2.0, -5.0, 1.0), target=(2.0, 0.0, 0.9), focal_px=700.0), 0.6, 0.02, "side"),
    (Camera(position=(-2.0, 0.0, 1.1), target=(6.0, 0.0, 0.8), focal_px=900.0), 0.6, 0.02, "front")])
def test_a_step_to_gait_that_travels_is_a_walk(camera, speed_mps, lift_m, view):
    """A step-to limp's feet, barely lifted, take turns leading at most once a bout (the right foot never passes,
    nor is it much the lower one), but the person travels: across the picture (the pelvis), or away from the
    camera (the feet's lowest point rises 0.3 leg lengths a second)."""
    poses = _step_to(Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)], speed_mps=speed_mps,
                            cadence=90.0, knee_lift_m=lift_m), camera)
    bouts = walking.find_bouts(poses, bridge_s=0.25, across=True)
    assert [b.view for b in bouts] == [view] and bouts[0].duration_s > 2.0
    leg = leg_length_px(poses)
    for along in {view, "front"}:                                                           # travel decided it
        lead = walking.leading_ankle(walking.ankles_apart(poses.image[bouts[0].start:bouts[0].stop], along), leg,
                                     along)
        assert np.count_nonzero(np.diff(lead[lead != 0])) < walking.MIN_LEAD_CHANGES


def _raised(poses: Poses, lift_px) -> Poses:
    """``poses`` with each foot raised by ``lift_px(t)`` -> (left, right) pixels (the knee half as much)."""
    image = poses.image.copy()
    for i, t in enumerate(poses.times):
        for leg, lift in zip((LEFT_LEG, RIGHT_LEG), lift_px(t)):
            image[i, leg, 1] -= lift * np.array([0.5, 1.0, 1.0, 1.0])
    return Poses(times=poses.times, image=image, world=poses.world, visibility=poses.visibility,
                 presence=poses.presence, frame_size=poses.frame_size, source=poses.source)


def test_standing_foot_rotation_counts_a_foot_only_while_it_is_down():
    """Standing facing the camera, toe-out 8 / 14 deg. With the left foot held up (0.15-0.45 leg lengths, as in a
    single-leg stance) its footprint turned as it pleased (11.7 / 17.1): now no standing value is given, with the
    reason. Raised only in the second half, the first half gives the truth."""
    from movement_check.assessments.foot_rotation.assess import assess as foot_rotation
    from movement_check.assessments.foot_rotation.settings import FootRotationSettings
    from tests.fixtures.cameras import FOV, camera

    standing, _ = walk(Script(segments=[("stand", 6.0)], toe_out_deg=(8.0, 14.0)),
                       camera=camera(3.5, 1.0, 10.0, 0.0, middle=0.0), noise_px=1.0, seed=1)
    leg = _leg_px(standing)
    settings = FootRotationSettings(fov_deg=FOV, camera_tilt_deg=10.0)

    def toe_out(poses):
        found = foot_rotation(clean(poses)[0], settings=settings)
        return {m.side: m.value for m in found.metrics if m.name == "static_toe_out"}, found

    both, _ = toe_out(standing)
    assert both == pytest.approx({"left": 8.0, "right": 14.0}, abs=0.5)
    held, found = toe_out(_raised(standing, lambda t: (leg * (0.3 + 0.15 * np.sin(2 * np.pi * t)), 0.0)))
    assert not any(v is not None for v in held.values())
    assert any("on the floor" in (m.note or "") for m in found.metrics)
    half, _ = toe_out(_raised(standing, lambda t: (leg * 0.3 if t > 3.0 else 0.0, 0.0)))
    assert half == pytest.approx({"left": 8.0, "right": 14.0}, abs=0.5)
