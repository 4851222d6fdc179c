"""Reading and checking clips: what OpenCV's FFmpeg backend can read (mp4, mov, m4v, webm, avi, mkv).

Rules
- Each frame's time comes from the container's timestamps (``CAP_PROP_POS_MSEC``
  after the frame is read, which is the frame's presentation time), never from
  index / fps: phone clips often have a variable frame rate.
- A rotation a phone stored in the file (display matrix) is applied, so frames
  come out upright; ``width`` and ``height`` are those of the upright frames.
- A clip that cannot be used is refused with an :class:`InputError` whose one
  sentence says why; a clip corrupt part-way keeps the frames decoded so far
  and says so in ``warnings``.
"""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import cv2
import numpy as np

from movement_check.errors import InputError, shorten
from movement_check.pipeline.exposure import EVERY, frame_light

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv")


@dataclass(frozen=True)
class VideoLimits:
    """What a clip may be before we refuse it (all configurable).

    Defaults: 10 minutes (a visit's walking or raising test lasts well under a
    minute; a whole live session is recorded in steps), 2 GB, and at least
    10 frames a second: below that a heel strike (about 0.1 s of contact
    change) falls between frames.
    """

    max_duration_s: float = 600.0
    max_file_bytes: int = 2_000_000_000
    min_fps: float = 10.0
    #: tolerance on min_fps: clips labelled 10 fps measure 9.9x fps
    fps_tolerance: float = 0.05


@dataclass(frozen=True)
class VideoInfo:
    """What the container says about a clip, and what decoding measured."""

    path: str
    width: int
    height: int
    nominal_fps: float
    frame_count: int
    rotation: int
    file_bytes: int
    duration_s: float = float("nan")
    measured_fps: float = float("nan")
    frames_decoded: int = 0
    variable_frame_rate: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: ``(frame index, level)`` of the frames whose light was measured (:mod:`exposure`)
    light: tuple[tuple[int, float], ...] = ()

    def to_dict(self) -> dict:
        return {
            "file": Path(self.path).name,
            "width": self.width,
            "height": self.height,
            "rotation_deg": self.rotation,
            "duration_s": _round(self.duration_s, 3),
            "frame_count": self.frames_decoded or self.frame_count,
            "nominal_fps": _round(self.nominal_fps, 3),
            "measured_fps": _round(self.measured_fps, 3),
            "variable_frame_rate": self.variable_frame_rate,
        }


def _round(value: float, digits: int) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)


def _looks_like_video_container(path: Path) -> bool:
    """True when the file starts like an mp4/mov, mkv/webm or avi container."""
    with open(path, "rb") as fh:
        head = fh.read(12)
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free") or head[:4] == b"\x1a\x45\xdf\xa3" \
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")


def _open(path: Path, threads: int = 0) -> cv2.VideoCapture:
    # FFmpeg's own log lines ("partial file", "Error at MB") would reach the user's
    # terminal; our messages say what matters. Set OPENCV_FFMPEG_LOGLEVEL or
    # OPENCV_LOG_LEVEL to see them.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    if "OPENCV_LOG_LEVEL" not in os.environ:  # OpenCV's "[ WARN ] ... can't capture by name"
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    params = [cv2.CAP_PROP_N_THREADS, threads] if threads > 0 else []
    cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, params)
    if not cap.isOpened():
        cap.release()
        if _looks_like_video_container(path):
            raise InputError(f"{path.name} holds no video frames that can be read (the recording may have "
                             "stopped before it started, or the file is damaged): record the clip again.")
        raise InputError(f"{path.name} is not a video that can be read (it may be another kind of file, "
                         "or damaged): record or export it again as mp4, mov, webm, avi or mkv.")
    return cap


def probe(path: str | Path, limits: VideoLimits = VideoLimits()) -> VideoInfo:
    """Check a clip before any work starts, from its header and first frame.

    Raises :class:`InputError` for: a missing file, an empty file, a file that
    is not a video, a codec that cannot be decoded, a clip too large, too long,
    or with fewer than ``limits.min_fps`` frames a second.
    """
    path = Path(path)
    size = _readable_size(path, limits)
    info = _header(path, size, limits)
    if info.nominal_fps > 0 and info.frame_count > 0:
        duration = info.frame_count / info.nominal_fps
        if duration > limits.max_duration_s:
            raise InputError(f"{path.name} lasts {_minutes(duration)}, more than the {_minutes(limits.max_duration_s)} "
                             "limit: trim the clip to the test itself, or raise the limit.")
    if 0 < info.nominal_fps < limits.min_fps * (1 - limits.fps_tolerance):
        raise InputError(f"{path.name} has {info.nominal_fps:.1f} frames a second, fewer than the {limits.min_fps:g} "
                         "needed to time steps: record at 25 or 30 fps.")
    return info


