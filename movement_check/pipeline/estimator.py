"""MediaPipe Pose Landmarker (Tasks API, mediapipe 1.x): the only module that imports mediapipe.

One :class:`PoseEstimator` per clip or per live stream: MediaPipe graphs are
not thread-safe, and VIDEO mode needs strictly increasing timestamps (this
class enforces that, nudging a repeated or backwards time by 1 ms).

Every person found in a frame comes back (up to ``max_people``), with image
landmarks converted to pixels at once: MediaPipe normalises x by the width and
y by the height, so normalised values skew every angle in a non-square frame.
z is MediaPipe's relative depth, scaled like x (by the width).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

from movement_check.errors import InputError
from movement_check.body.landmarks import N_LANDMARKS
from movement_check.pipeline.pose_model import PoseModel


@dataclass(frozen=True)
class EstimatorSettings:
    """How the pose model is run.

    ``max_people``: how many people MediaPipe looks for in each frame. One is
    fastest but MediaPipe then locks onto whoever it saw first, which may be a
    bystander; two (the default) lets the tracker keep the patient when
    someone else is in view, at about 1.7 times the cost per frame (full
    model, 2 cores: about 40 frames a second with one, 24 with two).
    """

    max_people: int = 2
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5


@dataclass(frozen=True)
class Detections:
    """All people found in one frame. K = number of people (may be 0).

    image (K, 33, 3) pixels; world (K, 33, 3) metres; visibility, presence (K, 33).
    """

    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray

    def __len__(self) -> int:
        return int(self.image.shape[0])

    @staticmethod
    def empty() -> "Detections":
        return Detections(np.zeros((0, N_LANDMARKS, 3)), np.zeros((0, N_LANDMARKS, 3)),
                          np.zeros((0, N_LANDMARKS)), np.zeros((0, N_LANDMARKS)))


class _NativeQuiet:
    """Silences what MediaPipe's C++ code (TFLite, glog) writes straight to fd 2, around every call into it.

    MediaPipe logs at creation (TFLite start-up), at the first frame with a person (a projection notice)
    and at destruction (``INFO: ... DestroyAccelerator``, twice per model), none of which a user can act
    on. Every call into the model runs inside this context; nested and concurrent uses (several models in
    threads) share one redirection, counted under a lock, so fd 2 always comes back to where it pointed
    (two plain save/restore pairs interleaving in two threads could leave it on /dev/null for good).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: int | None = None

    @contextlib.contextmanager
    def __call__(self):
        entered = self._enter()
        try:
            yield
        finally:
            if entered:
                self._exit()

    def _enter(self) -> bool:
        with self._lock:
            if self._depth == 0:
                try:
                    sys.stderr.flush()
                except (AttributeError, OSError, ValueError):
                    pass
                try:
                    saved = os.dup(2)
                except OSError:                     # no fd 2 at all: nothing to silence
                    return False
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
                self._saved = saved
            self._depth += 1
            return True

    def _exit(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._saved is not None:
                os.dup2(self._saved, 2)
                os.close(self._saved)
                self._saved = None


_quiet_stderr = _NativeQuiet()


class PoseEstimator:
    """Runs the Pose Landmarker on a sequence of frames (VIDEO running mode).

    >>> with PoseEstimator(resolve_model("full")) as est:       # doctest: +SKIP
    ...     people = est.detect(rgb_frame, time_s=0.033)
    """

    def __init__(self, model: PoseModel, settings: EstimatorSettings = EstimatorSettings(), *,
                 still: bool = False):
        """``still``: every frame on its own (IMAGE mode: the person detector runs each time, nothing is
        carried from the frame before), for looking for everybody now and then (:mod:`following`)."""
        from mediapipe.tasks.python import BaseOptions, vision

        self.model = model
        self.settings = settings
        self.still = still
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model.path)),
            running_mode=vision.RunningMode.IMAGE if still else vision.RunningMode.VIDEO,
            num_poses=settings.max_people,
            min_pose_detection_confidence=settings.min_detection_confidence,
            min_pose_presence_confidence=settings.min_presence_confidence,
            min_tracking_confidence=settings.min_tracking_confidence,
            output_segmentation_masks=False,
        )
        try:
            with _quiet_stderr():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise InputError(f"The pose model {model.path.name} could not be loaded ({exc}): "
                             "use --model full or a pose_landmarker .task file.") from None
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, time_s: float) -> Detections:
        """Find the people in one RGB uint8 frame (H, W, 3) shown at ``time_s`` seconds."""
        import mediapipe as mp

        ms = int(round(time_s * 1000.0))
        if ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        with _quiet_stderr():        # e.g. a projection notice at the first frame with a person
            result = (self._landmarker.detect(image) if self.still
                      else self._landmarker.detect_for_video(image, ms))
        return _to_arrays(result, width=rgb.shape[1], height=rgb.shape[0])

    def close(self) -> None:
        """Free the model (MediaPipe logs two ``DestroyAccelerator`` lines here: silenced)."""
        landmarker, self._landmarker = getattr(self, "_landmarker", None), None
        if landmarker is not None:
            with _quiet_stderr():
                landmarker.close()
                del landmarker      # the graph's last reference goes inside the silence too

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - safety net
        try:
            self.close()
        except Exception:
            pass


def _to_arrays(result, *, width: int, height: int) -> Detections:
    people = result.pose_landmarks or []
    k = len(people)
    if k == 0:
        return Detections.empty()
    raw = np.array([[(lm.x, lm.y, lm.z, _score(lm.visibility), _score(lm.presence)) for lm in person]
                    for person in people], dtype=float)
    world_people = result.pose_world_landmarks or []
    if len(world_people) == k:
        world = np.array([[(lm.x, lm.y, lm.z) for lm in person] for person in world_people], dtype=float)
    else:
        world = np.full((k, N_LANDMARKS, 3), np.nan)
    image = raw[..., :3] * np.array([width, height, width], dtype=float)
    return Detections(image=image, world=world, visibility=raw[..., 3], presence=raw[..., 4])


def _score(value) -> float:
    return float("nan") if value is None else float(value)
