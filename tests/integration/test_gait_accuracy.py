"""Gait events on real clips against labels made by eye, frame by frame (benchmarks/labels/*.json).

The floors below are the figures measured when the labels were made (benchmarks/gait_accuracy.py prints
them; the README has the table), rounded down: a change that loses accuracy on any clip fails here. The
sample clip ships with the repository; the others are local (../shared/videos) and required in CI.
"""

from pathlib import Path

import numpy as np
import pytest

from benchmarks import accuracy as acc
from benchmarks.gait_accuracy import PACES, STARTS, slower, started_at, thinned
from movement_check.analysis import assess, prepare
from movement_check.assessments.gait.assess import assess as assess_gait
from movement_check.pipeline.cleaning import clean
from movement_check.body.poses import Poses

from tests.fixtures.clips import SHARED
from tests.fixtures.reshaped import mirrored, one_after_the_other, smaller

pytestmark = pytest.mark.slow

# clip -> (heel-strike recall within 2 frames, heel-strike precision within 2 frames, toe-off recall within 2 frames,
#          cadence error allowed (%), or None where the target is not met and only a regression is guarded)
FLOORS = {
    "side_walk_home_normal": (1.0, 1.0, 0.8, 3.0),
    "side_walk_lab_lowres": (1.0, 1.0, 1.0, 3.0),
    # 7 of 7 since the walker is followed back to where she steps out from behind the tree (frame 36; the detector
    # finds her from frame 59: pipeline/edges.py); before, the strike at frame 60 had no swing before it (6 of 7)
    "side_walk_outdoor_two_people": (1.0, 1.0, 1.0, 3.0),
    "studio_walk_side": (0.88, 0.88, 0.9, 3.0),
    # a step-to limp: the right foot lands beside or behind the left, toes first, with the legs half hidden;
    # 9 of 9 heel strikes found, none false, cadence within 1 %. The right foot never leads: its strikes are timed at
    # its landing (assessments/gait/landings.py); the first, 11 frames into a clip that starts mid-walk with that
    # foot's short swing hidden behind the near leg, is its own Zeni peak (before: 8 of 9, cadence 1.5 % low;
    # earlier 6 of 9, one 3.5 frames late, its last step missed; earlier still 4 of 9, cadence 12 % low, until the
    # pose model's thrown-off legs were left out and 2-frame dropouts filled).
    "side_walk_home_limp": (1.0, 1.0, 0.6, 3.0),
}
SIDE_CLIPS = sorted(FLOORS)


def _needs(labels: acc.ClipLabels) -> None:
    if not labels.path.exists():
        pytest.skip(f"{labels.path} is local: ../shared/videos not beside the checkout")


@pytest.fixture(scope="module")
def analysed():
    cache = {}

    def run(name: str):
        if name not in cache:
            labels = acc.load(name)
            _needs(labels)
            prepared = prepare(labels.path, subject="walker")
            cache[name] = (labels, prepared, assess("gait", prepared))
        return cache[name]
    return run


def _cadence(result) -> float | None:
    return next(m.value for m in result.metrics if m.name == "cadence")


@pytest.mark.parametrize("name", SIDE_CLIPS)
def test_side_view_events_against_labels(analysed, name):
    labels, prepared, result = analysed(name)
    times = prepared.poses.times
    hs = acc.score_events(labels, "heel_strike", [e.time_s for e in result.events if e.name == "heel_strike"], times)
    to = acc.score_events(labels, "toe_off", [e.time_s for e in result.events if e.name == "toe_off"], times)
    hs_recall, hs_precision, to_recall, cadence_pct = FLOORS[name]
    assert hs.labelled >= 5 and to.labelled >= 5
    assert hs.recall(2) >= hs_recall and hs.precision(2) >= hs_precision and to.recall(2) >= to_recall, \
        (hs.recall(2), hs.precision(2), to.recall(2))
    assert hs.median_abs_error_frames() <= 1.0 and to.median_abs_error_frames() <= 1.0
    if cadence_pct is not None:
        assert _cadence(result) == pytest.approx(acc.labelled_cadence(labels, times), rel=cadence_pct / 100)
        # its stated uncertainty (one standard error) is not understated: the labels' cadence within three
        # (measured: 0.3-2.0 of them)
        cadence = next(m for m in result.metrics if m.name == "cadence")
        assert 0 < cadence.uncertainty and abs(cadence.value - acc.labelled_cadence(labels, times)) \
            <= 3 * cadence.uncertainty
    # sides, where given, are the labels' sides
    right, compared = acc.sides_right(labels, [(e.time_s, e.side) for e in result.events
                                               if e.name == "heel_strike"], times)
    if cadence_pct is not None:
        assert right == compared