def _readable_size(path: Path, limits: VideoLimits) -> int:
    """The file's size, once it is known to be a file that can be read, neither empty nor too large."""
    shown = shorten(str(path))
    if not path.exists():
        if path.is_symlink():
            try:
                path.resolve(strict=True)
            except RuntimeError:
                raise InputError(f"{shown} is a link that leads back to itself (a symlink loop): point it at the "
                                 "clip.") from None
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise InputError(f"{shown} is a link that leads back to itself (a symlink loop): point it at "
                                     "the clip.") from None
            raise InputError(f"{shown} is a link to a file that does not exist: check the link or the file name.")
        raise InputError(f"{shown} does not exist: check the file name.")
    if path.is_dir():
        raise InputError(f"{shown} is a folder, not a video clip.")
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        raise InputError(f"cannot read {shown}: permission denied (ask its owner, or copy it somewhere you can "
                         "read it).") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {(exc.strerror or str(exc)).lower()}.") from None
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path.name} is empty (0 bytes): the recording or the upload did not finish; record it again.")
    if size > limits.max_file_bytes:
        raise InputError(f"{path.name} is {file_size(size)}, more than the {file_size(limits.max_file_bytes)} "
                         "limit: trim the clip to the test itself, or raise the limit.")
    return size


def _header(path: Path, size: int, limits: VideoLimits) -> VideoInfo:
    """What the header and the first two frames say (a clip that cannot be decoded, or holds one frame, refused)."""
    cap = _open(path)
    try:
        nominal_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
        frame_count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        rotation = int(round(cap.get(cv2.CAP_PROP_ORIENTATION_META) or 0)) % 360
        ok, frame = cap.read()
        if not ok or frame is None:
            if frame_count <= 0:
                raise InputError(f"{path.name} holds no video frames: record the clip again.")
            raise InputError(f"{path.name} could not be decoded (its video codec is not supported, or the file is "
                             "damaged): export it again as H.264 mp4.")
        height, width = frame.shape[:2]
        if not cap.grab():
            raise InputError(f"{path.name} holds a single frame (a still image, or a recording stopped at once), not "
                             "a video of the test: record a clip of the whole test.")
        if nominal_fps <= 0 or frame_count <= 0:       # no duration in the header (e.g. written through a pipe)
            _check_decoded_length(cap, path, limits)
    finally:
        cap.release()
    return VideoInfo(path=str(path), width=width, height=height, nominal_fps=nominal_fps,
                     frame_count=frame_count, rotation=rotation, file_bytes=size)


def _check_decoded_length(cap: cv2.VideoCapture, path: Path, limits: VideoLimits) -> None:
    """A clip whose header gives no duration: its frames' times, read without decoding them to pictures, must
    stay within the limit (refused before any pose estimation, not after minutes of it)."""
    while cap.grab():
        t = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
        if np.isfinite(t) and t > limits.max_duration_s:
            raise InputError(f"{path.name} lasts more than the {_minutes(limits.max_duration_s)} limit: trim the "
                             "clip to the test itself, or raise the limit.")


