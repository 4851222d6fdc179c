"""Following one person among several, on synthetic detections with a known answer."""

import numpy as np
import pytest

from movement_check.errors import InputError
from movement_check.tracking import choose_subject, follow_people

from .synthetic import walking_poses

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
