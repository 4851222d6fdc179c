"""The real model over real clips: the right person, seen in the right frames."""

import numpy as np
import pytest

from movement_check.analysis import prepare
from movement_check.pipeline.extraction import ExtractionSettings, extract
from movement_check.body.landmarks import Landmark

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE, SHARED

pytestmark = pytest.mark.slow

# the walker is in view, whole body, roughly frames 65 to 200 (sample_videos/README.md)
WALKER_FRAMES = slice(65, 200)


@pytest.fixture(scope="module")
def two_people():
    return prepare(SAMPLE_TWO_PEOPLE)


def test_walker_not_the_man_behind(two_people):
    raw = two_people.raw
    assert raw.frames_with_person[WALKER_FRAMES].mean() >= 0.9
    hips = raw.image[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0].mean(axis=1) / raw.frame_size[0]
    seen = np.isfinite(hips)
    # her hips cross most of the frame, right to left; the man on the box stays near x = 0.36-0.44
    assert np.nanmax(hips) - np.nanmin(hips) > 0.6
    first, last = hips[seen][:10].mean(), hips[seen][-10:].mean()
    assert first > 0.7 and last < 0.15
    assert two_people.extraction.subject.rule == "walker"


def test_quality_and_cleaning_are_reported(two_people):
    q = two_people.quality
    assert q["frames"] == 230
    assert q["frames_with_person"] == int(two_people.raw.frames_with_person.sum())
    assert set(q["landmarks"]) >= {"left_heel", "right_foot_index"}
    assert q["cleaning"]["low_pass_filter"].startswith("Butterworth")


def test_choosing_another_person_follows_the_man(two_people):
    from movement_check.pipeline.extraction import choose

    people = two_people.extraction.people
    walker = two_people.extraction.subject.person.number
    other = next(p.number for p in two_people.extraction.subject.people if p.number != walker)
    man = choose(people, other).poses
    hips = man.image[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0].mean(axis=1) / man.frame_size[0]
    assert np.nanmax(hips) - np.nanmin(hips) < 0.3


@pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared/videos not beside the checkout")
@pytest.mark.parametrize("name", ["side_walk_home_normal.mp4", "side_walk_home_limp.mp4"])
def test_home_walks_follow_the_walker_not_the_reflection(name):
    ex = extract(SHARED / "videos" / name, ExtractionSettings(subject="walker"))
    person = ex.subject.person
    assert person.travel > 0.5 and person.coverage > 0.7
    assert person.median_height == max(p.median_height for p in ex.subject.people)


@pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared/videos not beside the checkout")
def test_low_resolution_clip_with_empty_start():
    ex = extract(SHARED / "videos" / "side_walk_lab_lowres.avi")
    seen = ex.poses.frames_with_person
    times = ex.poses.times
    assert not seen[times < 1.5].any() or seen[times < 1.5].mean() < 0.2   # frame empty for ~1.8 s
    assert seen[times > 2.2].mean() > 0.8
