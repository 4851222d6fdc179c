"""Gait on real and rendered clips (local files in ../shared, never committed)."""

import json

import numpy as np
import pytest

from movement_check.analysis import assess, prepare

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE, SHARED

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (SHARED / "videos").exists(), reason="../shared not beside the checkout")]
VIDEOS, SYNTHETIC = SHARED / "videos", SHARED / "synthetic_videos"


@pytest.fixture(scope="module")
def gait():
    cache = {}

    def run(path, **options):
        key = (str(path), tuple(sorted(options.items())))
        if key not in cache:
            cache[key] = assess("gait", prepare(path, subject="walker"), **options).to_dict()
        return cache[key]
    return run


def _value(result, name, side=None):
    return next(m["value"] for m in result["metrics"] if m["name"] == name and m["side"] == side)


def _strikes(result, side):
    return np.array([e["time_s"] for e in result["events"] if e["name"] == "heel_strike" and e["side"] == side])


def test_home_walk_cadence(gait):
    result = gait(VIDEOS / "side_walk_home_normal.mp4")
    assert 80 <= _value(result, "cadence") <= 140
    assert _value(result, "steps") >= 4
    assert result["quality"]["assessment"]["view"] == "side"


def test_limp_is_more_asymmetric_than_normal(gait):
    # only 4-6 steps each: the pairwise measure (median of consecutive-step differences) is the robust one
    limp = _value(gait(VIDEOS / "side_walk_home_limp.mp4"), "step_time_asymmetry")
    normal = _value(gait(VIDEOS / "side_walk_home_normal.mp4"), "step_time_asymmetry")
    assert limp > 2 * normal


def test_a_healthy_walk_filmed_one_way_does_not_flag_the_far_leg(gait):
    """Walking one way, one leg is always the far one, partly hidden: this healthy walker's knees peaked ~20 deg
    apart in swing and the far foot looked lower. Neither is flagged, and with 2 strides a side (too few to flag
    anything) no foot-drop sign is put in words either (gait_angles)."""
    result = gait(VIDEOS / "side_walk_home_normal.mp4")
    legs = [m for m in result["metrics"] if m["name"] in ("knee_flexion_swing_peak", "ankle_dorsiflexion_mid_swing",
                                                          "toe_height_mid_swing")]
    assert legs and not any(m["flag"] for m in legs)
    assert not any("foot-drop" in w or "knees' swing" in w for w in result["warnings"])


def test_studio_side_and_front_cadence_agree(gait):
    side = gait(VIDEOS / "studio_walk_side.mp4")
    front = gait(VIDEOS / "studio_walk_front.mp4")
    assert side["quality"]["assessment"]["view"] == "side"
    assert front["quality"]["assessment"]["view"] == "front"
    assert _value(front, "cadence") == pytest.approx(_value(side, "cadence"), rel=0.03)


def _events(result, name, side):
    return np.array([e["time_s"] for e in result["events"] if e["name"] == name and e["side"] == side])


def test_studio_side_and_front_toe_offs_within_2_frames(gait):
    side = gait(VIDEOS / "studio_walk_side.mp4")
    front = gait(VIDEOS / "studio_walk_front.mp4")
    compared = 0
    for s in ("left", "right"):
        ref = _events(side, "toe_off", s)
        for t in _events(front, "toe_off", s):
            if ref[0] < t < ref[-1]:
                assert np.min(np.abs(ref - t)) * 25 <= 2.0, (s, t)
                compared += 1
    assert compared >= 4


# Front-view heel strikes against true contact: tests/integration/test_gait_accuracy.py checks them against the labels, inside
# the window the result states (they come 2-3 frames early from the front; no front-view method times contact).


def test_rendered_front_walk_cadence(gait):
    truth = json.loads((SYNTHETIC / "walk_front_tracking_30fps.gt.json").read_text())
    result = gait(SYNTHETIC / "walk_front_tracking_30fps.mp4")
    assert result["quality"]["assessment"]["view"] == "front"
    assert _value(result, "cadence") == pytest.approx(truth["cadence_prescribed_steps_per_min"], rel=0.015)
    # every true heel strike is found, within 2 frames (measured 1.0-1.9 early; the heel alone was 2-5 late)
    for s in ("left", "right"):
        found = _strikes(result, s) * truth["fps"]
        for frame in truth["events_frames"][s]["heel_strike"]:
            assert np.min(np.abs(found - frame)) <= 2.0


def test_two_people_sample_analyses_the_walker(gait):
    result = gait(SAMPLE_TWO_PEOPLE)
    assert result["quality"]["subject"]["rule"] == "walker"
    strikes = np.concatenate([_strikes(result, "left"), _strikes(result, "right")])
    assert strikes.size >= 4
    # while she is in view: from stepping out from behind the tree (frame ~36; her near heel lands at 41, labelled
    # in benchmarks/labels) to the left edge (~205)
    assert strikes.min() > 36 / 30 and strikes.max() < 6.8
    assert 80 <= _value(result, "cadence") <= 140
