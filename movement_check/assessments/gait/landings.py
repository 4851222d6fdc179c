"""Heel strikes from a foot landing, where the Zeni rule has no peak to find (a fixed camera, side view).

Zeni's heel strike (:mod:`movement_check.assessments.gait.events`) is the foot farthest in front of the pelvis.
A foot that lands beside or behind the other (a step-to gait, the closing step of a walk) is never farthest in
front: over both feet at once it makes no peak, and its own peak comes late, when the pelvis starts to pass it.
Seen by a fixed camera, a foot in stance stands still on the floor, so its landing is the end of its swing:
where its forward speed in the picture falls to a share of the swing's peak. This is the foot-velocity idea of
O'Connor et al. (2007, *Automatic detection of gait events using kinematic data*, Gait & Posture 25(3):469-474)
and Hreljac & Marshall (2000, J Biomech 33(6):783-786), on the forward speed a side view sees. It is used only
where the pelvis crossed the picture (``Bout.direction_from == "travel"``): on a treadmill, or with a camera that
follows the walker, the standing foot moves in the picture too.
"""

from __future__ import annotations

import numpy as np

from movement_check.assessments.gait.events import Extremum
from movement_check.body.framing import out_of_frame
from movement_check.body.landmarks import LEG, SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.signals import derivative, runs
from movement_check.body.walking import Bout

#: a foot's swing: it moves forward in the image faster than this (leg lengths a second) ...
SWING_SPEED_LEGS_PER_S = 0.2
#: ... over at least this far (leg lengths; a short shuffle still covers ~0.3), peaking at least this fast
SWING_MIN_LEGS = 0.3
SWING_MIN_PEAK_LEGS_PER_S = 0.5
#: it has landed when its speed has fallen below this share of the swing's peak
LANDED_SHARE_OF_PEAK = 0.3


def foot_landings(times: np.ndarray, forward: np.ndarray, *, scale: float) -> list[Extremum]:
    """When a foot lands, from its own movement in the picture: the end of each swing, where its forward speed
    falls below ``LANDED_SHARE_OF_PEAK`` of the swing's peak (interpolated between frames).

    ``forward``: the foot's position along the direction of travel in a fixed camera's picture (pixels,
    positive forward); ``scale``: the leg length in pixels. A foot in stance stands still on the floor, so
    the swing's end is the landing whether the foot lands ahead of the body or beside and behind the other
    (a step-to gait), where Zeni's rule (the foot farthest ahead of the pelvis) has no peak to find. This is
    the foot-velocity idea of O'Connor et al. (2007, Gait & Posture 25(3):469-474) and Hreljac & Marshall
    (2000, J Biomech 33(6):783-786), on the forward speed a side view sees. It needs a fixed camera: on a
    treadmill the standing foot moves with the belt. Extremum ``value``: the swing's length (leg lengths).
    """
    speed = derivative(np.asarray(forward, dtype=float), times) / scale
    fast = np.nan_to_num(speed, nan=0.0) > SWING_SPEED_LEGS_PER_S
    out = []
    for a, b in runs(fast):
        length = float(np.nansum(speed[a:b] * np.gradient(times)[a:b]))
        peak_at = a + int(np.argmax(np.nan_to_num(speed[a:b], nan=-np.inf)))
        peak = float(speed[peak_at])
        if length < SWING_MIN_LEGS or peak < SWING_MIN_PEAK_LEGS_PER_S:
            continue
        below = LANDED_SHARE_OF_PEAK * peak
        # on past the swing's run if need be: a slow swing's share of its peak lies under the swing speed
        for i in range(peak_at + 1, len(times)):
            if not np.isfinite(speed[i]):
                break
            if speed[i] < below:
                frame = i - 1 + (speed[i - 1] - below) / (speed[i - 1] - speed[i])
                out.append(Extremum(frame, float(np.interp(frame, np.arange(len(times)), times)), length))
                break
    return out


#: a walk's first or last step made by a foot that did not lead is this far (steps) from its neighbour
EDGE_STEP_RANGE = (0.6, 1.5)


