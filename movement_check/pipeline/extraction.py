"""From a clip to one person's raw landmark trajectories.

    clip -> frames (decoded in a background thread, overlapping inference)
         -> every person's landmarks per frame (estimator)
         -> people followed through the clip, one chosen (tracking), followed again where missed (edges)
         -> Poses of the subject (a NaN row where the subject was not found)

Cleaning (gaps, swaps, filtering) comes after, in :mod:`movement_check.pipeline.cleaning`.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import cv2
import numpy as np

from movement_check.errors import InputError
from movement_check.pipeline.edges import follow_edges
from movement_check.pipeline.exposure import EVERY, dark_warning, frame_light
from movement_check.pipeline.estimator import Detections, EstimatorSettings, PoseEstimator
from movement_check.pipeline.following import FollowSettings, SubjectFollower, fill_in
from movement_check.pipeline.halves import detect_in_halves, middle
from movement_check.body.landmarks import N_LANDMARKS
from movement_check.pipeline.pose_model import PoseModel, resolve_model
from movement_check.body.poses import Poses
from movement_check.pipeline.tracking import SubjectChoice, TrackingSettings, choose_again, choose_subject, follow_people
from movement_check.pipeline.video import ClipReader, VideoInfo, VideoLimits, check_measured_rate, with_timing

Progress = Callable[[int, int], None]
"""progress(frames_done, frames_expected); frames_expected is 0 when unknown."""


@dataclass(frozen=True)
class ExtractionSettings:
    model: str = "full"
    estimator: EstimatorSettings = EstimatorSettings()
    tracking: TrackingSettings = TrackingSettings()
    limits: VideoLimits = VideoLimits()
    subject: str | int = "auto"
    #: FollowSettings(): follow the subject at the cost of one person and look for everybody every 0.5 s
    #: (:mod:`following`; faster, see benchmarks/extract_speed.py). None (the default): look for
    #: ``estimator.max_people`` people in every frame. Not the default offline because it measures worse:
    #: MediaPipe following one person places its crop from the last frame's landmarks instead of finding the
    #: person afresh in every frame, and on the labelled clips heel-strike recall, toe-off timing and a rendered
    #: knee raise's peak (5.8 deg off instead of < 3) got worse (issue 22's note). The live overlay uses it.
    follow: FollowSettings | None = None
    #: a clip of 1.5 s or more through two models at once, one on each half (:mod:`halves`:
    #: joined where they agree exactly, so the same landmarks as one model; faster on two cores); False: one
    halves: bool = True


@dataclass
class PeopleInClip:
    """Every person the model found in every frame of a clip, before a subject is chosen."""

    times: np.ndarray
    detections: list[Detections]
    video: VideoInfo
    model: PoseModel
    #: frames in which everybody was looked for (None: all of them)
    census: np.ndarray | None = None
    #: frames again, in order, to follow a person who was not followed (None: not possible, e.g. live)
    frames_again: Callable[..., Iterable[tuple[float, np.ndarray]]] | None = None
    estimator: EstimatorSettings = EstimatorSettings()

    @property
    def frame_size(self) -> tuple[int, int]:
        return (self.video.width, self.video.height)


@dataclass
class Extraction:
    """The subject's raw trajectories, who they are, and everything needed to explain it."""

    poses: Poses
    subject: SubjectChoice
    people: PeopleInClip
    warnings: list[str] = field(default_factory=list)


_END = object()


def _decode(reader: ClipReader, out: "queue.Queue", stop: threading.Event) -> None:
    """Producer: decode, convert to RGB and hand frames over; errors travel through the queue."""
    try:
        for frame in reader:
            rgb = cv2.cvtColor(frame.bgr, cv2.COLOR_BGR2RGB)
            item = (frame.index, frame.time_s, rgb)
            while not stop.is_set():
                try:
                    out.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        out.put(_END)
    except BaseException as exc:  # handed to the consumer, which re-raises it
        out.put(exc)


def detect_people(path: str | Path, *, model: PoseModel | str = "full",
                  estimator: EstimatorSettings = EstimatorSettings(),
                  limits: VideoLimits = VideoLimits(),
                  progress: Progress | None = None,
                  follow: FollowSettings | None = None, rule: str | int = "auto",
                  halves: bool = True) -> PeopleInClip:
    """Run the pose model over every frame of a clip; decoding overlaps inference. With ``halves`` a clip of
    1.5 s or more goes through two models at once, one on each half (:mod:`halves`: the same landmarks as one),
    unless the subject is followed.

    With ``follow`` the subject (by ``rule``, provisionally) is followed at the cost of one
    person and everybody is looked for now and then (:mod:`following`); without, ``estimator.max_people``
    people are looked for in every frame.

    Raises :class:`InputError` for a clip that cannot be used (see :func:`video.probe`).
    """
    model = resolve_model(model) if not isinstance(model, PoseModel) else model
    # one decoding thread: FFmpeg's default (one per core) competes with the pose model
    # for the second core and slowed inference by ~20 % in the benchmark
    reader = ClipReader(path, limits, threads=1)
    split = middle(reader.info, estimator) if halves and follow is None else None
    if split is not None:
        times, detections, info = detect_in_halves(path, reader.info, split, model=model, estimator=estimator,
                                                   limits=limits, progress=progress,
                                                   estimator_factory=lambda m, s: PoseEstimator(m, s))
        return _people(path, times, detections, info, None, model, estimator, limits)
    expected = reader.info.frame_count
    frames: "queue.Queue" = queue.Queue(maxsize=8)
    stop = threading.Event()
    worker = threading.Thread(target=_decode, args=(reader, frames, stop), name="decode", daemon=True)

    def decoded() -> Iterator[tuple[float, np.ndarray]]:
        while True:
            item = frames.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            _, time_s, rgb = item
            yield time_s, rgb

    worker.start()
    try:
        # the clip's reader measures its light as it decodes (reader.info): not measured a second time here
        with FrameDetector(model, estimator, follow=follow, rule=rule, light=False) as detector:
            _detect_each(detector, decoded(), expected, progress)
    finally:
        stop.set()
        worker.join(timeout=5)
    return _people(path, detector.times, detector.detections, reader.info, detector.census, model, estimator,
                   limits)


