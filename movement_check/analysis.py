"""One call from a clip to a Result: extraction -> cleaning -> quality -> assessment.

The command line and the app both go through here, so they give the same
numbers for the same clip.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from movement_check.assessments import AUTO, BY_NAME, SUBJECT_RULE, TESTS, Assessment, check_options, settings_for
from movement_check.assessments.gait.strides import GaitAnalysis
from movement_check.pipeline.cleaning import CleaningReport, CleaningSettings, clean
from movement_check.errors import InputError
from movement_check.assessments.option_ranges import check_analysis_settings
from movement_check.pipeline.following import everyone_in_each_frame
from movement_check.pipeline.extraction import (Extraction, ExtractionSettings, PeopleInClip, Progress, choose, detect_people_in_frames,
                         extract)
from movement_check.body.poses import Poses
from movement_check.pipeline.quality import framing_warnings, quality_summary
from movement_check.assessments.result import Result
from movement_check.assessments.which_test import detect


@dataclass
class Prepared:
    """A clip turned into the subject's clean trajectories, with everything said about them."""

    extraction: Extraction
    poses: Poses               # cleaned
    cleaning: CleaningReport
    quality: dict
    warnings: list[str]

    @property
    def raw(self) -> Poses:
        return self.extraction.poses

    @property
    def everyone(self) -> list[np.ndarray]:
        """Every person in each frame, (K, 33, 3) pixels per frame: whose faces an annotation blurs (people
        seen only now and then are drawn between their sightings: :func:`following.everyone_in_each_frame`)."""
        people = self.extraction.people
        return everyone_in_each_frame(people.times, people.detections, people.census, self.extraction.subject.people)


def prepare(path: str | Path, settings: ExtractionSettings = ExtractionSettings(), *,
            cleaning: CleaningSettings | None = CleaningSettings(), subject: str | int | None = None,
            progress: Progress | None = None) -> Prepared:
    """Clip -> the subject's trajectories, cleaned unless ``cleaning`` is None."""
    return _cleaned(extract(path, settings, subject=subject, progress=progress), cleaning)


def _cleaned(extraction: Extraction, cleaning: CleaningSettings | None) -> Prepared:
    raw = extraction.poses
    if cleaning is not None:
        poses, report = clean(raw, cleaning)
    else:
        poses, report = raw, CleaningReport()
    warnings = extraction.warnings + framing_warnings(raw) + report.warnings
    poses = poses.with_source(cleaning=report.to_dict() if cleaning is not None else None)
    quality = quality_summary(raw, warnings=warnings, cleaning=poses.source["cleaning"],
                              subject=extraction.subject.to_dict())
    return Prepared(extraction=extraction, poses=poses, cleaning=report, quality=quality, warnings=warnings)


def assess(test: str, prepared: Prepared, *, walk: GaitAnalysis | None = None, **options) -> Result:
    """Run one test on prepared trajectories and put the Result together; the test's typed analysis is the
    result's ``analysis`` (its figures read it). ``walk``: the clip's walking already found (by the
    auto-detection), for the gait test to reuse when found with its settings.

    ``options`` are the test's settings (e.g. ``height_cm=172``, ``view="side"``
    for gait); another test's options are left out (a path shared by the tests
    carries them), and an option no test takes, or a value out of range, is
    refused with a :class:`~movement_check.errors.SettingsError`.
    """
    if test not in TESTS:
        raise InputError(f"Unknown test {test!r}: choose one of {', '.join(TESTS)}.")
    source = {k: v for k, v in prepared.poses.source.items() if k not in ("subject", "cleaning")}
    described = BY_NAME[test]
    if described.assess is None:
        found = Assessment(warnings=[f"the {test} assessment is not available in this version of movement-check: "
                                     "only the landmark trajectories and their quality were computed"])
    else:
        more = {"walk": walk} if test == "gait" else {}
        found = described.assess(prepared.poses, settings=settings_for(test, options), **more)
    quality = {**prepared.quality, "assessment": found.quality}
    return Result(test=test, source=source, quality=quality, metrics=found.metrics,
                  events=found.events, warnings=prepared.warnings + found.warnings, analysis=found.analysis)


