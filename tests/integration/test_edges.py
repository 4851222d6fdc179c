"""The subject followed back before, and on after, the frames the detector found them in
(movement_check.pipeline.edges), with a stand-in for MediaPipe's one-person VIDEO model: it holds whoever it
held while their trunk is in view (on a part of the frame that is not black), else takes the first person it
can see. Each frame is filled with its own number, so the stand-in knows which frame it is shown whatever
time it is given (the model is given times that run forward while the frames run back)."""

from __future__ import annotations

import numpy as np
import pytest

from movement_check.pipeline import edges
from movement_check.pipeline.bodies import body_heights
from movement_check.pipeline.edges import follow_edges
from movement_check.pipeline.estimator import Detections
from movement_check.pipeline.pose_model import resolve_model

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE
from tests.fixtures.synthetic import walking_poses

FPS = 30.0
SIZE = (1280, 720)
N = 180


def _walker(entry_x: float = 900.0, first: int = 40, last: int = 170):
    """A walker crossing right to left (trunk at ``entry_x`` at frame ``first``), in view (not hidden) from
    ``first`` to ``last``; None rows elsewhere."""
    walk = walking_poses(seconds=N / FPS, fps=FPS, speed_px=-200.0, noise_px=0.5, seed=7)
    img = walk.image.copy()
    img[..., 0] += entry_x - img[first, 23, 0]
    img[:first] = np.nan
    img[last + 1:] = np.nan
    return walk.times, img


class Model:
    """One graph of the stand-in; ``people``: (frames, 33, 3) per person, NaN where hidden."""

    def __init__(self, people, log):
        self.people, self.held, self.log = people, None, log

    def detect(self, rgb, time_s):
        lit = rgb[rgb > 0]
        if lit.size == 0:
            return Detections.empty()
        f = int(lit[0]) - 1                      # the frame's number, wherever the frame is not blacked out
        self.log.append(f)
        seen = []
        for k, img in enumerate(self.people):
            if np.isfinite(img[f]).all():
                x, y = img[f][[11, 12, 23, 24], :2].mean(axis=0)
                if 0 <= x < rgb.shape[1] and 0 <= y < rgb.shape[0] and rgb[int(y), int(x)].any():
                    seen.append(k)
        if self.held not in seen:
            self.held = seen[0] if seen else None
        if self.held is None:
            return Detections.empty()
        image = self.people[self.held][f][None]
        return Detections(image=image, world=np.zeros_like(image), visibility=np.full((1, 33), 0.9),
                          presence=np.full((1, 33), 0.9))

    def close(self):
        pass


def _frames(read):
    def frames(start=0):
        for f in range(start, N):
            read.append(f)
            yield f / FPS, np.full((SIZE[1], SIZE[0], 3), f + 1, np.uint8)
    return frames


def _found(f0, f1, images):
    return [Detections(image=images[f][None], world=np.zeros((1, 33, 3)), visibility=np.full((1, 33), 0.9),
                       presence=np.full((1, 33), 0.9)) if f0 <= f <= f1 else Detections.empty()
            for f in range(N)]


def _run(people, detections, frames_found):
    log, read = [], []
    times = np.arange(N) / FPS
    out = follow_edges(_frames(read), detections, times, SIZE, np.asarray(frames_found),
                       np.zeros(len(frames_found), int), resolve_model("full"),
                       estimator_factory=lambda model, settings: Model(people, log))
    return out, log, read


def test_a_walker_found_late_and_lost_early_is_followed_back_and_on_while_in_view():
    times, walker = _walker(first=40, last=170)
    detections = _found(60, 150, walker)        # the detector found them in frames 60-150 only
    out, log, read = _run([walker], detections, range(60, 151))
    has = np.array([len(d) > 0 for d in out])
    assert np.array_equal(np.flatnonzero(has), np.arange(40, 171))      # every frame they were in view
    for f in range(40, 171):
        assert np.allclose(out[f].image[0], walker[f])
    assert all(out[f] is detections[f] for f in range(60, 151))           # what was found is left as it was
    # back: the first frame, then newest first, down to the frame where the walker was hidden
    assert log[:22] == [60] + list(range(59, 39, -1)) + [39]
    assert max(read) == 171              # read only as far as needed: to the frame in which it lost them