def _people(path: str | Path, times: list[float], detections: list[Detections], info: VideoInfo,
            census: np.ndarray | None, model: PoseModel, estimator: EstimatorSettings,
            limits: VideoLimits) -> PeopleInClip:
    if not times:
        raise InputError(f"{Path(path).name} holds no frames that could be decoded: record the clip again.")
    check_measured_rate(info, limits)

    def frames_again(start: int = 0) -> Iterator[tuple[float, np.ndarray]]:
        for frame in ClipReader(path, limits, threads=1).frames(start=start):
            yield frame.time_s, cv2.cvtColor(frame.bgr, cv2.COLOR_BGR2RGB)

    return PeopleInClip(times=np.asarray(times), detections=detections, video=info, model=model,
                        census=census, frames_again=frames_again, estimator=estimator)


def _estimator(model: PoseModel, estimator: EstimatorSettings, follow: FollowSettings | None,
               rule: str | int) -> PoseEstimator | SubjectFollower:
    if follow is None:
        return PoseEstimator(model, estimator)
    return SubjectFollower(model, estimator, rule=rule, follow=follow, estimator_factory=PoseEstimator)


class FrameDetector:
    """Frames through the pose model one at a time, in time order, keeping every frame's detections.

    The incremental form of :func:`detect_people_in_frames` (which is this, fed
    from an iterable): a live step's frames can go through it while the step
    records, and :meth:`people` then gives what that function gives for the
    same frames. One graph per detector (VIDEO mode: increasing times); close
    it when done (or use it as a context manager).
    """

    def __init__(self, model: PoseModel | str = "full", estimator: EstimatorSettings = EstimatorSettings(), *,
                 follow: FollowSettings | None = None, rule: str | int = "auto", light: bool = True):
        """``light``: measure the frames' light for :meth:`people` (:mod:`exposure`); False where the frames'
        clip is measured as it is read."""
        self.model = resolve_model(model) if not isinstance(model, PoseModel) else model
        self._measure_light = light
        self.estimator = estimator
        self._est = _estimator(self.model, estimator, follow, rule)
        self._following = follow is not None
        self.times: list[float] = []
        self.detections: list[Detections] = []
        self._census: list[bool] = []
        self.size = (0, 0)
        self.light: list[tuple[int, float]] = []      # every EVERY-th frame's, as a clip's (:mod:`exposure`)

    def add(self, time_s: float, rgb: np.ndarray) -> None:
        """One RGB frame shown at ``time_s`` (after every frame added so far)."""
        if self._following:
            found, everyone = self._est.detect(rgb, time_s)
            self._census.append(everyone)
        else:
            found = self._est.detect(rgb, time_s)
        if self._measure_light and len(self.times) % EVERY == 0:
            self.light.append((len(self.times), frame_light(rgb[..., ::-1])))      # it reads BGR
        self.detections.append(found)
        self.times.append(time_s)
        self.size = (rgb.shape[1], rgb.shape[0])

    def __len__(self) -> int:
        return len(self.times)

    @property
    def census(self) -> np.ndarray | None:
        """Frames in which everybody was looked for (None: all of them)."""
        return np.asarray(self._census, dtype=bool) if self._following else None

    def people(self, *, name: str, limits: VideoLimits = VideoLimits()) -> PeopleInClip:
        """Everyone found in the frames added, as for a clip; ``name`` stands in for the file name in
        messages. The frame rate and its regularity are measured from the times. Raises
        :class:`InputError` when no frame was added or the rate is too low."""
        if not self.times:
            raise InputError(f"No frames were received for {name}: check that the camera is streaming, then "
                             "record the step again.")
        times = np.asarray(self.times)
        info = with_timing(VideoInfo(path=name, width=self.size[0], height=self.size[1], nominal_fps=float("nan"),
                                     frame_count=0, rotation=0, file_bytes=0, light=tuple(self.light)), times)
        check_measured_rate(info, limits)
        return PeopleInClip(times=times, detections=self.detections, video=info, model=self.model,
                            census=self.census, estimator=self.estimator)

    def close(self) -> None:
        self._est.close()

    def __enter__(self) -> "FrameDetector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _detect_each(detector: FrameDetector, frames: Iterable[tuple[float, np.ndarray]], expected: int,
                 progress: Progress | None) -> None:
    for time_s, rgb in frames:
        detector.add(time_s, rgb)
        if progress is not None:
            progress(len(detector), expected)


