"""Foot rotation against the synthetic 3-D walker (tests/fixtures/walker.py) with known toe-out, through pinhole cameras."""

import pytest

from movement_check.assessments.foot_rotation.assess import FootRotationSettings, assess
from movement_check.pipeline.cleaning import clean
from movement_check.assessments.foot_rotation.floor import FloorCamera, estimate_tilt
from movement_check.body.landmarks import Landmark as L
from tests.fixtures.cameras import FOV, camera
from tests.fixtures.results import metric_of
from tests.fixtures.walker import Script, walk

TOE_OUT = (5.0, 20.0)                                     # left, right


VIEWS = [(1.0, 0.0, 0.0), (1.5, 10.0, 0.0), (2.0, 20.0, 0.0), (1.2, 10.0, 30.0), (1.2, 15.0, 60.0)]


@pytest.mark.parametrize("height, tilt, oblique", VIEWS)
def test_exact_landmarks_give_the_toe_out_within_1_deg(height, tilt, oblique):
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(8.0, height, tilt, oblique))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    assert a.quality["camera_tilt_from"] == "found from the walk"
    assert abs(a.quality["camera_tilt_deg"] - tilt) < 0.5
    for side, truth in zip(("left", "right"), TOE_OUT):
        m = metric_of(a, "foot_progression_angle", side)
        assert abs(m.value - truth) < 1.0 and m.uncertainty > 0
    assert abs(metric_of(a, "foot_progression_asymmetry").value - (TOE_OUT[1] - TOE_OUT[0])) < 1.0
    steps = a.quality["steps"]
    assert {s["side"] for s in steps} == {"left", "right"} and len(steps) >= 6


@pytest.mark.parametrize("height, tilt, oblique", VIEWS)
@pytest.mark.parametrize("seed", [2, 3])
def test_noisy_landmarks_within_3_deg_and_the_asymmetry_sign_right(height, tilt, oblique, seed):
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(8.0, height, tilt, oblique),
                    noise_px=1.5, dropouts=[(40, 43)], seed=seed)
    poses, _ = clean(poses)
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    for side, truth in zip(("left", "right"), TOE_OUT):
        assert abs(metric_of(a, "foot_progression_angle", side).value - truth) < 3.0
    assert metric_of(a, "foot_progression_asymmetry").value > 0


def test_a_footprint_that_flips_under_a_camera_error_does_not_set_the_uncertainty():
    # a camera 0.8 m high, 8 m away, looking down 5 deg: with the pitch 3 deg less (the stated pitch error) the
    # farthest right footprint's foot line turned round (168 deg) and moved the right foot's mean by 26 deg, so the
    # uncertainty read +-26.8 for a foot measured 0.5 deg off. The analysis under that pitch would have left that
    # footprint out (over 15 deg from its foot's others), and now its mean does too
    poses, _ = walk(Script(segments=[("walk", 6.0)], toe_out_deg=(12.0, 6.0)), camera=camera(8.0, 0.8, 5.0, 0.0),
                    noise_px=1.5, seed=3)
    a = assess(clean(poses)[0])
    assert max(a.quality["systematic_deg"]["camera"][s] for s in ("left", "right")) < 3.0
    for side, truth in (("left", 12.0), ("right", 6.0)):
        m = metric_of(a, "foot_progression_angle", side)
        assert abs(m.value - truth) < 1.0 and 3.0 < m.uncertainty < 8.0


def test_a_foot_split_in_two_under_a_camera_error_stays_in_the_uncertainty(monkeypatch):
    # under every camera error 3 of the right foot's 5 stance phases turned round: each one's others have their median
    # between the two groups, so all 5 were judged apart, the right mean under that error was NaN and it dropped out
    # of the uncertainty (+-0.2 deg for the camera). The analysis could not have measured that foot: it must show
    import movement_check.assessments.foot_rotation.assess as fr
    poses, _ = walk(Script(segments=[("walk", 6.0)], toe_out_deg=(12.0, 6.0)), camera=camera(8.0, 1.2, 10.0, 0.0),
                    noise_px=1.5, seed=3)
    plain = fr.angles_under

    def turned(poses, found, cam):
        rights = [i for i, p in enumerate(found.prints) if p.side == "right"][::2]
        return [a + 160.0 if i in rights else a for i, a in enumerate(plain(poses, found, cam))]

    monkeypatch.setattr(fr, "angles_under", turned)
    a = assess(clean(poses)[0], settings=FootRotationSettings(fov_deg=FOV))
    assert a.quality["systematic_deg"]["camera"]["right"] > 50.0 and a.quality["systematic_deg"]["camera"]["left"] < 3.0


