"""A recording made on the home page (the webcam Recorder) analysed through service.analyse: every frame through
the (stand-in) pose model, and a recording cut short saying so first among the result's warnings."""

from __future__ import annotations

import asyncio

import pytest

import movement_check.pipeline.extraction as extraction
from movement_check.live.recorder import Recorder
from movement_check.service import analyse

from tests.fixtures.live_stubs import KnownPeople, grey_frame
from tests.fixtures.walker import Script, walk


class Frame:
    """What streamlit-webrtc hands the callback: an av.VideoFrame's time and pixels."""

    def __init__(self, time: float, bgr):
        self.time, self._bgr = time, bgr

    def to_ndarray(self, format: str):
        assert format == "bgr24"
        return self._bgr


def _recorded(poses, max_s: float):
    """The poses' frames through the Recorder's callback, between start and stop; the recording."""
    recorder = Recorder()
    frames_in = recorder.callback()
    frame = grey_frame(poses.frame_size)
    assert asyncio.run(frames_in([Frame(0.0, frame)])) and recorder.recording is None    # not recording: none kept
    recorder.start(max_s=max_s)
    times = poses.times - poses.times[0]
    for k in range(0, len(times), 4):                 # in batches, as the worker thread hands them over
        shown = asyncio.run(frames_in([Frame(float(t), frame) for t in times[k:k + 4]]))
        assert len(shown) == 1                         # only the newest is shown back
    recording = recorder.stop()
    assert recorder.recording is None
    return recording


def test_a_recording_is_analysed_from_every_frame_and_a_cut_short_one_says_so_first(monkeypatch):
    poses, _ = walk(Script(segments=[("walk", 8.0)]))
    monkeypatch.setattr(extraction, "PoseEstimator", lambda model, settings, **_: KnownPeople(poses))
    whole = _recorded(poses, max_s=180.0)
    assert len(whole) == len(poses) and not whole.truncated
    outcome = analyse(whole, "gait", height_cm=175)
    assert outcome.first_warnings == () and outcome.test == "gait"
    cadence = next(m for m in outcome.result_dict["metrics"] if m["name"] == "cadence")
    assert cadence["value"] == pytest.approx(110.0, rel=0.01)
    assert outcome.npz and len(outcome.prepared.poses) == len(poses)

    short = _recorded(poses, max_s=6.0)
    assert short.truncated and len(short) < len(poses)
    cut = analyse(short, "gait")
    assert cut.first_warnings == (short.truncated,)
    assert cut.result_dict["warnings"][0] == short.truncated
    assert cut.result_dict["warnings"][1:] == cut.result.to_dict()["warnings"]
