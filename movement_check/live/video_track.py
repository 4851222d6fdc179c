"""The patient's analysed video as a WebRTC video track, for the therapist's page (aiortc).

    LiveStream.receive (the patient's WebRTC worker thread)
        -> PictureTrack.show(picture)       the newest picture kept, an older one not yet sent dropped
        -> PictureTrack.recv()              on streamlit-webrtc's event loop, through its MediaRelay
        -> one RTCPeerConnection per therapist page watching (VP8, to the browser)

The pictures the live stream hands back go out, each once: those the server
analysed as soon as their skeleton is drawn (the therapist's video then runs
at the rate of the live analysis), and while the preview rests (a step's
result being worked out) the camera's pictures unanalysed, at most
``stream.REST_FPS`` a second. A picture never waits behind an older one (a
viewer slower than the pictures gets the newest). The frames' timestamps are the moments they
were drawn, so the therapist's browser plays them with the pace they had.

One track per visit (:meth:`movement_check.live.visits.Visit.video_track`), made
when the first therapist page asks for it and kept until the visit ends: it
outlives the patient's connections (a reload, a camera restarted), so the
therapist's connection does not have to be made again when the patient comes
back. This module is the only aiortc import of the package; the app imports it
(aiortc comes with streamlit-webrtc).
"""

from __future__ import annotations

import asyncio
import threading
import time
from fractions import Fraction
from typing import Callable

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

VIDEO_CLOCK = 90_000          # WebRTC's video clock (ticks a second)


class PictureTrack(MediaStreamTrack):
    """A video track fed with BGR pictures from any thread (:meth:`show`), read by aiortc (:meth:`recv`).

    ``sent`` counts the pictures handed out; ``last_sent`` is the ``clock``
    time of the newest (None before the first).
    """

    kind = "video"

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        super().__init__()
        self._clock = clock
        self._lock = threading.Lock()
        self._newest: tuple[np.ndarray, float] | None = None
        self._shown = 0                 # pictures given to show()
        self._taken = 0                 # the number of the picture recv() handed out last
        self._waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._first_at: float | None = None
        self._last_pts = -1
        self.sent = 0
        self.last_sent: float | None = None

    def show(self, picture: np.ndarray) -> None:
        """The newest picture (BGR uint8, not changed afterwards); any thread, returns at once."""
        with self._lock:
            self._newest = (picture, self._clock())
            self._shown += 1
            waiting, self._waiting = self._waiting, []
        _wake(waiting)

    def sent_within(self, seconds: float) -> bool:
        """A picture went out in the last ``seconds``."""
        last = self.last_sent
        return last is not None and self._clock() - last <= seconds

    async def recv(self) -> av.VideoFrame:
        """The newest picture not yet handed out, waiting for one when there is none; raises
        ``MediaStreamError`` once the track has stopped."""
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            with self._lock:
                if self._newest is not None and self._shown != self._taken:
                    picture, at = self._newest
                    self._taken = self._shown
                    break
                loop = asyncio.get_running_loop()
                woken = loop.create_future()
                self._waiting.append((loop, woken))
            await woken
        frame = av.VideoFrame.from_ndarray(picture, format="bgr24")
        with self._lock:
            if self._first_at is None:
                self._first_at = at
            pts = max(int(round((at - self._first_at) * VIDEO_CLOCK)), self._last_pts + 1)
            self._last_pts = pts
            self.sent += 1
            self.last_sent = self._clock()
        frame.pts, frame.time_base = pts, Fraction(1, VIDEO_CLOCK)
        return frame

    def stop(self) -> None:
        """No more pictures: a waiting ``recv`` and every later one raise ``MediaStreamError`` (the viewers'
        video ends)."""
        super().stop()
        with self._lock:
            waiting, self._waiting = self._waiting, []
            self._newest = None           # the last picture let go (the ended visit may be kept a while)
        _wake(waiting)


def _wake(waiting: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]) -> None:
    for loop, future in waiting:
        try:
            loop.call_soon_threadsafe(_done, future)
        except RuntimeError:          # that loop has closed: nobody waits there any more
            pass


def _done(future: asyncio.Future) -> None:
    if not future.done():             # cancelled meanwhile (the viewer went away)
        future.set_result(None)
