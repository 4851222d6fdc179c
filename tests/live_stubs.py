"""A stand-in for the pose model in live tests: it "finds" known landmarks (a synthetic walker or raiser)."""

from __future__ import annotations

import numpy as np

from movement_check.estimator import Detections
from movement_check.poses import Poses


class KnownPeople:
    """Returns, for a frame at ``time_s``, the rows of ``people`` (each a Poses) nearest that time.

    ``calls`` records each time asked, so a test sees which frames went through the model.
    """

    def __init__(self, *people: Poses):
        self.people = people
        self.calls: list[float] = []
        self.closed = False

    def detect(self, rgb: np.ndarray, time_s: float) -> Detections:
        self.calls.append(time_s)
        rows = [p for p in self.people if p.times[0] - 1e-6 <= time_s <= p.times[-1] + 1e-6]
        if not rows:
            return Detections.empty()
        idx = [int(np.argmin(np.abs(p.times - time_s))) for p in rows]
        image = np.stack([p.image[i] for p, i in zip(rows, idx)])
        return Detections(image=image, world=np.stack([p.world[i] for p, i in zip(rows, idx)]),
                          visibility=np.stack([p.visibility[i] for p, i in zip(rows, idx)]),
                          presence=np.stack([p.presence[i] for p, i in zip(rows, idx)]))

    def close(self) -> None:
        self.closed = True

    def __enter__(self) -> "KnownPeople":          # used as extraction's PoseEstimator too
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def grey_frame(size: tuple[int, int], level: int = 128) -> np.ndarray:
    w, h = size
    return np.full((h, w, 3), level, np.uint8)


def feed_grey(poses: Poses, stream, *, batch: int = 1, level: int = 128) -> None:
    """Feed a live stream a grey frame per time of ``poses``, ``batch`` frames per call (the stub model
    "sees" the known landmarks at those times)."""
    t = poses.times
    for i in range(0, len(t), batch):
        stream.receive([(float(s), grey_frame(poses.frame_size, level)) for s in t[i:i + batch]])