def test_nothing_to_follow_reads_nothing():
    times, walker = _walker(first=0, last=N - 1)
    detections = _found(0, N - 1, walker)
    out, log, read = _run([walker], detections, range(N))
    assert out is detections and read == [] and log == []


def test_a_walker_last_seen_at_the_edge_of_the_picture_is_not_followed_on():
    times, walker = _walker(entry_x=700.0, first=0, last=N - 1)
    at_edge = int(np.flatnonzero(np.nanmin(walker[:, :, 0], axis=1) <= 0.01 * SIZE[0])[0])
    detections = _found(0, at_edge, walker)
    out, log, read = _run([walker], detections, range(at_edge + 1))
    assert out is detections and read == []


def test_a_bystander_already_found_is_not_taken_and_a_jump_to_another_person_ends_the_following():
    """Going back, the walker is hidden before frame 40; the stand-in then takes the first person it can see:
    a bystander found in those frames is blacked out (never taken), and one standing right next to where the
    walker was (not found by the detector, so not blacked out) is farther than a walker moves in a frame: not
    taken either."""
    times, walker = _walker(first=40, last=N - 1)
    near = walker[40].copy()
    near[:, 0] -= 0.3 * body_heights(near[None])[0]                     # 0.3 body heights away
    stand_near = np.repeat(near[None], N, axis=0)
    stand_near[40:] = np.nan                                             # in view only where the walker is not
    far = walker[40].copy()
    far[:, 0] -= 600.0
    stand_far = np.repeat(far[None], N, axis=0)
    detections = []
    for f in range(N):
        imgs = ([walker[f]] if f >= 60 else []) + [stand_far[f]]
        detections.append(Detections(image=np.array(imgs), world=np.zeros((len(imgs), 33, 3)),
                                     visibility=np.full((len(imgs), 33), 0.9), presence=np.full((len(imgs), 33), 0.9)))
    log, read = [], []
    out = follow_edges(_frames(read), detections, np.arange(N) / FPS, SIZE, np.arange(60, N), np.zeros(N - 60, int),
                       resolve_model("full"), estimator_factory=lambda m, s: Model([stand_far, stand_near, walker], log))
    added = [f for f in range(N) if out[f] is not detections[f]]
    assert added == list(range(40, 60))
    for f in added:
        assert len(out[f]) == 2 and np.allclose(out[f].image[0], walker[f])
        assert np.allclose(out[f].image[1], stand_far[f])


def test_memory_holds_the_frames_nearest_the_first(monkeypatch):
    """Frames before the first are kept up to MAX_BYTES: the ones nearest the first frame, where following
    back starts."""
    times, walker = _walker(first=20, last=N - 1)
    monkeypatch.setattr(edges, "MAX_BYTES", 11 * SIZE[0] * SIZE[1] * 3)
    detections = _found(60, N - 1, walker)
    out, log, read = _run([walker], detections, range(60, N))
    assert [f for f in range(N) if out[f] is not detections[f]] == list(range(50, 60))


@pytest.mark.slow
def test_the_walker_of_the_two_people_sample_is_found_from_where_she_steps_out_from_behind_the_tree():
    from movement_check.pipeline.extraction import extract
    ex = extract(SAMPLE_TWO_PEOPLE, subject="walker")
    seen = np.flatnonzero(np.isfinite(ex.poses.image[:, 23, 0]))
    # the detector finds her from frame 59; by eye she steps out from behind the trunk at about frame 36 and
    # her near heel lands at 41 (benchmarks/labels/side_walk_outdoor_two_people.json)
    assert 33 <= seen[0] <= 40
    assert np.all(np.diff(seen[:30]) == 1)


def test_followed_back_at_most_two_seconds_and_the_clip_read_from_there():
    times, walker = _walker(entry_x=1100.0, first=0, last=N - 1)
    detections = _found(100, N - 1, walker)
    out, log, read = _run([walker], detections, range(100, N))
    assert [f for f in range(N) if out[f] is not detections[f]] == list(range(40, 100))   # 60 frames: 2 s
    assert read == list(range(40, 101))


