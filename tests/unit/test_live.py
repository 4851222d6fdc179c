"""The live session's package side: cues, counters, the live buffer, recordings, visits, sign-in, settings.

No Streamlit and no browser here (tests/e2e/test_live_app.py and tests/e2e/test_live_browser.py do those).
Known answers come from the synthetic walker and raiser (tests/fixtures/walker.py, tests/fixtures/raiser.py).
"""

import json

import cv2
import numpy as np
import pytest

import movement_check.live.cues as lc
from movement_check.clinic.accounts import hash_password, sign_in, verify_password
from movement_check.config import load_config
from movement_check.errors import InputError
from movement_check.body.landmarks import Landmark as L
from movement_check.live.stream import LiveStream
from movement_check.clinic.protocol import STEPS, step
from movement_check.live.recording import Recording
from movement_check.assessments.leg_raise.raises import RaiseSettings, up_masks
from movement_check.body.views import SIDE_VIEW_MAX_RATIO, shoulder_ratio
from movement_check.live.visits import ENDED, EXPIRED, TAKEN, UNKNOWN, Refused, VisitBook, VisitClosing
from tests.fixtures.live_stubs import KnownPeople, feed_grey, grey_frame
from tests.fixtures.raiser import Raise, Script as RaiseScript, perform, profile
from tests.fixtures.walker import Camera, Script, walk

FRONT = Camera(position=(12.0, 0.0, 1.0), target=(0.0, 0.0, 0.9), focal_px=900.0, size=(1280, 720))


def _stream(*people) -> tuple[LiveStream, KnownPeople]:
    model = KnownPeople(*people)
    return LiveStream("full", estimator_factory=lambda: model), model


# -- cues ---------------------------------------------------------------------------------------

def _one(poses, i=30):
    return poses.image[i].copy(), poses.visibility[i].copy()


def test_cues_for_a_well_framed_patient_are_none_and_each_problem_gets_its_own():
    side, _ = walk(Script(segments=[("walk", 5.0)]))
    person, vis = _one(side, 90)                     # in front of the camera
    kw = dict(frame_size=side.frame_size, people=1, light_level=200.0)
    assert lc.cues(person, vis, view="side", **kw) == []
    assert lc.cues(person, vis, view="front", **kw) == [lc.FACE_CAMERA]
    assert lc.cues(None, None, **kw) == [lc.NOBODY]
    assert lc.cues(person, vis, **{**kw, "light_level": 60.0}) == [lc.TOO_DARK]
    assert lc.cues(person, vis, **{**kw, "people": 2}) == [lc.TWO_PEOPLE]
    low = person.copy()
    low[:, 1] += side.frame_size[1] - person[:, 1].max() + 40    # the feet cut off by the bottom edge
    assert lc.cues(low, vis, **kw) == [lc.FEET_HIDDEN]
    high = person.copy()
    high[:, 1] -= person[:, 1].min() + 5             # head at the top edge
    assert lc.cues(high, vis, **kw) == [lc.HEAD_HIDDEN]
    unseen = vis.copy()
    unseen[list(lc.FEET)] = 0.2                      # in the frame but not seen (a table in the way)
    assert lc.cues(person, unseen, **kw) == [lc.FEET_HIDDEN]


def test_the_feet_cue_follows_the_clips_framing_rule_on_the_same_frames():
    """One rule for the live cue and the clip's warning: the far foot hidden behind the near leg (every side-view
    step) is in the picture; feet beyond the edge, or both hidden, are not; cue and warning agree frame by frame."""
    from movement_check.body.poses import Poses
    from movement_check.pipeline.quality import framing_warnings

    side, _ = walk(Script(segments=[("walk", 5.0)]))
    person, vis = _one(side, 90)
    kw = dict(frame_size=side.frame_size, people=1, light_level=200.0)
    far_hidden = vis.copy()
    far_hidden[[L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX, L.RIGHT_ANKLE]] = 0.1          # the far foot, behind the near leg
    both_hidden = vis.copy()
    both_hidden[list(lc.FEET)] = 0.1
    cut = person.copy()
    cut[:, 1] += side.frame_size[1] - person[:, 1].max() + 40
    presence_low = np.full(33, 0.99)
    presence_low[L.LEFT_FOOT_INDEX] = 0.2                                          # the model doubts it is in frame
    cases = [(person, far_hidden, None, False), (person, both_hidden, None, True), (cut, vis, None, True),
             (person, vis, presence_low, True), (person, vis, None, False)]
    for image, visibility, presence, out in cases:
        assert (lc.FEET_HIDDEN in lc.cues(image, visibility, presence=presence, **kw)) == out
        # the same frame, held for a second, as a clip
        n = 30
        pres = np.tile(np.full(33, 0.99) if presence is None else presence, (n, 1))
        clip = Poses(times=np.arange(n) / 30.0, image=np.tile(image, (n, 1, 1)), world=np.zeros((n, 33, 3)),
                     visibility=np.tile(visibility, (n, 1)), presence=pres, frame_size=side.frame_size, source={})
        assert any("feet are out of the frame" in w for w in framing_warnings(clip)) == out


def test_a_walker_toward_the_camera_is_told_to_turn_side_on_for_a_side_view_test():
    front, _ = walk(Script(segments=[("walk", 3.0)], speed_mps=0.0), camera=FRONT)
    person, vis = _one(front)
    assert lc.seen_view(person) == "front" and shoulder_ratio(person) >= SIDE_VIEW_MAX_RATIO
    kw = dict(frame_size=front.frame_size, people=1, light_level=200.0)
    assert lc.cues(person, vis, view="side", **kw) == [lc.TURN_SIDE_ON]
    assert lc.cues(person, vis, view="front", **kw) == []
    assert lc.cues(person, vis, view="side", lying=True, **kw) == []


