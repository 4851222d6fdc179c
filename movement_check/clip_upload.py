"""A clip uploaded on the clip page: its inputs read, the clip analysed (:func:`service.analyse`), and what the
page shows and offers for download made from it: a preview (faces blurred), the trajectories as CSV, the
figures, and the annotated clip (faces blurred) when it is to be kept with the record.

The uploaded bytes are written to a private temporary folder for the analysis and the preview, and deleted at
once. The page only shows (:mod:`app_pages.upload`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from collections.abc import Callable

import cv2

from movement_check.assessments import AUTO
from movement_check.assessments.leg_raise.assess import parse_times
from movement_check.service import Outcome, analyse
from movement_check.live.step_results import step_settings

#: what the page is told while it waits: (share done, 0-1; what is being done)
Say = Callable[[float, str], None]


@dataclass
class UploadedClip:
    """An analysed upload and what the page makes of it."""

    outcome: Outcome
    preview: list[bytes]               # JPEG stills, faces blurred
    csv: str                           # the trajectories, one row per frame
    figures: dict[str, bytes]          # PNG, by name
    video: str | None = None           # the annotated clip kept (faces blurred), when asked

    def shown(self, name: str) -> dict:
        """Plain values for the page to keep between reruns and show (``name``: the upload's file name)."""
        return {"result": self.outcome.result_dict, "npz": self.outcome.npz, "csv": self.csv,
                "name": Path(name).stem, "figures": self.figures, "preview": self.preview, "video": self.video}


def subject_choice(text: str) -> str | int:
    """Whom to follow as typed on the page: a person's number, or a rule (``auto``, ``walker``, ...)."""
    return int(text) if text.strip().isdigit() else text.strip()


def clip_options(test: str, height_cm: float, camera: dict, raise_options: dict) -> dict:
    """The test's settings from the page's inputs: the height (under 50 cm: not given), the camera, and the
    leg-raise inputs when the test may be a leg raise (the pain times parsed: InputError when they cannot be)."""
    options = {"height_cm": float(height_cm) if height_cm >= 50 else None, **camera}
    if test in ("leg-raise", AUTO):
        options.update(raise_options)
        options["pain_at_s"] = parse_times(options.pop("pain_text"))
    return options


def kept_video_path(data_dir: Path, patient_id: str) -> Path:
    """Where an annotated clip kept with the patient's record goes (the test's name is added to it)."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    return data_dir / "videos" / f"{patient_id}-{stamp}.mp4"


def _nothing(fraction: float, text: str) -> None:
    pass


def analyse_upload(data: bytes, name: str, test: str, model: str, subject: str | int, *, scheduler: str = "",
                   keep_video_as: Path | None = None, say: Say = _nothing, **options) -> UploadedClip:
    """Analyse the uploaded bytes (on the clinic's Dask cluster at ``scheduler`` when one is given) and make the
    page's views. ``keep_video_as``: also write the annotated clip (faces blurred) there, with the test's name
    added. ``say`` is told how far it got, in words."""
    from movement_check.pipeline.annotate import annotated_stills, preview_frames, write_annotated
    from movement_check.findings.figure_sets import figure_pngs
    from movement_check.pipeline.video import temporary_clip

    def frames_done(done: int, total: int) -> None:
        if total:
            say(min(1.0, done / total), f"Finding the person: frame {done} of {total}")

    settings = step_settings(model)              # up to two people looked for in every frame
    with temporary_clip(data, name) as clip:
        if scheduler:      # the pose model runs on the clinic's Dask cluster; this web server stays responsive
            say(0.0, "Finding the person in each frame (on the clinic's compute cluster)...")
            outcome = analyse(data, test, settings, name=name, scheduler=scheduler, subject=subject, **options)
        else:
            outcome = analyse(clip, test, settings, subject=subject, progress=frames_done, **options)
        outcome.file_name = name
        say(1.0, "Drawing the preview (faces blurred)...")
        poses, everyone = outcome.prepared.poses, outcome.prepared.everyone
        stills = annotated_stills(clip, poses, everyone, preview_frames(poses, 3), limits=settings.limits)
        video = None
        if keep_video_as is not None:
            say(1.0, "Keeping the annotated clip (faces blurred)...")
            video = write_annotated(clip, keep_video_as.with_name(f"{keep_video_as.stem}-{outcome.test}.mp4"),
                                    poses, everyone, limits=settings.limits)
    with tempfile.TemporaryDirectory() as folder:
        csv_text = poses.to_csv(Path(folder) / "poses.csv").read_text()
    figures = figure_pngs(outcome.test, poses, analysis=outcome.result.analysis, **options)
    preview = [cv2.imencode(".jpg", cv2.cvtColor(img, cv2.COLOR_RGB2BGR))[1].tobytes() for img in stills]
    return UploadedClip(outcome, preview, csv_text, figures, str(video) if video else None)
