"""Following one person at the cost of one (movement_check.pipeline.following), with a stand-in pose model that
behaves as MediaPipe's does: asked for one person in VIDEO mode it keeps whoever it holds while they are
in view and otherwise takes the first person it can see; asked for everybody (IMAGE mode) it finds
everyone in view. "In view" is where the frame is not blacked out, so the follower's box is tested too."""

from __future__ import annotations

import numpy as np
import pytest

from movement_check.pipeline.estimator import Detections, EstimatorSettings
from movement_check.pipeline.extraction import PeopleInClip, choose
from movement_check.pipeline.following import (FollowSettings, SubjectFollower, box_around, masked, merge, same_person,
                                      thin_stretches)
from movement_check.pipeline.pose_model import resolve_model
from movement_check.pipeline.tracking import follow_people
from movement_check.pipeline.video import VideoInfo

from tests.fixtures.synthetic import walking_poses

FPS = 30.0
SIZE = (1280, 720)


def _people(seconds=6.0):
    """A bystander standing still at x ~ 350 from the start (the one a num_poses=1 model takes first), and a
    walker who comes in from the right at 1.5 s and crosses to the left."""
    stand = walking_poses(seconds=seconds, fps=FPS, speed_px=0.0, hip_amplitude_deg=2, knee_amplitude_deg=3,
                          noise_px=1.0, seed=3)
    stand_img = stand.image.copy()
    stand_img[..., 0] += 250.0
    walk = walking_poses(seconds=seconds, fps=FPS, speed_px=-260.0, noise_px=1.0, seed=4)
    walk_img = walk.image.copy()
    walk_img[..., 0] += 1180.0 + 1.5 * 260.0          # at x ~ 1280 (the right edge) at 1.5 s
    in_view = np.all((walk_img[..., 0] > 0) & (walk_img[..., 0] < SIZE[0]), axis=1)
    walk_img[~in_view] = np.nan
    return stand.times, [stand_img, walk_img]


class Scene:
    """The pose model's stand-in: ``detect(rgb, t)`` finds the people of ``images`` whose trunk centre is
    on a part of the frame that is not black. One instance per MediaPipe graph."""

    def __init__(self, times, images, *, max_people: int, still: bool):
        self.times, self.images = times, images
        self.max_people, self.still = max_people, still
        self.held: int | None = None
        self.calls = 0

    def _visible(self, rgb, f):
        seen = []
        for k, img in enumerate(self.images):
            if not np.isfinite(img[f]).all():
                continue
            x, y = np.nanmean(img[f][[11, 12, 23, 24], :2], axis=0)
            if 0 <= x < rgb.shape[1] and 0 <= y < rgb.shape[0] and rgb[int(y), int(x)].any():
                seen.append(k)
        return seen

    def detect(self, rgb, time_s):
        self.calls += 1
        f = int(np.argmin(np.abs(self.times - time_s)))
        seen = self._visible(rgb, f)
        if self.still:
            found = seen[:self.max_people]
        else:
            if self.held not in seen:
                self.held = seen[0] if seen else None
            found = [] if self.held is None else [self.held]
        if not found:
            return Detections.empty()
        image = np.array([self.images[k][f] for k in found])
        return Detections(image=image, world=np.zeros_like(image), visibility=np.full((len(found), 33), 0.9),
                          presence=np.full((len(found), 33), 0.9))

    def close(self):
        pass


def _run(times, images, rule="walker", follow=FollowSettings()):
    made: list[Scene] = []

    def factory(model, settings, still=False):
        made.append(Scene(times, images, max_people=settings.max_people, still=still))
        return made[-1]

    frames = [(float(t), np.full((SIZE[1], SIZE[0], 3), 128, np.uint8)) for t in times]
    follower = SubjectFollower(resolve_model("full"), EstimatorSettings(max_people=2), rule=rule,
                               follow=follow, estimator_factory=factory)
    found = [follower.detect(rgb, t) for t, rgb in frames]
    detections, census = [d for d, _ in found], np.array([c for _, c in found])
    return detections, census, made, frames, factory


