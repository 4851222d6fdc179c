"""A live step's received frames, kept in memory until the step is analysed, then dropped.

Every frame the server receives while a step records is kept (JPEG, quality
90, about 30-60 kB at 640x480), whatever the live preview managed to process:
the step's result then comes from all of them. Memory is bounded: a step
stops taking frames after ``max_s`` seconds or ``max_bytes`` (the recording
says so, and the result carries the warning). Nothing is written to disk.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Iterator

import cv2
import numpy as np

JPEG_QUALITY = 90


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
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, time_s: float, bgr: np.ndarray) -> bool:
        """Keep one frame; False (and ``truncated`` says why) once the step is over its limits."""
        with self._lock:
            if self.truncated:
                return False
            if self.times and time_s - self.times[0] > self.max_s:
                self.truncated = f"the step ran past {self.max_s:.0f} s; only its first {self.max_s:.0f} s were kept"
                return False
            if self.times and time_s <= self.times[-1]:
                return True                               # a repeated frame: nothing new
            ok, jpeg = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
            if not ok:
                return True
            if self.bytes_kept + jpeg.nbytes > self.max_bytes:
                self.truncated = (f"the step's frames filled the {self.max_bytes / 1e6:.0f} MB kept for one step; "
                                  f"only its first {self.times[-1] - self.times[0]:.0f} s were kept")
                return False
            self.times.append(float(time_s))
            self.frames.append(jpeg.tobytes())
            self.bytes_kept += jpeg.nbytes
            self.size = (bgr.shape[1], bgr.shape[0])
            return True

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
        """(time from the step's first frame, RGB frame) for each frame kept, decoded one at a time."""
        with self._lock:
            items = list(zip(self.times, self.frames))
        t0 = items[0][0] if items else 0.0
        for t, jpeg in items:
            bgr = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
            yield t - t0, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def clear(self) -> None:
        with self._lock:
            self.times.clear()
            self.frames.clear()
            self.bytes_kept = 0
