"""Following one person through a clip when more than one is in view.

MediaPipe returns every person it finds in a frame, in no stable order. Here
detections are linked frame to frame into *tracks* (one per person) by where
their trunk is and how big they are, tracks broken by short losses are joined
back into one person, and one person is chosen as the subject. The subject is
never swapped for a bystander part-way: a detection that jumps farther than a
person can move between two frames starts a new track.

How the subject is chosen (``rule``):

- ``walker``   the person who travels most across the frame (horizontal range
               of the trunk as a share of the frame width, plus the change in
               trunk size when walking toward or away from the camera), weighted
               by the share of the clip they are seen in, so that a reflection
               or a passer-by glimpsed for a second does not win;
- ``largest``  the largest body on average (median height in the frame),
               among people seen in at least a quarter of the clip;
- ``most-visible`` the highest mean landmark visibility times the share of
               frames the person is seen in;
- ``longest``  the person seen in the most frames;
- ``auto``     ``walker`` when somebody walked (travel of at least a quarter of
               the frame) and was seen at least half as long as the person
               seen longest, else ``largest``. Tests pass their own preference
               (gait: walker; standing tests: largest).

A whole number N chooses person N of the list in the result (numbered by
first appearance), to override the rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from .errors import InputError
from .landmarks import TORSO

RULES = ("auto", "walker", "largest", "most-visible", "longest")


@dataclass(frozen=True)
class TrackingSettings:
    """Gates for linking detections, in body heights and seconds."""

    #: a detection farther than this from a track's predicted trunk position
    #: (in body heights, plus ``gate_per_s`` for every second of loss) is someone else
    gate: float = 0.35
    gate_per_s: float = 1.5
    #: a larger or smaller body than this ratio is someone else
    max_size_ratio: float = 1.6
    #: a track lost for longer than this ends
    max_loss_s: float = 0.5
    #: a track that starts within this time after another ended, near where it
    #: ended and of the same size, is the same person
    max_join_s: float = 2.0
    #: how far (body heights) a joined track may start from the prediction, per second of loss
    join_per_s: float = 0.5
    #: walking, for ``auto``: travel of at least this share of the frame
    min_walk_travel: float = 0.25
    #: people seen less than this are not listed (spurious detections)
    min_listed_s: float = 0.3


@dataclass
class Person:
    """One person followed through the clip: which detection is theirs in each frame."""

    number: int
    frames: np.ndarray          # (n,) frame indices
    candidates: np.ndarray      # (n,) index of the detection in that frame
    first_time_s: float = 0.0
    last_time_s: float = 0.0
    travel: float = 0.0         # horizontal range of the trunk / frame width
    size_change: float = 0.0    # |log(largest / smallest trunk length)|
    median_height: float = 0.0  # median body height / frame height
    mean_visibility: float = 0.0
    coverage: float = 0.0       # share of the clip's frames the person is seen in

    @property
    def movement(self) -> float:
        return self.travel + self.size_change

    @property
    def walking_score(self) -> float:
        return self.movement * self.coverage

    def to_dict(self) -> dict:
        return {
            "person": self.number,
            "frames": int(self.frames.size),
            "first_time_s": round(self.first_time_s, 3),
            "last_time_s": round(self.last_time_s, 3),
            "seen_share": round(self.coverage, 3),
            "travel_share_of_width": round(self.travel, 3),
            "median_height_share": round(self.median_height, 3),
            "mean_visibility": round(self.mean_visibility, 3),
        }


@dataclass
class SubjectChoice:
    """Who was analysed, why, and who else was seen."""

    person: Person | None
    rule: str
    reason: str
    people: list[Person] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "person": None if self.person is None else self.person.number,
            "rule": self.rule,
            "reason": self.reason,
            "people_seen": len(self.people),
            "people": [p.to_dict() for p in self.people],
        }


def trunk_centres(image: np.ndarray, visibility: np.ndarray) -> np.ndarray:
    """(K, 2) trunk centre per detection: mean of shoulders and hips in pixels."""
    if image.shape[0] == 0:
        return np.zeros((0, 2))
    torso = image[:, list(TORSO), :2]
    return np.nanmean(torso, axis=1)


def trunk_lengths(image: np.ndarray) -> np.ndarray:
    """(K,) shoulder-midpoint to hip-midpoint distance in pixels (robust to hidden legs)."""
    if image.shape[0] == 0:
        return np.zeros(0)
    shoulders = image[:, [TORSO[0], TORSO[1]], :2].mean(axis=1)
    hips = image[:, [TORSO[2], TORSO[3]], :2].mean(axis=1)
    return np.linalg.norm(shoulders - hips, axis=1)


def drop_duplicates(image: np.ndarray, visibility: np.ndarray, *, overlap: float = 0.05,
                    size_ratio: float = 1.3, partial: float = 0.7, contained: float = 0.8) -> np.ndarray:
    """Indices of the detections to keep in one frame.

    MediaPipe asked for two people sometimes returns the same person twice:
    a second skeleton whose trunk lies within ``overlap`` body heights of the
    first and whose size differs by less than ``size_ratio`` (seen: 0.02-0.04
    body heights apart, up to 1.18 times the size), or a partial skeleton less
    than ``partial`` times as tall lying mostly (``contained``) inside the
    other's box. Of such a pair the detection with the higher mean visibility
    is kept. Two real people crossing are rarely that close in both place and
    size.
    """
    k = image.shape[0]
    if k < 2:
        return np.arange(k)
    centres = trunk_centres(image, visibility)
    heights = np.maximum(body_heights(image), 1.0)
    lo, hi = np.nanmin(image[..., :2], axis=1), np.nanmax(image[..., :2], axis=1)

    def duplicate(i: int, j: int) -> bool:
        small, big = (i, j) if heights[i] < heights[j] else (j, i)
        ratio = heights[big] / heights[small]
        if ratio < size_ratio and np.linalg.norm(centres[i] - centres[j]) <= overlap * heights[big]:
            return True
        inter = np.clip(np.minimum(hi[small], hi[big]) - np.maximum(lo[small], lo[big]), 0, None).prod()
        area = max(float(np.prod(hi[small] - lo[small])), 1.0)
        return ratio > 1 / partial and inter / area >= contained

    order = np.argsort(-np.nanmean(visibility, axis=1))
    keep: list[int] = []
    for i in order:
        if not any(duplicate(int(i), j) for j in keep):
            keep.append(int(i))
    return np.array(sorted(keep), dtype=int)


def body_heights(image: np.ndarray) -> np.ndarray:
    """(K,) apparent body height in pixels: vertical extent of all landmarks."""
    if image.shape[0] == 0:
        return np.zeros(0)
    y = image[..., 1]
    return np.nanmax(y, axis=1) - np.nanmin(y, axis=1)


@dataclass
class _Track:
    frames: list[int]
    candidates: list[int]
    centre: np.ndarray
    velocity: np.ndarray
    height: float
    last_time: float
    start_centre: np.ndarray
    start_height: float


def link_tracks(times: np.ndarray, centres: list[np.ndarray], heights: list[np.ndarray],
                settings: TrackingSettings = TrackingSettings()) -> list[_Track]:
    """Link per-frame detections into tracks (Hungarian assignment, gated)."""
    active: list[_Track] = []
    finished: list[_Track] = []
    for t, (time, cen, hei) in enumerate(zip(times, centres, heights)):
        still = []
        for track in active:
            (still if time - track.last_time <= settings.max_loss_s else finished).append(track)
        active = still
        k = cen.shape[0]
        matched_candidates: set[int] = set()
        if active and k:
            cost = np.full((len(active), k), np.inf)
            for i, track in enumerate(active):
                dt = time - track.last_time
                predicted = track.centre + track.velocity * dt
                scale = max(track.height, 1.0)
                dist = np.linalg.norm(cen - predicted, axis=1) / scale
                ratio = np.abs(np.log(np.maximum(hei, 1.0) / scale))
                ok = (dist <= settings.gate + settings.gate_per_s * dt) & (ratio <= np.log(settings.max_size_ratio))
                cost[i, ok] = dist[ok] + ratio[ok]
            finite = np.where(np.isfinite(cost), cost, 1e6)
            rows, cols = linear_sum_assignment(finite)
            for i, j in zip(rows, cols):
                if not np.isfinite(cost[i, j]):
                    continue
                track = active[i]
                dt = max(time - track.last_time, 1e-6)
                new_velocity = (cen[j] - track.centre) / dt
                track.velocity = 0.5 * track.velocity + 0.5 * new_velocity
                track.centre = cen[j]
                track.height = 0.8 * track.height + 0.2 * float(hei[j])
                track.last_time = float(time)
                track.frames.append(t)
                track.candidates.append(j)
                matched_candidates.add(j)
        for j in range(k):
            if j not in matched_candidates and np.all(np.isfinite(cen[j])):
                active.append(_Track([t], [j], cen[j].copy(), np.zeros(2), float(hei[j]), float(time),
                                     cen[j].copy(), float(hei[j])))
    return finished + active


def join_tracks(tracks: list[_Track], times: np.ndarray,
                settings: TrackingSettings = TrackingSettings()) -> list[list[_Track]]:
    """Join tracks of the same person broken by a loss (greedy, in time order)."""
    tracks = sorted(tracks, key=lambda tr: tr.frames[0])
    chains: list[list[_Track]] = []
    for track in tracks:
        start_time = times[track.frames[0]]
        best, best_cost = None, np.inf
        for chain in chains:
            last = chain[-1]
            end_time = times[last.frames[-1]]
            gap = start_time - end_time
            if gap <= 0 or gap > settings.max_join_s:
                continue
            scale = max(last.height, 1.0)
            # where the person would be had they kept walking (speed capped at
            # 2 body heights a second); the gate grows slowly with the loss
            speed = np.linalg.norm(last.velocity) / scale
            velocity = last.velocity * min(1.0, 2.0 / speed) if speed > 0 else last.velocity
            predicted = last.centre + velocity * gap
            dist = np.linalg.norm(track.start_centre - predicted) / scale
            ratio = abs(np.log(max(track.start_height, 1.0) / scale))
            if dist <= settings.gate + settings.join_per_s * gap and ratio <= np.log(settings.max_size_ratio):
                if dist + ratio < best_cost:
                    best, best_cost = chain, dist + ratio
        if best is None:
            chains.append([track])
        else:
            best.append(track)
    return chains


def follow_people(times: np.ndarray, images: list[np.ndarray], visibilities: list[np.ndarray],
                  frame_size: tuple[int, int],
                  settings: TrackingSettings = TrackingSettings()) -> list[Person]:
    """Everyone seen in the clip, as :class:`Person` records numbered by first appearance."""
    times = np.asarray(times, dtype=float)
    keep = [drop_duplicates(img, vis) for img, vis in zip(images, visibilities)]
    centres, heights = [], []
    for img, vis, kept in zip(images, visibilities, keep):
        cen = trunk_centres(img, vis)
        cen[np.setdiff1d(np.arange(len(cen)), kept)] = np.nan  # a duplicate links to nobody
        centres.append(cen)
        heights.append(body_heights(img))
    trunks = [trunk_lengths(img) for img in images]
    tracks = link_tracks(times, centres, heights, settings)
    chains = join_tracks(tracks, times, settings)
    width, height = frame_size
    people: list[Person] = []
    for chain in chains:
        frames = np.concatenate([np.asarray(tr.frames) for tr in chain])
        cands = np.concatenate([np.asarray(tr.candidates) for tr in chain])
        order = np.argsort(frames)
        frames, cands = frames[order], cands[order]
        if times[frames[-1]] - times[frames[0]] < settings.min_listed_s or frames.size < 3:
            continue
        cx = np.array([centres[f][c][0] for f, c in zip(frames, cands)])
        hs = np.array([heights[f][c] for f, c in zip(frames, cands)])
        vis = np.array([np.nanmean(visibilities[f][c]) for f, c in zip(frames, cands)])
        # robust ranges: ignore the extreme 5 % (a stray detection at a frame edge)
        travel = (np.nanpercentile(cx, 97.5) - np.nanpercentile(cx, 2.5)) / width
        tl = np.array([trunks[f][c] for f, c in zip(frames, cands)])
        tl = tl[tl > 0]
        size_change = float(abs(np.log(np.percentile(tl, 95) / np.percentile(tl, 5)))) if tl.size else 0.0
        people.append(Person(
            number=0, frames=frames, candidates=cands,
            first_time_s=float(times[frames[0]]), last_time_s=float(times[frames[-1]]),
            travel=float(travel), size_change=size_change,
            median_height=float(np.median(hs) / height), mean_visibility=float(np.nanmean(vis)),
            coverage=float(frames.size / len(times)),
        ))
    people.sort(key=lambda p: (p.first_time_s, -p.frames.size))
    for number, person in enumerate(people, start=1):
        person.number = number
    return people


def choose_subject(people: list[Person], rule: str | int = "auto",
                   settings: TrackingSettings = TrackingSettings()) -> SubjectChoice:
    """Pick the person to analyse; the reason is a sentence for the result.

    ``rule`` is one of :data:`RULES` or a person's number (1-based) to override.
    Raises :class:`InputError` for an unknown rule or a number nobody has.
    """
    if not people:
        return SubjectChoice(None, str(rule), "nobody was found in the clip", [])
    if isinstance(rule, int) or (isinstance(rule, str) and rule.isdigit()):
        number = int(rule)
        for person in people:
            if person.number == number:
                return SubjectChoice(person, "chosen", f"person {number} was chosen by the user", people)
        raise InputError(f"There is no person {number} in this clip: {len(people)} "
                         f"{'person was' if len(people) == 1 else 'people were'} seen (numbered 1 to {len(people)}).")
    if rule not in RULES:
        raise InputError(f"Unknown subject rule {rule!r}: use one of {', '.join(RULES)} or a person's number.")
    if len(people) == 1:
        return SubjectChoice(people[0], rule, "only one person was seen", people)
    if rule == "auto":
        walker = max(people, key=lambda p: p.walking_score)
        walked = walker.travel >= settings.min_walk_travel or walker.size_change >= 0.4
        # a passer-by crossing for a moment is not the patient's walking test
        seen_enough = walker.coverage >= 0.5 * max(p.coverage for p in people)
        rule = "walker" if walked and seen_enough else "largest"
    if rule == "walker":
        person = max(people, key=lambda p: (p.walking_score, p.frames.size))
        how = (f"walked across {person.travel:.0%} of the frame width" if person.travel >= person.size_change
               else f"walked toward or away from the camera (trunk size changed {np.exp(person.size_change):.1f}x)")
        reason = f"the person who moved most: {how}"
    elif rule == "largest":
        eligible = [p for p in people if p.coverage >= 0.25] or people
        person = max(eligible, key=lambda p: (p.median_height, p.frames.size))
        reason = f"the largest person in view (median {person.median_height:.0%} of the frame height)"
    elif rule == "most-visible":
        person = max(people, key=lambda p: p.mean_visibility * p.coverage)
        reason = (f"the most visible person (mean landmark visibility {person.mean_visibility:.2f}, "
                  f"seen in {person.coverage:.0%} of the frames)")
    else:  # longest
        person = max(people, key=lambda p: p.frames.size)
        reason = f"the person seen longest ({person.coverage:.0%} of the frames)"
    return SubjectChoice(person, rule, reason, people)