def analyse_clip(path: str | Path, test: str, settings: ExtractionSettings = ExtractionSettings(), *,
                 cleaning: CleaningSettings = CleaningSettings(), subject: str | int | None = None,
                 progress: Progress | None = None, **options) -> tuple[Result, Prepared]:
    """Clip -> Result for ``test``; whom to follow defaults to the test's preference.

    ``test="auto"``: the test is found from the clip (:func:`movement_check.assessments.which_test.detect_test`)
    and the result's quality says why (``test_detected``).

    ``options``: the test's settings, see :func:`assess`.
    """
    subject = _subject_for(test, subject)
    check_analysis_settings(settings, cleaning)
    check_options(options)
    prepared = prepare(path, settings, cleaning=cleaning, subject=subject, progress=progress)
    if test == AUTO:
        test, why, walk = detect(prepared.poses)
        result = assess(test, prepared, walk=walk, **options)
        result.quality["test_detected"] = why
    else:
        result = assess(test, prepared, **options)
        mismatch = _other_test_seen(test, prepared.poses, result.analysis)
        if mismatch:
            result.warnings.append(mismatch)
    return result, prepared


def _other_test_seen(test: str, poses: Poses, analysis=None) -> str | None:
    """A warning when the clip looks like another test than the one chosen (the auto-detector's view; the
    gait result's walking, ``analysis``, reused when found as the detector finds it)."""
    try:
        seen, why, _ = detect(poses, walk=analysis if isinstance(analysis, GaitAnalysis) else None)
    except InputError:
        return None
    if seen == test:
        return None
    return (f"the clip looks like a {seen} test ({why}), not {test}: check --test (or choose the test "
            "\"auto\")")


def analyse_frames(frames: Iterable[tuple[float, np.ndarray]], test: str,
                   settings: ExtractionSettings = ExtractionSettings(), *, name: str, expected: int = 0,
                   cleaning: CleaningSettings = CleaningSettings(), subject: str | int | None = None,
                   progress: Progress | None = None, **options) -> tuple[Result, Prepared]:
    """Frames received live, ``(time_s, rgb)`` in time order -> Result for ``test``.

    The same steps as :func:`analyse_clip` (every frame through the pose model,
    the subject followed, cleaning, the test), so a step recorded in a live
    session gives the numbers the command line gives for the same frames.
    ``name`` names the recording in messages and in the result's source.
    """
    subject = _subject_for(test, subject)
    check_analysis_settings(settings, cleaning)
    check_options(options)
    people = detect_people_in_frames(frames, name=name, model=settings.model, estimator=settings.estimator,
                                     limits=settings.limits, expected=expected, progress=progress,
                                     follow=settings.follow, rule=subject)
    return analyse_people(people, test, settings, cleaning=cleaning, subject=subject, **options)


def analyse_people(people: PeopleInClip, test: str, settings: ExtractionSettings = ExtractionSettings(), *,
                   cleaning: CleaningSettings = CleaningSettings(), subject: str | int | None = None,
                   **options) -> tuple[Result, Prepared]:
    """Everyone the pose model found in each frame -> Result for ``test``: the rest of :func:`analyse_frames`
    after the pose model (the subject followed and chosen, cleaning, the test), for frames that went through
    the model beforehand, e.g. while a live step recorded (:class:`extraction.FrameDetector`)."""
    subject = _subject_for(test, subject)
    check_analysis_settings(settings, cleaning)
    check_options(options)
    prepared = _cleaned(choose(people, subject, settings.tracking), cleaning)
    return assess(test, prepared, **options), prepared


def _subject_for(test: str, subject: str | int | None) -> str | int:
    """Whom to follow: ``subject``, or the test's own preference for None / ``auto`` (the largest person
    while the test is still to be found); an unknown test refused."""
    if test != AUTO and test not in TESTS:
        raise InputError(f"Unknown test {test!r}: choose one of {', '.join(TESTS)}.")
    if subject is not None and subject != "auto":
        return subject
    return "largest" if test == AUTO else SUBJECT_RULE[test]
