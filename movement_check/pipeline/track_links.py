"""Detections linked from frame to frame into tracks, and tracks joined into one person's (pure functions).

:mod:`movement_check.pipeline.tracking` lists the people these make and chooses the subject among them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment


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
