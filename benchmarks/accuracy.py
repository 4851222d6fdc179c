"""Scoring detected gait events against labels made by eye (``benchmarks/labels/*.json``).

A label file holds, for one real clip, the frames (0-based, in decode order, as OpenCV and
:class:`movement_check.pipeline.video.ClipReader` count them) of every heel strike and toe-off seen inside
its ``labelled_ranges``, with how the labels were made. Detections are matched to labels one to one,
nearest first, within a tolerance in frames of the clip's own frame interval:

- recall: labelled events with a detection within the tolerance;
- precision: detections inside a labelled range that match a label (a detection outside every
  labelled range is neither right nor wrong: nobody looked there);
- timing error: detected minus labelled time, for matched pairs (ms and frames);
- cadence: the labels' steps per minute (by the tool's formula, from the labelled heel strikes)
  against the result's cadence.

Used by ``benchmarks/gait_accuracy.py`` (the table in the README) and by ``tests/integration/test_gait_accuracy.py``
(which fails when a change loses accuracy).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from movement_check.assessments.stride_stats import typical_of

LABELS = Path(__file__).resolve().parent / "labels"
REPO = LABELS.parent.parent
SHARED = REPO.parent / "shared"


@dataclass(frozen=True)
class Label:
    frame: int
    event: str                 # heel_strike | toe_off
    side: str | None           # left | right | None (not told)
    confidence: str            # sure | unsure


@dataclass(frozen=True)
class ClipLabels:
    clip: str
    path: Path
    ranges: tuple[tuple[int, int], ...]
    events: tuple[Label, ...]
    view: str
    same_as: str | None = None       # labels borrowed from a synchronised clip

    def frames(self, event: str) -> np.ndarray:
        return np.array([e.frame for e in self.events if e.event == event], dtype=int)

    def inside(self, frame: float) -> bool:
        return any(a - 0.5 <= frame <= b + 0.5 for a, b in self.ranges)


def clip_path(name: str) -> Path:
    """A labelled clip: shipped in ``sample_videos/``, else local in ``../shared/videos/``."""
    shipped = REPO / "sample_videos" / name
    return shipped if shipped.exists() else SHARED / "videos" / name


def load(name: str) -> ClipLabels:
    data = json.loads((LABELS / f"{name}.json").read_text())
    events = tuple(Label(int(e["frame"]), e["event"], e.get("side") if e.get("side") in ("left", "right") else None,
                         e.get("confidence", "sure")) for e in data["events"])
    return ClipLabels(clip=data["clip"], path=clip_path(data["clip"]),
                      ranges=tuple((int(a), int(b)) for a, b in data["labelled_ranges"]), events=events,
                      view=data.get("view", "side"), same_as=data.get("same_as"))


def all_labels() -> list[ClipLabels]:
    """Every gait label file (``raises_*.json`` label leg raises: benchmarks/raise_accuracy.py)."""
    return [load(p.stem) for p in sorted(LABELS.glob("*.json")) if not p.stem.startswith("raises_")]


@dataclass
class Score:
    """How one kind of event (heel strike or toe-off) of one clip matched its labels."""

    labelled: int = 0
    detected: int = 0                    # detections inside a labelled range
    matched: dict[int, int] = field(default_factory=dict)       # tolerance (frames) -> matched pairs
    errors_frames: list[float] = field(default_factory=list)    # at the widest tolerance
    errors_ms: list[float] = field(default_factory=list)

    def recall(self, tol: int) -> float:
        return self.matched[tol] / self.labelled if self.labelled else float("nan")

    def precision(self, tol: int) -> float:
        return self.matched[tol] / self.detected if self.detected else float("nan")

    def median_abs_error_frames(self) -> float:
        return float(np.median(np.abs(self.errors_frames))) if self.errors_frames else float("nan")

    def median_abs_error_ms(self) -> float:
        return float(np.median(np.abs(self.errors_ms))) if self.errors_ms else float("nan")


def _match(detected: np.ndarray, labelled: np.ndarray, tol: float) -> list[tuple[int, int]]:
    """One-to-one pairs (detection, label) within ``tol``, closest pairs first."""
    pairs = sorted((abs(d - l), i, j) for i, d in enumerate(detected) for j, l in enumerate(labelled)
                   if abs(d - l) <= tol)
    used_d, used_l, out = set(), set(), []
    for _, i, j in pairs:
        if i not in used_d and j not in used_l:
            used_d.add(i)
            used_l.add(j)
            out.append((i, j))
    return out


def score_events(labels: ClipLabels, event: str, detected_times: list[float], times: np.ndarray,
                 tolerances=(1, 2)) -> Score:
    """Match detected event times (s) with the labelled frames of ``event``; ``times``: each frame's time
    in the clip as analysed (so a resampled clip is scored against the same labels by time)."""
    label_t = np.array([_frame_time(times, f) for f in labels.frames(event) if labels.inside(f)])
    frame_s = float(np.median(np.diff(times)))
    det = np.array([t for t in detected_times if labels.inside(_time_frame(times, t))])
    score = Score(labelled=len(label_t), detected=len(det))
    for tol in tolerances:
        score.matched[tol] = len(_match(det, label_t, (tol + 0.01) * frame_s))
    for i, j in _match(det, label_t, (max(tolerances) + 0.01) * frame_s):
        score.errors_ms.append(1000 * (det[i] - label_t[j]))
        score.errors_frames.append((det[i] - label_t[j]) / frame_s)
    return score


def labelled_cadence(labels: ClipLabels, times: np.ndarray) -> float:
    """Steps per minute from the labelled heel strikes, by the tool's own formula (2 x 60 / the typical stride,
    Hodges-Lehmann: every second heel strike within a range), so that the comparison measures the events, not the
    formula;
    60 / the median step where no range holds a whole stride."""
    strides, steps = [], []
    for a, b in labels.ranges:
        t = sorted(_frame_time(times, f) for f in labels.frames("heel_strike") if a <= f <= b)
        strides += [z - a for a, z in zip(t[:-2], t[2:])]
        steps += [z - a for a, z in zip(t[:-1], t[1:])]
    if strides:
        return 120.0 / typical_of(strides)
    return 60.0 / float(np.median(steps)) if steps else float("nan")


def labelled_step_times(labels: ClipLabels, times: np.ndarray) -> list[float]:
    """Each labelled step's time (s): consecutive heel strikes of opposite feet within a range."""
    out = []
    for a, b in labels.ranges:
        hs = sorted((e.frame, e.side) for e in labels.events if e.event == "heel_strike" and a <= e.frame <= b)
        for (f0, s0), (f1, s1) in zip(hs[:-1], hs[1:]):
            if s0 is None or s1 is None or s0 != s1:
                out.append(_frame_time(times, f1) - _frame_time(times, f0))
    return out


def _frame_time(times: np.ndarray, frame: float) -> float:
    """The time of a (fractional) frame of the original clip."""
    return float(np.interp(frame, np.arange(len(times)), times))


def _time_frame(times: np.ndarray, t: float) -> float:
    return float(np.interp(t, times, np.arange(len(times))))


def sides_right(labels: ClipLabels, events: list[tuple[float, str | None]], times: np.ndarray,
                event: str = "heel_strike", tol: int = 2) -> tuple[int, int]:
    """Of the detected events given a side that match a labelled one with a side (within ``tol`` frames), how
    many have the label's side: (right, compared). ``events``: (time s, side or None)."""
    frame_s = float(np.median(np.diff(times)))
    labelled = [(_frame_time(times, e.frame), e.side) for e in labels.events
                if e.event == event and e.side and labels.inside(e.frame)]
    sided = [(t, s) for t, s in events if s]
    pairs = _match(np.array([t for t, _ in sided]), np.array([t for t, _ in labelled]), (tol + 0.01) * frame_s)
    return sum(sided[i][1] == labelled[j][1] for i, j in pairs), len(pairs)