def test_too_dark_is_a_dim_picture_not_black_bars():
    """The cue reads the level the picture's brightest parts reach (the clips' rule), not its mean: a well-lit
    portrait picture in black bars (the portrait lunge clip in a 640 x 480 camera means 45) is not dark; a dim
    room with a white wall, whose mean is over 50, is."""
    from movement_check.pipeline.exposure import frame_light

    side, _ = walk(Script(segments=[("walk", 5.0)]))
    person, vis = _one(side, 90)
    kw = dict(frame_size=side.frame_size, people=1)
    letterboxed = np.zeros((480, 640, 3), np.uint8)
    letterboxed[:, 192:448] = 110                    # a portrait picture, 40 % of the width: the mean is 44
    dim_room = np.full((480, 640, 3), 66, np.uint8)  # a white wall at a quarter of the light
    dim_room[360:] = 20                              # a dark floor
    assert lc.cues(person, vis, light_level=frame_light(letterboxed), **kw) == []
    assert lc.cues(person, vis, light_level=frame_light(dim_room), **kw) == [lc.TOO_DARK]
    assert float(dim_room.mean()) > 50 > float(letterboxed.mean())      # what the mean brightness rule got wrong


# -- counters -----------------------------------------------------------------------------------

@pytest.mark.parametrize("camera", ["side", "front"])
def test_the_step_counter_counts_the_walkers_steps(camera):
    script = Script(segments=[("stand", 1.0), ("walk", 6.0), ("stand", 1.0)], cadence=110.0,
                    speed_mps=1.2 if camera == "side" else 0.0)
    poses, truth = walk(script, **({} if camera == "side" else {"camera": FRONT}))
    counters = lc.Counters()
    for i, t in enumerate(poses.times):
        counters.update(float(t), poses.image[i])
    strikes = sum(1 for _, name, _ in truth.events if name == "heel_strike")
    # each step is one passing of the ankles, just before its heel strike; the first step from
    # standing counts only when the feet stood one ahead of the other in the image (seen obliquely)
    assert strikes - 1 <= counters.steps <= strikes + 1, (counters.steps, strikes)


def test_the_hold_timer_times_the_foot_off_the_floor_as_the_clips_raise_rule_does():
    """One judgement of a raise: the live timer runs on the frames the clip's rule (raises.up_masks: the foot off
    the floor, the other leg bearing the weight) marks up, to within a frame (the live floor is the ankle's lowest
    so far, the clip's a high percentile of it)."""
    r = Raise("left", 1.0, hip=70, knee=90, hold=2.0)
    poses, _ = perform(RaiseScript([r], duration=5.0))
    counters = lc.Counters()
    for i, t in enumerate(poses.times):
        counters.update(float(t), poses.image[i], raised_side="left")
    up = up_masks(poses, "standing", {})["left"]
    frames = np.flatnonzero(up)
    assert len(frames) and np.all(np.diff(frames) == 1)               # one raise in the clip
    expected = float(poses.times[frames[-1]] - poses.times[frames[0]])
    assert expected > 2.0                                             # held 2 s, with the way up and down
    fine = np.arange(0.0, 5.0, 0.001)
    assert expected < (profile(r, fine) > 0).sum() * 0.001            # less than the whole movement
    assert counters.raises == 1
    assert counters.longest_hold_s == pytest.approx(expected, abs=1.5 / 30)
    assert counters.hold_s == 0.0                                     # down again at the end


@pytest.mark.parametrize("outlier", [
    ("standing", L.LEFT_ANKLE, 1, 0.10),     # the raised ankle drawn lower: its floor would stay below the foot
    ("standing", L.RIGHT_ANKLE, 1, 0.30),    # the other ankle drawn lower: both floors would, no raise then
    ("standing", L.LEFT_HIP, 1, -0.30),      # the hips drawn higher: neither leg would bear the weight again
    ("supine", L.LEFT_ANKLE, 1, 0.30),       # the raised leg's rest would stay below it: up till the end
])
def test_one_frames_landmark_outlier_does_not_become_the_raises_floor_or_rest(outlier):
    """The live floor, upright height and rest are the lowest / tallest so far: a position seen in one frame only
    (a landmark outlier) must not become one, or the leg stays "up" and its timer runs until the step ends."""
    posture, joint, axis, share = outlier
    r = Raise("left", 1.0, hip=70 if posture == "standing" else 50, knee=90 if posture == "standing" else 0,
              hold=2.0)
    poses, _ = perform(RaiseScript([r], duration=5.0, posture=posture))
    image = poses.image.copy()
    leg = float(np.linalg.norm(image[0, L.LEFT_HIP, :2] - image[0, L.LEFT_ANKLE, :2]))
    image[5, joint, axis] += share * leg
    if joint == L.LEFT_HIP:
        image[5, L.RIGHT_HIP, axis] += share * leg
    clean, spiked = lc.Counters(), lc.Counters()
    for i, t in enumerate(poses.times):
        clean.update(float(t), poses.image[i], raised_side="left", lying=posture == "supine")
        spiked.update(float(t), image[i], raised_side="left", lying=posture == "supine")
    assert clean.raises == 1 and spiked.raises == 1
    assert spiked.hold_s == 0.0                                          # down again at the end
    assert spiked.longest_hold_s == pytest.approx(clean.longest_hold_s, abs=1.5 / 30)


