"""Where a stopped live step is analysed, and what its progress is while it runs.

- With a Dask scheduler configured (``[compute] scheduler``): the step's
  recording (its JPEG frames and their times) is sent to the cluster and the
  whole analysis runs on a worker (:func:`compute.run_offline`); nothing is
  analysed in this process while the step records. The scheduler is there to
  keep the web server's CPU for the live preview and the pages; a worker has
  a core to itself, and the frames are sent, not stored.
- Without one: the frames went through the pose model while the step recorded
  (:func:`step_results.start_extraction`), so only the rest is left, then the
  same analysis as ever (:func:`step_results.analyse_step`).

Whatever goes wrong (a lost worker, a cluster gone, a mistake here) becomes the
outcome's ``error`` in words; the traceback goes to the server's log only.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timezone

from movement_check.compute import run_offline
from movement_check.errors import InputError
from movement_check.clinic.protocol import Step
from movement_check.live.recording import Recording
from movement_check.live.step_extraction import StepExtraction
from movement_check.live.step_results import StepOutcome, analyse_step

log = logging.getLogger(__name__)


@dataclass
class Analysis:
    """A step being analysed in the background: what the therapist's page shows while it runs."""

    step: Step
    frames: int                          # frames the step recorded
    done: int = 0                        # of them, through the pose model so far
    before_stop: int = 0                 # of them, through it while the step recorded
    where: str = ""                      # "": in this process; else the Dask scheduler's address
    thread: threading.Thread | None = None

    @property
    def remaining(self) -> int:
        """Frames still to go through the pose model."""
        return max(self.frames - self.done, 0)

    @property
    def progress_text(self) -> str:
        """What the therapist's page says while it runs: how much went through the pose model while the step
        recorded, and what is left."""
        title = self.step.title
        if self.where:
            return f"Analysing \"{title}\" on the clinic's compute cluster: {self.frames} frames sent"
        if self.remaining == 0:
            return f"Analysing \"{title}\": every frame through the pose model; measuring"
        if self.before_stop:
            return (f"Analysing \"{title}\": {self.before_stop} of {self.frames} frames analysed while recording; "
                    f"the other {self.frames - self.before_stop}: {self.done - self.before_stop} done")
        return f"Analysing every frame of \"{title}\": {self.done} of {self.frames}"


def analyse(job: Analysis, recording: Recording, *, extraction: StepExtraction | None, model: str,
            live_fps: float, **options) -> StepOutcome:
    """``job``'s step analysed (see the module doc), with ``job.done`` kept up to date; never raises."""

    def progress(done: int, total: int) -> None:
        job.done = done

    try:
        if job.where:
            return run_offline(analyse_step, recording, job.step, model=model, live_fps=live_fps,
                               scheduler=job.where, **options)
        return analyse_step(recording, job.step, model=model, live_fps=live_fps, progress=progress,
                            extraction=extraction, **options)
    except InputError as exc:       # e.g. no scheduler answers at the address set
        error = str(exc)
    except Exception as exc:        # noqa: BLE001 - the therapist gets words, the log the traceback
        log.exception("the step %s could not be analysed", job.step.key)
        where = " on the compute cluster" if job.where else ""
        error = (f"The step could not be analysed{where} ({type(exc).__name__}: {exc}). Record it again; if "
                 "this keeps happening, tell whoever runs this server.")
    return StepOutcome(step=job.step.key, title=job.step.title, started=datetime.now(timezone.utc).isoformat(),
                       frames_received=len(recording), received_fps=recording.fps, live_fps=live_fps,
                       options={**job.step.options, **options}, error=error)