def detect_people_in_frames(frames: Iterable[tuple[float, np.ndarray]], *,
                            name: str, model: PoseModel | str = "full",
                            estimator: EstimatorSettings = EstimatorSettings(),
                            limits: VideoLimits = VideoLimits(), expected: int = 0,
                            progress: Progress | None = None, follow: FollowSettings | None = None,
                            rule: str | int = "auto") -> PeopleInClip:
    """Run the pose model over frames received live: ``(time_s, rgb)`` pairs in time order.

    Same as :func:`detect_people` for a clip, for a live step's recording (``name``
    stands in for the file name in messages). The frame rate and its regularity
    are measured from the times, as for a clip. The same as feeding a
    :class:`FrameDetector` frame by frame.
    """
    with FrameDetector(model, estimator, follow=follow, rule=rule) as detector:
        _detect_each(detector, frames, expected, progress)
    return detector.people(name=name, limits=limits)


def _everyone(people: PeopleInClip, tracking: TrackingSettings):
    return follow_people(people.times, [d.image for d in people.detections],
                         [d.visibility for d in people.detections], people.frame_size, tracking,
                         census=people.census)


def fill(people: PeopleInClip, frames: np.ndarray, candidates: np.ndarray) -> PeopleInClip:
    """One person followed again where the detector missed them (module doc; the clip read again only if need be):
    ``people`` itself when nothing was added, else a copy with them added (``people`` is left as found)."""
    found = people.detections
    if people.census is not None:
        found = fill_in(people.frames_again, found, people.census, frames, candidates, people.model,
                        people.estimator, estimator_factory=PoseEstimator)
    found = follow_edges(people.frames_again, found, people.times, people.frame_size, frames, candidates,
                         people.model, people.estimator, estimator_factory=PoseEstimator)
    return people if found is people.detections else replace(people, detections=found)


def subject_poses(people: PeopleInClip, choice: SubjectChoice) -> Poses:
    """The chosen person's trajectories: their detection in each frame, NaN elsewhere."""
    t = len(people.times)
    image = np.full((t, N_LANDMARKS, 3), np.nan)
    world = np.full((t, N_LANDMARKS, 3), np.nan)
    visibility = np.full((t, N_LANDMARKS), np.nan)
    presence = np.full((t, N_LANDMARKS), np.nan)
    if choice.person is not None:
        for f, c in zip(choice.person.frames, choice.person.candidates):
            det = people.detections[f]
            image[f], world[f] = det.image[c], det.world[c]
            visibility[f], presence[f] = det.visibility[c], det.presence[c]
    source = {
        **people.video.to_dict(),
        "model": people.model.to_dict(),
        "subject": choice.to_dict(),
    }
    return Poses(times=people.times, image=image, world=world, visibility=visibility, presence=presence,
                 frame_size=people.frame_size, source=source)


def extract(path: str | Path, settings: ExtractionSettings = ExtractionSettings(), *,
            subject: str | int | None = None, progress: Progress | None = None) -> Extraction:
    """Clip -> the subject's raw Poses, with who was chosen and why.

    ``subject`` overrides ``settings.subject`` (a rule from :mod:`tracking`, or a
    person's number). Raises :class:`InputError` when the clip cannot be used
    or nobody is in it.
    """
    rule = subject if subject is not None else settings.subject
    people = detect_people(path, model=settings.model, estimator=settings.estimator,
                           limits=settings.limits, progress=progress, follow=settings.follow, rule=rule,
                           halves=settings.halves)
    return choose(people, rule, settings.tracking)


def choose(people: PeopleInClip, subject: str | int = "auto",
           tracking: TrackingSettings = TrackingSettings()) -> Extraction:
    """Follow everyone, pick the subject, follow them again where they were missed (:func:`fill`)."""
    everyone = _everyone(people, tracking)
    if not everyone:
        raise InputError(f"Nobody was found in {Path(people.video.path).name}: film the whole body, in good light, "
                         "with the person facing or side-on to the camera.")
    choice = choose_subject(everyone, subject, tracking)
    filled = fill(people, choice.person.frames, choice.person.candidates) \
        if people.frames_again is not None and choice.person is not None else people
    if filled is not people:
        people, everyone = filled, _everyone(filled, tracking)
        choice = choose_again(everyone, subject, choice.person, tracking)
    warnings = list(people.video.warnings) + [w for w in [dark_warning(people.video.light)] if w]
    if len(everyone) > 1:
        warnings.append(f"{len(everyone)} people were seen; the analysis follows person {choice.person.number}, "
                        f"{choice.reason} (another person can be chosen by number)")
    return Extraction(poses=subject_poses(people, choice), subject=choice, people=people, warnings=warnings)
