"""A live step's frames through the pose model while it records (movement_check.live.step_extraction): the same result
as analysing every frame after Stop, only the rest analysed after Stop, and nothing left running when a step is
dropped, a new one started, the visit ended or the patient's camera stops mid-step."""

from __future__ import annotations

import io
from dataclasses import replace
import os
import pickle
import threading
import time
import warnings

import cv2
import numpy as np
import pytest

import movement_check.pipeline.extraction as extraction
from movement_check.live.stream import LiveStream
from movement_check.clinic.checkin import CheckIn
from movement_check.clinic.protocol import step
from movement_check.live.recording import Recording
from movement_check.live.step_results import analyse_step, start_extraction
from movement_check.pipeline.video import ClipReader
from movement_check.live.visits import VisitBook
from tests.fixtures.clips import SAMPLE_TWO_PEOPLE
from tests.fixtures.live_stubs import KnownPeople, grey_frame
from tests.fixtures.walker import Script, walk

KEY_METRICS = ("cadence", "step_time_mean", "stride_time_mean", "stance_pct", "gait_speed")


def _book(**kwargs) -> VisitBook:
    """A book whose live preview "finds" nobody (its own stub, apart from the step's pose model)."""
    return VisitBook(stream_factory=lambda model: LiveStream(model, estimator_factory=KnownPeople), **kwargs)


class Counted:
    """Stands in for extraction's PoseEstimator: each graph made is a KnownPeople of ``poses``, kept in ``made``;
    with ``hold_after`` frames done, a graph waits for ``go`` before the next (the computer busy elsewhere)."""

    def __init__(self, poses, *, hold_after: int | None = None):
        self.poses, self.hold_after = poses, hold_after
        self.made: list[KnownPeople] = []
        self.go = threading.Event()

    def __call__(self, model, settings, **_):
        graph = KnownPeople(self.poses)
        detect = graph.detect

        def held(rgb, time_s):
            if self.hold_after is not None and len(graph.calls) >= self.hold_after:
                self.go.wait(timeout=60)
            return detect(rgb, time_s)

        graph.detect = held
        self.made.append(graph)
        return graph


def _feed(stream, poses, start: int = 0, stop: int | None = None) -> None:
    for t in poses.times[start:stop]:
        stream.receive([(float(t), grey_frame(poses.frame_size))])


