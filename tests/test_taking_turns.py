"""Two pose models taking a clip's frames in turn (movement_check.taking_turns)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from movement_check.estimator import Detections, EstimatorSettings
from movement_check.landmarks import N_LANDMARKS
from movement_check.pose_model import PoseModel
from movement_check.taking_turns import detect_in_turns


class Marking:
    """A stand-in model that "finds" one person whose nose x is the frame's grey level, and records which
    frames and times it was given (and in which thread)."""

    made: list["Marking"] = []

    def __init__(self, model, settings, *, slow_on: int | None = None, fail_on: int | None = None):
        self.frames: list[int] = []
        self.times: list[float] = []
        self.threads: set[int] = set()
        self.closed = False
        self.slow_on, self.fail_on = slow_on, fail_on
        Marking.made.append(self)

    def detect(self, rgb: np.ndarray, time_s: float) -> Detections:
        level = int(rgb[0, 0, 0])
        if level == self.fail_on:
            raise RuntimeError("the model broke")
        if level == self.slow_on:
            time.sleep(0.3)          # this model falls behind the other
        self.frames.append(level)
        self.times.append(time_s)
        self.threads.add(threading.get_ident())
        image = np.zeros((1, N_LANDMARKS, 3))
        image[0, 0, 0] = level
        return Detections(image=image, world=np.zeros((1, N_LANDMARKS, 3)),
                          visibility=np.ones((1, N_LANDMARKS)), presence=np.ones((1, N_LANDMARKS)))

    def close(self) -> None:
        self.closed = True


MODEL = PoseModel(name="stand-in", path=Path("stand-in.task"), sha256="")


def _frames(n: int):
    return [(i / 30.0, np.full((4, 4, 3), i, np.uint8)) for i in range(n)]


def _run(n=41, models=2, **kw):
    Marking.made = []
    calls = []
    times, found = detect_in_turns(_frames(n), model=MODEL, estimator=EstimatorSettings(), models=models,
                                   expected=n, progress=lambda done, of: calls.append((done, of, threading.get_ident())),
                                   estimator_factory=lambda model, settings: Marking(model, settings, **kw))
    return times, found, calls


def test_frames_are_dealt_in_turn_and_come_back_in_order():
    times, found, calls = _run(n=41, slow_on=6)
    assert times == [i / 30.0 for i in range(41)]
    assert [int(d.image[0, 0, 0]) for d in found] == list(range(41))     # in frame order, though model 1 lagged
    first, second = Marking.made
    assert first.frames == list(range(0, 41, 2)) and second.frames == list(range(1, 41, 2))
    assert all(np.diff(m.times).min() > 0 for m in Marking.made)          # each model's times increase
    assert first.threads.isdisjoint(second.threads) and threading.get_ident() not in first.threads | second.threads
    assert all(m.closed for m in Marking.made)


def test_progress_is_reported_from_the_callers_thread_and_ends_complete():
    _, _, calls = _run(n=20)
    assert {c[2] for c in calls} == {threading.get_ident()}
    assert calls[-1][:2] == (20, 20)
    done = [c[0] for c in calls]
    assert done == sorted(done)


def test_one_model_takes_every_frame():
    _, found, _ = _run(n=9, models=1)
    assert len(Marking.made) == 1 and Marking.made[0].frames == list(range(9))
    assert len(found) == 9


def test_a_failing_model_raises_in_the_caller_and_closes_both():
    with pytest.raises(RuntimeError, match="the model broke"):
        _run(n=60, fail_on=7)
    assert len(Marking.made) == 2 and all(m.closed for m in Marking.made)


def test_an_error_in_the_caller_stops_the_models():
    def frames():
        yield from _frames(10)
        raise OSError("the clip broke")

    Marking.made = []
    with pytest.raises(OSError, match="the clip broke"):
        detect_in_turns(frames(), model=MODEL, models=2,
                        estimator_factory=lambda model, settings: Marking(model, settings))
    assert all(m.closed for m in Marking.made)
    assert not [t for t in threading.enumerate() if t.name.startswith("pose model")]


def test_no_frames_gives_nothing():
    Marking.made = []
    times, found = detect_in_turns(iter(()), model=MODEL, estimator_factory=lambda m, s: Marking(m, s))
    assert times == [] and found == []


def test_a_model_that_cannot_be_made_is_the_callers_error():
    from movement_check.errors import InputError

    def factory(model, settings):
        raise InputError("The pose model could not be loaded")

    with pytest.raises(InputError, match="could not be loaded"):
        detect_in_turns(_frames(30), model=MODEL, estimator_factory=factory)
    with pytest.raises(InputError, match="could not be loaded"):
        detect_in_turns(iter(()), model=MODEL, estimator_factory=factory)


def test_two_real_models_in_turn_find_what_one_finds_on_a_one_person_clip():
    """With two people looked for in every frame, MediaPipe finds a lone person afresh in each frame, so the
    models taking turns must give one model's landmarks exactly (README "Speed"; bystanders make them differ
    slightly, measured by benchmarks/taking_turns_landmarks.py)."""
    from movement_check.extraction import detect_people

    clip = Path(__file__).resolve().parent.parent / "sample_videos" / "lab_lunge_portrait_60fps.mp4"
    one, two = detect_people(clip, models=1), detect_people(clip, models=2)
    assert np.array_equal(one.times, two.times)
    assert [len(d) for d in one.detections] == [len(d) for d in two.detections]
    assert sum(len(d) for d in one.detections) >= 0.9 * len(one.times)
    for a, b in zip(one.detections, two.detections):
        np.testing.assert_array_equal(a.image, b.image)
