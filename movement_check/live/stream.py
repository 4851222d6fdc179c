"""The live buffer of one patient's stream: frames in, overlay and cues out, a snapshot for the pages.

    webcam frames (WebRTC worker thread) -> LiveStream.receive
        -> every frame kept while a step records (recording.Recording)
        -> the newest frame only through the pose model (stale ones skipped,
           never queued: the overlay stays current on a slow computer)
        -> skeleton drawn, cues and counters updated
        -> the drawn picture handed to whoever watches (the therapist's video,
           :mod:`movement_check.live.video_track`), and kept as the newest picture
        -> LiveView snapshot, read by the patient's and therapist's pages; the
           newest picture as a JPEG only when a page asks (:meth:`LiveStream.snapshot_jpeg`)

No Streamlit here. One :class:`LiveStream` per patient stream: MediaPipe
graphs are not thread-safe and need increasing timestamps, so the stream owns
its estimator and a lock serialises every call into it.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass, field
from contextlib import contextmanager
from typing import Callable, Iterator

import cv2
import numpy as np

from movement_check.pipeline.annotate import draw_skeleton
from movement_check.pipeline.estimator import EstimatorSettings, PoseEstimator
from movement_check.pipeline.following import LiveFollower
from movement_check.live.cues import Counters, cues
from movement_check.pipeline.exposure import frame_light
from movement_check.pipeline.pose_model import resolve_model
from movement_check.clinic.protocol import Step
from movement_check.live.recording import Recording

#: makes the estimator; tests pass a stub
EstimatorFactory = Callable[[], PoseEstimator]


#: no picture for this long means the patient's camera stopped. The slowest live analysis seen under load was
#: about 3 frames a second (0.33 s apart), so 1.2 s is never one slow frame; with the therapist's panel
#: refreshed every 0.4 s, a closed patient page shows within about 2 s (measured in the browser test)
STOPPED_S = 1.2
#: while the preview rests, pictures passed on a second at most: each one is encoded here and decoded in both
#: browsers, which on a computer shared with them took CPU from the step's result being worked out
REST_FPS = 5.0


@dataclass(frozen=True)
class LiveView:
    """What the pages show, copied out under the lock (safe to read in the page's thread)."""

    cues: tuple[str, ...]
    step: str | None                    # key of the step recording, or None
    recording_s: float
    counters: dict
    angles: dict[str, list[float]]      # recent knee/hip angles, for the live figure
    angle_times: list[float]
    frames_received: int
    frames_processed: int
    received_fps: float
    processed_fps: float
    latency_ms: float                   # frame handed in -> overlay handed back, newest frame
    updated: float                      # monotonic time of the newest processed frame (0 = never)
    streaming: bool
    silent_s: float | None = None       # seconds since the newest processed frame (None: none yet)
    resting: bool = False               # pictures passed on unanalysed while a step's result is worked out

    @property
    def camera_lost(self) -> bool:
        """Pictures came, then stopped for ``STOPPED_S`` or more (a closed page, a lost connection, a camera
        switched off)."""
        return self.silent_s is not None and self.silent_s >= STOPPED_S


@dataclass
class _Rate:
    """Events per second over the last ``window_s`` seconds."""

    window_s: float = 3.0
    stamps: deque = field(default_factory=lambda: deque(maxlen=600))

    def tick(self, now: float, n: int = 1) -> None:
        for _ in range(n):
            self.stamps.append(now)

    def per_s(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] > self.window_s:
            self.stamps.popleft()
        if len(self.stamps) < 2:
            return 0.0
        return (len(self.stamps) - 1) / max(now - self.stamps[0], 1e-6)


class LiveStream:
    """One patient's live stream. ``receive`` runs in the WebRTC worker thread; the rest anywhere."""

    def __init__(self, model: str = "full", *, estimator_factory: EstimatorFactory | None = None,
                 figure_s: float = 10.0, max_step_s: float = 180.0, clock: Callable[[], float] = time.monotonic):
        self.model = model
        # the patient followed at the cost of one person, everybody looked for every 0.5 s (issue 22)
        self._factory = estimator_factory or (lambda: LiveFollower(resolve_model(model),
                                                                   EstimatorSettings(max_people=2)))
        self._estimator: PoseEstimator | None = None
        self._lock = threading.Lock()
        self._clock = clock
        self.max_step_s = max_step_s
        self._figure_s = figure_s
        self._angles: deque = deque()           # (time, {name: deg}) over the last figure_s seconds
        self._picture: np.ndarray | None = None    # the newest picture handed back (skeleton drawn unless resting)
        self._jpeg: tuple[int, bytes] | None = None   # (pictures handed back when encoded, the JPEG), on demand
        self._watchers: list[Callable[[np.ndarray], None]] = []
        self._cues: tuple[str, ...] = ()
        self._step: Step | None = None
        self._recording: Recording | None = None
        self._counters = Counters()
        self._received = 0
        self._processed = 0
        self._rx_rate = _Rate()
        self._px_rate = _Rate()
        self._latency_ms = float("nan")
        self._updated = 0.0
        self._last_time: float | None = None
        self._closed = False                    # the visit ended: frames still arriving are not analysed
        self._resting = 0                       # step analyses that have the CPU: frames passed on unanalysed
        self._pictures = 0                      # pictures handed back (analysed or passed on): the still's key
        self._passed_at = float("-inf")         # when a resting preview last passed a picture on

    # -- the worker thread ---------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        """True while a step records (every frame received is then needed)."""
        return self._recording is not None

    def receive(self, frames: list[tuple[float, np.ndarray]], *, skipped: int = 0) -> np.ndarray | None:
        """Take the frames received since the last call ((time_s, BGR uint8), oldest first);
        return the newest with the patient's skeleton drawn (resting: as it came, ``REST_FPS`` a second at
        most; None for a picture not passed on).

        ``skipped``: frames received before these that the caller did not
        decode (no step recording): counted as received, nothing else.
        """
        start = self._clock()
        with self._lock:
            if self._closed:                    # a frame already on its way when the visit ended: no new model
                return frames[-1][1]
            self._received += len(frames) + skipped
            self._rx_rate.tick(start, len(frames) + skipped)
            if self._recording is not None:
                for t, bgr in frames:
                    self._recording.add(t, bgr, arrived_s=start)
            time_s, bgr = frames[-1]
            analysed = not self._rests()
            if not analysed and start - self._passed_at < 1.0 / REST_FPS:
                self._updated = start
                return None
            # resting, the picture is passed on as it came: the CPU is the step analysis'
            out = self._analysed(time_s, bgr) if analysed else bgr
            self._picture = out
            self._pictures += 1
            end = self._clock()
            if analysed:
                self._processed += 1
                self._px_rate.tick(end)
                self._latency_ms = (end - start) * 1000.0
            else:
                self._passed_at = start
            self._updated = end
            watchers = tuple(self._watchers)
        for watcher in watchers:                      # outside the lock: a watcher never holds up the pages
            watcher(out)
        return out

    def _analysed(self, time_s: float, bgr: np.ndarray) -> np.ndarray:
        """One frame through the pose model (the lock held): cues, counters and angles updated; the picture with
        the skeleton drawn."""
        if self._last_time is not None and time_s < self._last_time - 1.0:
            self._close_estimator()              # the stream restarted: a fresh graph for new timestamps
        self._last_time = time_s
        if self._estimator is None:
            self._estimator = self._factory()
        found = self._estimator.detect(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), time_s)
        person, visibility, presence = _patient(found)
        out = bgr.copy()
        if person is not None:
            draw_skeleton(out, person)
        step = self._step
        self._cues = tuple(cues(person, visibility, frame_size=(bgr.shape[1], bgr.shape[0]),
                                people=max(len(found), getattr(self._estimator, "people_in_view", 0)),
                                light_level=frame_light(bgr),
                                view=step.view if step else None, lying=bool(step and step.lying),
                                presence=presence))
        self._counters.update(time_s, person, raised_side=step.raised_side if step else None,
                              lying=bool(step and step.lying))
        if person is not None:
            self._angles.append((time_s, self._counters.angles))
        while self._angles and time_s - self._angles[0][0] > self._figure_s:
            self._angles.popleft()
        return out

    @contextmanager
    def resting(self) -> Iterator[None]:
        """While a stopped step's remaining frames go through the pose model (the therapist waits for its
        result), the preview passes the camera's pictures on unanalysed, ``REST_FPS`` a second: no skeleton, no
        cues, the video still moving. On this 2-core machine with both browsers the preview's model took the CPU
        the rest needed (a 20 s step's result 20.5 and 26.1 s after Stop), and so did every picture passed on at
        the camera's rate (encoded here, decoded in both browsers: median 30.5 -> 19.8 s at 5 a second). A step
        recording meanwhile is analysed."""
        with self._lock:
            self._resting += 1
            self._cues = ()
        try:
            yield
        finally:
            with self._lock:
                self._resting -= 1

    def _rests(self) -> bool:
        """Pictures are passed on unanalysed (the lock held): a step's result is worked out and none records."""
        return bool(self._resting) and self._recording is None

    def watch(self, watcher: Callable[[np.ndarray], None]) -> None:
        """Call ``watcher(picture)`` with every picture handed back (BGR: skeleton drawn, unless the preview
        rests), in the worker thread, as soon as it is drawn. It must return at once and must not change the picture."""
        with self._lock:
            self._watchers.append(watcher)

    def _close_estimator(self) -> None:
        if self._estimator is not None:
            self._estimator.close()
            self._estimator = None

    # -- the pages -----------------------------------------------------------------------------
    def start_step(self, step: Step, name: str) -> Recording:
        """Start keeping every frame for ``step`` (a step already recording is dropped); the recording."""
        with self._lock:
            self._step = step
            self._recording = Recording(name=name, max_s=self.max_step_s)
            self._counters = Counters()
            return self._recording

    @property
    def step(self) -> Step | None:
        """The step recording now, or None."""
        return self._step

    def stop_step(self) -> tuple[Step | None, Recording | None]:
        """Stop recording; the step that was recording and its frames (None, None when none was)."""
        with self._lock:
            step, recording = self._step, self._recording
            self._recording, self._step = None, None
            return step, recording

    def pain_mark(self) -> float | None:
        """Seconds from the recording step's first frame to the newest frame; None when not recording."""
        with self._lock:
            if self._recording is None or not self._recording.times:
                return None
            return float(self._recording.times[-1] - self._recording.times[0])   # the newest frame kept

    def snapshot_jpeg(self) -> bytes | None:
        """The newest picture handed back (skeleton drawn unless resting) as a JPEG; None before the first. Encoded here, when a
        page asks for still pictures (not for every frame analysed), and once per frame however many ask."""
        with self._lock:
            picture, number, done = self._picture, self._pictures, self._jpeg
        if picture is None:
            return None
        if done is not None and done[0] == number:
            return done[1]
        ok, jpeg = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, 75])
        if not ok:
            return done[1] if done else None
        made = (number, jpeg.tobytes())
        with self._lock:
            self._jpeg = made
        return made[1]

    def view(self) -> LiveView:
        now = self._clock()
        with self._lock:
            names = sorted({k for _, a in self._angles for k in a})
            recording = self._recording
            counters = self._counters
            return LiveView(
                cues=self._cues, step=self._step.key if self._step else None,
                recording_s=recording.duration_s if recording else 0.0,
                counters={"steps": counters.steps, "raises": counters.raises, "hold_s": counters.hold_s,
                          "longest_hold_s": counters.longest_hold_s, **counters.angles},
                angles={k: [a.get(k, float("nan")) for _, a in self._angles] for k in names},
                angle_times=[t for t, _ in self._angles],
                frames_received=self._received, frames_processed=self._processed,
                received_fps=self._rx_rate.per_s(now), processed_fps=self._px_rate.per_s(now),
                latency_ms=self._latency_ms, updated=self._updated,
                streaming=self._updated > 0 and now - self._updated < STOPPED_S,
                silent_s=now - self._updated if self._updated > 0 else None,
                resting=self._rests())

    def close(self) -> None:
        """The visit ended: the pose model closed, the pictures and watchers let go (an ended visit may be kept
        a while for its results); frames received from now on are not analysed."""
        with self._lock:
            self._closed = True
            self._close_estimator()
            self._recording = None
            self._picture, self._jpeg, self._watchers = None, None, []
            self._angles.clear()


def _patient(found) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """The largest person in the frame (the one nearest the camera): landmarks, visibility and presence, or
    (None, None, None).

    Size is the diagonal of the landmarks' box, so a patient lying down is not
    passed over for someone standing farther back.
    """
    if len(found) == 0:
        return None, None, None
    xy = found.image[..., :2]
    size = np.hypot(*(np.nanmax(xy, axis=1) - np.nanmin(xy, axis=1)).T)
    k = int(np.nanargmax(np.nan_to_num(size, nan=-1.0))) if len(found) > 1 else 0
    return found.image[k], found.visibility[k], found.presence[k]
