"""Analyse, then file: the one way from a clip or a recording to a result in the clinic record.

:func:`analyse` takes a clip (a path, or an upload's bytes: here or on the clinic's Dask cluster) or a
recording made in the browser (:class:`~movement_check.live.recording.Recording`) through the same analysis
(:mod:`movement_check.analysis`) to an :class:`Outcome`: the typed :class:`~movement_check.assessments.result.Result` and
the poses it came from, with the result as a dict and the trajectories as .npz bytes as the record keeps them.

:func:`file_result` files a result in the clinic record as a :class:`Filing` describes it (an uploaded clip, a
home check, or a step of a live visit already under way) and writes the filing to the audit log. It answers
:class:`Filed`: the session and test the result is now in, and what went wrong with the audit entry if anything
did (the result is filed all the same). When the result could not be filed, :class:`RecordError` says why: each
caller keeps the result its own way (the command line in a JSON file, a page downloadable, a visit in its data
folder). :func:`file_home_check` adds the patient's count and feedback to a home check before filing it.

The command line, the clip page, the home-exercise page, a live visit's steps and batch all go through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from movement_check.analysis import Prepared, analyse_clip
from movement_check.pipeline.cleaning import CleaningSettings
from movement_check.pipeline.extraction import ExtractionSettings, Progress
from movement_check.live.recording import Recording
from movement_check.assessments.result import Result

if TYPE_CHECKING:               # the record (SQLAlchemy) is imported only to file: a batch worker never does
    from movement_check.assessments.home_check import HomeCheck
    from movement_check.clinic.record import PrescriptionRecord, Record

AUDIT_PROBLEM = "Filed, but the audit log could not be written: {}"


@dataclass
class Outcome:
    """An analysed clip or recording: the Result (with the test's typed analysis, for the figures) and the
    subject's prepared poses."""

    result: Result
    prepared: Prepared
    #: said first among the result's warnings (a recording cut short, a patient's video that reconnected)
    first_warnings: tuple[str, ...] = ()
    #: the uploaded clip's own name, for the result's source (the analysis saw a temporary file)
    file_name: str | None = None

    @property
    def test(self) -> str:
        return self.result.test

    @cached_property
    def result_dict(self) -> dict:
        """The result as the record, the JSON and the pages keep it (one dict: what is added to it is filed)."""
        result = self.result.to_dict()
        result["warnings"][:0] = list(self.first_warnings)
        if self.file_name is not None:
            result["source"]["file"] = self.file_name
        return result

    @cached_property
    def npz(self) -> bytes:
        """The subject's cleaned landmark trajectories as .npz bytes (:meth:`Poses.npz_bytes`)."""
        return self.prepared.poses.npz_bytes()


def analyse(clip: str | Path | bytes | Recording, test: str, settings: ExtractionSettings | None = None, *,
            name: str | None = None, scheduler: str = "", cleaning: CleaningSettings | None = None,
            subject: str | int | None = None, progress: Progress | None = None, **options) -> Outcome:
    """``clip`` through ``test``: a path; an upload's bytes (``name``: the upload's file name, for its suffix),
    on the Dask cluster at ``scheduler`` when one is given (``progress`` is then not called: it does not travel),
    here otherwise; or a :class:`Recording`'s frames (``settings`` default to a live step's,
    :func:`step_results.step_settings`). ``options``: the test's settings (:func:`analysis.assess`).
    A clip or recording with no usable person raises :class:`~movement_check.errors.InputError`."""
    more = dict(options)
    if cleaning is not None:
        more["cleaning"] = cleaning
    if subject is not None:
        more["subject"] = subject
    if isinstance(clip, Recording):
        return _analyse_recording(clip, test, settings, progress=progress, **more)
    settings = ExtractionSettings() if settings is None else settings
    if isinstance(clip, (bytes, bytearray)):
        from movement_check.compute import analyse_bytes, run_offline

        if name is None:
            raise TypeError("analyse: an upload's bytes need the upload's name")
        if scheduler:
            result, prepared = run_offline(analyse_bytes, clip, name, test, settings, scheduler=scheduler, **more)
        else:
            result, prepared = analyse_bytes(clip, name, test, settings, progress=progress, **more)
    else:
        result, prepared = analyse_clip(clip, test, settings, progress=progress, **more)
    return Outcome(result, prepared)


def _analyse_recording(recording: Recording, test: str, settings: ExtractionSettings | None, *,
                       progress: Progress | None, **options) -> Outcome:
    from movement_check.live.step_results import recording_analysed, recording_warnings, step_settings

    settings = step_settings() if settings is None else settings
    result, prepared = recording_analysed(recording, test, settings, progress=progress, **options)
    return Outcome(result, prepared, first_warnings=recording_warnings(recording))


@dataclass(frozen=True)
class Filing:
    """Where and how a result is filed, and how the audit log tells of it.

    ``kind``: the session's kind for a result filed as a session of its own (``upload``, ``home``); a step of a
    live visit is added to the visit's session instead (``session_id``, with the step's key in ``step``).
    ``who``: whom the audit log names (``therapist jdoe``, ``patient (home link)``, ``command line (...)``);
    ``detail``: the audit entry's detail, to which ``detail_names_test`` adds the new test's ID;
    ``client``: the browser's address, when a page filed it."""

    patient_id: str
    kind: str
    who: str
    detail: str
    initials: str | None = None
    therapist: str | None = None
    prescription_id: int | None = None
    note: str | None = None
    video: str | None = None
    session_id: int | None = None
    step: str | None = None
    client: str | None = None
    detail_names_test: bool = False


@dataclass(frozen=True)
class Filed:
    """A filed result: the session and the test it is in; ``audit_error`` when the audit log could not be
    written (the result is filed all the same)."""

    session_id: int
    test_id: int
    audit_error: str | None = None

    @property
    def problem(self) -> str | None:
        """What went wrong besides, in words (``Filed, but the audit log could not be written: ...``), or None."""
        return None if self.audit_error is None else AUDIT_PROBLEM.format(self.audit_error)


def file_result(record: Record, filing: Filing, result: dict, trajectory: bytes | None) -> Filed:
    """File ``result`` (a dict, with its landmark ``trajectory`` as .npz bytes) as ``filing`` says, then the
    audit entry ``result filed``. Raises :class:`RecordError` when it could not be filed; an audit entry that
    could not be written is the answer's ``audit_error``, not an exception."""
    from movement_check.clinic.record import RecordError

    if filing.session_id is not None:
        session_id = filing.session_id
        test_id = record.add_test(session_id, result, trajectory=trajectory, step=filing.step, video=filing.video)
    else:
        session_id, test_id = record.file_test(
            filing.patient_id, filing.kind, result, initials=filing.initials, therapist=filing.therapist,
            trajectory=trajectory, video=filing.video, prescription_id=filing.prescription_id, note=filing.note)
    detail = f"{filing.detail}, test {test_id}" if filing.detail_names_test else filing.detail
    try:
        record.audit("result filed", who=filing.who, patient_id=filing.patient_id, session_id=session_id,
                     detail=detail, client=filing.client)
    except RecordError as exc:
        return Filed(session_id, test_id, audit_error=str(exc))
    return Filed(session_id, test_id)


def file_outcome(record: Record, filing: Filing, outcome: Outcome) -> Filed:
    """:func:`file_result` for an analysed clip or recording (its result dict and trajectories)."""
    return file_result(record, filing, outcome.result_dict, outcome.npz)


@dataclass(frozen=True)
class HomeChecked:
    """A patient's home check: the count and feedback, the result's warnings, and whether it was filed
    (``filed``), or why not (``error``, in words for the patient)."""

    check: HomeCheck
    warnings: list[str] = field(default_factory=list)
    filed: Filed | None = None
    error: str | None = None


def file_home_check(record: Record, patient_id: str, rx: PrescriptionRecord, outcome: Outcome, *, who: str,
                    client: str | None = None) -> HomeChecked:
    """The count and feedback of ``rx``'s exercise from ``outcome`` (added to its result as ``home_check``), and
    the result filed as a home check of that prescription (no video); a record that cannot take it is said in
    ``error``, never raised: the patient still sees their count."""
    from movement_check.clinic.home_exercises import home_check
    from movement_check.clinic.record import RecordError

    check = home_check(rx.exercise, outcome.result_dict)
    outcome.result_dict["home_check"] = check.to_dict()
    warnings = list(outcome.result_dict["warnings"])
    filing = Filing(patient_id=patient_id, kind="home", who=who, prescription_id=rx.id, note=check.count,
                    detail=f"home check of {rx.exercise.title}: {check.count}", client=client)
    try:
        filed = file_outcome(record, filing, outcome)
    except RecordError as exc:
        return HomeChecked(check, warnings, error=f"Your check could not be saved: {exc}. Please tell your therapist.")
    return HomeChecked(check, warnings, filed=filed)
