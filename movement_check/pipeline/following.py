"""Follow one person at the cost of one, and look for everyone else now and then.

MediaPipe's Pose Landmarker asked for one person (``num_poses=1``) runs its person detector only until it
holds somebody, then follows them from frame to frame with the landmark model alone. Asked for two, it
runs the detector on every frame in which it holds fewer than two, which is every frame of a clip with one
patient: about 40 % of the time of a plain loop (issue 22). So:

- a *follower* (``num_poses=1``, VIDEO mode) sees every frame;
- a *census* (one more than the configured ``max_people``, at least 3, IMAGE mode: a fresh detection each time) looks for everybody
  every ``census_every_s`` seconds, and soon after the follower loses its person;
- at each census the subject is chosen provisionally, with the same rule and the same functions as for a
  whole clip (:mod:`movement_check.pipeline.tracking`), over the censuses so far. While more than one person is in
  view, the follower is shown only a box around the subject (everything else blacked out), so it cannot
  drift to a bystander and is moved onto the subject when the provisional choice changes;
- a frame's people are the follower's person plus, on census frames, everybody else the census found.

The whole clip's subject is chosen afterwards as before (:func:`tracking.follow_people` knows which frames
were censuses). If the person finally chosen was not followed for part of the clip (the provisional choice
came late, or the user picks someone else by number), :func:`fill_in` follows them again over just those
stretches, with the box between the censuses that saw them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator

import numpy as np

from movement_check.pipeline.bodies import body_heights, second_skeleton, trunk_centres
from movement_check.pipeline.estimator import Detections, EstimatorSettings, PoseEstimator
from movement_check.pipeline.pose_model import PoseModel
from movement_check.pipeline.tracking import TrackingSettings, by_number, choose_subject, follow_people


@dataclass(frozen=True)
class FollowSettings:
    """``census_every_s``: how often everybody is looked for (the subject choice and the bystander count are
    made from these frames); ``after_loss_s``: the soonest a census follows a frame in which the follower
    lost its person; ``margin``: the box shown to the follower while others are in view, in body heights
    around the subject's landmarks; ``window``: the censuses the provisional choice looks back over (a long
    live session stays cheap)."""

    census_every_s: float = 0.5
    after_loss_s: float = 0.1
    margin: float = 0.35
    window: int = 60


def box_around(image: np.ndarray, margin: float) -> np.ndarray | None:
    """(x0, y0, x1, y1) around one person's landmarks (33, 3 pixels), ``margin`` body heights on each side."""
    xy = image[:, :2]
    if not np.isfinite(xy).any():
        return None
    lo, hi = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
    pad = margin * float(body_heights(image[None])[0])
    return np.array([lo[0] - pad, lo[1] - pad, hi[0] + pad, hi[1] + pad])