def _wait(condition, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


_EARLIER: set[threading.Thread] = set()


@pytest.fixture(autouse=True)
def _earlier_extractions():
    """Extractions of visits other test modules left recording are not this module's business."""
    _EARLIER.update(threading.enumerate())


def _extracting() -> list[threading.Thread]:
    """Step extractions started by this test and still running."""
    return [t for t in threading.enumerate() if t.name.startswith("extract ") and t not in _EARLIER]


def _metric(result: dict, name: str):
    return next((m["value"] for m in result["metrics"] if m["name"] == name and not m.get("side")), None)


def test_after_stop_only_the_frames_not_analysed_while_recording_go_through_the_pose_model(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    model = Counted(poses, hold_after=100)
    monkeypatch.setattr(extraction, "PoseEstimator", model)
    visit = _book().create("jdoe")
    visit.start_step(step("walk-side"))
    _feed(visit.stream, poses)
    _wait(lambda: visit.analysed_so_far[0] == 100)
    recording = visit.stream._recording
    assert visit.analysed_so_far == (100, len(poses))
    assert recording.released == 100                 # the frames analysed have let their JPEG go
    assert recording.bytes_kept == sum(len(f) for f in recording.frames[100:])
    job = visit.stop_step(height_cm=175)
    assert job.before_stop == 100 and job.frames == len(poses) and job.remaining == len(poses) - 100
    left = len(poses) - 100
    assert job.progress_text == (f"Analysing \"{job.step.title}\": 100 of {len(poses)} frames analysed while "
                                 f"recording; the other {left}: 0 done")
    model.go.set()                                   # the rest, after Stop
    job.thread.join(timeout=60)
    # one graph while recording; at Stop a second takes the second half of the 80 frames left, from 0.2 s before
    # its middle (frame 140), and the first stops once the two found the same in 3 frames in a row (step_halves)
    first, second = model.made
    times = list(poses.times - poses.times[0])
    assert first.calls == pytest.approx(times[:143]) and second.calls == pytest.approx(times[134:])
    assert job.done == job.frames and job.remaining == 0 and first.closed and second.closed
    (outcome,) = visit.outcomes
    assert outcome.error is None, outcome.error
    assert outcome.frames_processed == len(poses) and _metric(outcome.result, "cadence") == pytest.approx(110, rel=0.01)
    assert not _extracting() and visit.analysis is None


def _held_until_stop(graph: KnownPeople, holder: list) -> None:
    """``graph`` waits, before each frame, for Stop (the extraction put in ``holder`` told to finish): every frame
    is left for after Stop, whatever the machine's speed."""
    detect = graph.detect
    graph.detect = lambda rgb, time_s: (_wait(lambda: holder and holder[0]._finish.is_set()), detect(rgb, time_s))[1]


def _recorded_step(poses, holder: list):
    """A walking step's recording of every frame of ``poses`` (grey pictures) with its extraction running, which
    is put in ``holder`` before the first frame: (recording, extraction)."""
    recorded = Recording(name="the step")
    extracting = start_extraction(recorded, step("walk-side"))
    holder.append(extracting)
    for t in poses.times:
        recorded.add(float(t), grey_frame(poses.frame_size))
    return recorded, extracting


@pytest.mark.parametrize("how", ["disagrees", "fails"])
def test_a_second_model_that_never_agrees_or_fails_leaves_the_first_to_go_on_alone(monkeypatch, how):
    """The second model of the frames left at Stop finds something else (a bystander held by one and not the
    other, say) or raises: the first goes through every frame alone, and the result is one model's."""
    poses, _ = walk(Script(segments=[("walk", 10.0)]))
    other = replace(poses, image=poses.image + 1.0)
    made: list[KnownPeople] = []
    holder: list = []

    def factory(model, settings, **_):
        made.append(KnownPeople(poses if len(made) != 1 else other))
        if len(made) == 1:                      # the first waits for Stop (not timing): frames are left for two
            _held_until_stop(made[0], holder)
        if len(made) == 2 and how == "fails":
            made[-1].detect = lambda rgb, time_s: 1 / 0
        return made[-1]

    monkeypatch.setattr(extraction, "PoseEstimator", factory)
    frames = [(float(t), grey_frame(poses.frame_size)) for t in poses.times]
    recorded, extracting = _recorded_step(poses, holder)
    during = analyse_step(recorded, step("walk-side"), extraction=extracting, height_cm=175)
    assert len(made) == 2 and made[0].calls == pytest.approx(list(poses.times - poses.times[0]))
    assert recorded.released == len(frames) and recorded.bytes_kept == 0
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    whole = Recording(name="the step")
    for t, bgr in frames:
        whole.add(t, bgr)
    _assert_same(analyse_step(whole, step("walk-side"), height_cm=175), during)


def test_the_result_is_the_same_as_analysing_every_frame_after_stop(monkeypatch):
    """Stand-in pose model: the background path and the after-Stop path give the same result and landmarks."""
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    after, during = _same_frames(poses)
    _assert_same(after, during)


def _same_frames(poses, frames=None):
    """The same frames analysed after Stop and while they were recorded: the two outcomes."""
    walk_step = step("walk-side")
    frames = frames or [(float(t), grey_frame(poses.frame_size)) for t in poses.times]
    whole = Recording(name="the step")
    for t, bgr in frames:
        whole.add(t, bgr)
    recorded = Recording(name="the step")
    extracting = start_extraction(recorded, walk_step)
    for t, bgr in frames:                  # as the live stream adds them, the extraction taking each in turn
        recorded.add(t, bgr)
    during = analyse_step(recorded, walk_step, extraction=extracting, height_cm=175)
    after = analyse_step(whole, walk_step, height_cm=175)
    assert recorded.released == len(frames) and not extracting.running
    return after, during


def _assert_same(after, during) -> None:
    assert after.error is None and during.error is None, (after.error, during.error)
    a, b = (np.load(io.BytesIO(o.npz)) for o in (after, during))
    assert sorted(a.files) == sorted(b.files)
    for name in a.files:                                         # the landmarks of every frame
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    for key in ("metrics", "events", "warnings", "quality"):
        assert after.result[key] == during.result[key], key
    assert after.frames_processed == during.frames_processed and set(after.figures) == set(during.figures)


def test_a_step_recorded_in_a_dim_room_is_said_to_be_dark_as_a_clip_would_be(monkeypatch):
    """The light of a live step's frames is measured as a clip's is (every 8th frame; the frames held in RGB),
    while it records and after Stop alike: a dim room gets the dark clip's warning, a lit one does not."""
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    for level, dark in ((40, True), (200, False)):
        frame = grey_frame(poses.frame_size, level)
        frame[..., 2] = min(255, 2 * level)         # red only in the red channel: the level reads it as BGR
        after, during = _same_frames(poses, [(float(t), frame) for t in poses.times])
        _assert_same(after, during)
        said = [w for w in during.result["warnings"] if w.startswith("the clip is dark")]
        assert len(said) == int(dark), during.result["warnings"]
        if dark:
            # luma 0.114 * 40 + 0.587 * 40 + 0.299 * 80 = 52 (read as RGB it would be 0.299 * 40 + ... + 0.114 * 80)
            assert said[0].startswith("the clip is dark (its brightest parts reach 52 of 255)")


@pytest.mark.slow
def test_a_real_walk_gives_the_same_landmarks_and_result_through_the_real_pose_model():
    """The full pose model over a real two-person walk (at webcam size): while recording or after Stop, the same
    per-frame landmarks and the same measures."""
    frames = [(frame.time_s, cv2.resize(frame.bgr, (640, 360))) for frame in ClipReader(SAMPLE_TWO_PEOPLE)]
    after, during = _same_frames(None, frames)
    _assert_same(after, during)
    assert _metric(during.result, "cadence") == pytest.approx(98.5, abs=5)


def test_ending_the_visit_or_a_red_flag_mid_step_stops_the_extraction_and_files_nothing(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 3.0)]))
    model = Counted(poses)
    monkeypatch.setattr(extraction, "PoseEstimator", model)
    book = _book()
    for drop in (book.end, lambda v: v.check_in(CheckIn(pain_now=8, red_flags=("bladder_bowel",)))):
        visit = book.create("jdoe")
        visit.start_step(step("walk-side"))
        _feed(visit.stream, poses, 0, 40)
        drop(visit)
        assert not _extracting() and model.made[-1].closed
        assert visit.step is None and visit.analysis is None and visit.outcomes == []
        assert visit.analysed_so_far is None


