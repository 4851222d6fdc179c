"""Following one person among several, on synthetic detections with a known answer."""

import numpy as np
import pytest

from movement_check.errors import InputError
from movement_check.pipeline.tracking import choose_subject, follow_people

from tests.fixtures.synthetic import walking_poses

FPS = 30.0


def _scene(seed=0, walker_gap=(40, 48)):
    """A walker crossing 1280 px left to right in front of a bystander who stays put and is smaller.

    Frame t holds, in random order: the walker (missing in ``walker_gap``),
    the bystander (bobbing on the spot, as on a box), and in frame 20 a
    duplicate of the walker offset by 3 px (MediaPipe sometimes reports one
    person twice). Returns times, per-frame detections and, per frame, the
    index of the walker's detection (-1 where absent).
    """
    rng = np.random.default_rng(seed)
    walker = walking_poses(seconds=4.0, fps=FPS, speed_px=280.0, noise_px=1.5, seed=seed)
    stand = walking_poses(seconds=4.0, fps=FPS, speed_px=0.0, hip_amplitude_deg=2, knee_amplitude_deg=3,
                          noise_px=1.5, seed=seed + 1, px_per_m=330.0)
    stand_img = stand.image.copy()
    stand_img[..., 0] += 540.0            # stands at x ~ 640, behind the walker's path
    stand_img[..., 1] -= 110.0 + 25.0 * np.sin(np.arange(len(stand))[:, None] / 6.0)   # on a box
    images, visibilities, walker_index = [], [], []
    for t in range(len(walker)):
        people = [stand_img[t]]
        if not (walker_gap[0] <= t < walker_gap[1]):
            people.append(walker.image[t])
            if t == 20:
                people.append(walker.image[t] + 3.0)
        order = rng.permutation(len(people))
        people = [people[k] for k in order]
        images.append(np.array(people))
        visibilities.append(np.full((len(people), 33), 0.9))
        walker_index.append(int(np.flatnonzero(order == 1)[0]) if len(order) > 1 else -1)
    return walker.times, images, visibilities, np.array(walker_index), walker


def test_walker_is_followed_through_crossing_and_dropout():
    times, images, vis, walker_index, walker = _scene()
    people = follow_people(times, images, vis, (1280, 720))
    assert len(people) == 2                                  # the duplicate is not a third person
    choice = choose_subject(people, "auto")
    assert choice.rule == "walker"
    person = choice.person
    present = walker_index >= 0
    # every frame the walker is in is the walker's detection, and no other frame
    assert set(person.frames.tolist()) == set(np.flatnonzero(present).tolist())
    for f, c in zip(person.frames, person.candidates):
        assert np.allclose(images[f][c][:, :2], walker.image[f][:, :2], atol=3.5), f
    assert "walked across" in choice.reason
    assert person.travel > 0.7


def test_largest_and_override():
    times, images, vis, _, _ = _scene(seed=3)
    people = follow_people(times, images, vis, (1280, 720))
    largest = choose_subject(people, "largest").person
    assert largest.median_height == max(p.median_height for p in people)
    other = [p for p in people if p is not largest][0]
    chosen = choose_subject(people, other.number)
    assert chosen.person is other and chosen.rule == "chosen"
    with pytest.raises(InputError, match="no person 9"):
        choose_subject(people, 9)
    with pytest.raises(InputError, match="Unknown subject rule"):
        choose_subject(people, "tallest")


def test_standing_test_prefers_the_patient_over_a_passer_by():
    # a patient standing still for the whole clip, and someone crossing behind for one second
    patient = walking_poses(seconds=4.0, fps=FPS, speed_px=0.0, hip_amplitude_deg=1, knee_amplitude_deg=1, seed=5)
    passer = walking_poses(seconds=1.0, fps=FPS, speed_px=900.0, seed=6, px_per_m=250.0)
    images, vis = [], []
    for t in range(len(patient)):
        people = [patient.image[t] + np.array([500.0, 0, 0])]
        if 60 <= t < 90:
            people.append(passer.image[t - 60] + np.array([0, -100.0, 0]))
        images.append(np.array(people))
        vis.append(np.full((len(people), 33), 0.9))
    people = follow_people(patient.times, images, vis, (1280, 720))
    assert len(people) == 2
    auto = choose_subject(people, "auto")
    assert auto.rule == "largest" and auto.person.coverage == 1.0


