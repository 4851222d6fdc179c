"""Reading clips: timestamps, rotation, and one-line refusals of bad files made here."""

import numpy as np
import pytest

from movement_check.errors import InputError
from movement_check.pipeline.video import ClipReader, VideoInfo, VideoLimits, check_measured_rate, probe

from tests.fixtures.clips import (pattern_frame, scramble_stream, set_rotation, truncate, write_clip, write_empty_clip,
                                 write_frames, write_pyav_clip)


def _read_all(path, limits=VideoLimits()):
    reader = ClipReader(path, limits)
    frames = list(reader)
    return reader, frames


def test_plain_clip_properties(tmp_path):
    path = write_clip(tmp_path / "plain.mp4", frames=45, fps=30.0, width=160, height=120)
    reader, frames = _read_all(path)
    info = reader.info
    assert (info.width, info.height) == (160, 120)
    assert info.frames_decoded == 45 == len(frames)
    assert info.nominal_fps == pytest.approx(30.0)
    assert info.measured_fps == pytest.approx(30.0, rel=1e-3)
    assert info.duration_s == pytest.approx(1.5, abs=1e-3)
    assert not info.variable_frame_rate and not info.warnings
    np.testing.assert_allclose([f.time_s for f in frames], np.arange(45) / 30.0, atol=1e-3)


def test_rotation_metadata_is_applied(tmp_path):
    path = set_rotation(write_clip(tmp_path / "phone.mp4", frames=10, width=160, height=120), 90)
    reader, frames = _read_all(path)
    assert reader.info.rotation == 90
    assert (reader.info.width, reader.info.height) == (120, 160)     # upright: portrait now
    frame = frames[0].bgr
    assert frame.shape[:2] == (160, 120)
    # the white band that was on top of the stored frame is now on the right edge,
    # and the red left half is now the top half (rotated 90 deg clockwise)
    assert frame[80, -3].min() > 200
    assert frame[5, 60, 2] > 200 and frame[5, 60, 0] < 60
    assert frame[-5, 20].max() < 60


def test_variable_frame_rate_uses_container_times(tmp_path):
    times = np.cumsum([0.0] + [0.033 if k % 2 else 0.050 for k in range(59)])
    path = write_pyav_clip(tmp_path / "vfr.mp4", list(times))
    reader, frames = _read_all(path)
    got = np.array([f.time_s for f in frames])
    np.testing.assert_allclose(got, times, atol=1.5e-3)
    assert reader.info.variable_frame_rate
    assert any("variable frame rate" in w for w in reader.info.warnings)
    assert reader.info.measured_fps == pytest.approx(59 / times[-1], rel=1e-2)