def test_a_raise_shorter_than_the_clips_minimum_is_not_counted():
    r = Raise("left", 1.0, hip=40, knee=60, up=0.15, hold=0.0, down=0.15)
    poses, _ = perform(RaiseScript([r], duration=3.0))
    counters = lc.Counters()
    for i, t in enumerate(poses.times):
        counters.update(float(t), poses.image[i], raised_side="left")
    up = up_masks(poses, "standing", {})["left"]
    assert 0 < up.sum() / 30.0 < RaiseSettings().min_raise_s            # the foot left the floor, briefly
    assert counters.raises == 0 and counters.longest_hold_s == 0.0


def test_the_right_leg_raised_does_not_run_the_left_legs_timer():
    poses, _ = perform(RaiseScript([Raise("right", 1.0, hip=70, knee=90)], duration=5.0))
    counters = lc.Counters()
    for i, t in enumerate(poses.times):
        counters.update(float(t), poses.image[i], raised_side="left")
    assert counters.raises == 0 and counters.longest_hold_s == 0.0


# -- the live buffer ----------------------------------------------------------------------------

def test_every_frame_is_recorded_but_only_the_newest_of_each_batch_is_analysed_live():
    poses, _ = walk(Script(segments=[("walk", 2.0)]))
    stream, model = _stream(poses)
    stream.start_step(step("walk-side"), name="walk")
    feed_grey(poses, stream, batch=3)
    stopped, recording = stream.stop_step()
    assert stopped is step("walk-side")
    assert len(recording) == len(poses)                             # every frame kept
    assert np.allclose(recording.times, poses.times)
    assert model.calls == list(poses.times[2::3]) + ([] if len(poses) % 3 == 0 else [poses.times[-1]])
    view = stream.view()
    assert view.frames_received == len(poses)
    assert view.frames_processed == len(model.calls)
    assert view.step is None and stream.snapshot_jpeg() is not None
    # frames after the step are not recorded
    feed_grey(poses, stream)
    assert len(recording) == len(poses)


def test_the_overlay_is_the_newest_frame_with_the_skeleton_drawn():
    poses, _ = walk(Script(segments=[("walk", 1.0)]))
    stream, _ = _stream(poses)
    out = stream.receive([(float(poses.times[0]), grey_frame(poses.frame_size)),
                          (float(poses.times[1]), grey_frame(poses.frame_size))])
    assert out.shape == (poses.frame_size[1], poses.frame_size[0], 3)
    hip = poses.image[1, 23, :2].astype(int)
    assert not np.array_equal(out[hip[1], hip[0]], [128, 128, 128])     # a joint was drawn there
    assert (out == 128).all(axis=2).mean() > 0.9                         # and the rest is the frame


def test_the_still_picture_is_encoded_only_when_asked_and_once_per_frame_and_watchers_get_each_frame():
    poses, _ = walk(Script(segments=[("walk", 1.0)]))
    stream, _ = _stream(poses)
    seen = []
    stream.watch(seen.append)
    assert stream.snapshot_jpeg() is None                                # no picture yet
    out = stream.receive([(float(poses.times[0]), grey_frame(poses.frame_size))])
    assert len(seen) == 1 and seen[0] is out                             # the watcher: every frame, drawn
    assert stream._jpeg is None                                          # nothing encoded unasked
    jpeg = stream.snapshot_jpeg()
    assert jpeg[:2] == b"\xff\xd8" and stream.snapshot_jpeg() is jpeg    # encoded once for this frame
    stream.receive([(float(poses.times[1]), grey_frame(poses.frame_size))])
    assert len(seen) == 2 and stream.snapshot_jpeg() is not jpeg


def test_the_live_figure_keeps_the_last_seconds_only_and_the_estimator_restarts_with_the_stream():
    poses, _ = walk(Script(segments=[("walk", 14.0)]))
    models = []

    def factory():
        models.append(KnownPeople(poses))
        return models[-1]

    stream = LiveStream("full", estimator_factory=factory, figure_s=10.0)
    feed_grey(poses, stream)
    view = stream.view()
    assert view.angle_times[-1] - view.angle_times[0] <= 10.0
    assert set(view.angles) == {"left_knee", "right_knee", "left_hip", "right_hip"}
    assert len(view.angles["left_knee"]) == len(view.angle_times)
    # the patient reconnects: times start again from 0, and a fresh graph takes them
    feed_grey(poses, stream)
    assert len(models) == 2 and models[0].closed


def test_pain_marks_are_seconds_into_the_step():
    poses, _ = walk(Script(segments=[("walk", 3.0)]))
    stream, _ = _stream(poses)
    assert stream.pain_mark() is None
    feed_grey(poses, stream)                                               # before the step
    stream.start_step(step("slr-left"), name="slr")
    more = poses.with_arrays(times=poses.times + 10.0)
    stream._factory = lambda: KnownPeople(more)
    for t in more.times[:45]:
        stream.receive([(float(t), grey_frame(poses.frame_size))])
    assert stream.pain_mark() == pytest.approx(44 / 30, abs=1e-6)