def file_size(n_bytes: float) -> str:
    """A file size in the unit that reads best: 812 kB, 3.4 MB, 2 GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n_bytes >= scale:
            value = n_bytes / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{int(n_bytes)} bytes"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} min" if seconds >= 90 else f"{seconds:.0f} s"


@dataclass
class Frame:
    """One decoded, upright frame: BGR pixels, its index and its time in seconds."""

    index: int
    time_s: float
    bgr: np.ndarray


class ClipReader:
    """Iterate over a clip's frames; after iteration ``info`` holds measured figures and warnings.

    >>> reader = ClipReader("walk.mp4")          # doctest: +SKIP
    >>> for frame in reader: ...                 # doctest: +SKIP
    >>> reader.info.measured_fps                 # doctest: +SKIP
    """

    def __init__(self, path: str | Path, limits: VideoLimits = VideoLimits(), *, threads: int = 0):
        """``threads``: FFmpeg decoding threads (0 = FFmpeg's choice, one per core). A reader that
        runs beside the pose model is best given 1, leaving the other core to inference."""
        self.path = Path(path)
        self.limits = limits
        self.threads = threads
        self._probed = probe(self.path, limits)   # what the header says; each pass adds what it measured
        self.info = self._probed
        self._times: list[float] = []
        self.light: list[tuple[int, float]] = []   # this pass's measured frames (:mod:`exposure`), as it goes

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, *, start: int = 0) -> Iterator[Frame]:
        """Every frame from index ``start`` on; the frames before it are passed over without being converted
        to pixels (their times are still measured, so ``info`` describes the whole clip)."""
        self._times = []                 # each pass measures the clip afresh
        self.light = []
        cap = _open(self.path, self.threads)
        index = 0
        last_t = -np.inf
        try:
            while True:
                if index < start:
                    ok, frame = cap.grab(), None
                else:
                    ok, frame = cap.read()
                if not ok or (frame is None and index >= start):
                    break
                t = float(cap.get(cv2.CAP_PROP_POS_MSEC)) / 1000.0
                if not np.isfinite(t) or t <= last_t:
                    # a broken or repeated timestamp: place the frame just after the previous one
                    t = last_t + 1e-3 if np.isfinite(last_t) else 0.0
                if t > self.limits.max_duration_s:
                    raise InputError(f"{self.path.name} lasts more than the {_minutes(self.limits.max_duration_s)} "
                                     "limit: trim the clip to the test itself, or raise the limit.")
                last_t = t
                self._times.append(t)
                if index >= start and index % EVERY == 0:
                    self.light.append((index, frame_light(frame)))
                if index >= start:
                    yield Frame(index=index, time_s=t, bgr=frame)
                index += 1
        finally:
            cap.release()
            self.info = self._finish()

    def _finish(self) -> VideoInfo:
        return replace(with_timing(self._probed, np.asarray(self._times)), light=tuple(self.light))


def with_timing(info: VideoInfo, times: np.ndarray) -> VideoInfo:
    """``info`` completed with what the frames' times measure: duration, frame rate, its regularity.

    Warns about a variable frame rate and about a clip that stopped decoding
    before the frame count its header gave.
    """
    warnings = list(info.warnings)
    n = len(times)
    if n == 0:
        return info
    duration = float(times[-1] - times[0]) + (float(np.median(np.diff(times))) if n > 1 else 0.0)
    measured = (n - 1) / float(times[-1] - times[0]) if n > 1 and times[-1] > times[0] else float("nan")
    vfr = False
    if n > 2:
        dt = np.diff(times)
        med = float(np.median(dt))
        irregular = np.abs(dt - med) > 0.25 * med
        # the first interval of many phone clips is short; judge the rest
        vfr = bool(np.mean(irregular[1:]) > 0.02) if n > 3 else bool(irregular.any())
        if vfr:
            warnings.append(f"variable frame rate: frame intervals range from {dt.min() * 1000:.0f} to "
                            f"{dt.max() * 1000:.0f} ms; each frame's own timestamp is used for timing")
    expected = info.frame_count
    if expected > 0 and n < expected - max(2, int(0.02 * expected)):
        warnings.append(f"the clip stopped decoding after {n} of {expected} frames ({times[-1]:.1f} s): "
                        "the file may be damaged or cut short; the frames decoded so far were kept")
    return VideoInfo(
        path=info.path, width=info.width, height=info.height, nominal_fps=info.nominal_fps,
        frame_count=info.frame_count, rotation=info.rotation, file_bytes=info.file_bytes,
        duration_s=duration, measured_fps=measured, frames_decoded=n, variable_frame_rate=vfr,
        warnings=tuple(warnings), light=info.light,
    )


def check_measured_rate(info: VideoInfo, limits: VideoLimits = VideoLimits()) -> None:
    """Refuse a clip whose measured frame rate is below the minimum (the header can be wrong)."""
    if np.isfinite(info.measured_fps) and info.measured_fps < limits.min_fps * (1 - limits.fps_tolerance):
        raise InputError(f"{Path(info.path).name} has {info.measured_fps:.1f} frames a second, fewer than the "
                         f"{limits.min_fps:g} needed to time steps: record at 25 or 30 fps.")


def is_video_name(name: str | os.PathLike) -> bool:
    return Path(name).suffix.lower() in VIDEO_SUFFIXES


@contextmanager
def temporary_clip(data: bytes, name: str) -> Iterator[Path]:
    """An uploaded clip's bytes as a file for the reader (named ``clip`` + the upload's suffix, which the
    reader's checks use), in a private temporary folder deleted, clip and all, when the block ends."""
    with tempfile.TemporaryDirectory(prefix="movement-check-") as folder:
        clip = Path(folder) / ("clip" + Path(name).suffix.lower())
        clip.write_bytes(data)
        yield clip