def test_a_person_chosen_by_number_stays_chosen_when_followed_back_before_somebody_else(monkeypatch):
    """People are numbered by first appearance: the walker (found from frame 60, after a bystander found from
    50: person 2) chosen by number is followed back to frame 20, before the bystander, which numbers them
    afresh; the person analysed is still the walker, not whoever is person 2 now."""
    import movement_check.pipeline.extraction as extraction
    from movement_check.pipeline.extraction import PeopleInClip, choose
    from movement_check.pipeline.video import VideoInfo

    times, walker = _walker(entry_x=1100.0, first=20, last=N - 1)
    still = walker[20].copy()
    still[:, 0] -= 700.0
    bystander = np.repeat(still[None], N, axis=0)
    bystander[:50] = np.nan
    detections = []
    for f in range(N):
        imgs = [img[f] for img, since in ((bystander, 50), (walker, 60)) if f >= since]
        detections.append(Detections(image=np.array(imgs).reshape(-1, 33, 3), world=np.zeros((len(imgs), 33, 3)),
                                     visibility=np.full((len(imgs), 33), 0.9), presence=np.full((len(imgs), 33), 0.9)))
    info = VideoInfo(path="scene.mp4", width=SIZE[0], height=SIZE[1], nominal_fps=FPS, frame_count=N, rotation=0,
                     file_bytes=0)
    people = PeopleInClip(times=np.arange(N) / FPS, detections=detections, video=info, model=resolve_model("full"),
                          frames_again=_frames([]))
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: Model([walker], []))
    ex = choose(people, 2)
    seen = np.flatnonzero(np.isfinite(ex.poses.image[:, 23, 0]))
    assert seen[0] == 20 and np.allclose(ex.poses.image[seen], walker[seen])


def test_followed_on_at_most_two_seconds_and_the_clip_read_from_the_last_frame():
    times, walker = _walker(entry_x=1100.0, first=0, last=N - 1)
    detections = _found(0, 40, walker)
    out, log, read = _run([walker], detections, range(41))
    assert [f for f in range(N) if out[f] is not detections[f]] == list(range(41, 101))   # 60 frames: 2 s
    assert read == list(range(40, 101))


def test_choosing_again_starts_from_the_people_as_found(monkeypatch):
    """choose() follows the subject back in a copy: the people passed are left as found, so choosing twice gives
    the same (following back is not stretched 2 s more each time)."""
    import movement_check.pipeline.extraction as extraction
    from movement_check.pipeline.extraction import PeopleInClip, choose
    from movement_check.pipeline.video import VideoInfo
    times, walker = _walker(entry_x=1100.0, first=0, last=N - 1)
    detections = _found(100, N - 1, walker)
    log: list[int] = []
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings: Model([walker], log))
    info = VideoInfo(path="walk.mp4", width=SIZE[0], height=SIZE[1], nominal_fps=FPS, frame_count=N, rotation=0,
                     file_bytes=0)
    people = PeopleInClip(times=times, detections=detections, video=info, model=resolve_model("full"),
                          frames_again=_frames([]))
    first = choose(people, "auto")
    second = choose(people, "auto")
    assert people.detections is detections
    for ex in (first, second):
        assert np.flatnonzero(np.isfinite(ex.poses.image[:, 23, 0]))[0] == 40


def test_frames_the_detector_missed_between_two_it_found_are_followed_through():
    """Missed in 80-84 while in view: followed on from 79 through the gap; nothing else is shown to a model,
    and the clip is read from the frame before the gap to the frame after it only."""
    times, walker = _walker(first=0, last=N - 1)
    found = [f for f in range(N) if not 80 <= f <= 84]
    detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
    out, log, read = _run([walker], detections, found)
    assert [f for f in range(N) if out[f] is not detections[f]] == list(range(80, 85))
    for f in range(80, 85):
        assert len(out[f]) == 1 and np.allclose(out[f].image[0], walker[f])
    assert log == [79, 80, 81, 82, 83, 84] and read == list(range(79, 85))


