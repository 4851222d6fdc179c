"""A clip's two halves through two pose models at once, joined where they agree exactly (movement_check.pipeline.halves)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

import movement_check.pipeline.halves as halves
from movement_check.pipeline.estimator import Detections, EstimatorSettings
from movement_check.pipeline.extraction import detect_people
from movement_check.body.landmarks import N_LANDMARKS
from movement_check.pipeline.pose_model import PoseModel
from movement_check.pipeline.video import ClipReader, VideoLimits

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE

MODEL = PoseModel(name="stand-in", path=Path("stand-in.task"), sha256="")


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    """A 6 s clip at 30 fps whose frames carry their number in the red channel of the top-left pixel."""
    import cv2

    path = tmp_path_factory.mktemp("halves") / "numbered.avi"
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"FFV1"), 30.0, (32, 24))
    for i in range(180):
        frame = np.zeros((24, 32, 3), np.uint8)
        frame[..., 2] = i            # BGR: red
        out.write(frame)
    out.release()
    return path


class Remembering:
    """A stand-in model whose finding depends on the frame and on what it found before, like MediaPipe in VIDEO
    mode: it reports the frame's number and how many frames it has seen, capped at ``memory`` (so two models
    agree once both have seen ``memory`` frames); ``never``: it never forgets (the two never agree)."""

    made: list["Remembering"] = []

    def __init__(self, model, settings, *, memory: int = 5, never: bool = False, fail_at: int | None = None):
        self.seen, self.memory, self.never, self.fail_at = 0, memory, never, fail_at
        self.frames: list[int] = []
        self.thread = None
        Remembering.made.append(self)

    def detect(self, rgb: np.ndarray, time_s: float) -> Detections:
        number = int(rgb[0, 0, 0])
        if number == self.fail_at and self.frames and self.frames[0] > 0:      # the second half's model only
            raise RuntimeError("the model broke")
        self.thread = threading.get_ident()
        self.seen += 1
        self.frames.append(number)
        image = np.zeros((1, N_LANDMARKS, 3))
        image[0, 0, 0] = number
        image[0, 1, 0] = self.seen if self.never else min(self.seen, self.memory)
        return Detections(image=image, world=np.zeros((1, N_LANDMARKS, 3)), visibility=np.ones((1, N_LANDMARKS)),
                          presence=np.ones((1, N_LANDMARKS)))

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _run(path, **kw):
    Remembering.made = []
    info = ClipReader(path).info
    split = halves.middle(info)
    calls = []
    times, found, measured = halves.detect_in_halves(
        path, info, split, model=MODEL, estimator=EstimatorSettings(), limits=VideoLimits(),
        progress=lambda done, of: calls.append((done, of, threading.get_ident())),
        estimator_factory=lambda m, s: Remembering(m, s, **kw))
    return split, times, found, measured, calls


def _one_model(path, **kw):
    import cv2

    model = Remembering(None, None, **kw)
    Remembering.made.remove(model)
    return [model.detect(cv2.cvtColor(f.bgr, cv2.COLOR_BGR2RGB), f.time_s) for f in ClipReader(path)]


def test_the_halves_are_joined_where_they_agree_and_give_one_models_findings(clip):
    split, times, found, measured, calls = _run(clip, memory=5)
    assert split == 90 and len(times) == len(found) == 180
    assert np.allclose(np.diff(times), 1 / 30, atol=2e-3) and measured.frame_count == 180
    assert measured.measured_fps == pytest.approx(30.0, rel=0.01)
    alone = _one_model(clip, memory=5)
    assert all(halves.same(a, b) for a, b in zip(found, alone))          # what one model finds, exactly
    (first,) = [m for m in Remembering.made if m.frames[0] == 0]
    (second,) = [m for m in Remembering.made if m.frames[0] > 0]
    # the second started 0.2 s (6 frames) before the middle; the first stopped AGREE frames past it
    assert second.frames[0] == 90 - 6 and first.frames[-1] == 90 + halves.AGREE - 1
    assert first.thread != second.thread
    assert {c[2] for c in calls} == {threading.get_ident()} and calls[-1][:2] == (180, 180)
    one_pass = ClipReader(clip)
    list(one_pass)
    # the light measured over the whole clip once, from whichever half read each frame: frame i is red i
    assert measured.light == one_pass.info.light
    assert [i for i, _ in measured.light] == list(range(0, 180, 8))
    assert [level for _, level in measured.light] == pytest.approx([0.299 * i for i in range(0, 180, 8)], abs=0.01)


def _one_pass_light(path):
    reader = ClipReader(path)
    list(reader)
    return reader.info.light


def test_halves_joined_at_a_frame_whose_light_is_measured_count_it_once(clip):
    """With a memory of 11 the second model (from frame 84) agrees from frame 94 on, so the first stops at 96,
    a frame whose light is measured: it is in the joined light once, which is one pass's."""
    _, _, found, measured, _ = _run(clip, memory=11)
    (first,) = [m for m in Remembering.made if m.frames[0] == 0]
    assert first.frames[-1] == 94 + halves.AGREE - 1 == 96 and 96 % 8 == 0
    assert measured.light == _one_pass_light(clip)


