"""A patient's recording made with the webcam on the home-exercise page: the frames streamlit-webrtc's worker
thread receives, kept in a :class:`~movement_check.live.recording.Recording` between Start and Stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable

from movement_check.live.recording import Recording


class Recorder:
    """The webcam's frames for one recording, handed over from streamlit-webrtc's worker thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.recording: Recording | None = None

    def start(self, max_s: float) -> None:
        with self._lock:
            self.recording = Recording("your recording", max_s=max_s)

    def stop(self) -> Recording | None:
        with self._lock:
            recording, self.recording = self.recording, None
        return recording

    def callback(self) -> Callable[[list], Awaitable[list]]:
        """streamlit-webrtc's ``queued_video_frames_callback``: every frame (an ``av.VideoFrame``) kept while
        recording; the newest handed back to be shown."""
        async def frames_in(frames: list) -> list:
            with self._lock:
                recording = self.recording
            if recording is not None:
                for f in frames:
                    recording.add(f.time if f.time is not None else time.monotonic(), f.to_ndarray(format="bgr24"))
            return frames[-1:]
        return frames_in
