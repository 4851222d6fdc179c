"""Poses: one person's landmark trajectories over a clip.

Axis 0 is time everywhere in this package. ``NaN`` means "not seen": a frame
where the person was not found keeps its row, filled with ``NaN``; nothing is
ever dropped or replaced by zeros.

Arrays
    times       (T,)       seconds, from the container's timestamps (strictly increasing)
    image       (T, 33, 3) pixels: x to the right, y down, from the frame's top-left
                           corner; z is MediaPipe's relative depth (hip midpoint = 0,
                           smaller = nearer the camera) scaled to pixels like x
    world       (T, 33, 3) metres, MediaPipe world landmarks: origin at the hip
                           midpoint, y down, estimated by the network (noisy in depth)
    visibility  (T, 33)    0-1, the model's estimate that the landmark is visible
    presence    (T, 33)    0-1, the model's estimate that the landmark is in the frame

Positions are converted to pixels as soon as they come out of the estimator:
MediaPipe normalises x by the width and y by the height, so angles computed
on normalised values are skewed in any non-square frame.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from movement_check.errors import InputError
from movement_check.body.landmarks import N_LANDMARKS, NAMES

_ARRAYS = ("times", "image", "world", "visibility", "presence")
_FORMAT = "movement-check poses v1"


@dataclass(frozen=True, eq=False)
class Poses:
    """One person's landmark trajectories (axis 0 is time; NaN = not seen).

    ``frame_size`` is (width, height) in pixels after any rotation stored in the
    clip was applied. ``source`` describes where the trajectories came from
    (file, fps, model, subject choice...): plain JSON-able values only.
    """

    times: np.ndarray
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    frame_size: tuple[int, int]
    source: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _ARRAYS:
            object.__setattr__(self, name, np.asarray(getattr(self, name), dtype=float))
        object.__setattr__(self, "frame_size", tuple(int(v) for v in self.frame_size))
        problems = validation_problems(self)
        if problems:
            raise ValueError("invalid Poses: " + "; ".join(problems))

    def __len__(self) -> int:
        return int(self.times.shape[0])

    @property
    def frames_with_person(self) -> np.ndarray:
        """(T,) bool: the person was found in the frame (any landmark has a position)."""
        return np.isfinite(self.image[..., 0]).any(axis=1)

    @property
    def duration(self) -> float:
        return float(self.times[-1] - self.times[0]) if len(self) > 1 else 0.0

    def with_arrays(self, **arrays: np.ndarray) -> "Poses":
        """A copy with some arrays replaced (used by cleaning)."""
        return replace(self, **arrays)

    def with_source(self, **items: Any) -> "Poses":
        return replace(self, source={**self.source, **items})

    # ------------------------------------------------------------- persistence
    def save(self, path: str | Path) -> Path:
        """Save to one ``.npz`` file (arrays plus the source as JSON)."""
        path = Path(path)
        path.write_bytes(self.npz_bytes())
        return path

    def npz_bytes(self) -> bytes:
        """What :meth:`save` writes, as bytes (for a download or a database)."""
        meta = {"format": _FORMAT, "frame_size": list(self.frame_size), "source": self.source}
        buffer = io.BytesIO()
        np.savez_compressed(buffer, meta=np.array(json.dumps(meta)), **{name: getattr(self, name) for name in _ARRAYS})
        return buffer.getvalue()

    @classmethod
    def load(cls, path: str | Path) -> "Poses":
        """Load what :meth:`save` wrote. A file that is not one gives an :class:`InputError`."""
        path = Path(path)
        return cls._from_npz(path, path)

    @classmethod
    def from_npz_bytes(cls, data: bytes, *, name: str = "the stored trajectory") -> "Poses":
        """What :meth:`npz_bytes` gave (e.g. from the clinic record)."""
        return cls._from_npz(io.BytesIO(data), name)

    @classmethod
    def _from_npz(cls, source, name) -> "Poses":
        try:
            with np.load(source, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                arrays = {key: data[key] for key in _ARRAYS}
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"{name} is not a movement-check poses file ({exc}).") from None
        if meta.get("format") != _FORMAT:
            raise InputError(f"{name} is not a movement-check poses file (format {meta.get('format')!r}).")
        return cls(frame_size=tuple(meta["frame_size"]), source=meta.get("source", {}), **arrays)

    def to_csv(self, path: str | Path) -> Path:
        """Write one row per frame with named columns.

        Columns: ``frame``, ``time_s``, then per landmark ``<name>_x_px``,
        ``<name>_y_px``, ``<name>_z``, ``<name>_visibility``, ``<name>_presence``,
        ``<name>_world_x_m``, ``<name>_world_y_m``, ``<name>_world_z_m``.
        Missing values are empty cells.
        """
        path = Path(path)
        header = ["frame", "time_s"] + csv_landmark_columns()
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for t in range(len(self)):
                row: list[Any] = [t, _fmt(self.times[t])]
                for j in range(N_LANDMARKS):
                    row += [_fmt(v) for v in self.image[t, j]]
                    row += [_fmt(self.visibility[t, j]), _fmt(self.presence[t, j])]
                    row += [_fmt(v) for v in self.world[t, j]]
                writer.writerow(row)
        return path


def csv_landmark_columns() -> list[str]:
    cols: list[str] = []
    for name in NAMES:
        cols += [f"{name}_x_px", f"{name}_y_px", f"{name}_z", f"{name}_visibility",
                 f"{name}_presence", f"{name}_world_x_m", f"{name}_world_y_m", f"{name}_world_z_m"]
    return cols


def _fmt(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:.6g}"


def validation_problems(poses: Poses) -> list[str]:
    """Every problem with a Poses' arrays, in words (an empty list when it is valid)."""
    problems: list[str] = []
    times = poses.times
    if times.ndim != 1:
        problems.append(f"times must be 1-D (T,), got shape {times.shape}")
        n = None
    else:
        n = times.shape[0]
        if n == 0:
            problems.append("there are no frames (T = 0)")
        if not np.all(np.isfinite(times)):
            problems.append(f"times has {int(np.sum(~np.isfinite(times)))} missing or infinite values")
        elif n > 1 and np.any(np.diff(times) <= 0):
            bad = int(np.argmax(np.diff(times) <= 0))
            problems.append(f"times must increase strictly (frame {bad + 1} is not after frame {bad})")
    expected = {"image": 3, "world": 3, "visibility": 2, "presence": 2}
    for name, ndim in expected.items():
        arr = getattr(poses, name)
        want = (n if n is not None else "T", N_LANDMARKS, 3)[:ndim]
        if arr.ndim != ndim or arr.shape[1:] != tuple(want[1:]) or (n is not None and arr.shape[0] != n):
            problems.append(f"{name} must have shape {tuple(want)}, got {arr.shape}")
        elif np.any(np.isinf(arr)):
            problems.append(f"{name} has infinite values (use NaN for missing)")
    for name in ("visibility", "presence"):
        arr = getattr(poses, name)
        finite = arr[np.isfinite(arr)]
        if finite.size and (finite.min() < 0 or finite.max() > 1):
            problems.append(f"{name} must lie between 0 and 1 (found {finite.min():.3g} to {finite.max():.3g})")
    w, h = poses.frame_size if len(poses.frame_size) == 2 else (0, 0)
    if len(poses.frame_size) != 2 or w <= 0 or h <= 0:
        problems.append(f"frame_size must be (width, height) in pixels, got {poses.frame_size}")
    return problems