def test_nobody():
    times = np.arange(10) / FPS
    empty = [np.zeros((0, 33, 3))] * 10
    assert follow_people(times, empty, [np.zeros((0, 33))] * 10, (640, 480)) == []
    assert choose_subject([], "auto").person is None


# ------------------------------------------------------------------ one person stays one track
def _detections(poses, present=None):
    """Per-frame detections of one synthetic person (nobody where ``present`` is False)."""
    images, vis = [], []
    for t in range(len(poses)):
        if present is not None and not present[t]:
            images.append(np.zeros((0, 33, 3)))
            vis.append(np.zeros((0, 33)))
        else:
            images.append(poses.image[t][None])
            vis.append(np.full((1, 33), 0.9))
    return images, vis


@pytest.mark.parametrize("side_of_table", [-3.0, 3.0])
def test_lying_down_raising_each_leg_stays_one_person(side_of_table):
    """A straight-leg raise of each leg, lying on a table, seen from either side: raising a leg doubles or
    triples the body's vertical extent, which is no new person."""
    from movement_check.pipeline.bodies import body_heights

    from tests.fixtures.raiser import Raise, Script, perform
    from tests.fixtures.walker import Camera

    cam = Camera(position=(0.2, side_of_table, 0.12), target=(0.2, 0.0, 0.12), focal_px=600.0, size=(1280, 720))
    script = Script([Raise("left", 1.0, hip=70, knee=0, up=1.5, hold=1.5), Raise("right", 6.0, hip=70, knee=0,
                                                                                    up=1.5, hold=1.5)],
                    duration=11, posture="supine")
    poses, _ = perform(script, camera=cam)
    extent = np.nanmax(poses.image[..., 1], axis=1) - np.nanmin(poses.image[..., 1], axis=1)
    assert extent.max() / extent.min() > 2.5                      # the old size measure changed this much
    sizes = np.array([body_heights(poses.image[t][None])[0] for t in range(len(poses))])
    assert sizes.max() / sizes.min() < 1.15
    images, vis = _detections(poses)
    people = follow_people(poses.times, images, vis, (1280, 720))
    assert len(people) == 1 and people[0].coverage == 1.0


def test_leaving_for_two_seconds_and_coming_back_is_one_person():
    walker = walking_poses(seconds=8.0, fps=FPS, speed_px=0.0, noise_px=1.0, seed=8)
    present = np.ones(len(walker), dtype=bool)
    present[90:150] = False                                        # out of the picture for 2 s
    images, vis = _detections(walker, present)
    for t in range(150, len(walker)):                              # comes back elsewhere in the frame
        images[t] = images[t] + np.array([400.0, 0.0, 0.0])
    people = follow_people(walker.times, images, vis, (1280, 720))
    assert len(people) == 1
    assert people[0].frames.size == present.sum()
    assert people[0].joined and "nobody else ever in view" in people[0].joined[0]
    assert people[0].to_dict()["tracks_joined"] == people[0].joined


def test_getting_up_from_lying_is_one_person():
    from tests.fixtures.raiser import Script as RaiseScript, perform
    from tests.fixtures.walker import Camera

    cam = Camera(position=(0.2, -3.0, 0.5), target=(0.2, 0.0, 0.5), focal_px=600.0, size=(1280, 720))
    lying, _ = perform(RaiseScript([], duration=3.0, posture="supine"), camera=cam)
    standing, _ = perform(RaiseScript([], duration=3.0, posture="standing"), camera=cam)
    images = [lying.image[t][None] for t in range(len(lying))] + [np.zeros((0, 33, 3))] * 15 + \
        [standing.image[t][None] for t in range(len(standing))]
    vis = [np.full((len(i), 33), 0.9) for i in images]
    times = np.arange(len(images)) / FPS
    people = follow_people(times, images, vis, (1280, 720))
    assert len(people) == 1 and people[0].frames.size == len(lying) + len(standing)