def test_a_new_step_started_mid_step_analyses_the_first_and_records_the_second(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    model = Counted(poses)
    monkeypatch.setattr(extraction, "PoseEstimator", model)
    visit = _book().create("jdoe")
    visit.start_step(step("walk-side"))
    _feed(visit.stream, poses, 0, 90)
    visit.start_step(step("walk-toward"))            # the first step is stopped and analysed
    first = visit.analysis
    _feed(visit.stream, poses, 90)
    first.thread.join(timeout=60)
    second = visit.stop_step(wait=True)
    assert [o.step for o in visit.outcomes] == ["walk-side", "walk-toward"]
    assert [o.frames_received for o in visit.outcomes] == [90, len(poses) - 90]
    assert len(model.made) == 2 and all(g.closed for g in model.made)
    assert second.done == second.frames and not _extracting()


def test_a_camera_that_stops_mid_step_leaves_the_extraction_waiting_and_stop_analyses_what_was_kept(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    model = Counted(poses)
    monkeypatch.setattr(extraction, "PoseEstimator", model)
    visit = _book().create("jdoe")
    visit.start_step(step("walk-side"))
    _feed(visit.stream, poses, 0, 80)
    _wait(lambda: visit.analysed_so_far[0] == 80)
    calls = len(model.made[0].calls)
    time.sleep(0.5)                                  # the patient's camera off: nothing to do, nothing done
    assert len(model.made[0].calls) == calls and _extracting()
    _feed(visit.stream, poses, 80)                   # back
    visit.stop_step(wait=True, height_cm=175)
    (outcome,) = visit.outcomes
    assert outcome.error is None and outcome.frames_processed == len(poses)
    assert not _extracting()


def test_stop_right_after_start_says_no_frames_and_leaves_nothing_running():
    visit = _book().create("jdoe")
    visit.start_step(step("raise-left"))
    visit.stop_step(wait=True)
    (outcome,) = visit.outcomes
    assert outcome.result is None and "No frames were received" in outcome.error
    assert not _extracting()


def test_a_recording_pickles_with_its_frames_and_the_analysed_ones_cannot_be_read_again():
    recording = Recording(name="the step")
    for t in (0.0, 0.04, 0.08):
        recording.add(t, grey_frame((64, 48)))
    copy = pickle.loads(pickle.dumps(recording))
    assert copy.times == recording.times and copy.frames == recording.frames and copy.add(0.12, grey_frame((64, 48)))
    assert [t for t, _ in copy.rgb_frames()] == pytest.approx([0.0, 0.04, 0.08, 0.12])
    recording.release(0)
    assert recording.bytes_kept == sum(len(f) for f in recording.frames[1:])
    with pytest.raises(RuntimeError, match="let go"):
        next(recording.rgb_frames())


@pytest.mark.slow
def test_with_a_scheduler_the_step_is_analysed_on_the_cluster_and_filed_the_same(tmp_path):
    """A Dask LocalCluster as the configured scheduler: nothing is analysed here while the step records, the
    recording goes to the worker after Stop, and the result that comes back is the one this process gives for
    the same frames, filed in the clinic record as ever."""
    from movement_check import compute
    from movement_check.clinic.record import Record

    record = Record(tmp_path / "record.sqlite")
    cluster = compute.local_cluster(1)
    try:
        visit = _book(scheduler=cluster.scheduler_address, record=record).create("jdoe", patient_id="P-0042")
        visit.start_step(step("walk-side"))
        for frame in ClipReader(SAMPLE_TWO_PEOPLE):
            visit.stream.receive([(frame.time_s, cv2.resize(frame.bgr, (640, 360)))])
        assert visit.analysed_so_far is None and not _extracting()          # nothing analysed in this process
        same_frames = pickle.loads(pickle.dumps(visit.stream._recording))
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            job = visit.stop_step(wait=True, height_cm=175)
        # the frames went to the worker on their own (scattered), not as a task graph of many megabytes
        assert not [w for w in seen if "large graph" in str(w.message)]
        assert job.where == cluster.scheduler_address and "on the clinic's compute cluster" in job.progress_text
        assert "analyse_step" in cluster.scheduler.task_prefixes                # it ran there
        (outcome,) = visit.outcomes
        assert outcome.error is None, outcome.error
        here = analyse_step(same_frames, step("walk-side"), height_cm=175, live_fps=outcome.live_fps)
        _assert_same(here, outcome)
        assert outcome.frames_received == len(same_frames) == outcome.frames_processed
        (session,) = record.sessions("P-0042")
        (filed,) = session.tests
        assert filed.step == "walk-side" and filed.result == outcome.result and filed.has_trajectory
        assert [e.action for e in record.audit_entries()].count("result filed") == 1
    finally:
        client = compute._clients.pop(cluster.scheduler_address, None)
        if client is not None:
            client.close()
        cluster.close()


def test_a_scheduler_that_does_not_answer_gives_the_step_an_error_in_words(monkeypatch):
    import socket

    from movement_check import compute

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                  # nobody listens there once closed
    real = compute.connect
    monkeypatch.setattr(compute, "connect", lambda where: real(where, timeout="2s"))
    visit = _book(scheduler=f"tcp://127.0.0.1:{port}").create("jdoe")
    visit.start_step(step("walk-side"))
    visit.stream.receive([(0.0, grey_frame((64, 48)))])
    visit.stop_step(wait=True)
    (outcome,) = visit.outcomes
    assert outcome.result is None and "No Dask scheduler answers at" in outcome.error
    assert visit.analysis is None and not _extracting()


def test_a_lowered_thread_passes_its_priority_to_the_threads_it_starts_and_can_be_raised_back():
    import movement_check.live.priority as priority

    seen = {}

    def child():
        seen["child"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def worker():
        me = threading.get_native_id()
        before = priority.lower_this_thread(5)
        seen["before"], seen["lowered"] = before, os.getpriority(os.PRIO_PROCESS, me)
        t = threading.Thread(target=child)
        t.start()
        t.join()
        seen["raised"] = priority.set_priority({me}, before)
        seen["after"] = os.getpriority(os.PRIO_PROCESS, me)

    if not priority.threads():
        pytest.skip("this system does not list a process' threads")
    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["lowered"] == min(seen["before"] + 5, 19) == seen["child"]
    if seen["raised"]:                  # allowed to raise it back (root, or RLIMIT_NICE)
        assert seen["after"] == seen["before"]


def test_a_visit_ended_while_a_stopped_step_is_analysed_still_gets_that_steps_result(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 6.0)]))
    model = Counted(poses, hold_after=50)
    monkeypatch.setattr(extraction, "PoseEstimator", model)
    book = _book()
    visit = book.create("jdoe")
    visit.start_step(step("walk-side"))
    _feed(visit.stream, poses)
    _wait(lambda: visit.analysed_so_far[0] == 50)
    job = visit.stop_step(height_cm=175)               # Stop pressed: its result is wanted
    book.end(visit)
    model.go.set()
    job.thread.join(timeout=60)
    (outcome,) = visit.outcomes
    assert outcome.error is None and outcome.frames_processed == len(poses)
    assert not job.thread.is_alive() and not _extracting() and model.made[0].closed