def test_a_recording_stops_taking_frames_at_its_limit_and_says_so():
    rec = Recording(name="walk", max_s=2.0)
    frame = grey_frame((64, 48))
    kept = [rec.add(i / 30, frame) for i in range(90)]
    assert sum(kept) == 61 and len(rec) == 61
    assert "only its first 2 s were kept" in rec.truncated
    decoded = list(rec.rgb_frames())
    assert decoded[0][0] == 0.0 and decoded[-1][0] == pytest.approx(2.0)
    assert decoded[0][1].shape == (48, 64, 3) and abs(int(decoded[0][1][0, 0, 0]) - 128) <= 2
    small = Recording(name="walk", max_bytes=3 * len(rec.frames[0]))
    assert [small.add(i / 30, frame) for i in range(5)] == [True, True, True, False, False]
    assert "MB kept for one step" in small.truncated


def test_a_reconnected_stream_whose_clock_restarts_is_kept_after_a_gap_and_said():
    rec = Recording(name="walk")
    frame = grey_frame((64, 48))
    for i in range(60):                                   # 2 s, arriving as they were shown
        assert rec.add(5.0 + i / 30, frame, arrived_s=100.0 + i / 30)
    for i in range(30):                                   # reconnected 3 s later: the new stream starts at 0
        assert rec.add(i / 30, frame, arrived_s=100.0 + 59 / 30 + 3.0 + i / 30)
    assert len(rec) == 90                                 # nothing after the reconnection was dropped
    assert np.all(np.diff(rec.times) > 0)
    gap = rec.times[60] - rec.times[59]
    assert gap == pytest.approx(3.0, abs=1e-6)            # the time without frames stays a gap
    assert rec.times[61] - rec.times[60] == pytest.approx(1 / 30)
    assert rec.restarts == 1 and "reconnected once" in rec.restart_warning and "3.0 s" in rec.restart_warning
    for i in range(30, 60):
        rec.add(i / 30, frame, arrived_s=105.0 + i / 30)
    assert rec.add(0.0, frame, arrived_s=200.0) and rec.restarts == 2 and len(rec) == 121   # and again
    assert "reconnected 2 times" in rec.restart_warning
    small_step_back = Recording(name="walk")
    for t in (0.0, 0.033, 0.066, 0.05, 0.1):              # a frame a little out of order is not a restart
        small_step_back.add(t, frame, arrived_s=t)
    assert small_step_back.restarts == 0 and len(small_step_back) == 4 and small_step_back.restart_warning is None


def test_reconnections_in_quick_succession_and_within_one_batch_keep_their_gaps():
    frame = grey_frame((64, 48))
    rec = Recording(name="walk")
    for i in range(60):                                    # 2 s
        rec.add(i / 30, frame, arrived_s=i / 30)
    for i in range(21):                                    # reconnected 3 s later, ran 0.7 s
        rec.add(i / 30, frame, arrived_s=59 / 30 + 3.0 + i / 30)
    for i in range(30):                                    # reconnected again 4.3 s later
        rec.add(i / 30, frame, arrived_s=59 / 30 + 3.0 + 20 / 30 + 4.3 + i / 30)
    assert rec.restarts == 2 and len(rec) == 111           # nothing of the third stream dropped as repeats
    gaps = sorted(np.diff(rec.times))[-2:]
    assert gaps == pytest.approx([3.0, 4.3], abs=1e-6)     # both times without frames stay gaps
    batch = Recording(name="walk")                         # old and new stream's frames in one batch
    for i in range(30):
        batch.add(5.0 + i / 30, frame, arrived_s=10.0)
    for i in range(30):
        batch.add(i / 30, frame, arrived_s=10.0)
    assert batch.restarts == 1 and len(batch) == 60
    assert np.diff(batch.times).min() > 0.03               # at least a frame's interval, not 1 ms
    assert "less than 0.1 s" in batch.restart_warning


# -- visits -------------------------------------------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def _book(clock=None, **kw):
    return VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=lambda: KnownPeople()),
                     clock=clock or Clock(), **kw)


def test_one_patient_per_visit_and_only_with_the_code():
    book = _book()
    visit = book.create("jdoe")
    assert len(visit.code) >= 22                                         # 128 random bits
    with pytest.raises(Refused, match=UNKNOWN):
        book.join("not-the-code", holder="tab-1")
    with pytest.raises(Refused, match=UNKNOWN):
        book.join("", holder="tab-1")
    joined, token, _, _ = book.join(visit.code, holder="tab-1")
    assert joined is visit and visit.joined
    assert book.join(visit.code, token, holder="tab-1")[:2] == (visit, token)   # the page again, with the token
    with pytest.raises(Refused, match=TAKEN):
        book.join(visit.code, holder="tab-2")                            # a second browser
    with pytest.raises(Refused, match=TAKEN):
        book.join(visit.code, "guessed-token", holder="tab-2")


def test_a_therapist_sees_only_their_own_visits():
    book = _book()
    mine, theirs = book.create("jdoe"), book.create("asmith")
    assert book.of("jdoe") == [mine]
    assert book.of("asmith") == [theirs]
    assert book.of("nobody") == []


def test_codes_expire_unused_but_a_joined_patient_stays_until_the_visit_ends():
    clock = Clock()
    book = _book(clock, code_minutes=30, max_hours=2)
    unused, used = book.create("jdoe"), book.create("jdoe")
    token = book.join(used.code, holder="tab-1").token
    clock.now += 31 * 60
    with pytest.raises(Refused, match=EXPIRED):
        book.join(unused.code, holder="tab-2")
    assert book.join(used.code, token, holder="tab-1").visit is used
    assert book.of("jdoe") == [used]                                     # the unused one was dropped
    clock.now += 2 * 3600
    assert book.of("jdoe") == []
    with pytest.raises(Refused, match=ENDED):              # past its limit: ended, and a reload is told so
        book.join(used.code, token, holder="tab-1")
    clock.now += 24 * 3600 + 1                             # a day later the server has forgotten it
    with pytest.raises(Refused, match=UNKNOWN):
        book.join(used.code, token, holder="tab-1")
    again = book.create("jdoe")
    book.end(again)
    with pytest.raises(Refused, match=UNKNOWN):
        book.join(again.code, holder="tab-1")
    ending = book.create("jdoe")                     # ended while the book still holds it
    token = book.join(ending.code, holder="tab-1").token
    ending.end()
    with pytest.raises(Refused, match=ENDED):
        book.join(ending.code, token, holder="tab-1")