def test_with_a_bystander_in_view_a_far_away_newcomer_is_not_joined():
    """Others in view: a track is joined only where it was lost, not to someone who appears elsewhere."""
    times, images, vis, walker_index, _ = _scene(seed=2, walker_gap=(200, 200))
    # the walker leaves at frame 60; someone of the same size appears at the far side at frame 80
    for t in range(60, len(images)):
        images[t] = np.array([img for k, img in enumerate(images[t]) if k != walker_index[t]])
        vis[t] = np.full((len(images[t]), 33), 0.9)
    newcomer = walking_poses(seconds=4.0, fps=FPS, speed_px=-100.0, noise_px=1.0, seed=9)
    left_at = np.nanmean(images[59][walker_index[59]][:, 0])
    shift = 100.0 - np.nanmean(newcomer.image[0][:, 0])           # enters at the far left, behind him
    for t in range(80, len(images)):
        images[t] = np.concatenate([images[t], (newcomer.image[t - 80] + np.array([shift, 0, 0]))[None]])
        vis[t] = np.full((len(images[t]), 33), 0.9)
    assert left_at - 100.0 > 400                                    # far from where the walker was lost
    people = follow_people(times, images, vis, (1280, 720))
    assert len(people) == 3


def test_alone_but_another_size_is_someone_else():
    """Nobody else ever in view, yet a body of another size later (a demonstrator, then the patient): two people."""
    first = walking_poses(seconds=3.0, fps=FPS, speed_px=0.0, noise_px=1.0, seed=10)
    second = walking_poses(seconds=3.0, fps=FPS, speed_px=0.0, noise_px=1.0, seed=11, px_per_m=150.0)
    images = [first.image[t][None] for t in range(len(first))] + [np.zeros((0, 33, 3))] * 60 + \
        [(second.image[t] + np.array([500.0, 0, 0]))[None] for t in range(len(second))]
    vis = [np.full((len(i), 33), 0.9) for i in images]
    people = follow_people(np.arange(len(images)) / FPS, images, vis, (1280, 720))
    assert len(people) == 2


# ------------------------------------------------------------------ a lone person stays one person (issue 18)
def _leaves_and_comes_back(extra=None):
    """A person standing still who leaves the picture for 2 s and comes back 800 px away, at the other side
    (nobody else in view), with ``extra(t, image)`` -> more skeletons in frame t (or None). With someone else
    in view that far a return is not joined (test_with_a_bystander_in_view_a_far_away_newcomer_is_not_joined)."""
    walker = walking_poses(seconds=8.0, fps=FPS, speed_px=0.0, noise_px=1.0, seed=8)
    present = np.ones(len(walker), dtype=bool)
    present[90:150] = False
    images, vis = _detections(walker, present)
    for t in range(150, len(walker)):
        images[t] = images[t] + np.array([800.0, 0.0, 0.0])
    for t in range(len(walker)):
        more = extra(t, images[t][0]) if extra is not None and present[t] else None
        if more is not None:
            images[t] = np.concatenate([images[t], more[None]])
            vis[t] = np.full((len(images[t]), 33), 0.9)
    return walker.times, images, vis, present


def _shrunk_below_the_shoulders(body):
    """The same head and shoulders with the hips a quarter of the trunk higher and the legs 0.7 as long
    (MediaPipe's second skeleton on a webcam clip with a skeleton burnt into the frames: hips 0.2-0.6 trunk
    lengths higher, 1.2-1.4x smaller)."""
    other = body.copy()
    shoulders_y = np.nanmean(body[[11, 12], 1])
    hips_y = np.nanmean(body[[23, 24], 1])
    new_hips_y = shoulders_y + 0.75 * (hips_y - shoulders_y)
    below = np.arange(33) >= 23
    other[below, 1] = new_hips_y + 0.7 * (body[below, 1] - hips_y)
    other[below, 0] += 6.0
    return other


