"""A live step's received frames, kept in memory until the step is analysed, then dropped.

Every frame the server receives while a step records is kept (JPEG, quality
90, about 30-60 kB at 640x480), whatever the live preview managed to process:
the step's result then comes from all of them. Memory is bounded: a step
stops taking frames after ``max_s`` seconds or ``max_bytes`` (the recording
says so, and the result carries the warning). Nothing is written to disk.

A frame's JPEG can be let go once it went through the pose model while the step
recorded (:meth:`Recording.release`, :mod:`movement_check.live.step_extraction`):
the result needs only the landmarks, so such a recording holds only the frames
still to analyse, and its byte limit counts those. A recording pickles (its
frames and times, not its lock), to be analysed on a Dask worker.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Iterator

import cv2
import numpy as np

JPEG_QUALITY = 90
#: the stream's clock restarted (the patient's video reconnected, and browsers start the new stream's times
#: again from zero) when a frame is this much older than the one before, or no newer after this long a pause
RESTART_S = 0.5


@dataclass
class Recording:
    """Frames of one step: (time_s, JPEG bytes), in the order received."""

    name: str
    max_s: float = 180.0
    max_bytes: int = 400_000_000
    times: list[float] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)
    size: tuple[int, int] = (0, 0)
    bytes_kept: int = 0
    truncated: str | None = None
    released: int = 0                                     # frames whose JPEG was let go (see the module doc)
    #: times the stream's clock restarted during the step (see :meth:`add`), and the seconds missed then
    restarts: int = 0
    missed_s: float = 0.0
    _offset: float = 0.0                                  # added to a restarted stream's times
    _last_arrival: float | None = None
    _last_raw: float | None = None                        # the stream's own time of the last frame kept
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._added = threading.Condition(self._lock)

    def add(self, time_s: float, bgr: np.ndarray, *, arrived_s: float | None = None) -> bool:
        """Keep one frame; False (and ``truncated`` says why) once the step is over its limits.

        ``arrived_s``: when the frame arrived, on a monotonic clock (default: now). When the stream's clock
        restarts (the patient's video reconnected: a frame ``RESTART_S`` older than the last one kept, or
        not newer after a pause that long), the new stream's frames are placed after the last one kept, as
        much later as they arrived (at least a frame's interval), so nothing after a reconnection is lost and
        the time without frames stays a gap (which the analysis does not bridge)."""
        arrived = time.monotonic() if arrived_s is None else arrived_s
        raw = float(time_s)
        with self._lock:
            if self.truncated:
                return False
            if self._restarted(raw, arrived):
                waited = max(arrived - self._last_arrival, self._interval())
                self._offset = self.times[-1] + waited - raw
                self.restarts += 1
                self.missed_s += waited
            t = raw + self._offset
            if self.times and t - self.times[0] > self.max_s:
                self.truncated = f"the step ran past {self.max_s:.0f} s; only its first {self.max_s:.0f} s were kept"
                return False
            if self.times and t <= self.times[-1]:
                return True                               # a repeated frame: nothing new
            ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            if not ok:
                return True
            if self.bytes_kept + jpeg.nbytes > self.max_bytes:
                self.truncated = (f"the step's frames filled the {self.max_bytes / 1e6:.0f} MB kept for one step; "
                                  f"only its first {self.times[-1] - self.times[0]:.0f} s were kept")
                return False
            self.times.append(t)
            self.frames.append(jpeg.tobytes())
            self.bytes_kept += jpeg.nbytes
            self.size = (bgr.shape[1], bgr.shape[0])
            self._last_arrival, self._last_raw = arrived, raw
            self._added.notify_all()
            return True

    def _restarted(self, raw: float, arrived: float) -> bool:
        if not self.times or self._last_raw is None or self._last_arrival is None:
            return False
        back = self._last_raw - raw
        return back > RESTART_S or (back >= 0 and arrived - self._last_arrival > RESTART_S)

    def _interval(self) -> float:
        """The typical interval between the last frames kept (1/30 s before there are any)."""
        recent = np.diff(self.times[-11:])
        return float(np.median(recent)) if len(recent) else 1.0 / 30

    @property
    def restart_warning(self) -> str | None:
        """What the result should say when the patient's video reconnected during the step."""
        if not self.restarts:
            return None
        times = "once" if self.restarts == 1 else f"{self.restarts} times"
        missed = f"about {self.missed_s:.1f} s" if self.missed_s >= 0.1 else "less than 0.1 s"
        return (f"the patient's video reconnected {times} during the step; {missed} without "
                "frames were left out of the analysis")

    def frame(self, index: int, *, timeout: float = 0.0) -> tuple[float, bytes] | None:
        """Frame ``index`` (time from the step's first frame, JPEG), waiting up to ``timeout`` seconds for it
        to arrive; None if it has not."""
        with self._lock:
            if index >= len(self.times) and timeout > 0:
                self._added.wait_for(lambda: index < len(self.times), timeout=timeout)
            if index >= len(self.times):
                return None
            return self.times[index] - self.times[0], self.frames[index]

    def release(self, index: int) -> None:
        """Let frame ``index``'s JPEG go (it went through the pose model already); its time stays."""
        with self._lock:
            if self.frames[index]:
                self.bytes_kept -= len(self.frames[index])
                self.frames[index] = b""
                self.released += 1

    def __getstate__(self) -> dict:
        with self._lock:
            state = {**self.__dict__, "times": list(self.times), "frames": list(self.frames)}
        state.pop("_lock")
        state.pop("_added")
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._added = threading.Condition(self._lock)

    def __len__(self) -> int:
        return len(self.times)

    @property
    def duration_s(self) -> float:
        return self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0

    @property
    def fps(self) -> float:
        """Frames received per second."""
        return (len(self.times) - 1) / self.duration_s if self.duration_s > 0 else float("nan")

    def rgb_frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """(time from the step's first frame, RGB frame) for each frame kept, decoded one at a time; a
        recording whose frames were let go (:meth:`release`) has none to give (RuntimeError: a mistake in
        the caller, not in the recording)."""
        with self._lock:
            if self.released:
                raise RuntimeError(f"{self.released} frames of {self.name} went through the pose model already "
                                   "and were let go")
            items = list(zip(self.times, self.frames))
        t0 = items[0][0] if items else 0.0
        for t, jpeg in items:
            yield t - t0, rgb(jpeg)

    def clear(self) -> None:
        with self._lock:
            self.times.clear()
            self.frames.clear()
            self.bytes_kept = 0
            self.released = 0


def rgb(jpeg: bytes) -> np.ndarray:
    """A recorded frame as an RGB array (how every analysis of a recording decodes it)."""
    bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