def test_a_step_is_analysed_from_every_frame_received(monkeypatch):
    poses, truth = walk(Script(segments=[("walk", 8.0)]))
    book = _book()
    visit = book.create("jdoe")
    visit.stream._factory = lambda: KnownPeople(poses)
    # the result's frames go through the real pose model (from the step's start, in the background): stub it
    # with the same known walker
    import movement_check.pipeline.extraction as extraction
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    job = visit.stop_step(wait=True, height_cm=175)
    assert job.frames == len(poses)
    (outcome,) = visit.outcomes
    assert outcome.error is None, outcome.error
    assert outcome.frames_received == outcome.frames_processed == len(poses)
    live = outcome.result["source"]["live_step"]
    assert live["frames_received"] == len(poses)
    strikes = [e for e in outcome.result["events"] if e["name"] == "heel_strike"]
    assert {e["side"] for e in strikes} == {"left", "right"}
    cadence = next(m for m in outcome.result["metrics"] if m["name"] == "cadence")
    assert cadence["value"] == pytest.approx(110.0, rel=0.01)
    assert any(m["name"] == "gait_speed" and m["value"] for m in outcome.result["metrics"])
    assert set(outcome.figures) == {"gait_cycle", "foot_paths"} and outcome.npz


def test_while_a_stopped_steps_rest_is_analysed_the_preview_passes_pictures_on_unanalysed():
    """The preview rests (no pose model, no skeleton, no cues) while the therapist waits for a step's result, so
    the rest gets the CPU; the video keeps moving and a step recording meanwhile is analysed as ever."""
    poses, _ = walk(Script(segments=[("walk", 4.0)]))
    stream, model = _stream(poses)
    seen = []
    stream.watch(seen.append)

    def one(i, level=128):
        picture = grey_frame(poses.frame_size, level)
        return picture, stream.receive([(float(poses.times[i]), picture)])

    picture, out = one(0, level=30)                              # a dark room: a cue to the patient
    assert len(model.calls) == 1 and out is not picture          # analysed: the skeleton drawn on a copy
    assert stream.view().cues and not stream.view().resting      # the cue is not left up through the rest
    drawn = cv2.imdecode(np.frombuffer(stream.snapshot_jpeg(), np.uint8), cv2.IMREAD_COLOR)
    assert float(drawn.astype(float).std()) > 2                  # the skeleton on the grey picture
    with stream.resting():
        picture, out = one(1)
        view = stream.view()
        assert len(model.calls) == 1 and out is picture and seen[-1] is picture
        assert view.frames_processed == 1 and view.frames_received == 2
        assert view.streaming and not view.camera_lost and view.cues == () and view.resting
        still = cv2.imdecode(np.frombuffer(stream.snapshot_jpeg(), np.uint8), cv2.IMREAD_COLOR)
        assert abs(float(still.astype(float).std())) < 2      # the still picture is the new one, not the last drawn
        stream.start_step(step("walk-side"), name="the next step")
        one(2)
        assert len(model.calls) == 2                              # a step recording is analysed while resting
        assert not stream.view().resting                          # and the pages say it is analysed
        stream.stop_step()
        one(3)
        assert len(model.calls) == 2
    one(4)
    assert len(model.calls) == 3 and stream.view().frames_processed == 3 and not stream.view().resting


def test_a_resting_preview_passes_few_pictures_on_and_still_counts_every_frame_as_coming():
    """Resting, every picture passed on is encoded here and decoded in the browsers, which share the computer
    with the step's rest: REST_FPS a second at most go out (to the watchers and back); the others return None,
    yet count as received, so the stream is not taken for stopped."""
    from movement_check.live.stream import REST_FPS
    poses, _ = walk(Script(segments=[("walk", 4.0)]))
    model = KnownPeople(poses)
    now = [100.0]
    stream = LiveStream("full", estimator_factory=lambda: model, clock=lambda: now[0])
    seen = []
    stream.watch(seen.append)
    outs = []
    with stream.resting():
        for i in range(60):                                   # 2 s of a 30 fps camera
            now[0] = 100.0 + i / 30
            outs.append(stream.receive([(float(poses.times[i]), grey_frame(poses.frame_size))]))
            assert not stream.view().camera_lost
    passed = [i for i, out in enumerate(outs) if out is not None]
    assert len(passed) == len(seen) == pytest.approx(2 * REST_FPS, abs=1)
    assert np.diff(passed).min() * (1 / 30) >= 1 / REST_FPS - 1e-9
    assert stream.view().frames_received == 60 and model.calls == []
    now[0] += 1 / 30                                          # no longer resting: every picture analysed and out
    assert stream.receive([(float(poses.times[60]), grey_frame(poses.frame_size))]) is not None
    assert len(model.calls) == 1 and len(seen) == len(passed) + 1


