"""Annotated clips: the subject's skeleton drawn on each frame, every face blurred.

Privacy first: faces are blurred by default, for everyone the model found, not
only the subject. A face box found in a frame is also blurred in the frames
within ``hold_s`` before and after it, so a frame where the model briefly lost
the person does not show their face. People the model never found are not
blurred: say so to users who share annotated clips.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import cv2
import numpy as np

from movement_check.errors import InputError
from movement_check.body.landmarks import BONES, FACE, Landmark
from movement_check.body.poses import Poses
from movement_check.pipeline.video import ClipReader, VideoLimits

LEFT_COLOUR = (255, 160, 0)     # BGR: blue-ish for the left side
RIGHT_COLOUR = (0, 140, 255)    # orange for the right side
MID_COLOUR = (230, 230, 230)


def face_boxes(image: np.ndarray, frame_size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """(x0, y0, x1, y1) around each person's face, from landmarks (K, 33, 3) in pixels.

    The box is centred on the face landmarks and sized from the larger of the
    face landmarks' spread, half the shoulder width and a third of the trunk, generously: a
    blurred forehead costs nothing, a visible eye does.
    """
    w, h = frame_size
    boxes = []
    for person in image:
        face = person[list(FACE), :2]
        face = face[np.isfinite(face).all(axis=1)]
        if face.shape[0] == 0:
            continue
        centre = face.mean(axis=0)
        spread = float(np.max(np.ptp(face, axis=0)))
        shoulders = person[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], :2]
        shoulder_w = float(np.linalg.norm(shoulders[0] - shoulders[1])) if np.isfinite(shoulders).all() else 0.0
        torso = person[[Landmark.LEFT_SHOULDER, Landmark.LEFT_HIP], :2]
        torso_len = float(np.linalg.norm(torso[0] - torso[1])) if np.isfinite(torso).all() else 0.0
        half = max(1.4 * spread, 0.45 * shoulder_w, 0.3 * torso_len, 12.0)
        x0, y0 = int(max(0, centre[0] - half)), int(max(0, centre[1] - 1.2 * half))
        x1, y1 = int(min(w, centre[0] + half)), int(min(h, centre[1] + 1.0 * half))
        if x1 > x0 and y1 > y0:
            boxes.append((x0, y0, x1, y1))
    return boxes


def blur_boxes(frame: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> None:
    """Pixelate, then blur, each box in place (not reversible from the output)."""
    for x0, y0, x1, y1 in boxes:
        roi = frame[y0:y1, x0:x1]
        if roi.size == 0:
            continue
        small = cv2.resize(roi, (max(1, (x1 - x0) // 12), max(1, (y1 - y0) // 12)), interpolation=cv2.INTER_AREA)
        roi[:] = cv2.GaussianBlur(cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST), (0, 0), 4)


def draw_skeleton(frame: np.ndarray, landmarks: np.ndarray, *, thickness: int = 3) -> None:
    """Draw one person's bones and joints (landmarks (33, 3) in pixels; NaN ones are skipped)."""
    for a, b in BONES:
        pa, pb = landmarks[a, :2], landmarks[b, :2]
        if not (np.isfinite(pa).all() and np.isfinite(pb).all()):
            continue
        colour = LEFT_COLOUR if a.name.startswith("LEFT") and b.name.startswith("LEFT") else \
            RIGHT_COLOUR if a.name.startswith("RIGHT") and b.name.startswith("RIGHT") else MID_COLOUR
        cv2.line(frame, tuple(int(v) for v in pa), tuple(int(v) for v in pb), colour, thickness, cv2.LINE_AA)
    for j in range(11, landmarks.shape[0]):
        p = landmarks[j, :2]
        if np.isfinite(p).all():
            cv2.circle(frame, (int(p[0]), int(p[1])), thickness + 1, MID_COLOUR, -1, cv2.LINE_AA)


def write_annotated(clip: str | Path, out: str | Path, poses: Poses, everyone: list[np.ndarray], *,
                    blur_faces: bool = True, hold_s: float = 0.2,
                    limits: VideoLimits = VideoLimits()) -> Path:
    """Write ``clip`` with ``poses`` drawn and faces blurred to ``out`` (mp4).

    ``everyone[t]`` holds every person found in frame t (K, 33, 3), for blurring.
    The file is written to a temporary name and moved into place at the end,
    so a failure never leaves half a video or clobbers an existing one.
    """
    out = Path(out)
    clip = Path(clip)
    if out.resolve() == clip.resolve():
        raise InputError("The annotated video would overwrite the original clip: choose another file name.")
    reader = ClipReader(clip, limits)
    w, h = reader.info.width, reader.info.height
    fps = reader.info.nominal_fps if reader.info.nominal_fps > 0 else 30.0
    boxes_per_frame = [face_boxes(people, (w, h)) for people in everyone] if blur_faces else []
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".mp4", dir=out.parent)
    os.close(fd)
    writer = cv2.VideoWriter(tmp_name, cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    if not writer.isOpened():
        os.unlink(tmp_name)
        raise InputError(f"Cannot write a video to {out}: check the folder exists and is writable.")
    try:
        for frame in reader:
            writer.write(_annotate(frame.bgr, frame.index, poses, boxes_per_frame, hold_s))
        writer.release()
        os.replace(tmp_name, out)
    except BaseException:
        writer.release()
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
    return out


def preview_frames(poses: Poses, count: int = 3) -> list[int]:
    """``count`` frame indices spread over those where the subject is seen (over all frames if never)."""
    seen = np.flatnonzero(poses.frames_with_person)
    pool = seen if seen.size else np.arange(len(poses))
    return sorted({int(pool[int(len(pool) * (k + 1) / (count + 1))]) for k in range(count)}) if pool.size else []


def annotated_stills(clip: str | Path, poses: Poses, everyone: list[np.ndarray], frames: list[int], *,
                     hold_s: float = 0.2, limits: VideoLimits = VideoLimits()) -> list[np.ndarray]:
    """A preview: the clip's ``frames`` (RGB, in order), drawn and blurred as :func:`write_annotated` draws
    them (faces always blurred)."""
    reader = ClipReader(Path(clip), limits)
    boxes_per_frame = [face_boxes(people, (reader.info.width, reader.info.height)) for people in everyone]
    wanted = set(frames)
    stills = []
    for frame in reader:
        if frame.index in wanted:
            img = _annotate(frame.bgr, frame.index, poses, boxes_per_frame, hold_s)
            stills.append(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
    return stills


def _annotate(img: np.ndarray, t: int, poses: Poses, boxes_per_frame: list, hold_s: float) -> np.ndarray:
    """Frame ``t`` with faces blurred (when boxes are given) and the subject's skeleton drawn, in place."""
    times = poses.times
    if t < len(boxes_per_frame):
        near = np.flatnonzero(np.abs(times - times[t]) <= hold_s) if t < len(times) else [t]
        blur_boxes(img, [box for k in near for box in boxes_per_frame[k]])
    if t < len(poses):
        draw_skeleton(img, poses.image[t])
    return img