def test_the_follower_is_moved_onto_the_walker_and_bystanders_are_counted_now_and_then():
    times, images = _people()
    detections, census, made, _, _ = _run(times, images)
    follower_model, census_model = made
    assert census_model.still and census_model.max_people == 3 and not follower_model.still
    assert follower_model.max_people == 1
    # everybody is looked for every 0.5 s (15 frames), and only then
    assert census_model.calls == census.sum() <= len(times) / 15 + 3
    walker_in_view = np.isfinite(images[1][:, 0, 0])
    # at the start the follower holds the bystander (the first it saw); once the walker has walked far enough
    # for the rule to choose them, the follower is shown only the walker's box and follows them every frame
    held_walker = np.array([len(d) > 0 and np.allclose(d.image[0], images[1][f], equal_nan=True)
                            for f, d in enumerate(detections)])
    assert not held_walker[:45].any()
    switch = int(np.flatnonzero(held_walker)[0])
    assert switch < 150                                   # the choice came within 1.5 s of the walker's entry
    assert held_walker[switch:][walker_in_view[switch:]].mean() > 0.95
    # census frames list the bystander as well, once (but where the walker passes in front of them)
    walker_x = np.full(len(times), np.nan)
    walker_x[walker_in_view] = images[1][walker_in_view][:, [11, 12, 23, 24], 0].mean(axis=1)
    apart = ~(np.abs(walker_x - 353.0) < 60)
    for f in np.flatnonzero(census):
        assert len(detections[f]) == 1 + int(walker_in_view[f] and apart[f])


def test_the_person_chosen_is_followed_again_where_they_were_missed():
    """The walker was followed only from the provisional switch on: choosing them fills in the stretch
    between the censuses that saw them earlier, from the frames again, so they are found in every frame they
    were in view, with the true landmarks."""
    times, images = _people()
    detections, census, made, frames, factory = _run(times, images)
    first_seen = int(np.flatnonzero(np.isfinite(images[1][:, 0, 0]))[0])
    info = VideoInfo(path="scene.mp4", width=SIZE[0], height=SIZE[1], nominal_fps=FPS, frame_count=len(times),
                     rotation=0, file_bytes=0)
    people = PeopleInClip(times=times, detections=detections, video=info, model=resolve_model("full"),
                          census=census, frames_again=lambda start=0: iter(frames[start:]))
    import movement_check.pipeline.extraction as extraction
    real = extraction.PoseEstimator
    extraction.PoseEstimator = factory
    try:
        ex = choose(people, "walker")
    finally:
        extraction.PoseEstimator = real
    assert ex.subject.rule == "walker" and len(ex.subject.people) == 2
    seen = np.isfinite(ex.poses.image[:, 0, 0])
    in_view = np.isfinite(images[1][:, 0, 0])
    # from the first census that saw the walker on, every frame they were in; before it, at most the frames
    # back to the census before (a stride's room)
    censuses = np.flatnonzero(census)
    first_census = censuses[censuses >= first_seen][0]
    assert seen[first_census:].sum() == in_view[first_census:].sum()
    assert np.allclose(ex.poses.image[seen], images[1][seen])
    assert seen[:first_census].sum() >= 0.5 * in_view[:first_census].sum()
    # the bystander is listed with their true share of the clip (all of it, but the census in which the walker
    # stood right in front of them), though seen only on census frames after the switch
    bystander = [p for p in ex.subject.people if p is not ex.subject.person][0]
    assert bystander.coverage >= 11 / 12


def test_one_person_alone_costs_one_follower_and_the_census():
    times, images = _people()
    images = [images[0]]
    detections, census, made, _, _ = _run(times, images, rule="largest")
    follower_model, census_model = made
    assert follower_model.calls == len(times)
    assert census_model.calls == census.sum() == int(np.ceil(len(times) / 15))
    assert all(len(d) == 1 for d in detections)