def test_the_preview_rests_while_a_stopped_step_is_analysed_here(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    visit = _book().create("jdoe")
    model = KnownPeople(poses)
    visit.stream._factory = lambda: model
    import movement_check.live.visit as live_visit
    import movement_check.pipeline.extraction as extraction
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    real, during = live_visit.analyse, []

    def analyse(job, recording, **kw):            # the preview is handed a frame while the step is analysed
        calls = len(model.calls)
        visit.stream.receive([(float(poses.times[-1]) + 1.0, grey_frame(poses.frame_size))])
        during.append(len(model.calls) - calls)
        return real(job, recording, **kw)

    monkeypatch.setattr(live_visit, "analyse", analyse)
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    visit.stop_step(wait=True)
    assert during == [0] and visit.outcomes[0].error is None
    visit.stream.receive([(float(poses.times[-1]) + 2.0, grey_frame(poses.frame_size))])
    assert model.calls[-1] == pytest.approx(float(poses.times[-1]) + 2.0)        # analysed again after


def test_a_step_sent_to_the_cluster_leaves_the_preview_analysed(monkeypatch):
    """The cluster, not this server, works the step out: the preview goes on drawing the skeleton."""
    from movement_check.live.step_results import StepOutcome
    import movement_check.live.visit as live_visit

    poses, _ = walk(Script(segments=[("walk", 2.0)]))
    visit = _book().create("jdoe")
    visit.scheduler = "tcp://127.0.0.1:1"
    model = KnownPeople(poses)
    visit.stream._factory = lambda: model
    during = []

    def analyse(job, recording, **kw):
        calls = len(model.calls)
        visit.stream.receive([(float(poses.times[-1]) + 1.0, grey_frame(poses.frame_size))])
        during.append((len(model.calls) - calls, visit.stream.view().resting))
        return StepOutcome(step=job.step.key, title=job.step.title, started="", frames_received=len(recording),
                           received_fps=recording.fps, live_fps=kw["live_fps"], error="not here")

    monkeypatch.setattr(live_visit, "analyse", analyse)
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    visit.stop_step(wait=True)
    assert during == [(1, False)] and visit.outcomes[0].error == "not here"


def test_a_step_whose_video_reconnected_keeps_the_frames_after_and_says_so(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    visit = _book().create("jdoe")
    visit.stream._factory = lambda: KnownPeople(poses)
    import movement_check.pipeline.extraction as extraction
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    for t in poses.times[:20] - poses.times[0]:                                 # the new stream starts at 0
        visit.stream.receive([(float(t), grey_frame(poses.frame_size))])
    visit.stop_step(wait=True)
    (outcome,) = visit.outcomes
    assert outcome.error is None, outcome.error
    assert outcome.frames_received == len(poses) + 20
    assert outcome.result["source"]["live_step"]["frames_received"] == len(poses) + 20
    assert any("video reconnected once" in w for w in outcome.result["warnings"])


def test_a_step_left_recording_past_the_visit_limit_is_analysed_filed_then_the_visit_ends(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    clock = Clock()
    book = _book(clock, max_hours=2)
    visit = book.create("jdoe")
    book.join(visit.code, holder="tab-1")
    visit.stream._factory = lambda: KnownPeople(poses)
    import movement_check.pipeline.extraction as extraction
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)            # then the therapist's page closed: nobody pressed Stop
    clock.now += 2 * 3600 + 1
    book.of("jdoe")                                    # a sweep past the limit
    assert visit.step is None                          # the step was stopped (its thread and graph let go) ...
    # ... and until its result is filed the visit is closing: no new step starts in it, nobody joins it
    assert visit.closing
    with pytest.raises(VisitClosing, match="passed its time limit"):
        visit.start_step(step("walk-side"))
    assert visit.step is None
    with pytest.raises(Refused) as refused:
        book.join(visit.code, holder="tab-2")
    assert refused.value.reason == "closing" and "ending" in str(refused.value)
    if visit.analysis is not None:
        visit.analysis.thread.join(timeout=60)
    (outcome,) = visit.outcomes                        # ... and analysed, not dropped
    assert outcome.error is None and outcome.result["test"] == "gait"
    assert book.of("jdoe") == []                       # the next sweep ends the visit
    assert visit.ended and visit.code not in book._visits
    # ... and its results stay a day for its therapist's page (which lists open visits only)
    assert book.ended_at_limit("jdoe") == [visit] and book.ended_at_limit("asmith") == []
    clock.now += 24 * 3600 + 1
    assert book.ended_at_limit("jdoe") == []


def test_a_closing_visit_whose_result_never_comes_ends_after_the_grace_and_a_patient_page_sweeps(monkeypatch,
                                                                                                   tmp_path):
    """The last step's analysis hangs (a cluster with no worker left): the visit stays closing for
    CLOSING_GRACE_S past its limit, then ends; the analysis is left to finish and still writes its result.
    No therapist's page runs: the patient's page's heartbeat sweeps."""
    import threading

    import movement_check.pipeline.extraction as extraction
    import movement_check.live.visit as visit_module
    from movement_check.live.visits import CLOSING_GRACE_S

    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    release = threading.Event()
    real_keep = visit_module.keep

    def stuck_keep(*args, **kwargs):
        release.wait(60)
        return real_keep(*args, **kwargs)

    monkeypatch.setattr(visit_module, "keep", stuck_keep)
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    clock = Clock()
    book = _book(clock, max_hours=2, data_dir=tmp_path)
    visit = book.create("jdoe")
    book.join(visit.code, holder="tab-1")
    visit.stream._factory = lambda: KnownPeople(poses)
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    clock.now += 2 * 3600 + 1
    assert book.heartbeat(visit, "tab-1")                          # the patient's page swept: step stopped
    assert visit.closing and visit.step is None and not visit.ended
    clock.now += CLOSING_GRACE_S - 60
    book.heartbeat(visit, "tab-1")
    assert visit.closing and not visit.ended                        # still waiting for its result
    clock.now += 120
    book.heartbeat(visit, "tab-1")                                  # past the grace: ended (the page holds
    assert visit.ended and visit.code not in book._visits and book.of("jdoe") == []   # it: says so)
    with pytest.raises(Refused) as refused:                         # a reload: "ended", not "not valid"
        book.join(visit.code, "any-token", holder="tab-1")
    assert refused.value.reason == "ended"
    job = visit.analysis
    release.set()
    if job is not None:
        job.thread.join(timeout=60)
    assert list(tmp_path.glob("visit-*/*.json"))                    # the result still written when it came


def test_a_visit_past_its_limit_is_not_ended_while_its_last_result_is_being_filed(monkeypatch, tmp_path):
    import threading

    import movement_check.pipeline.extraction as extraction
    import movement_check.live.visit as visit_module

    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    filing, release = threading.Event(), threading.Event()
    real_keep = visit_module.keep

    def slow_keep(*args, **kwargs):            # the result being written when the sweep comes
        filing.set()
        release.wait(30)
        return real_keep(*args, **kwargs)

    monkeypatch.setattr(visit_module, "keep", slow_keep)
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    clock = Clock()
    book = _book(clock, max_hours=2, data_dir=tmp_path)
    visit = book.create("jdoe")
    book.join(visit.code, holder="tab-1")
    visit.stream._factory = lambda: KnownPeople(poses)
    visit.start_step(step("walk-side"))
    feed_grey(poses, visit.stream, batch=4)
    clock.now += 2 * 3600 + 1
    book.of("jdoe")                            # stops and analyses the step
    assert filing.wait(60)
    book.of("jdoe")                            # a sweep while the result is being filed
    assert not visit.ended
    release.set()
    job = visit.analysis
    if job is not None:
        job.thread.join(timeout=60)
    assert book.of("jdoe") == [] and visit.ended
    assert list(tmp_path.rglob("*.json"))      # the result was kept


def test_a_step_with_no_frames_gives_a_reason_not_a_traceback():
    visit = _book().create("jdoe")
    visit.start_step(step("raise-left"))
    visit.stop_step(wait=True)
    (outcome,) = visit.outcomes
    assert outcome.result is None and "No frames were received" in outcome.error


def test_the_protocol_covers_the_visits_tests():
    assert [s.test for s in STEPS].count("gait") == 2
    assert {s.raised_side for s in STEPS if s.test == "leg-raise"} == {"left", "right"}
    assert all(s.pain_button == (s.options.get("posture") == "supine") for s in STEPS)
    with pytest.raises(KeyError, match="unknown step"):
        step("jump")


# -- sign-in and settings -----------------------------------------------------------------------

def test_passwords_are_checked_against_salted_hashes():
    stored = hash_password("correct horse", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$") and "correct horse" not in stored
    assert hash_password("correct horse", iterations=1000) != stored           # salted
    assert verify_password("correct horse", stored)
    assert not verify_password("wrong", stored)
    assert not verify_password("correct horse", "garbage")
    assert sign_in({"jdoe": stored}, " jdoe ", "correct horse")
    assert not sign_in({"jdoe": stored}, "asmith", "correct horse")
    with pytest.raises(ValueError):
        hash_password("")


def test_settings_default_to_no_therapist_and_no_outside_ice_server(tmp_path):
    config = load_config({}, cwd=tmp_path)
    assert config.therapists == {} and config.rtc_configuration == {"iceServers": []}
    assert config.model == "full" and config.data_dir == tmp_path / "movement-check-data"
    assert config.record_location == str(tmp_path / "movement-check-data" / "record.sqlite")


def test_settings_from_a_file_and_the_environment(tmp_path):
    (tmp_path / "movement-check.toml").write_text(
        '[therapists]\njdoe = "pbkdf2_sha256$1$AA==$AA=="\n[live]\nmodel = "lite"\ncode_minutes = 30\n'
        'ice_servers = [{urls = ["stun:stun.example.org:3478"]}]\n[storage]\ndata_dir = "/srv/mc"\n')
    config = load_config({}, cwd=tmp_path)
    assert config.therapists == {"jdoe": "pbkdf2_sha256$1$AA==$AA=="} and config.model == "lite"
    assert config.code_minutes == 30 and str(config.data_dir) == "/srv/mc"
    assert config.rtc_configuration == {"iceServers": [{"urls": ["stun:stun.example.org:3478"]}]}
    turn = [{"urls": ["turn:turn.example.org:3478"], "username": "u", "credential": "p"}]
    env = {"MOVEMENT_CHECK_ICE_SERVERS": json.dumps(turn), "MOVEMENT_CHECK_LIVE_MODEL": "full"}
    config = load_config(env, cwd=tmp_path)
    assert config.rtc_configuration == {"iceServers": turn} and config.model == "full"
    assert config.record_location == "/srv/mc/record.sqlite"
    url = "postgresql+psycopg://mc:secret@db.example.org/mc"
    assert load_config({"MOVEMENT_CHECK_RECORD": url}, cwd=tmp_path).record_location == url
    assert load_config({"MOVEMENT_CHECK_RECORD": "clinic.sqlite"}, cwd=tmp_path).record_location == str(
        tmp_path / "clinic.sqlite")
    # administrators: from the file's [roles], or the environment as JSON or a comma-separated list
    (tmp_path / "movement-check.toml").write_text(
        '[therapists]\njdoe = "h"\nasmith = "h"\n[roles]\nadmins = ["jdoe"]\n')
    assert load_config({}, cwd=tmp_path).admins == {"jdoe"}
    assert load_config({"MOVEMENT_CHECK_ADMINS": "jdoe, asmith"}, cwd=tmp_path).admins == {"jdoe", "asmith"}
    assert load_config({"MOVEMENT_CHECK_ADMINS": '["asmith"]'}, cwd=tmp_path).admins == {"asmith"}


@pytest.mark.parametrize("env, message", [
    ({"MOVEMENT_CHECK_ICE_SERVERS": "[{"}, "not valid JSON"),
    ({"MOVEMENT_CHECK_ICE_SERVERS": '[{"url": "stun:x"}]'}, 'needs "urls"'),
    ({"MOVEMENT_CHECK_THERAPISTS": "[]"}, "must be a JSON object"),
    ({"MOVEMENT_CHECK_LIVE_MODEL": "heavy"}, "must be one of full, lite"),
    ({"MOVEMENT_CHECK_CONFIG": "/nonexistent.toml"}, "does not exist"),
    ({"MOVEMENT_CHECK_ADMINS": "boss"}, "must be a therapist with a password; not one: boss"),
    ({"MOVEMENT_CHECK_ADMINS": '[1, 2]'}, "list of therapist names"),
])
def test_a_setting_that_cannot_be_read_is_named(tmp_path, env, message):
    with pytest.raises(InputError, match=message):
        load_config(env, cwd=tmp_path)


def test_a_camera_that_stops_is_told_from_one_that_never_started():
    """No picture for STOPPED_S after pictures came: the camera is lost (the therapist is told); before the
    first picture it is only not started; a picture again and it is back."""
    from movement_check.live.stream import STOPPED_S
    from tests.fixtures.live_stubs import KnownPeople, grey_frame

    now = [100.0]
    stream = LiveStream("full", estimator_factory=lambda: KnownPeople(), clock=lambda: now[0])
    view = stream.view()
    assert not view.streaming and not view.camera_lost and view.silent_s is None
    stream.receive([(0.0, grey_frame((64, 48)))])
    assert stream.view().streaming and not stream.view().camera_lost
    now[0] += STOPPED_S - 0.1
    assert not stream.view().camera_lost
    now[0] += 0.2
    view = stream.view()
    assert view.camera_lost and not view.streaming and view.silent_s == pytest.approx(STOPPED_S + 0.1)
    stream.receive([(1.0, grey_frame((64, 48)))])
    assert stream.view().streaming and not stream.view().camera_lost


def test_a_side_on_walker_near_the_cut_off_is_not_told_to_turn_side_on():
    side, _ = walk(Script(segments=[("walk", 5.0)]))
    ratios = shoulder_ratio(side.image)
    kw = dict(frame_size=side.frame_size, people=1, light_level=200.0)
    near = [i for i, r in enumerate(ratios) if SIDE_VIEW_MAX_RATIO <= r < SIDE_VIEW_MAX_RATIO + lc.CUE_MARGIN]
    assert near                                      # the walk has such frames (near the edges of the view)
    for i in near:
        person, vis = _one(side, i)
        assert lc.TURN_SIDE_ON not in lc.cues(person, vis, view="side", **kw)
    far = [i for i, r in enumerate(ratios) if r >= SIDE_VIEW_MAX_RATIO + lc.CUE_MARGIN]
    for i in far:                                     # clearly facing: still told
        person, vis = _one(side, i)
        assert lc.TURN_SIDE_ON in lc.cues(person, vis, view="side", **kw)


def test_a_step_started_as_the_visit_passes_its_limit_is_refused_not_recorded_in_the_closing_visit():
    """The sweep (another page's run) marks the visit closing while start_step stops the step before: the new
    step is refused, not left recording in a visit whose page shows no Stop button."""
    clock = Clock()
    book = _book(clock, max_hours=2)
    visit = book.create("jdoe")
    book.join(visit.code, holder="tab-1")
    visit.start_step(step("walk-side"))
    real_stop = visit.stop_step

    def stop_then_sweep(**kw):
        job = real_stop(**kw)
        clock.now += 2 * 3600 + 1
        book.of("someone-else")                  # a sweep, between start_step's first check and its recording
        return job

    visit.stop_step = stop_then_sweep
    with pytest.raises(VisitClosing):
        visit.start_step(step("raise-left"))
    assert visit.closing and visit.step is None
    if visit.analysis is not None:
        visit.analysis.thread.join(timeout=60)


def test_one_pain_press_taken_twice_is_one_mark():
    """The patient's page (a timed fragment) could take one PAIN click twice: the therapist read "PAIN reported at
    0.6 s, 0.6 s". Marks closer than PAIN_SAME_S are one press; a later press is its own mark."""
    from movement_check.live.visit import PAIN_SAME_S, Visit

    class Moments:
        at = 0.6

        def pain_mark(self):
            return self.at

    moments = Moments()
    visit = Visit(number="1", code="c", therapist="t", created=0.0, expires=60.0, stream=moments)
    assert visit.mark_pain() == 0.6 and visit.mark_pain() == 0.6
    moments.at = 0.6 + 0.8 * PAIN_SAME_S
    visit.mark_pain()
    assert visit.pain_marks == [0.6]
    moments.at = 2.4
    visit.mark_pain()
    assert visit.pain_marks == [0.6, 2.4]