def test_frames_left_too_few_for_the_two_models_to_give_up_are_all_let_go(monkeypatch):
    """The step ends before the two models agree and before the first gives up on them (under GIVE_UP_S after
    the middle): the first goes through every frame to the end, and every JPEG is let go all the same."""
    poses, _ = walk(Script(segments=[("walk", 4.0)]))
    other = replace(poses, image=poses.image + 1.0)
    made: list[KnownPeople] = []
    holder: list = []

    def factory(model, settings, **_):
        made.append(KnownPeople(poses if len(made) != 1 else other))
        if len(made) == 1:                      # the first waits for Stop: every frame is left for after it
            _held_until_stop(made[0], holder)
        return made[-1]

    monkeypatch.setattr(extraction, "PoseEstimator", factory)
    recorded, extracting = _recorded_step(poses, holder)
    outcome = analyse_step(recorded, step("walk-side"), extraction=extracting, height_cm=175)
    assert outcome.error is None, outcome.error
    assert len(made) == 2 and made[0].calls == pytest.approx(list(poses.times - poses.times[0]))
    assert recorded.released == len(poses.times) and recorded.bytes_kept == 0


def test_a_step_dropped_while_the_second_model_finishes_its_half_ends_within_a_frame(monkeypatch):
    """The two models agreed and the first waits for the second to do the rest of its half: the step is dropped
    (cancel): the second stops too, and the thread ends within a frame or so, not at the end of the half."""
    poses, _ = walk(Script(segments=[("walk", 10.0)]))
    made: list[KnownPeople] = []
    holder: list = []

    def factory(model, settings, **_):
        made.append(KnownPeople(poses))
        detect = made[-1].detect
        if len(made) == 1:                      # the first waits for Stop: every frame is left for after it
            _held_until_stop(made[0], holder)
        else:                                   # the second is slow: its half takes seconds
            made[1].detect = lambda rgb, time_s: (time.sleep(0.04), detect(rgb, time_s))[1]
        return made[-1]

    monkeypatch.setattr(extraction, "PoseEstimator", factory)
    recorded, extracting = _recorded_step(poses, holder)
    threading.Thread(target=lambda: extracting.finish(), daemon=True).start()
    _wait(lambda: len(made) == 2 and len(made[0].calls) >= len(poses.times) // 2 + 3)  # agreed past the middle
    began = time.monotonic()
    extracting.cancel()
    assert not extracting.running and time.monotonic() - began < 1.0
    assert len(made[1].calls) < len(poses.times) // 2


def test_a_second_model_that_cannot_be_made_leaves_the_first_to_go_on_alone(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 4.0)]))
    made: list[KnownPeople] = []
    holder: list = []

    def factory(model, settings, **_):
        if len(made) == 1:
            raise RuntimeError("no room for a second model")
        made.append(KnownPeople(poses))
        _held_until_stop(made[0], holder)
        return made[-1]

    monkeypatch.setattr(extraction, "PoseEstimator", factory)
    recorded, extracting = _recorded_step(poses, holder)
    outcome = analyse_step(recorded, step("walk-side"), extraction=extracting, height_cm=175)
    assert outcome.error is None, outcome.error
    assert made[0].calls == pytest.approx(list(poses.times - poses.times[0]))
    assert recorded.released == len(poses.times)


def test_the_light_of_a_step_joined_from_two_models_is_measured_on_one_models_grid(monkeypatch):
    """Every EVERY-th frame from the step's first, once each, whichever model went through it."""
    from movement_check.pipeline.exposure import EVERY
    poses, _ = walk(Script(segments=[("walk", 4.0)]))
    made: list[KnownPeople] = []
    holder: list = []

    def factory(model, settings, **_):
        made.append(KnownPeople(poses))
        if len(made) == 1:
            _held_until_stop(made[0], holder)
        return made[-1]

    monkeypatch.setattr(extraction, "PoseEstimator", factory)
    recorded, extracting = _recorded_step(poses, holder)
    people = extracting.finish()
    assert len(made) == 2 and len(made[0].calls) < len(poses.times)      # joined: the second did the end
    assert [i for i, _ in people.video.light] == list(range(0, len(poses.times), EVERY))
