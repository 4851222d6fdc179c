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

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np

from movement_check.pipeline.bodies import body_heights, drop_duplicates, trunk_centres, trunk_lengths
from movement_check.errors import InputError
from movement_check.pipeline.track_links import (TrackingSettings, _frames, join_apart, join_tracks, link_tracks,  # noqa: F401
                          nobody_else_in_view)

RULES = ("auto", "walker", "largest", "most-visible", "longest")


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
    joined: list[str] = field(default_factory=list)    # where and why pieces of their track were joined

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
            **({"tracks_joined": self.joined} if self.joined else {}),
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


def _listed(frames: np.ndarray, *, census: np.ndarray, frame_s: float, census_s: float, min_s: float) -> bool:
    """Seen long enough to be somebody: at least ``min_s`` in all (frames x interval, or censuses x their
    interval), and in 3 frames or 2 censuses; less is a ghost glimpsed now and then, even once joined."""
    seen = int(census[frames].sum())
    return not (max(frames.size * frame_s, seen * census_s) < min_s or (frames.size < 3 and seen < 2))


def follow_people(times: np.ndarray, images: list[np.ndarray], visibilities: list[np.ndarray],
                  frame_size: tuple[int, int],
                  settings: TrackingSettings = TrackingSettings(),
                  census: np.ndarray | None = None) -> list[Person]:
    """Everyone seen in the clip, as :class:`Person` records numbered by first appearance.

    ``census`` (bool per frame, default all): the frames in which everybody was looked for; in the others
    only the subject was followed (:mod:`following`). Who is listed, and the share of the clip each person
    is seen in (``coverage``, which the subject rules weigh), are then counted over the census frames, so a
    bystander seen only there is not made to look a fifteenth as present as the person followed; tracks may
    skip from one census to the next.
    """
    times = np.asarray(times, dtype=float)
    census = np.ones(len(times), dtype=bool) if census is None else np.asarray(census, dtype=bool)
    frame_s = float(np.median(np.diff(times))) if len(times) > 1 else 0.0
    census_times = times[census]
    census_s = float(np.median(np.diff(census_times))) if census_times.size > 1 else frame_s
    if not census.all():
        settings = replace(settings, max_loss_s=max(settings.max_loss_s, 2.5 * census_s))
    centres, heights = _trunks(images, visibilities)
    trunks = [trunk_lengths(img) for img in images]
    tracks = link_tracks(times, centres, heights, settings)
    chains = join_tracks(tracks, times, settings)
    listed = partial(_listed, census=census, frame_s=frame_s, census_s=census_s, min_s=settings.min_listed_s)
    alone = nobody_else_in_view(chains, listed)
    if alone:   # ghosts are nobody: not joined into a person of their own
        chains = [chain for chain in chains if listed(np.array(sorted(_frames(chain))))]
    chains, joins = join_apart(chains, times, frame_size, alone=alone, settings=settings)
    people: list[Person] = []
    for chain in chains:
        frames = np.concatenate([np.asarray(tr.frames) for tr in chain])
        cands = np.concatenate([np.asarray(tr.candidates) for tr in chain])
        order = np.argsort(frames)
        frames, cands = frames[order], cands[order]
        if listed(frames):
            people.append(_person(frames, cands, times, centres, heights, trunks, visibilities, frame_size, census,
                                  joins.get(id(chain[0]), [])))
    people.sort(key=lambda p: (p.first_time_s, -p.frames.size))
    for number, person in enumerate(people, start=1):
        person.number = number
    return people


def _trunks(images: list[np.ndarray], visibilities: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each frame's trunk centres (NaN for a duplicate of another detection: it links to nobody) and body heights."""
    centres, heights = [], []
    for img, vis in zip(images, visibilities):
        kept = drop_duplicates(img, vis)
        cen = trunk_centres(img, vis)
        cen[np.setdiff1d(np.arange(len(cen)), kept)] = np.nan
        centres.append(cen)
        heights.append(body_heights(img))
    return centres, heights


def _person(frames: np.ndarray, cands: np.ndarray, times: np.ndarray, centres: list, heights: list, trunks: list,
            visibilities: list, frame_size: tuple[int, int], census: np.ndarray, joined: list) -> Person:
    """One person's record from the detections that are theirs (numbered later)."""
    width, height = frame_size
    cx = np.array([centres[f][c][0] for f, c in zip(frames, cands)])
    hs = np.array([heights[f][c] for f, c in zip(frames, cands)])
    vis = np.array([np.nanmean(visibilities[f][c]) for f, c in zip(frames, cands)])
    # robust ranges: ignore the extreme 5 % (a stray detection at a frame edge)
    travel = (np.nanpercentile(cx, 97.5) - np.nanpercentile(cx, 2.5)) / width
    tl = np.array([trunks[f][c] for f, c in zip(frames, cands)])
    tl = tl[tl > 0]
    size_change = float(abs(np.log(np.percentile(tl, 95) / np.percentile(tl, 5)))) if tl.size else 0.0
    return Person(number=0, frames=frames, candidates=cands,
                  first_time_s=float(times[frames[0]]), last_time_s=float(times[frames[-1]]),
                  travel=float(travel), size_change=size_change,
                  median_height=float(np.median(hs) / height), mean_visibility=float(np.nanmean(vis)),
                  coverage=float(census[frames].sum() / max(int(census.sum()), 1)), joined=joined)


def by_number(rule: str | int) -> bool:
    """The subject rule is a person's number (an int, or a string of digits)."""
    return isinstance(rule, int) or (isinstance(rule, str) and rule.isdigit())


def _chosen(person: Person, people: list[Person]) -> SubjectChoice:
    return SubjectChoice(person, "chosen", f"person {person.number} was chosen by the user", people)


def choose_subject(people: list[Person], rule: str | int = "auto",
                   settings: TrackingSettings = TrackingSettings()) -> SubjectChoice:
    """Pick the person to analyse; the reason is a sentence for the result.

    ``rule`` is one of :data:`RULES` or a person's number (1-based) to override.
    Raises :class:`InputError` for an unknown rule or a number nobody has.
    """
    if not people:
        return SubjectChoice(None, str(rule), "nobody was found in the clip", [])
    if by_number(rule):
        number = int(rule)
        for person in people:
            if person.number == number:
                return _chosen(person, people)
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
        person = max(people, key=lambda p: (p.coverage, p.frames.size))
        reason = f"the person seen longest ({person.coverage:.0%} of the frames)"
    return SubjectChoice(person, rule, reason, people)


def choose_again(people: list[Person], rule: str | int, before: Person,
                 settings: TrackingSettings = TrackingSettings()) -> SubjectChoice:
    """:func:`choose_subject` once more after the person chosen (``before``) was followed again where they had
    been missed (:func:`extraction.fill`), which may number everybody afresh (by first appearance): a person
    chosen by number stays the same person (the one holding most of ``before``'s detections, which were left in
    place); a rule is applied again."""
    if not by_number(rule) or not people:
        return choose_subject(people, rule, settings)
    theirs = set(zip(before.frames.tolist(), before.candidates.tolist()))
    return _chosen(max(people, key=lambda p: len(theirs & set(zip(p.frames.tolist(), p.candidates.tolist())))),
                   people)