def test_front_view_heel_strikes_fall_in_the_stated_window(analysed):
    """From the front, contact cannot be seen: heel strikes are stated as up to 4 frames early or 2 late. The
    synchronised side clip's labels are the truth here (measured: -1.9 to -3.1 frames, +2 where he slowed)."""
    labels, prepared, result = analysed("studio_walk_front")
    assert result.quality["assessment"]["view"] == "front"
    stated = result.quality["assessment"]["event_uncertainty"]["heel_strike"]
    assert stated.startswith("-4 to +2 frames")
    times = prepared.poses.times
    found = np.array([e.time_s for e in result.events if e.name == "heel_strike"])
    errors = [(found[np.argmin(np.abs(found - t))] - t) * 25.0
              for t in (float(times[f]) for f in labels.frames("heel_strike") if labels.inside(f))
              if found.size and np.min(np.abs(found - t)) * 25.0 <= 4]
    assert len(errors) >= 7
    inside = [-4.0 - 1e-6 <= e <= 2.0 + 1e-6 for e in errors]
    assert np.mean(inside) >= 0.9, errors
    # toe-offs: within 2 frames, like the side view
    to = acc.score_events(labels, "toe_off", [e.time_s for e in result.events if e.name == "toe_off"], times)
    assert to.recall(2) >= 0.8
    assert _cadence(result) == pytest.approx(acc.labelled_cadence(labels, times), rel=0.03)


RATE_CLIPS = [n for n in SIDE_CLIPS if FLOORS[n][3] is not None] + ["studio_walk_front"]


#: draws of 30 % of the frames dropped at random (a camera or browser dropping frames unevenly)
DRAWS = range(10)
#: of those draws, the share with a cadence within 3 % of the full-rate one, or withheld with the reason. The step-to
#: limp's far foot lands hidden behind the near leg: with a third of its frames gone a strike is missed or moved by
#: 3-5 frames in some of the draws (measured: 9 of these 10 within 3 % or withheld, 2 of them withheld; over 30
#: draws 26, 12 withheld; the worst 5.5 % high, 0.6 of its stated standard error). Before the edge-peak rules of
#: 2026-12-03 (events._edge_peaks, landings.edge_step_window): 7 of 10, over 30 draws 24, the worst 9.8 % low. Three
#: draws were tested before that, and happened to pass: issue 17's target (90 %) is not met there over 30 draws.
UNEVEN_SHARE = {"side_walk_home_limp": 0.8}


@pytest.mark.parametrize("name", RATE_CLIPS)
def test_cadence_holds_at_lower_and_uneven_frame_rates(analysed, name):
    """The walk as a 25, 20, 15 or 12 fps camera would deliver it: cadence within 3 % of the full-rate value, or
    withheld with the reason. Dropping 30 % of its frames unevenly, in 10 draws: 90 % of them the same
    (``UNEVEN_SHARE`` where that is not met), and in every draw a cadence further off than 3 % has said so: the error
    is within two of its stated uncertainties (one standard error)."""
    _, prepared, result = analysed(name)
    full = _cadence(result)
    assert full is not None
    for fps in (25, 20, 15, 12):
        m = _cadence_metric(assess_gait(clean(thinned(prepared.raw, fps))[0]))
        if m.value is None:
            assert m.note, fps
        else:
            assert m.value == pytest.approx(full, rel=0.03), fps
    good = 0
    for seed in DRAWS:
        m = _cadence_metric(assess_gait(clean(thinned(prepared.raw, drop=0.3, seed=seed))[0]))
        if m.value is None:
            assert m.note, seed
            good += 1
            continue
        error = abs(m.value - full)
        good += error <= 0.03 * full
        assert error <= max(0.03 * full, 2 * m.uncertainty), (seed, m.value, m.uncertainty)
    assert good >= UNEVEN_SHARE.get(name, 0.9) * len(DRAWS), good