def masked(rgb: np.ndarray, box: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """The frame black outside ``box`` (``out``: a buffer of the frame's shape to reuse)."""
    if out is None or out.shape != rgb.shape:
        out = np.zeros_like(rgb)
    else:
        out.fill(0)
    inside = pixels(box, rgb.shape)
    out[inside] = rgb[inside]
    return out


def pixels(box: np.ndarray, shape: tuple[int, ...]) -> tuple[slice, slice]:
    """The rows and columns of a frame of ``shape`` that ``box`` (x0, y0, x1, y1 in pixels) covers (empty
    slices when it lies outside)."""
    h, w = shape[:2]
    x0, y0 = min(max(int(box[0]), 0), w), min(max(int(box[1]), 0), h)
    x1, y1 = max(min(int(np.ceil(box[2])), w), x0), max(min(int(np.ceil(box[3])), h), y0)
    return slice(y0, y1), slice(x0, x1)


def black_out(picture: np.ndarray, people: Detections) -> np.ndarray:
    """``picture`` (changed in place, and returned) black over the box around each of ``people`` (their
    landmarks, no margin): a one-person model shown it does not take them again."""
    for k in range(len(people)):
        tight = box_around(people.image[k], 0.0)
        if tight is not None:
            picture[pixels(tight, picture.shape)] = 0
    return picture


def same_person(a: np.ndarray, b: np.ndarray, *, within: float = 0.1, size_ratio: float = 1.3) -> bool:
    """Two detections (33, 3 pixels) of one frame are one person: trunks within ``within`` body heights,
    sizes alike. The follower and the census differ by 0.01-0.03 body heights on the same person (seen on
    the two-people sample); two people side by side are farther apart than 0.1."""
    ca, cb = trunk_centres(a[None], None)[0], trunk_centres(b[None], None)[0]
    ha, hb = body_heights(a[None])[0], body_heights(b[None])[0]
    if not (np.all(np.isfinite(ca)) and np.all(np.isfinite(cb))) or min(ha, hb) <= 0:
        return False
    return bool(np.linalg.norm(ca - cb) <= within * max(ha, hb) and max(ha, hb) / min(ha, hb) < size_ratio)


def merge(mine: Detections, everyone: Detections | None) -> Detections:
    """The follower's person first, then the census's people who are neither that person nor a second, partial
    skeleton of them (seen better than the whole one the follower holds, it would be kept in its place)."""
    if everyone is None or len(everyone) == 0:
        return mine
    others = [k for k in range(len(everyone)) if not (len(mine) and (
        same_person(mine.image[0], everyone.image[k]) or second_skeleton(mine.image[0], everyone.image[k])))]
    if not others:
        return mine
    pick = np.asarray(others)
    return Detections(image=np.concatenate([mine.image, everyone.image[pick]]),
                      world=np.concatenate([mine.world, everyone.world[pick]]),
                      visibility=np.concatenate([mine.visibility, everyone.visibility[pick]]),
                      presence=np.concatenate([mine.presence, everyone.presence[pick]]))


class SubjectFollower:
    """``detect(rgb, time_s) -> (Detections, census?)``: the subject every frame, everybody on census frames.

    ``rule`` is the subject rule (see :mod:`tracking`; a person's number is followed as ``auto`` here and
    put right by :func:`fill_in`). One follower per clip or live stream (MediaPipe graphs are not shared).
    """

    def __init__(self, model: PoseModel, settings: EstimatorSettings = EstimatorSettings(), *,
                 rule: str | int = "auto", tracking: TrackingSettings = TrackingSettings(),
                 follow: FollowSettings = FollowSettings(), estimator_factory=PoseEstimator):
        self.rule = "auto" if by_number(rule) else rule
        self.tracking = tracking
        self.follow = follow
        self._follower = estimator_factory(model, replace(settings, max_people=1))
        try:
            self._census = estimator_factory(model, replace(settings, max_people=max(3, settings.max_people + 1)),
                                             still=True)
        except BaseException:
            self._follower.close()
            raise
        self._last_census = -np.inf
        self._lost = False
        self._box: np.ndarray | None = None
        self._buffer: np.ndarray | None = None
        self._log: list[tuple[float, Detections]] = []
        self._size = (0, 0)

    def detect(self, rgb: np.ndarray, time_s: float) -> tuple[Detections, bool]:
        self._size = (rgb.shape[1], rgb.shape[0])
        since = time_s - self._last_census
        everyone = None
        if since >= self.follow.census_every_s or (self._lost and since >= self.follow.after_loss_s):
            everyone = self._census.detect(rgb, time_s)
            self._last_census = time_s
            self._steer(time_s, everyone)
        view = rgb if self._box is None else masked(rgb, self._box, self._buffer)
        if view is not rgb:
            self._buffer = view
        mine = self._follower.detect(view, time_s)
        self._lost = len(mine) == 0
        if len(mine) and self._box is not None:
            box = box_around(mine.image[0], self.follow.margin)
            if box is not None:
                self._box = box
        return merge(mine, everyone), everyone is not None

    def _steer(self, time_s: float, everyone: Detections) -> None:
        """After a census: mask the follower's view to the provisional subject while others are in view."""
        self._log.append((time_s, everyone))
        del self._log[:-self.follow.window]
        if len(everyone) < 2:
            self._box = None
            return
        times = np.array([t for t, _ in self._log])
        people = follow_people(times, [d.image for _, d in self._log], [d.visibility for _, d in self._log],
                               self._size, self.tracking)
        last = len(self._log) - 1
        subject = choose_subject(people, self.rule, self.tracking).person if people else None
        if subject is None or subject.frames[-1] != last:
            return                  # the subject is not in this census: keep the box as it is
        box = box_around(everyone.image[subject.candidates[-1]], self.follow.margin)
        if box is not None:
            self._box = box

    def close(self) -> None:
        self._follower.close()
        self._census.close()

    def __enter__(self) -> "SubjectFollower":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class LiveFollower:
    """The follower for a live stream: ``detect(rgb, time_s) -> Detections`` of the person followed (the
    largest, as the live overlay shows), and ``people_in_view``: how many people the latest census saw (for
    the "more than one person in view" cue)."""

    def __init__(self, model: PoseModel, settings: EstimatorSettings = EstimatorSettings(), *,
                 follow: FollowSettings = FollowSettings(), estimator_factory=PoseEstimator):
        self._follower = SubjectFollower(model, settings, rule="largest", follow=follow,
                                         estimator_factory=estimator_factory)
        self.people_in_view = 0

    def detect(self, rgb: np.ndarray, time_s: float) -> Detections:
        found, census = self._follower.detect(rgb, time_s)
        if census:
            self.people_in_view = len(found)
        if len(found) > 1:
            return Detections(found.image[:1], found.world[:1], found.visibility[:1], found.presence[:1])
        return found

    def close(self) -> None:
        self._follower.close()


def thin_stretches(frames: np.ndarray, census: np.ndarray, busy: np.ndarray | None = None, *,
                   least: float = 0.5) -> list[tuple[int, int]]:
    """Runs of frames ``(first, last)`` (both census frames) in which the person was found in fewer than
    ``least`` of the frames between: they were not followed there. Between two censuses that both saw the
    person; and before the first (after the last) census that saw them, back to the census before (on to
    the census after), when the follower was ``busy`` (holding somebody) in at least half of those frames
    -- an idle follower would have found the person as they came into view."""
    seen = np.zeros(len(census), dtype=bool)
    seen[frames] = True
    busy = np.zeros(len(census), dtype=bool) if busy is None else np.asarray(busy, dtype=bool)
    censuses = np.flatnonzero(census)
    sightings = np.flatnonzero(census & seen)
    if sightings.size == 0:
        return []
    pairs = list(zip(sightings[:-1], sightings[1:]))
    before, after = censuses[censuses < sightings[0]], censuses[censuses > sightings[-1]]
    edges = ([(before[-1], sightings[0])] if before.size else []) + ([(sightings[-1], after[0])] if after.size else [])
    runs: list[tuple[int, int]] = []
    edges = [(a, b) for a, b in edges if b - a > 1 and busy[a + 1:b].mean() >= 0.5]
    for a, b in sorted(pairs + edges):
        inside = b - a - 1
        if inside > 0 and seen[a + 1:b].sum() < least * inside:
            runs.append((int(a), int(b)))
    return runs


def boxes_between(first: np.ndarray, last: np.ndarray, n: int) -> Iterator[np.ndarray]:
    """``n`` boxes from ``first`` to ``last`` (inclusive), each the interpolated box widened by the way
    still to go, so a person moving unevenly between the censuses stays inside."""
    for i in range(n):
        f = i / max(n - 1, 1)
        mid = (1 - f) * first + f * last
        reach = np.abs(last - first) * min(f, 1 - f)
        rx, ry = max(reach[0], reach[2]), max(reach[1], reach[3])
        yield mid + np.array([-rx, -ry, rx, ry])


def _census_reach(frames: np.ndarray, candidates: np.ndarray, census: np.ndarray,
                  detections: list[Detections]) -> float:
    """How far (pixels) the person's trunk moved at most from one census to the next (at least half a body
    height): the room given to a person coming into or leaving view."""
    at = [(f, c) for f, c in zip(frames.tolist(), candidates.tolist()) if census[f]]
    image = np.array([detections[f].image[c] for f, c in at]) if at else np.zeros((0, 33, 3))
    height = float(np.nanmedian(body_heights(image))) if len(at) else 0.0
    moves = np.linalg.norm(np.diff(trunk_centres(image, None), axis=0), axis=1) if len(at) > 1 else np.zeros(0)
    moves = moves[np.isfinite(moves)]
    return max(float(moves.max()) if moves.size else 0.0, 0.5 * height if np.isfinite(height) else 0.0)


def fill_in(frames: Callable[[], Iterable[tuple[float, np.ndarray]]], detections: list[Detections],
            census: np.ndarray,
            person_frames: np.ndarray, person_candidates: np.ndarray, model: PoseModel,
            settings: EstimatorSettings = EstimatorSettings(), follow: FollowSettings = FollowSettings(),
            estimator_factory=PoseEstimator) -> list[Detections]:
    """Follow one person again where they were not followed: the frames of each thin stretch (see
    :func:`thin_stretches`) through a fresh ``num_poses=1`` follower shown only the box between the two
    censuses that saw them, with whoever was found in those frames blacked out (the follower held them
    instead). ``frames()`` yields the clip's frames again, in order; it is called only when there is a
    stretch to follow. Returns ``detections`` itself when there is none, else a new list with the person
    added in those frames (everything else unchanged)."""
    busy = np.array([len(d) > 0 for d in detections])
    runs = thin_stretches(person_frames, census, busy)
    if not runs:
        return detections
    where = dict(zip(person_frames.tolist(), person_candidates.tolist()))
    out = list(detections)
    boxes: dict[int, np.ndarray] = {}
    run_of: dict[int, int] = {}           # frame -> the run it belongs to (adjacent stretches are one run)
    run = -1
    for i, (a, b) in enumerate(runs):
        run += 0 if i and runs[i - 1][1] == a else 1
        for f in range(a + 1, b):
            run_of[f] = run
    reach = _census_reach(person_frames, person_candidates, census, detections)
    for a, b in runs:
        first = box_around(detections[a].image[where[a]], follow.margin) if a in where else None
        last = box_around(detections[b].image[where[b]], follow.margin) if b in where else None
        if first is None and last is None:
            continue
        if first is None or last is None:      # coming into view or leaving: where they were, widened by a stride
            known = first if first is not None else last
            first = last = known + np.array([-reach, -reach, reach, reach])
        for f, box in zip(range(a, b + 1), boxes_between(first, last, b - a + 1)):
            boxes[f] = box
    follower, run_now, buffer = None, None, None
    try:
        for index, (time_s, rgb) in enumerate(frames()):
            if index > runs[-1][1]:
                break
            if index not in run_of or index not in boxes:
                continue
            if run_of[index] != run_now:
                if follower is not None:
                    follower.close()
                follower, run_now = estimator_factory(model, replace(settings, max_people=1)), run_of[index]
            buffer = black_out(masked(rgb, boxes[index], buffer), out[index])   # whom the follower held: not again
            found = follower.detect(buffer, time_s)
            if len(found) and not any(same_person(found.image[0], out[index].image[k])
                                      for k in range(len(out[index]))):
                out[index] = merge(found, out[index])
    finally:
        if follower is not None:
            follower.close()
    return out


def everyone_in_each_frame(times: np.ndarray, detections: list[Detections], census: np.ndarray | None,
                           people, *, hold_s: float | None = None) -> list[np.ndarray]:
    """Every person in each frame, (K, 33, 3) pixels, for blurring faces: what was found, and where the
    censuses only saw somebody now and then, their landmarks drawn straight between two sightings (and
    held for one census interval before the first and after the last), so that a bystander's face is
    covered in the frames between censuses too. ``people``: :class:`tracking.Person` records."""
    found = [d.image for d in detections]
    if census is None or np.asarray(census).all() or len(times) < 2:
        return found
    times = np.asarray(times, dtype=float)
    census_times = times[np.asarray(census, dtype=bool)]
    every = float(np.median(np.diff(census_times))) if census_times.size > 1 else 0.5
    hold_s = 1.5 * every if hold_s is None else hold_s
    extra: list[list[np.ndarray]] = [[] for _ in times]
    for person in people:
        frames, cands = np.asarray(person.frames), np.asarray(person.candidates)
        for (f0, c0), (f1, c1) in zip(zip(frames[:-1], cands[:-1]), zip(frames[1:], cands[1:])):
            if f1 - f0 < 2 or times[f1] - times[f0] > 3 * hold_s:
                continue
            a, b = detections[f0].image[c0], detections[f1].image[c1]
            for f in range(f0 + 1, f1):
                u = (times[f] - times[f0]) / (times[f1] - times[f0])
                extra[f].append((1 - u) * a + u * b)
        if frames.size:
            first, last = int(frames[0]), int(frames[-1])
            for f in np.flatnonzero((times < times[first]) & (times >= times[first] - hold_s)):
                extra[f].append(detections[first].image[cands[0]])
            for f in np.flatnonzero((times > times[last]) & (times <= times[last] + hold_s)):
                extra[f].append(detections[last].image[cands[-1]])
    return [np.concatenate([img, np.array(more)]) if more else img for img, more in zip(found, extra)]