def landed(poses: Poses, bout: Bout, events: list[Extremum], found: list[Extremum], votes: list[float], *,
           leg: float, pad: int, step_s: float, own: dict[str, list[Extremum]] | None = None
           ) -> tuple[list[Extremum], list[float]]:
    """A side-view bout's heel strikes with the steps of a foot that did not lead timed at its landing.

    ``events`` / ``votes``: the heel strikes in time order and which labelled foot made each (positive: the
    pose model's left), after :func:`~movement_check.assessments.gait.strides.fill_alternation`; ``found``: those
    found over both feet at once (a leading foot's, kept as they are). Each strike added by the filling is
    moved to its foot's nearest landing within half a step. A walk's first or last step made by a foot that
    did not lead (the landing foot coming down beside the other) has no event at all: a landing of either
    foot (the other one than landed at that strike first), a step like the walk's others before the first strike
    or after the last (:func:`edge_step_window`), inside the bout (or the few
    frames beside it where the feet are seen), is added, voted to the labelled foot that landed, when the
    walker walked on through it (:func:`_walked_through`): not the first step from standing, nor the closing
    step into it. A foot outside the picture is not seen to land (the model holds it at the edge). Where no
    landing is seen before the first strike because the clip starts within that step (showing only part of
    that foot's swing), the other foot's own Zeni peak (``own``, per labelled foot) stands in for it, by
    alternation as inside the walk. Not after the last: a swing ends at its landing, so a clip that shows a
    foot's peak has shown that foot's swing; one unseen there was hidden, as inside the clip.
    """
    lands = {}
    for side in SIDES:
        _, _, _, heel, toe = LEG[side]
        forward = 0.5 * (poses.image[:, heel, 0] + poses.image[:, toe, 0]) * bout.direction
        forward[:max(0, bout.start - pad)] = np.nan
        forward[bout.stop + pad:] = np.nan
        # a foot outside the picture is held at its edge by the model: not a foot standing still
        forward[out_of_frame(poses.image[:, [heel, toe], :2], poses.frame_size).any(axis=1)] = np.nan
        lands[side] = foot_landings(poses.times, forward, scale=leg)
    out, out_votes = [], list(votes)
    for e, vote in zip(events, votes):
        near = [x for x in lands["left" if vote > 0 else "right"] if abs(x.time_s - e.time_s) <= 0.5 * step_s]
        if e in found or not near:
            out.append(e)
            continue
        land = min(near, key=lambda x: abs(x.time_s - e.time_s))
        out.append(Extremum(land.frame, land.time_s, e.value, e.prominence))
    if not out:
        return out, out_votes
    # each landing keeps the labelled foot it came from: its vote is that foot's, not copied from its neighbour
    # (a copied vote always agrees with alternation and would inflate the side vote)
    either = [(x, 1.0 if side == "left" else -1.0) for side in SIDES for x in lands[side]]
    going, first_seen = _walked_through(poses, bout, step_s)
    window = edge_step_window([e.time_s for e in out], step_s)
    # the other foot's own peak stands in before the first strike only (see above)
    # the foot that landed at the first strike (or the last) stood on the floor through the step after it (or
    # before): that step is the other foot's, whose landings come first
    before = _edge_step(_other_first(either, out[0].time_s, step_s), _other_foot(own, out_votes[0]), out[0].time_s,
                        -1, step_s, going, first_seen, window)
    after = _edge_step(_other_first(either, out[-1].time_s, step_s), [], out[-1].time_s, 1, step_s, going,
                       first_seen, window)
    if before:
        out.insert(0, before[0])
        out_votes.insert(0, before[1])
    if after:
        out.append(after[0])
        out_votes.append(after[1])
    return out, out_votes


#: a foot landed at a heel strike when one of its landings lies this close to it (steps): the two time the same
#: contact by its speed and by its place ahead of the pelvis, 1-3 frames apart
AT_STRIKE_STEPS = 0.25


def _other_first(lands: list[tuple[Extremum, float]], t: float, step_s: float) -> list[list[tuple[Extremum, float]]]:
    """The landings (each with its named foot's vote) in two groups, looked through in turn: those not of the named
    foot whose landing is nearest to the heel strike at ``t`` within AT_STRIKE_STEPS, then that foot's (one group
    when no landing is that near: which foot made the strike is not seen). Judged by the landings, not by the
    strike's vote (a brief swap of the legs mislabels a strike), and only a preference: the model may name one foot
    for both feet's landings a step apart (the home walk as a JPEG-8 video call: the right "landed" at its first
    two strikes), where the one that foot has is all there is."""
    near = [(abs(x.time_s - t), v) for x, v in lands if abs(x.time_s - t) <= AT_STRIKE_STEPS * step_s]
    if not near:
        return [lands]
    foot = np.sign(min(near)[1])
    return [[(x, v) for x, v in lands if np.sign(v) != foot], [(x, v) for x, v in lands if np.sign(v) == foot]]


def _other_foot(own: dict[str, list[Extremum]] | None, vote: float) -> list[tuple[Extremum, float]]:
    """The own Zeni peaks of the foot that did not make an event voted ``vote`` (positive: the model's left),
    each with that foot's vote; none when the vote is undecided."""
    if not own or vote == 0:
        return []
    other, v = ("right", -1.0) if vote > 0 else ("left", 1.0)
    return [(x, v) for x in own.get(other, [])]


#: a walk's first or last step lasts at least as long as its other steps less this share (``edge_step_window``)
EDGE_STEP_LIKE = 0.15


def edge_step_window(strikes: list[float], step_s: float) -> tuple[float, float]:
    """How long (s) a walk's first or last step may last: ``EDGE_STEP_RANGE`` steps of ``step_s``, no shorter than
    its other steps (the steps between ``strikes``, s) less ``EDGE_STEP_LIKE``, when there are two or more. A
    limp's short step still counts; in an even walk a foot's landing 0.6 of a step after the last strike is no
    step (the lab walk, whose pose model names the feet front and back, "lands" its rear-named foot where it passes
    the other: its clip stopped a frame after the last strike read that as one, +3.7 %). Not narrowed from above:
    a neighbouring strike found early makes the step look long (the two-people walk as a JPEG-8 video call: the
    last step 1.2 times the others)."""
    lo, hi = EDGE_STEP_RANGE[0] * step_s, EDGE_STEP_RANGE[1] * step_s
    steps = np.diff(strikes)
    if steps.size < 2:
        return lo, hi
    return max(lo, (1 - EDGE_STEP_LIKE) * float(steps.min())), hi