def test_thin_stretches_between_and_at_the_edges_of_sightings():
    census = np.zeros(100, dtype=bool)
    census[::10] = True
    seen = np.r_[20, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 50, 60]
    busy = np.ones(100, dtype=bool)
    # followed from 30 to 40; only census sightings at 20, 50, 60; before 20 the follower held somebody else
    assert thin_stretches(seen, census, busy) == [(10, 20), (20, 30), (40, 50), (50, 60), (60, 70)]
    # an idle follower would have found them coming in and going out: no edge stretches then
    assert thin_stretches(seen, census, np.zeros(100, dtype=bool)) == [(20, 30), (40, 50), (50, 60)]
    assert thin_stretches(np.arange(100), census, busy) == []


def test_census_coverage_matches_the_whole_clip():
    """A bystander seen only on census frames gets the share of the clip they were in, not a fifteenth."""
    times, images = _people()
    stand, walk = images
    census = np.zeros(len(times), dtype=bool)
    census[::15] = True
    dets, vis = [], []
    for f in range(len(times)):
        people = [walk[f]] if np.isfinite(walk[f]).all() else []
        if census[f]:
            people.append(stand[f])
        dets.append(np.array(people).reshape(-1, 33, 3))
        vis.append(np.full((len(people), 33), 0.9))
    everyone = follow_people(times, dets, vis, SIZE, census=census)
    by_x = sorted(everyone, key=lambda p: p.travel)
    assert len(everyone) == 2
    assert by_x[0].coverage >= 11 / 12        # the bystander, all along (but where the walker covers them)
    in_view = np.isfinite(walk[:, 0, 0])
    assert by_x[1].coverage == pytest.approx(in_view[census].mean(), abs=0.01)
    # without saying which frames were censuses the bystander would look a fifteenth as present
    assert min(p.coverage for p in follow_people(times, dets, vis, SIZE)) < 0.1


def test_mask_box_and_merge():
    times, images = _people()
    stand = images[0][0]
    box = box_around(stand, 0.35)
    assert box[0] < np.nanmin(stand[:, 0]) and box[3] > np.nanmax(stand[:, 1])
    rgb = np.full((720, 1280, 3), 7, np.uint8)
    out = masked(rgb, np.array([-50.0, 100.0, 300.0, 2000.0]))
    assert out[:100].max() == 0 and out[100:, :300].min() == 7 and out[:, 300:].max() == 0
    one = Detections(stand[None], np.zeros((1, 33, 3)), np.ones((1, 33)), np.ones((1, 33)))
    near = Detections(np.stack([stand + 4.0, images[1][100]]), np.zeros((2, 33, 3)), np.ones((2, 33)),
                      np.ones((2, 33)))
    merged = merge(one, near)
    assert len(merged) == 2 and np.allclose(merged.image[0], stand)       # the same person is not listed twice
    assert same_person(stand, stand + 4.0) and not same_person(stand, images[1][100])
    assert not same_person(stand, stand + np.array([80.0, 0.0, 0.0]))          # side by side: two people


def test_a_bystander_seen_now_and_then_is_in_every_frame_for_blurring():
    """Faces are blurred for everybody: a bystander found only on census frames is placed in the frames
    between (drawn straight from one sighting to the next), and for a census interval before and after."""
    from movement_check.pipeline.following import everyone_in_each_frame

    times, images = _people()
    stand, walk = images
    census = np.zeros(len(times), dtype=bool)
    census[::15] = True
    dets = []
    for f in range(len(times)):
        people = [walk[f]] if np.isfinite(walk[f]).all() else []
        if census[f]:
            people.append(stand[f])
        img = np.array(people).reshape(-1, 33, 3)
        dets.append(Detections(img, np.zeros_like(img), np.full(img.shape[:2], 0.9), np.full(img.shape[:2], 0.9)))
    everyone = follow_people(times, [d.image for d in dets], [d.visibility for d in dets], SIZE, census=census)
    per_frame = everyone_in_each_frame(times, dets, census, everyone)
    nose = 0
    for f in range(len(times)):
        near = [np.linalg.norm(p[nose, :2] - stand[f][nose, :2]) for p in per_frame[f]]
        assert near and min(near) < 15, f                 # the bystander (standing nearly still) is there
    # nothing is added where everybody was looked for in every frame
    plain = everyone_in_each_frame(times, dets, None, everyone)
    assert all(a is d.image for a, d in zip(plain, dets))