def test_a_gap_is_followed_back_from_its_far_side_where_following_on_lost_the_walker():
    """Missed in 80-86, hidden in frame 82 only: on from 79 gives 80-81, back from 87 gives 86 down to 83."""
    times, walker = _walker(first=0, last=N - 1)
    walker[82] = np.nan
    found = [f for f in range(N) if not 80 <= f <= 86]
    detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
    out, log, read = _run([walker], detections, found)
    assert [f for f in range(N) if out[f] is not detections[f]] == [80, 81, 83, 84, 85, 86]
    assert log == [79, 80, 81, 82] + [87, 86, 85, 84, 83, 82]
    assert read == list(range(79, 88))


def test_a_walker_hidden_through_a_gap_is_not_made_up():
    times, walker = _walker(first=0, last=N - 1)
    walker[80:85] = np.nan
    found = [f for f in range(N) if not 80 <= f <= 84]
    detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
    out, log, read = _run([walker], detections, found)
    assert out is detections


def test_a_partial_second_skeleton_of_the_person_followed_is_dropped_and_a_bystander_kept():
    """MediaPipe sometimes finds a second, smaller skeleton on the same body (a person half in the picture):
    seen better than the whole one, the tracker would keep it instead; merge() leaves it out."""
    from movement_check.pipeline.following import merge
    times, walker = _walker(first=0, last=N - 1)
    mine = walker[90]
    centre = mine[[23, 24], :2].mean(axis=0)
    partial = mine.copy()
    partial[:, :2] = centre + 0.5 * (mine[:, :2] - centre)           # half the size, inside the walker's box
    bystander = mine.copy()
    bystander[:, 0] -= 500.0

    def dets(*images):
        img = np.array(images)
        return Detections(image=img, world=np.zeros_like(img), visibility=np.full((len(img), 33), 0.9),
                          presence=np.full((len(img), 33), 0.9))
    merged = merge(dets(mine), dets(partial, bystander))
    assert len(merged) == 2 and np.allclose(merged.image[0], mine) and np.allclose(merged.image[1], bystander)


def test_a_gap_cleaning_fills_is_not_followed_and_nothing_is_read():
    """Missed in 80-82 (0.1 s at 30 fps: no longer than cleaning's straight line, SHORT_GAP_S): left to cleaning,
    no model made, the clip not read again; 80-83 (0.133 s) is followed."""
    times, walker = _walker(first=0, last=N - 1)
    for missed, followed in ((range(80, 83), False), (range(80, 84), True)):
        found = [f for f in range(N) if f not in missed]
        detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
        out, log, read = _run([walker], detections, found)
        assert (out is not detections) == followed and (read != []) == followed


def test_a_gap_longer_than_max_s_is_followed_back_from_its_far_side_too():
    """Missed in 20-89 (70 frames, over MAX_S), hidden in frame 50 only: on from 19 gives 20-49, back from 90
    gives 89 down to 51, as for a shorter gap (each side MAX_S at most)."""
    times, walker = _walker(entry_x=1200.0, first=0, last=N - 1)
    walker[50] = np.nan
    found = [f for f in range(N) if not 20 <= f <= 89]
    detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
    out, log, read = _run([walker], detections, found)
    assert [f for f in range(N) if out[f] is not detections[f]] == list(range(20, 50)) + list(range(51, 90))
    assert log == list(range(19, 51)) + list(range(90, 49, -1))
    assert read == list(range(19, 91))


def test_a_gap_is_measured_in_time_as_cleaning_measures_it():
    """A variable-rate clip: frames 80-82 missed, and the clip skipped a frame's time at 82: the person was unseen
    for 4 frame intervals (0.133 s), longer than cleaning fills (it measures by the frames' times), so it is
    followed, though only 3 frames are missing."""
    times, walker = _walker(first=0, last=N - 1)
    times = np.arange(N) / FPS
    times[82:] += 1 / FPS
    found = [f for f in range(N) if not 80 <= f <= 82]
    detections = [d if f in found else Detections.empty() for f, d in enumerate(_found(0, N - 1, walker))]
    log, read = [], []
    out = follow_edges(_frames(read), detections, times, SIZE, np.asarray(found), np.zeros(len(found), int),
                       resolve_model("full"), estimator_factory=lambda model, settings: Model([walker], log))
    assert [f for f in range(N) if out[f] is not detections[f]] == [80, 81, 82]