def test_a_stray_footprint_is_left_out_of_an_errors_mean_and_a_split_foot_is_not():
    from movement_check.assessments.foot_rotation.angles import means_as_analysed
    from movement_check.assessments.foot_rotation.footprints import Footprint
    prints = [Footprint(s, i, i + 3, 0.0, (0.0, 2.0), (0.0, 2.2), 0.0)
              for i, s in enumerate(["left"] * 5 + ["right"] * 4)]
    [stray] = means_as_analysed(prints, [5.0, 6.0, 7.0, 8.0, 170.0, 10.0, 11.0, 12.0, 13.0])
    assert (stray["left"], stray["right"]) == (6.5, 11.5)
    # right: two and two, each one over 15 deg from its others' median, so all four judged apart
    ruled, whole = means_as_analysed(prints, [5.0, 6.0, 7.0, 8.0, 170.0, 10.0, 11.0, 170.0, 172.0])
    assert ruled["left"] == whole["left"] == 6.5 and ruled["right"] != ruled["right"]
    assert whole["right"] == (10.0 + 11.0 + 170.0 + 172.0) / 4


def test_mirrored_toe_out_swaps_the_sign_of_the_asymmetry():
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=(15.0, -5.0)), camera=camera(8.0, 1.2, 10.0, 0.0))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    assert abs(metric_of(a, "foot_progression_angle", "left").value - 15.0) < 1.0
    assert abs(metric_of(a, "foot_progression_angle", "right").value + 5.0) < 1.0      # in-toeing: negative
    assert metric_of(a, "foot_progression_asymmetry").value < 0


def test_a_side_view_is_declined_with_the_reason():
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(5.0, 1.0, 5.0, 90.0))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    for side in ("left", "right"):
        m = metric_of(a, "foot_progression_angle", side)
        assert m.value is None and "side view" in m.note


def test_a_wrong_tilt_is_found_not_assumed():
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(8.0, 1.5, 12.0, 0.0))
    hips = 0.5 * (poses.image[:, L.LEFT_HIP, :2] + poses.image[:, L.RIGHT_HIP, :2])
    fit = estimate_tilt(FloorCamera.from_frame(poses.frame_size, FOV), hips,
                        poses.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL], :2], 33)
    assert abs(fit.tilt_deg - 12.0) < 0.2 and fit.depth_ratio > 1.5
    # told a level camera instead, the angles move, and the systematic part of the uncertainty says by how much
    level = assess(poses, settings=FootRotationSettings(fov_deg=FOV, camera_tilt_deg=0.0))
    found = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    err = abs(metric_of(level, "foot_progression_angle", "right").value - 20.0)
    assert err > 1.0
    assert abs(metric_of(found, "foot_progression_angle", "right").value - 20.0) < 1.0


def test_standing_facing_the_camera_gives_static_toe_out():
    poses, _ = walk(Script(segments=[("stand", 3.0)], toe_out_deg=(8.0, 14.0)),
                    camera=camera(3.5, 1.0, 10.0, 0.0, middle=0.0))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV, camera_tilt_deg=10.0))
    assert a.quality["mode"] == "standing"
    assert abs(metric_of(a, "static_toe_out", "left").value - 8.0) < 1.0
    assert abs(metric_of(a, "static_toe_out", "right").value - 14.0) < 1.0
    assert abs(metric_of(a, "static_toe_out_difference").value - 6.0) < 1.0
    # with the tilt unknown the camera is assumed level: the uncertainty grows to cover a 10 deg error
    guessed = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    m = metric_of(guessed, "static_toe_out", "right")
    assert guessed.quality["camera_tilt_from"] == "assumed level"
    assert abs(m.value - 14.0) <= m.uncertainty


def test_feet_above_the_image_centre_mean_the_camera_looks_down():
    # standing 6.5 m from a camera 1 m high that looks down 10 deg: the feet are above the image's centre
    poses, _ = walk(Script(segments=[("stand", 3.0)], toe_out_deg=(8.0, 14.0)), camera=camera(3.5, 1.0, 10.0, 0.0))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    assert a.quality["mode"] == "standing" and a.quality["camera_tilt_deg"] > 0.0
    m = metric_of(a, "static_toe_out", "right")
    assert abs(m.value - 14.0) <= m.uncertainty