def test_a_second_skeleton_on_the_same_head_and_shoulders_is_nobody_else():
    """Before: the second skeleton counted as someone else in view, so the lone person's return 2 s later
    was not joined (two people)."""
    from movement_check.pipeline.bodies import drop_duplicates, same_head_and_shoulders

    times, images, vis, present = _leaves_and_comes_back(
        lambda t, body: _shrunk_below_the_shoulders(body) if t in (12, 40, 41, 170, 200) else None)
    assert same_head_and_shoulders(images[12][0], images[12][1])
    assert len(drop_duplicates(images[12], vis[12])) == 1
    people = follow_people(times, images, vis, (1280, 720))
    assert len(people) == 1 and people[0].frames.size == present.sum()
    assert "nobody else ever in view" in people[0].joined[0]


def test_a_ghost_seen_for_two_frames_is_nobody_else():
    """MediaPipe fits a small skeleton to a limb for a frame or two (a deep squat, motion blur): never
    listed, and no reason to keep a lone person's pieces apart. Before: two people."""
    def ghost(t, body):
        if t not in (30, 31):
            return None
        small = body.copy()
        small[:, :2] = np.nanmean(body[:, :2], axis=0) + 0.5 * (body[:, :2] - np.nanmean(body[:, :2], axis=0))
        return small + np.array([150.0, 120.0, 0.0])          # half the size, half out beside the legs
    times, images, vis, present = _leaves_and_comes_back(ghost)
    people = follow_people(times, images, vis, (1280, 720))
    assert len(people) == 1 and people[0].frames.size == present.sum()


def test_a_partial_skeleton_wholly_inside_the_body_is_the_same_body():
    from movement_check.pipeline.bodies import drop_duplicates

    body = walking_poses(seconds=0.1, fps=FPS, speed_px=0.0, seed=3).image[0]
    narrow = body.copy()
    centre = np.nanmean(body[:, :2], axis=0)
    height = np.nanmax(body[:, 1]) - np.nanmin(body[:, 1])
    narrow[:, 0] = centre[0] + 0.5 * (body[:, 0] - centre[0])            # squeezed sideways
    narrow[:, 1] = centre[1] + 0.75 * (body[:, 1] - centre[1]) + 0.08 * height   # 1.33x shorter, lower
    lo, hi = np.nanmin(body[:, :2], axis=0), np.nanmax(body[:, :2], axis=0)
    assert (np.nanmin(narrow[:, :2], axis=0) >= lo).all() and (np.nanmax(narrow[:, :2], axis=0) <= hi).all()
    vis = np.array([np.full(33, 0.9), np.full(33, 0.7)])
    assert list(drop_duplicates(np.array([body, narrow]), vis)) == [0]


def test_a_squat_seen_from_the_front_is_one_person():
    """Deep squats facing the camera: the thighs point at the lens and the trunk leans toward it, so the
    skeleton looks half as long at the bottom; the person is lost for 0.4 s on the way down each time
    (MediaPipe on a blurred webcam clip). Before: a new person at each bottom (the body looked 2x smaller)."""
    from movement_check.pipeline.bodies import body_heights

    from tests.fixtures.squatter import squats

    poses = squats((1.0, 5.0), duration=9.0, fps=FPS)
    sizes = np.array([body_heights(poses.image[t][None])[0] for t in range(len(poses))])
    assert sizes.max() / sizes.min() < 1.6
    present = np.ones(len(poses), dtype=bool)
    for start in (1.0, 5.0):
        present[(poses.times >= start + 0.6) & (poses.times < start + 1.0)] = False
    images, vis = _detections(poses, present)
    people = follow_people(poses.times, images, vis, (1280, 720))
    assert len(people) == 1 and people[0].frames.size == present.sum()
