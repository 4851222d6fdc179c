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
from scipy.optimize import linear_sum_assignment

from .bodies import body_heights, drop_duplicates, trunk_centres, trunk_lengths
from .errors import InputError

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
    #: people seen for less than this in all (frames x frame interval) are not listed (spurious detections)
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


def _span(chain: list[_Track], times: np.ndarray) -> tuple[float, float]:
    return float(min(times[tr.frames[0]] for tr in chain)), float(max(times[tr.frames[-1]] for tr in chain))


def _frames(chain: list[_Track]) -> set[int]:
    return {f for tr in chain for f in tr.frames}


def _at_edge(centre: np.ndarray, size: float, frame_size: tuple[int, int]) -> bool:
    """The trunk is within half a body size of a frame edge: the person may have left or entered there."""
    w, h = frame_size
    x, y = centre
    return bool(min(x, w - x, y, h - y) <= 0.5 * size)


def join_apart(chains: list[list[_Track]], times: np.ndarray, frame_size: tuple[int, int], *, alone: bool,
               settings: TrackingSettings = TrackingSettings()) -> tuple[list[list[_Track]], dict[int, list[str]]]:
    """Join pieces of one person's track that never overlap in time.

    A person lying down, getting up, turning round or leaving the frame for a while comes back as a new
    track. Two chains that are never seen in the same frame are one person when:

    - their sizes fit (within ``max_size_ratio``: :func:`body_heights` does not change with posture), and
    - nobody else is ever in view (``alone``: at most one detection in any frame): a second person would
      have shown up beside the first at least once, so leaving the picture and coming back, lying down or
      getting up are the same person;
    - or, with others in view, the later one starts near
      where the earlier ended (within ``gate`` + ``join_per_s`` body sizes for each second apart, up to
      ``max_join_s``), whichever way the person then moved (:func:`join_tracks` predicts from the
      velocity, which a person who stopped or turned round does not keep).

    Returns the chains (each joined one in time order) and, per joined chain (keyed by ``id`` of its first
    track), a sentence per join for the result's quality block.
    """
    chains = sorted(chains, key=lambda ch: _span(ch, times)[0])
    notes: dict[int, list[str]] = {}
    merged = True
    while merged:
        merged = False
        for i in range(len(chains)):
            for j in range(i + 1, len(chains)):
                a, b = chains[i], chains[j]
                if _frames(a) & _frames(b):
                    continue
                why = _fits(a, b, times, frame_size, alone, settings)
                if why is None:
                    continue
                first, second = (a, b) if _span(a, times)[0] <= _span(b, times)[0] else (b, a)
                joined = sorted(first + second, key=lambda tr: tr.frames[0])
                notes[id(joined[0])] = notes.pop(id(first[0]), []) + notes.pop(id(second[0]), []) + [why]
                chains[i] = joined
                del chains[j]
                merged = True
                break
            if merged:
                break
    return chains, notes


def _fits(a: list[_Track], b: list[_Track], times: np.ndarray, frame_size: tuple[int, int], alone: bool,
          settings: TrackingSettings) -> str | None:
    """Why chains ``a`` and ``b`` (never seen together) are one person, or None."""
    first, second = (a, b) if _span(a, times)[0] <= _span(b, times)[0] else (b, a)
    end, start = max(first, key=lambda tr: tr.frames[-1]), min(second, key=lambda tr: tr.frames[0])
    gap = float(times[start.frames[0]] - times[end.frames[-1]])
    at = f"{times[end.frames[-1]]:.1f}-{times[start.frames[0]]:.1f} s"
    size_a, size_b = max(end.height, 1.0), max(start.start_height, 1.0)
    if abs(np.log(size_b / size_a)) > np.log(settings.max_size_ratio):
        return None                       # a body's size does not change with posture: someone else
    if alone:
        if _at_edge(end.centre, size_a, frame_size) and _at_edge(start.start_centre, size_b, frame_size):
            return f"{at}: left the picture and came back, the same size, with nobody else ever in view"
        return f"{at}: one track ended and another began, the same size, with nobody else ever in view"
    if gap < 0 or gap > settings.max_join_s:
        return None
    dist = float(np.linalg.norm(start.start_centre - end.centre)) / size_a
    if dist <= settings.gate + settings.join_per_s * gap:
        return f"{at}: lost and found again {dist:.1f} body sizes from where it was lost, the same size"
    return None


def _listed(frames: np.ndarray, *, census: np.ndarray, frame_s: float, census_s: float, min_s: float) -> bool:
    """Seen long enough to be somebody: at least ``min_s`` in all (frames x interval, or censuses x their
    interval), and in 3 frames or 2 censuses; less is a ghost glimpsed now and then, even once joined."""
    seen = int(census[frames].sum())
    return not (max(frames.size * frame_s, seen * census_s) < min_s or (frames.size < 3 and seen < 2))


def nobody_else_in_view(chains: list[list[_Track]], listed) -> bool:
    """No two people are ever seen in the same frame: at most one of the chains that would be listed
    (``listed(frames)``, seen long enough to be somebody) holds any frame. A ghost (a skeleton MediaPipe
    fits for a frame or two to a limb or a shadow of the person, never listed) is nobody else: it does not
    stop the pieces of a lone person's track from being joined (:func:`join_apart`)."""
    seen: set[int] = set()
    for chain in chains:
        frames = _frames(chain)
        if not listed(np.array(sorted(frames))):
            continue
        if seen & frames:
            return False
        seen |= frames
    return True


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
        person = max(people, key=lambda p: (p.coverage, p.frames.size))
        reason = f"the person seen longest ({person.coverage:.0%} of the frames)"
    return SubjectChoice(person, rule, reason, people)