#: of the STARTS x 4 lower rates, how many may read over 3 % off (within two stated standard errors). Measured
#: 2026-12-04: the limp 3 (20, 15 and 12 fps, +3.2, +3.8 and -3.4 %: a frame gap the lower rate makes too long to fill
#: hides a strike beside its 2-frame dropout, and her strides, 28-34 frames, then average differently), the lab walk 1
#: (12 fps, +3.3 %: three strides); the rest none
STARTS_OFF = {"side_walk_home_limp": 3, "side_walk_lab_lowres": 1}
#: of those, how many may be withheld (measured: the two-people walk at 12 fps from one start; the rest none)
STARTS_WITHHELD = {"side_walk_outdoor_two_people": 1}


@pytest.mark.parametrize("name", RATE_CLIPS)
def test_cadence_at_lower_rates_whichever_frame_the_camera_started_on(analysed, name):
    """Which frames a slower camera catches depends on when it started: each lower rate taken from each of the
    clip's first STARTS frames gives a cadence within 3 % of the full-rate one, or (at most ``STARTS_OFF`` of them)
    further off but within two of its stated standard errors, or (at most ``STARTS_WITHHELD``) withheld with the
    reason."""
    _, prepared, result = analysed(name)
    full = _cadence(result)
    assert full is not None
    off = withheld = 0
    for fps in (25, 20, 15, 12):
        for k in range(STARTS):
            m = _cadence_metric(assess_gait(clean(thinned(started_at(prepared.raw, k), fps))[0]))
            if m.value is None:
                assert m.note, (fps, k)
                withheld += 1
                continue
            error = abs(m.value - full)
            assert error <= max(0.03 * full, 2 * m.uncertainty), (fps, k, m.value, m.uncertainty)
            off += error > 0.03 * full
    assert off <= STARTS_OFF.get(name, 0), off
    assert withheld <= STARTS_WITHHELD.get(name, 0), withheld


@pytest.mark.parametrize("name", RATE_CLIPS)
def test_the_same_walk_at_a_slower_or_faster_pace_keeps_its_cadence(analysed, name):
    """Every time of the walk stretched by ``k`` (PACES: the same steps at a slower pace, seen at a lower frame rate;
    the lab walk at 1.8 and 2.1 is 69 and 60 steps a minute, the pace of a slow or painful walk): cadence the full-pace value / k within 3 % or two of its
    stated standard errors, or withheld with the reason. Before assessments/gait/repeat.py the lab walk, whose pose
    model names the feet front and back, read 112 at 1.8 (69 steps a minute) and 118 at 2.1 (60): its step was
    taken for half of one."""
    _, prepared, result = analysed(name)
    full = _cadence(result)
    raw = prepared.raw
    for k in PACES:
        m = _cadence_metric(assess_gait(clean(slower(raw, k))[0]))
        if m.value is None:
            assert m.note, k
        else:
            assert abs(m.value - full / k) <= max(0.03 * full / k, 2 * m.uncertainty), (k, m.value, m.uncertainty)


def _cut(poses: Poses, start: int, end: int) -> Poses:
    """The clip without its first ``start`` and last ``end`` frames."""
    keep = slice(start, len(poses.times) - end)
    return Poses(times=poses.times[keep], image=poses.image[keep], world=poses.world[keep],
                 visibility=poses.visibility[keep], presence=poses.presence[keep], frame_size=poses.frame_size,
                 source=poses.source)


def _false_strikes(labels: acc.ClipLabels, result, times: np.ndarray) -> int:
    score = acc.score_events(labels, "heel_strike", [e.time_s for e in result.events if e.name == "heel_strike"],
                             times)
    return score.detected - score.matched[2]