@pytest.mark.parametrize("height, tilt, oblique", [(1.0, 0.0, 0.0), (1.5, 10.0, 0.0), (1.2, 10.0, 30.0)])
@pytest.mark.parametrize("noise", [0.0, 1.5])
def test_a_treadmill_walk_is_measured_on_the_moving_floor(height, tilt, oblique, noise):
    # walking on the spot (a treadmill, or a camera that follows the walker): a foot in stance slides with the
    # floor instead of standing still, and the walking line is the floor's motion, not the footprints' spread
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT, speed_mps=0.0),
                    camera=camera(4.0, height, tilt, oblique, middle=0.0), noise_px=noise, seed=2,
                    dropouts=[(40, 43)] if noise else [])
    if noise:
        poses, _ = clean(poses)
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV, camera_tilt_deg=tilt))
    assert a.quality["floor_moved"] is True and len(a.quality["steps"]) >= 6
    for side, truth in zip(("left", "right"), TOE_OUT):
        assert abs(metric_of(a, "foot_progression_angle", side).value - truth) < (1.0 if not noise else 3.0)


def test_a_fixed_camera_does_not_see_the_floor_move():
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(8.0, 1.2, 10.0, 0.0),
                    noise_px=1.5, seed=3)
    poses, _ = clean(poses)
    assert assess(poses, settings=FootRotationSettings(fov_deg=FOV)).quality["floor_moved"] is False


@pytest.fixture
def heels_3cm_up(monkeypatch):
    """MediaPipe's heel landmark sits on the back of the heel, above the floor: put the walker's there."""
    from tests.fixtures import walker

    plain = walker.simulate

    def lifted(script, times):
        pos, truth = plain(script, times)
        pos[:, [L.LEFT_HEEL, L.RIGHT_HEEL], 2] += 0.03
        return pos, truth

    monkeypatch.setattr(walker, "simulate", lifted)


@pytest.mark.parametrize("height, tilt, oblique", [(1.0, 0.0, 0.0), (1.5, 10.0, 0.0), (1.2, 15.0, 60.0)])
def test_a_heel_landmark_above_the_floor_is_taken_down(heels_3cm_up, height, tilt, oblique):
    poses, _ = walk(Script(segments=[("walk", 5.0)], toe_out_deg=TOE_OUT), camera=camera(8.0, height, tilt, oblique))
    a = assess(poses, settings=FootRotationSettings(fov_deg=FOV))
    # the heel lands far behind where it stands: the foot looks 1.4-1.9 times its length (angles would shrink)
    assert a.quality["seen_foot_length_share"] > 1.3
    for side, truth in zip(("left", "right"), TOE_OUT):
        m = metric_of(a, "foot_progression_angle", side)
        assert abs(m.value - truth) < 1.0
    # the lift found: 3 cm of a 0.93 m hip height
    assert abs(a.quality["heel_lift_share_of_hip_height"] - 0.03 / (0.530 * 1.75)) < 0.003


def test_a_stance_phase_far_from_the_foot_s_others_is_left_out_and_counted():
    # the right toe thrown 45 px sideways through one whole stance phase (as noise in an oblique view, or a
    # foot landing across the other, can bend one footprint): that footprint alone reads far off; left in,
    # it pulled the right foot's mean several degrees
    script = Script(segments=[("walk", 6.0)], toe_out_deg=TOE_OUT)
    poses, truth = walk(script, camera=camera(8.0, 1.2, 10.0, 0.0))
    strikes = sorted(t for s, n, t in truth.events if s == "right" and n == "heel_strike")
    offs = sorted(t for s, n, t in truth.events if s == "right" and n == "toe_off")
    start = strikes[2]
    stop = min(t for t in offs if t > start)
    image = poses.image.copy()
    inside = (poses.times >= start) & (poses.times <= stop)
    image[inside, L.RIGHT_FOOT_INDEX, 0] += 45.0
    bent = poses.with_arrays(image=image)
    a = assess(bent, settings=FootRotationSettings(fov_deg=FOV))
    assert a.quality["stance_phases_left_out"]["count"] == 1
    assert abs(metric_of(a, "foot_progression_angle", "right").value - TOE_OUT[1]) < 1.0
    assert abs(metric_of(a, "foot_progression_angle", "left").value - TOE_OUT[0]) < 1.0
    assert not any(abs(s["time_s"] - (start + stop) / 2) < 0.1 for s in a.quality["steps"] if s["side"] == "right")
    # the clean walk leaves nothing out
    assert assess(poses, settings=FootRotationSettings(fov_deg=FOV)).quality["stance_phases_left_out"]["count"] == 0