def _edge_step(lands: list[list[tuple[Extremum, float]]], zeni: list[tuple[Extremum, float]], t: float, way: int,
               step_s: float, going, first_seen: float, window: tuple[float, float]) -> tuple[Extremum, float] | None:
    """The walk's step before (``way`` -1) or after (+1) the heel strike at ``t``: the nearest landing of either
    foot (``lands``: groups looked through in turn, :func:`_other_first`) ``window`` (s, :func:`edge_step_window`)
    away that the walker walked through, else the nearest Zeni peak of ``zeni`` (given before the first strike
    only) whose own step, the one before it, starts before ``first_seen`` (s, the pelvis's first seen frame): only
    there can a swing have gone unseen. Inside the clip a foot's own peak with no landing is no step (the first sway
    from standing makes one); nor after the last strike: the swing before a peak the clip shows is inside it."""
    # a foot that never leads peaks after it lands: its own peak's step reads short, and is held to the wider range
    wide = (EDGE_STEP_RANGE[0] * step_s, EDGE_STEP_RANGE[1] * step_s)
    for pool, edge_only, (lo, hi) in [(group, False, window) for group in lands] + [(zeni, True, wide)]:
        near = [(x, v) for x, v in pool if lo <= way * (x.time_s - t) <= hi
                and going(x.time_s, way) and (not edge_only or x.time_s - step_s < first_seen)]
        if near:
            return min(near, key=lambda xv: abs(xv[0].time_s - t))
    return None


#: a walk's first or last step counts only when the pelvis kept this share of the bout's mean speed over a step
#: before it (first) or after it (last): starting from or stopping into standing is not steady walking (a step-to
#: limp's pelvis nearly stops after each short step, so the share is low and the window a whole step)
WALKED_THROUGH_SHARE = 0.3
#: ... judged over the part of that step the clip shows, when it shows at least this share of it
EDGE_SEEN_SHARE = 0.5


#: a person whose landmarks reach this share of the picture's width from its edge is at the edge
AT_EDGE = 0.01


def _at_edge(poses: Poses, frame: int, side: int) -> bool:
    """The person reaches the picture's left (``side`` -1) or right (+1) edge in ``frame``."""
    x = poses.image[frame, :, 0]
    if not np.isfinite(x).any():
        return False
    w = poses.frame_size[0]
    return bool(np.nanmin(x) <= AT_EDGE * w) if side < 0 else bool(np.nanmax(x) >= (1 - AT_EDGE) * w)


def _walked_through(poses: Poses, bout: Bout, step_s: float):
    """``(going, first_seen)``: the time (s) of the first frame the pelvis is seen (inf when too few are), and
    ``going(t, way)``: whether the pelvis moved forward at ``WALKED_THROUGH_SHARE`` of the bout's speed over
    the step after (way +1) or before (way -1) time ``t``, or over the part of it inside the frames where the
    pelvis is seen (anywhere in the clip) when that part is at least ``EDGE_SEEN_SHARE`` of the step, or at
    least two frame intervals of it when the walker came into the picture across its edge behind them (way -1: first
    seen there) or left it across the edge ahead (way +1: last seen there). Someone who walks into or out of
    the picture is walking; whether the first frame they are found in comes a frame earlier or later (the
    same walk re-encoded or mirrored) must not decide whether their first step counts."""
    pelvis = 0.5 * (poses.image[:, L.LEFT_HIP, 0] + poses.image[:, L.RIGHT_HIP, 0]) * bout.direction
    seen = np.isfinite(pelvis)
    inside = seen.copy()
    inside[:bout.start], inside[bout.stop:] = False, False
    times = poses.times
    if inside.sum() < 3 or seen.sum() < 3:
        return (lambda t, way: False), np.inf
    speed = np.polyfit(times[inside], pelvis[inside], 1)[0]

    first, last = int(np.flatnonzero(seen)[0]), int(np.flatnonzero(seen)[-1])
    # walked in across the edge behind them, out across the edge ahead (x grows forward when direction is +1)
    crossed = {-1: _at_edge(poses, first, -bout.direction), 1: _at_edge(poses, last, bout.direction)}

    def going(t: float, way: int) -> bool:
        a, b = sorted((t, t + way * step_s))
        # a clip that starts or ends within that step: judged by the part seen, when it is most of it (or
        # two frame intervals of it where the walker crossed the picture's edge)
        a, b = max(a, times[seen][0]), min(b, times[seen][-1])
        if b - a < (1.5 * np.median(np.diff(times)) if crossed[way] else EDGE_SEEN_SHARE * step_s):
            return False
        moved = np.interp(b, times[seen], pelvis[seen]) - np.interp(a, times[seen], pelvis[seen])
        return bool(speed > 0 and moved >= WALKED_THROUGH_SHARE * speed * (b - a))
    return going, float(times[seen][0])
