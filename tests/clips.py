"""Small clips made inside the tests: plain, rotated (phone metadata), variable frame rate, truncated."""

from __future__ import annotations

import fractions
import struct
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_TWO_PEOPLE = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def pattern_frame(k: int, width: int, height: int) -> np.ndarray:
    """A BGR frame whose left half is red and top band white, with a moving bar (orientation is checkable)."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:, : width // 2] = (0, 0, 255)
    frame[: height // 6, :] = 255
    x = (k * 5) % width
    frame[height // 2:, x: x + 4] = (0, 255, 0)
    return frame


def write_clip(path: Path, *, frames: int = 30, fps: float = 30.0, width: int = 160, height: int = 120) -> Path:
    """An mp4 (MPEG-4 part 2) written by OpenCV: moov atom at the end, constant frame rate."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened()
    for k in range(frames):
        writer.write(pattern_frame(k, width, height))
    writer.release()
    return path


def set_rotation(path: Path, degrees: int) -> Path:
    """Store a display rotation in the mp4's track header matrix, as phones do."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    assert at > 0 and data[at + 4] == 0, "expects a version-0 tkhd box"
    matrix_at = at + 4 + 4 + 4 + 4 + 4 + 4 + 4 + 8 + 2 + 2 + 2 + 2
    one = 1 << 16
    cos, sin = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[degrees]
    matrix = (cos * one, sin * one, 0, -sin * one, cos * one, 0, 0, 0, 1 << 30)
    data[matrix_at: matrix_at + 36] = struct.pack(">9i", *matrix)
    path.write_bytes(bytes(data))
    return path


def write_pyav_clip(path: Path, times_s: list[float], *, width: int = 160, height: int = 120,
                    faststart: bool = True) -> Path:
    """An mp4 of test-pattern frames at exactly the given times (variable frame rate), written with PyAV."""
    frames = [pattern_frame(k, width, height) for k in range(len(times_s))]
    return write_frames_at(path, frames, times_s, faststart=faststart)


def write_empty_clip(path: Path) -> Path:
    """An mp4 container opened and closed with no frame written (a recording stopped at once)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, (160, 120))
    writer.release()
    assert path.exists() and path.stat().st_size > 0
    return path


def truncate(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def scramble_stream(path: Path, seed: int = 0) -> Path:
    """Keep the container intact but fill the coded frames with noise: opens, decodes nothing."""
    data = bytearray(path.read_bytes())
    start, end = data.find(b"mdat") + 4, data.find(b"moov") - 4
    assert 0 < start < end
    data[start:end] = np.random.default_rng(seed).integers(0, 256, end - start, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))
    return path


def sample_frames(path: Path, *, scale: float = 0.5) -> tuple[list[np.ndarray], float]:
    """The frames of a clip, resized by ``scale``, and its nominal fps."""
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    cap.release()
    return frames, fps


def write_frames(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def write_frames_at(path: Path, frames: list[np.ndarray], times_s: list[float], *,
                    faststart: bool = True) -> Path:
    """BGR frames shown at the given times (variable frame rate), MPEG-4 part 2 via PyAV.

    ``faststart`` puts the index first, as phones and browsers do, so a cut-short
    file still decodes up to the cut.
    """
    import av

    tb = fractions.Fraction(1, 1000)
    h, w = frames[0].shape[:2]
    options = {"movflags": "faststart"} if faststart else {}
    with av.open(str(path), "w", options=options) as container:
        stream = container.add_stream("mpeg4", rate=30, options={"qscale": "3"})
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        stream.codec_context.time_base = tb
        for frame_bgr, t in zip(frames, times_s):
            frame = av.VideoFrame.from_ndarray(cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2RGB), format="rgb24")
            frame.pts, frame.time_base = int(round(t * 1000)), tb
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path