@pytest.mark.parametrize("name", SIDE_CLIPS)
def test_the_walk_started_or_stopped_a_few_frames_later_or_earlier(analysed, name):
    """The same walk with its first or last 1-12 frames cut off (a recording started or stopped a moment later or
    earlier): no heel strike more than 2 frames from a label that the whole clip did not have, and the cadence
    within 3 % of the whole clip's, or withheld with the reason. Before the rule that an edge peak rises into it all
    the way from the edge and reaches a heel strike's height (events._edge_peaks), the limp cut 3-5 frames later
    read a bump on the way down from the strike before the clip as its first strike (4.6 frames early, -2.6 %)."""
    labels, prepared, result = analysed(name)
    raw = prepared.raw
    full, false = _cadence(result), _false_strikes(labels, result, prepared.poses.times)
    for start, end in [(n, 0) for n in range(1, 13)] + [(0, n) for n in range(1, 13)]:
        cut = assess_gait(clean(_cut(raw, start, end))[0])
        assert _false_strikes(labels, cut, raw.times) <= false, (start, end)
        m = _cadence_metric(cut)
        assert (m.value is None and m.note) or m.value == pytest.approx(full, rel=0.03), (start, end, m.value)


def _cadence_metric(result):
    return next(m for m in result.metrics if m.name == "cadence")


@pytest.mark.parametrize("name", ["side_walk_outdoor_two_people", "side_walk_home_normal"])
def test_a_mirrored_walk_gives_the_same_cadence_and_swapped_sides(analysed, name):
    _, prepared, result = analysed(name)
    flipped_result = assess_gait(mirrored(prepared.poses))
    assert _cadence(flipped_result) == pytest.approx(_cadence(result), rel=0.01)
    original = result.quality["assessment"]["walking_bouts"]
    flipped = flipped_result.quality["walking_bouts"]
    assert [b["direction"] for b in flipped] == [{"to the left": "to the right", "to the right": "to the left"}[
        b["direction"]] for b in original]
    swap = {"left": "right", "right": "left", None: None}
    a = sorted((round(e.time_s, 3), e.side) for e in result.events if e.name == "heel_strike")
    b = sorted((round(e.time_s, 3), swap[e.side]) for e in flipped_result.events if e.name == "heel_strike")
    assert a == b


def _strikes(result, start_s: float = 0.0) -> list[float]:
    return sorted(e.time_s - start_s for e in result.events if e.name == "heel_strike")


@pytest.mark.parametrize("name", SIDE_CLIPS)
def test_a_walk_there_and_back_further_away_is_each_crossing_as_alone(analysed, name):
    """The walk, then, after 1 s out of view, the same walk mirrored at 0.6 of the size: a walk back along a wall
    further from the camera. Each crossing keeps the heel strikes it gives alone (its first after the gap may be
    lost at the bout's edge) and none is added. With one leg length for the whole clip (before body/body_size.py)
    the limp's near crossing ran on behind its table (frames 135-159: two strikes added, one moved 2.6 frames)."""
    labels, prepared, _ = analysed(name)
    back = smaller(mirrored(prepared.raw), 0.6)
    both = assess_gait(clean(one_after_the_other(prepared.raw, back))[0])
    frame_s = float(np.median(np.diff(prepared.raw.times)))
    back_starts = float(prepared.raw.times[-1] + frame_s * (round(1.0 / frame_s) + 1))
    ends = float(prepared.raw.times[-1]) + 0.5
    for alone, found in ((_strikes(assess_gait(clean(prepared.raw)[0])), [t for t in _strikes(both) if t < ends]),
                         (_strikes(assess_gait(clean(back)[0]), prepared.raw.times[0]),
                          [t for t in _strikes(both, back_starts) if t > -0.5])):
        missed = [a for a in alone if not any(abs(a - f) < 0.5 * frame_s for f in found)]
        added = [f for f in found if not any(abs(a - f) < 0.5 * frame_s for a in alone)]
        assert not added and len(missed) <= 1, (name, alone, found)


#: heel strikes within 2 frames (recall) of each walk filmed mirrored: its pixels flipped left-right and the pose model
#: run again, the nearest we have to footage nobody tuned to (measured 2026-12-03: 100 % but the studio walk's 89 %,
#: its first step from standing, as filmed, and the limp's 67 %, its far foot's strikes hidden behind the near leg)
MIRRORED_FLOORS = {"side_walk_home_normal": 1.0, "side_walk_lab_lowres": 1.0, "side_walk_outdoor_two_people": 1.0,
                   "studio_walk_side": 0.88, "side_walk_home_limp": 0.66}


