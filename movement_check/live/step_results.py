"""A live step's result: the step's recorded frames through the same analysis as the command line.

Every frame received while the step recorded goes through the pose model
(:func:`analysis.analyse_frames`), so the result does not depend on how many
frames the live preview drew. The frames can go through the model while the
step records (:func:`start_extraction`, :mod:`movement_check.live.step_extraction`):
after Stop only the rest is left, then the same path from the detections on
(:func:`analysis.analyse_people`). The outcome holds plain values only (the
result as a dict, figures as PNG bytes, the trajectories as .npz bytes): the
pages show it, the data folder keeps it. Video is never kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from movement_check.analysis import Prepared, analyse_frames, analyse_people
from movement_check.assessments import SUBJECT_RULE
from movement_check.errors import InputError
from movement_check.pipeline.estimator import EstimatorSettings
from movement_check.pipeline.extraction import ExtractionSettings, Progress
from movement_check.findings.figure_sets import figure_pngs
from movement_check.clinic.protocol import Step
from movement_check.live.recording import Recording
from movement_check.assessments.result import Result
from movement_check.live.step_extraction import StepExtraction


@dataclass
class StepOutcome:
    """What one recorded step gave: a result, or the reason there is none."""

    step: str
    title: str
    started: str                                # ISO time, UTC
    frames_received: int
    received_fps: float
    frames_processed: int = 0                   # frames through the pose model for the result
    result: dict | None = None
    figures: dict[str, bytes] = field(default_factory=dict)
    npz: bytes = b""
    error: str | None = None
    live_fps: float = float("nan")              # frames the live preview processed per second
    options: dict = field(default_factory=dict)

    def summary(self) -> dict:
        return {"step": self.step, "title": self.title, "started": self.started,
                "frames_received": self.frames_received, "received_fps": round(self.received_fps, 2),
                "frames_processed": self.frames_processed, "live_preview_fps": round(self.live_fps, 2),
                "error": self.error}


def step_settings(model: str = "full") -> ExtractionSettings:
    """How a step's frames go through the pose model: up to two people looked for in every frame."""
    return ExtractionSettings(model=model, estimator=EstimatorSettings(max_people=2))


def start_extraction(recording: Recording, step: Step, *, model: str = "full") -> StepExtraction:
    """The pose model over ``recording``'s frames as they arrive, in the background (lower priority than the
    live preview); :func:`analyse_step` with ``extraction=`` finishes it."""
    return StepExtraction(recording, step_settings(model), rule=SUBJECT_RULE[step.test]).start()


def analyse_step(recording: Recording, step: Step, *, model: str = "full", live_fps: float = float("nan"),
                 progress: Progress | None = None, extraction: StepExtraction | None = None,
                 **options) -> StepOutcome:
    """Run ``step``'s test on every frame of ``recording``; a bad recording gives an outcome with ``error``.

    ``extraction``: the step's frames went through the pose model while it
    recorded (:func:`start_extraction`); only the rest goes through it now.
    ``options`` add to the step's own (e.g. ``height_cm``, ``pain_at_s``).
    """
    options = {**step.options, **options}
    outcome = StepOutcome(step=step.key, title=step.title, started=datetime.now(timezone.utc).isoformat(),
                          frames_received=len(recording), received_fps=recording.fps, live_fps=live_fps,
                          options=options)
    try:
        result, prepared = recording_analysed(recording, step.test, step_settings(model), progress=progress,
                                              extraction=extraction, **options)
    except InputError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.frames_processed = len(prepared.poses)
    result_dict = _as_dict(result, recording)
    result_dict["source"]["live_step"] = outcome.summary()
    outcome.result = result_dict
    outcome.figures = figure_pngs(step.test, prepared.poses, dpi=100, analysis=result.analysis, **options)
    outcome.npz = prepared.poses.npz_bytes()
    return outcome


def recording_analysed(recording: Recording, test: str, settings: ExtractionSettings, *,
                       progress: Progress | None = None, extraction: StepExtraction | None = None,
                       **options) -> tuple[Result, Prepared]:
    """Every frame of ``recording`` through ``test``: the Result (with the test's analysis, for the figures)
    and the prepared poses. With ``extraction`` (made with the same ``settings``) the frames it has not
    analysed yet, then its detections. A recording with no usable person raises :class:`InputError`.
    (:func:`movement_check.service.analyse` is the entry for a recording made outside a live visit.)"""
    if extraction is None:
        return analyse_frames(recording.rgb_frames(), test, settings, name=recording.name,
                              expected=len(recording), progress=progress, **options)
    return analyse_people(extraction.finish(progress), test, settings, **options)


def recording_warnings(recording: Recording) -> tuple[str, ...]:
    """What a result from ``recording`` says first among its warnings: a recording cut short, then a patient's
    video that reconnected during it."""
    return tuple(w for w in (recording.truncated, recording.restart_warning) if w)


def _as_dict(result: Result, recording: Recording) -> dict:
    """The result as a dict, a recording cut short saying so first among its warnings."""
    result_dict = result.to_dict()
    result_dict["warnings"][:0] = list(recording_warnings(recording))
    return result_dict


def keep(outcome: StepOutcome, folder: Path, *, number: int) -> Path | None:
    """Write the outcome's result JSON and trajectories into ``folder`` (no video); the JSON's path."""
    if outcome.result is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{number:02d}-{outcome.step}"
    (folder / f"{stem}-poses.npz").write_bytes(outcome.npz)
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(outcome.result, indent=2))
    return path