def test_text_file_named_mp4_is_refused(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n" * 20)
    with pytest.raises(InputError, match="not a video that can be read"):
        probe(path)


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        probe(path)


def test_zero_frame_clip_is_refused(tmp_path):
    path = write_empty_clip(tmp_path / "zero.mp4")
    with pytest.raises(InputError, match="holds no video frames"):
        probe(path)


def test_truncated_mp4_without_index_is_refused(tmp_path):
    # OpenCV writes the index (moov) at the end: cut short, nothing can be read
    path = truncate(write_clip(tmp_path / "cut.mp4", frames=60), 0.5)
    with pytest.raises(InputError, match="holds no video frames"):
        probe(path)


def test_undecodable_stream_is_refused(tmp_path):
    # the container is fine, the coded frames are not (as with a codec FFmpeg cannot decode)
    path = scramble_stream(write_clip(tmp_path / "noise.mp4", frames=20))
    with pytest.raises(InputError, match="could not be decoded.*codec"):
        probe(path)


def test_clip_corrupt_part_way_keeps_frames_and_warns(tmp_path):
    # index at the start (as phones and browsers write): the first half still decodes
    path = truncate(write_pyav_clip(tmp_path / "partial.mp4", [k / 30 for k in range(90)]), 0.5)
    reader, frames = _read_all(path)
    assert 10 < len(frames) < 90
    assert reader.info.frames_decoded == len(frames)
    assert any("stopped decoding" in w and "kept" in w for w in reader.info.warnings)


def test_too_slow_clip_is_refused(tmp_path):
    path = write_clip(tmp_path / "slow.mp4", frames=20, fps=5.0)
    with pytest.raises(InputError, match="fewer than the 10"):
        probe(path)


def test_ten_fps_is_accepted(tmp_path):
    path = write_clip(tmp_path / "ten.mp4", frames=20, fps=10.0)
    assert probe(path).nominal_fps == pytest.approx(10.0)


def test_slow_timestamps_are_refused(tmp_path):
    # 5 frames a second by the container's timestamps
    path = write_pyav_clip(tmp_path / "slow_vfr.mp4", [k * 0.2 for k in range(20)])
    with pytest.raises(InputError, match="fewer than the 10"):
        probe(path)


def test_measured_rate_below_minimum_is_refused():
    # a header claiming 30 fps over timestamps that say 5 fps
    info = VideoInfo(path="liar.mp4", width=160, height=120, nominal_fps=30.0, frame_count=20, rotation=0,
                     file_bytes=1000, measured_fps=5.0, frames_decoded=20)
    with pytest.raises(InputError, match="5.0 frames a second, fewer than the 10"):
        check_measured_rate(info)
    check_measured_rate(VideoInfo(path="ok.mp4", width=160, height=120, nominal_fps=30.0, frame_count=20,
                                  rotation=0, file_bytes=1000, measured_fps=9.8, frames_decoded=20))


def test_too_long_and_too_large_are_refused(tmp_path):
    path = write_clip(tmp_path / "long.mp4", frames=90, fps=30.0)
    with pytest.raises(InputError, match="more than the 2 s limit"):
        probe(path, VideoLimits(max_duration_s=2.0))
    with pytest.raises(InputError, match="limit"):
        probe(path, VideoLimits(max_file_bytes=100))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        probe(tmp_path / "nothing.mp4")
    with pytest.raises(InputError, match="folder"):
        probe(tmp_path)


def test_messages_are_one_line(tmp_path):
    path = tmp_path / "notes.mov"
    path.write_text("hello")
    with pytest.raises(InputError) as caught:
        probe(path)
    assert "\n" not in str(caught.value)


def test_reading_a_clip_twice_measures_it_the_same(tmp_path):
    path = write_clip(tmp_path / "twice.mp4", frames=30, fps=30.0)
    reader = ClipReader(path)
    first = len(list(reader))
    once = reader.info
    second = len(list(reader))
    assert first == second == 30
    assert reader.info.frames_decoded == once.frames_decoded == 30
    assert reader.info.measured_fps == pytest.approx(once.measured_fps)


def test_reading_twice_does_not_repeat_warnings(tmp_path):
    times = np.cumsum([0.0] + [0.033 if k % 2 else 0.050 for k in range(39)])
    reader = ClipReader(write_pyav_clip(tmp_path / "vfr2.mp4", list(times)))
    list(reader)
    first = reader.info.warnings
    list(reader)
    assert reader.info.warnings == first and len(first) == 1


def test_a_dark_clip_is_said_to_be_dark_and_a_lit_one_is_not(tmp_path):
    """The light is measured on every 8th frame as it is read; a room at a quarter of the light is dark."""
    from movement_check.pipeline.exposure import DARK_BELOW, dark_warning

    lit = [pattern_frame(k, 160, 120) for k in range(30)]
    dim = [(f.astype(np.float32) * 0.25).astype(np.uint8) for f in lit]
    for frames, name in ((lit, "lit.mp4"), (dim, "dim.mp4")):
        reader, _ = _read_all(write_frames(tmp_path / name, frames, 30.0))
        assert [i for i, _ in reader.info.light] == [0, 8, 16, 24]
        levels = [level for _, level in reader.info.light]
        if name == "lit.mp4":
            assert min(levels) > 240 and dark_warning(reader.info.light) is None
        else:
            assert max(levels) < 70 < DARK_BELOW
            assert "the clip is dark (its brightest parts reach 6" in dark_warning(reader.info.light)
    reader = ClipReader(tmp_path / "dim.mp4")
    assert list(reader.frames(start=10)) and [i for i, _ in reader.info.light] == [16, 24]   # only frames read