def test_halves_that_never_agree_leave_the_first_model_to_go_on_alone(clip):
    _, _, found, measured, _ = _run(clip, never=True)
    (first,) = [m for m in Remembering.made if m.frames[0] == 0]
    assert first.frames == list(range(180))                              # one model through the whole clip
    assert all(halves.same(a, b) for a, b in zip(found, _one_model(clip, never=True)))
    assert measured.light == _one_pass_light(clip)


@pytest.mark.parametrize("fail_at", [100, 170])       # before they agree, and after (the first goes on from there)
def test_a_second_model_that_fails_leaves_the_first_to_go_on_alone(clip, fail_at):
    _, _, found, measured, _ = _run(clip, memory=5, fail_at=fail_at)
    assert [m.frames for m in Remembering.made if m.frames[0] == 0] == [list(range(180))]
    assert len(found) == 180 and all(halves.same(a, b) for a, b in zip(found, _one_model(clip, memory=5)))
    assert measured.light == _one_pass_light(clip)


def test_short_clips_and_clips_of_unknown_length_are_one_pass():
    from movement_check.pipeline.video import VideoInfo

    def info(fps, count):
        return VideoInfo(path="x", width=1, height=1, nominal_fps=fps, frame_count=count, rotation=0, file_bytes=0)

    assert halves.middle(info(30.0, 44)) is None and halves.middle(info(30.0, 45)) == 22
    assert halves.middle(info(float("nan"), 500)) is None and halves.middle(info(30.0, 0)) is None


@pytest.mark.slow
def test_the_real_model_in_halves_finds_exactly_what_one_finds_beside_a_bystander():
    """The two-people sample: the second half's model starts without the bystander the first one holds; the
    halves are joined only once they agree bit for bit (README "Speed")."""
    one = detect_people(SAMPLE_TWO_PEOPLE, halves=False)
    two = detect_people(SAMPLE_TWO_PEOPLE, halves=True)
    assert np.array_equal(one.times, two.times)
    assert all(halves.same(a, b) for a, b in zip(one.detections, two.detections))
    assert one.video.measured_fps == two.video.measured_fps


def test_a_second_half_that_cannot_open_the_clip_leaves_the_first_alone(clip, monkeypatch):
    """The second half's reader failing (no file handles left, say) must not leave the first waiting for it."""
    real = halves.ClipReader

    def failing_in_the_second_half(*args, **kwargs):
        if threading.current_thread().name == "second half":
            raise OSError("Too many open files")
        return real(*args, **kwargs)

    monkeypatch.setattr(halves, "ClipReader", failing_in_the_second_half)
    out = {}
    runner = threading.Thread(target=lambda: out.update(found=_run(clip, memory=5)[2]), daemon=True)
    runner.start()
    runner.join(timeout=30)
    assert not runner.is_alive(), "the first half waited for a second half that never started"
    assert len(out["found"]) == 180 and all(halves.same(a, b) for a, b in zip(out["found"], _one_model(clip, memory=5)))


def test_one_person_looked_for_is_one_pass():
    """Looking for one person MediaPipe smooths the landmarks (a state its findings do not show): never split."""
    from movement_check.pipeline.video import VideoInfo

    info = VideoInfo(path="x", width=1, height=1, nominal_fps=30.0, frame_count=300, rotation=0, file_bytes=0)
    assert halves.middle(info, EstimatorSettings(max_people=1)) is None
    assert halves.middle(info, EstimatorSettings(max_people=2)) == 150