@pytest.mark.parametrize("name", sorted(MIRRORED_FLOORS))
def test_the_walk_filmed_mirrored_against_the_same_labels(name, tmp_path):
    """The clip flipped left-right frame by frame (MJPG, as benchmarks/gait_image_quality.py writes it), the whole
    path run again: heel strikes within 2 frames of the labels at the floor above, no false one where all were
    found, and the cadence within 3 % of the labels' or within two of its stated standard errors. Before
    2026-12-03 the home walk mirrored lost its first strike (found a frame later, its first step was not known
    to be walked through) and the limp read 107.5 +- 3.5 steps/min for 94.5 from strikes of a foot barely seen."""
    import cv2
    from benchmarks.gait_image_quality import copy
    labels = acc.load(name)
    _needs(labels)
    path = copy(labels.path, tmp_path / f"{name}_mirrored.avi", lambda f: cv2.flip(f, 1))
    prepared = prepare(path, subject="walker")
    result = assess("gait", prepared)
    times = prepared.poses.times
    hs = acc.score_events(labels, "heel_strike", [e.time_s for e in result.events if e.name == "heel_strike"], times)
    assert hs.recall(2) >= MIRRORED_FLOORS[name]
    if MIRRORED_FLOORS[name] == 1.0:
        assert hs.precision(2) == 1.0
    m = _cadence_metric(result)
    assert m.value is not None, m.note
    truth = acc.labelled_cadence(labels, times)
    assert abs(m.value - truth) <= max(0.03 * truth, 2 * m.uncertainty), (m.value, m.uncertainty, truth)


def impossible(result) -> list[str]:
    """Values no walk can have (see movement_check.assessments.gait.gates), as readable strings."""
    bad = []
    limits = {"stance": (45, 80), "swing": (20, 55), "double_support": (0, 50), "cadence": (30, 200),
              "step_time": (0.15, 2.5), "stride_time": (0.3, 5.0)}
    for m in result.metrics:
        lo_hi = limits.get(m.name)
        if lo_hi and m.value is not None and not lo_hi[0] <= m.value <= lo_hi[1]:
            bad.append(f"{m.name} {m.side or ''} {m.value}")
        if m.value is None and not m.note:
            bad.append(f"{m.name} missing without a reason")
    return bad


def test_no_impossible_value_on_any_clip_at_any_rate(analysed):
    """Every labelled clip, as filmed and thinned to lower and uneven rates, and every other clip we have (rendered
    walks and raises, squats, a lunge): no value outside what walking can be (withheld with its reason instead)."""
    checked = 0
    for labels in acc.all_labels():
        if not labels.path.exists():
            continue
        name = Path(labels.clip).stem
        _, prepared, result = analysed(name)
        assert impossible(result) == [], name
        for sub in [thinned(prepared.raw, fps) for fps in (25, 20, 15, 12)] + \
                [thinned(prepared.raw, drop=0.3, seed=s) for s in range(3)]:
            assert impossible(assess_gait(clean(sub)[0])) == [], name
            checked += 1
    labelled = {labels.clip for labels in acc.all_labels()}
    others = [c for folder in (SHARED / "videos", SHARED / "synthetic_videos", acc.REPO / "sample_videos")
              if folder.exists() for c in sorted(folder.iterdir())
              if c.suffix.lower() in (".mp4", ".avi", ".mov") and c.name not in labelled]
    for clip in others:                  # squats, a lunge, a tree pose, rendered clips: gait on them too
        assert impossible(assess("gait", prepare(clip))) == [], clip.name
        checked += 1
    assert checked >= 8          # at least the shipped sample clips


def test_no_impossible_value_from_the_synthetic_walker_with_swaps_and_dropouts():
    from tests.fixtures.walker import Script, walk

    script = Script(segments=[("stand", 1.0), ("walk", 6.0), ("turn", 1.0), ("walk", 6.0), ("stand", 1.0)],
                    limp=0.05, speed_mps=0.6)
    rng = np.random.default_rng(11)
    for seed in range(6):
        dropouts = [(int(a), int(a) + int(rng.integers(1, 8))) for a in rng.integers(40, 420, size=4)]
        swap_at = int(rng.integers(60, 400))
        poses, _ = walk(script, fps=float(rng.choice([12, 15, 20, 25, 30])), noise_px=float(rng.uniform(0.5, 3)),
                        dropouts=[(a * 1, b) for a, b in dropouts if b < 400], swap=(swap_at, swap_at + 10), seed=seed)
        assert impossible(assess_gait(clean(poses)[0])) == [], seed
