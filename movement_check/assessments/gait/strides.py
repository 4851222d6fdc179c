"""Steps and strides of a walk: events per bout and foot, then strides with their phases.

Event methods are described in :mod:`movement_check.assessments.gait.assess`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from movement_check.assessments.gait.events import (HEEL_STRIKE, TOE_OFF, Extremum, alternate_sides, dominant_period, find_extrema,
                      foot_top_strikes, zeni_events)
from movement_check.assessments.gait.gates import CADENCE_POSSIBLE
from movement_check.assessments.gait.landings import landed
from movement_check.assessments.gait.repeat import step_duration
from movement_check.assessments.gait.step_scale import bout_scale, travel_speeds
from movement_check.body.landmarks import LEG, OTHER, SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.framing import FEET, out_of_frame
from movement_check.body.views import SIDE
from movement_check.body.body_size import leg_length_in
from movement_check.body.walking import MAX_INTERRUPTION_S, Bout, find_bouts, midpoint

#: events are also looked for this long beyond a bout's ends (where the feet are in the frame): a bout's
#: frames are those of steady walking, and its first and last heel strikes lie on its edges
EDGE_PAD_S = 0.25
#: a step covers at most ~1 leg length even at a fast walk (step length ~0.7-0.9 leg lengths at comfortable
#: speed); over a longer distance of pelvis travel, a heel strike between was missed. In leg lengths, or the feet's
#: reach along the walk where that is longer (a camera looking down: :mod:`movement_check.assessments.gait.step_scale`)
MAX_STEP_LEGS = 1.25
MAX_STRIDE_LEGS = 2.5
LONG_STEP = (f"a step over which the pelvis travelled more than {MAX_STEP_LEGS:g} leg lengths and {MAX_STEP_LEGS:g} "
             "times the feet's reach (a heel strike missed)")
LONG_STRIDE = (f"a stride over which the pelvis travelled more than {MAX_STRIDE_LEGS:g} leg lengths and "
               f"{MAX_STRIDE_LEGS:g} times the feet's reach (a heel strike missed)")
#: no walking step is shorter: over 200 steps a minute is running (gates.CADENCE_POSSIBLE); a shorter "step" ends at a
#: false heel strike. Unlike the pelvis-travel gates it works on a treadmill or with a camera following the walker
MIN_STEP_S = 60.0 / CADENCE_POSSIBLE[1]
SHORT_STEP = f"a step shorter than {MIN_STEP_S:.1f} s (over {CADENCE_POSSIBLE[1]:g} steps a minute: a false heel strike)"
#: a stride over this many times the bout's median pair of consecutive steps (heel strike to heel strike, either
#: foot) hides a missed heel strike where the pelvis is too slow for MAX_STRIDE_LEGS to tell
MAX_STRIDE_STEPS = 1.5
SLOW_STRIDE = f"a stride over {MAX_STRIDE_STEPS:g} times the walk's usual (its median two steps: a heel strike missed)"


@dataclass
class Stride:
    side: str
    start: float            # heel strike (s)
    stop: float             # next heel strike of the same foot (s)
    toe_off: float | None   # this foot's toe-off inside the stride
    other_strike: float | None
    other_toe_off: float | None   # the other foot's toe-off after this heel strike
    bout: int

    @property
    def duration(self) -> float:
        return self.stop - self.start


# ------------------------------------------------------------------ events
def ahead_signals(poses: Poses, bout: Bout, side: str, *, pad: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """How far heel and toe are in front of the pelvis, in pixels, within the bout (NaN elsewhere).

    ``pad``: also this many frames before and after the bout where both feet are inside the frame, so that
    an event on the bout's first or last frame still has the neighbours that make it a peak."""
    _, _, _, heel, toe = LEG[side]
    pelvis = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    axis = 0 if bout.view == SIDE else 1
    sl = slice(max(0, bout.start - pad), min(len(poses), bout.stop + pad))
    heel_ahead = np.full(len(poses), np.nan)
    toe_ahead = np.full(len(poses), np.nan)
    heel_ahead[sl] = (poses.image[sl, heel, axis] - pelvis[sl, axis]) * bout.direction
    toe_ahead[sl] = (poses.image[sl, toe, axis] - pelvis[sl, axis]) * bout.direction
    if pad:
        outside = out_of_frame(poses.image[:, list(FEET), :2], poses.frame_size).any(axis=1)
        edges = np.zeros(len(poses), dtype=bool)
        edges[sl] = True
        edges[bout.start:bout.stop] = False
        heel_ahead[edges & outside] = np.nan
        toe_ahead[edges & outside] = np.nan
    return heel_ahead, toe_ahead


def toe_above_ankle(poses: Poses, bout: Bout, side: str) -> np.ndarray:
    """How far the toe is above the ankle in the image (pixels, up positive), within the bout (NaN elsewhere)."""
    _, _, ankle, _, toe = LEG[side]
    sl = slice(bout.start, bout.stop)
    out = np.full(len(poses), np.nan)
    out[sl] = poses.image[sl, ankle, 1] - poses.image[sl, toe, 1]
    return out


def side_view_events(poses: Poses, bout: Bout, leg: float) -> tuple[dict[str, dict[str, list[Extremum]]],
                                                                   tuple[int, int]]:
    """A side-view bout's heel strikes and toe-offs per side, found without trusting the pose model's sides.

    Zeni's events, taken over both feet at once: a heel strike is a peak of
    the *leading* foot's rear point ahead of the pelvis (the larger of the
    two feet), a toe-off a trough of the *trailing* foot's front point (the
    smaller). Neither signal changes when the model swaps which leg is left
    and which right, nor when it fits a foot the wrong way round (its heel
    landmark at the toes): the rear and front of each foot are its heel and
    toe landmarks ordered along the direction of travel.

    A step-to gait (one foot lands beside or behind the other, as in a
    marked limp) never makes that foot lead: two heel strikes in a row then
    lead with the same foot. Steps alternate, so the other foot's own
    Zeni event between them is added (:func:`fill_alternation`); likewise
    for toe-offs. Each event then gets its side from alternation, voted by
    which labelled foot led (:func:`movement_check.assessments.gait.events.alternate_sides`).

    Returns the events per side and the side vote of the heel strikes: how many of them the pose model's own
    labels agreed with, of how many (see ``alternate_sides``).
    """
    rear, front = {}, {}
    pad = int(round(EDGE_PAD_S / float(np.median(np.diff(poses.times)))))
    for side in SIDES:
        heel, toe = ahead_signals(poses, bout, side, pad=pad)
        rear[side], front[side] = np.minimum(heel, toe), np.maximum(heel, toe)
    times = poses.times
    # events are at least 60 % of a step apart (a limp's short step is still ~0.35 of its stride: 70 % of a mean
    # step), never under 0.2 s
    step_s = step_duration(times, rear, poses, bout, longest_step_px=MAX_STEP_LEGS * bout_scale(poses, bout, leg))
    spacing = max(0.2, 0.6 * step_s)
    out: dict[str, dict[str, list[Extremum]]] = {s: {HEEL_STRIKE: [], TOE_OFF: []} for s in SIDES}
    agreement = (0, 0)
    for name, signals, kind, pick in ((HEEL_STRIKE, rear, "max", np.maximum), (TOE_OFF, front, "min", np.minimum)):
        both = pick(signals["left"], signals["right"])
        # a side view's walker enters and leaves the picture at any phase of the stride: events on the edges count
        found = find_extrema(times, both, kind=kind, min_interval_s=spacing, min_prominence=0.1 * leg, edges=True)
        own = {s: find_extrema(times, signals[s], kind=kind, min_interval_s=spacing, min_prominence=0.1 * leg)
               for s in SIDES}
        # which labelled foot made each event: the leading foot (heel strike) or the trailing one (toe-off)
        gap = (signals["left"] - signals["right"]) * (1 if kind == "max" else -1)
        events, votes = fill_alternation(found, [_at(gap, e.frame) for e in found], own, stride_s=2 * step_s)
        if name == HEEL_STRIKE and bout.direction_from == "travel":
            events, votes = landed(poses, bout, events, found, votes, leg=leg, pad=pad, step_s=step_s, own=own)
        sides, agreeing, judged = alternate_sides([e.time_s for e in events], votes)
        if name == HEEL_STRIKE:
            agreement = (agreeing, judged)
        for e, side in zip(events, sides):
            if side is not None:
                out[side][name].append(e)
    return out, agreement


def _at(series: np.ndarray, frame: float) -> float:
    """A series' value at a fractional frame (0 where unseen)."""
    return float(np.interp(frame, np.arange(series.size), np.nan_to_num(series)))


def fill_alternation(found: list[Extremum], votes: list[float], own: dict[str, list[Extremum]], *,
                     stride_s: float | None) -> tuple[list[Extremum], list[float]]:
    """Events of both feet in time order, with the events missing between two of one foot added.

    ``found``: events taken over both feet at once; ``votes``: for each, positive when the pose model's left
    foot made it, negative for the right; ``own``: each foot's events from its own signal; ``stride_s``: one
    foot's cycle. Two consecutive events voted to the same foot *and a stride apart* (over 75 % of
    ``stride_s``; a step is half of it) miss the other foot's event between them: a foot that never leads
    (a step-to gait) or never trails makes none in ``found``. Two strides apart (a frame gap hid one of the
    foot's own events too), they miss two of the other foot's and one of its own; and so on. Each missing
    event is the foot's own event (the most prominent) within a quarter of a stride of where alternation puts
    it, voted to that foot. Two events a step apart voted to the same foot are a mislabel, left to the
    alternation vote.
    """
    events, out_votes = list(found), list(votes)
    if not stride_s:
        return events, out_votes
    for a, b, va, vb in zip(found[:-1], found[1:], votes[:-1], votes[1:]):
        if va == 0 or vb == 0 or (va > 0) != (vb > 0) or b.time_s - a.time_s < 0.75 * stride_s:
            continue
        same, other = ("left", "right") if va > 0 else ("right", "left")
        guess = max(1, int(round((b.time_s - a.time_s) / stride_s)))
        # the span as round(span / stride) strides, or one fewer (a slow stride, a stride underestimated in a
        # limp): whichever explains more of the feet's own events
        filled = max((_between(a.time_s, b.time_s, n, same, other, own) for n in {max(1, guess - 1), guess}),
                     key=len)
        for side, e in filled:
            events.append(e)
            out_votes.append(1.0 if side == "left" else -1.0)
    order = np.argsort([e.time_s for e in events], kind="stable")
    return [events[i] for i in order], [out_votes[i] for i in order]


def _between(start: float, stop: float, strides: int, same: str, other: str, own: dict[str, list[Extremum]]
             ) -> list[tuple[str, Extremum]]:
    """The feet's own events that alternation puts between two events of foot ``same`` ``strides`` strides
    apart: (side, event), each the most prominent within a quarter stride of its place."""
    each = (stop - start) / strides
    out = []
    for k in range(1, 2 * strides):                     # odd k: the other foot's event; even k: this foot's
        side = other if k % 2 else same
        centre = start + k * each / 2
        near = [e for e in own[side] if abs(e.time_s - centre) < 0.25 * each]
        if near:
            out.append((side, max(near, key=lambda e: e.prominence if np.isfinite(e.prominence) else 0.0)))
    return out


def detect_events(poses: Poses, bouts: list[Bout]) -> tuple[dict[int, dict[str, dict[str, list[Extremum]]]],
                                                             dict[int, tuple[int, int]]]:
    """Per bout, per side: heel strikes and toe-offs (refined extrema); per side-view bout, the side vote
    (see :func:`side_view_events`; a front view's sides are the model's own, which it sees there)."""
    out, agreement = {}, {}
    for b, bout in enumerate(bouts):
        leg = leg_length_in(poses, bout.start, bout.stop)      # this bout's: a walk back further away is smaller
        if bout.view == SIDE:
            out[b], agreement[b] = side_view_events(poses, bout, leg)
            continue
        signals = {side: ahead_signals(poses, bout, side) for side in SIDES}
        periods = [dominant_period(poses.times, signals[s][0]) for s in SIDES]
        periods = [p for p in periods if p]
        stride_s = float(np.median(periods)) if periods else 1.1
        scale = leg if bout.view == SIDE else 0.3 * leg     # depth is foreshortened in a front view
        out[b] = {}
        for side in SIDES:
            strikes, offs = zeni_events(poses.times, *signals[side], stride_s=stride_s, scale=scale)
            if bout.view != SIDE:
                strikes, _ = foot_top_strikes(poses.times, toe_above_ankle(poses, bout, side), strikes,
                                              stride_s=stride_s)
            out[b][side] = {HEEL_STRIKE: strikes, TOE_OFF: offs}
    return out, agreement


def strides_from_events(found: dict, travel: dict[int, float] | None = None,
                        dropped: Counter | None = None) -> list[Stride]:
    """Strides (heel strike to next heel strike of the same foot) with their phases, within each bout.

    ``travel``: per bout, how fast the pelvis crossed the frame (yardsticks a second:
    :func:`movement_check.assessments.gait.step_scale.travel_speeds`); a stride over which it went farther than
    ``MAX_STRIDE_LEGS`` of them hides a missed step and is left out (counted in ``dropped``).
    """
    strides = []
    travel = travel or {}
    for b, per_side in found.items():
        # two consecutive steps make a stride, equal or not (twice the median step can be a limp's short one doubled)
        gaps = np.diff(sorted(e.time_s for side in SIDES for e in per_side[side][HEEL_STRIKE]))
        longest = MAX_STRIDE_STEPS * float(np.median(gaps[:-1] + gaps[1:])) if gaps.size >= 2 else np.inf
        for side in SIDES:
            other = OTHER[side]
            hs = [e.time_s for e in per_side[side][HEEL_STRIKE]]
            to = [e.time_s for e in per_side[side][TOE_OFF]]
            ohs = [e.time_s for e in per_side[other][HEEL_STRIKE]]
            oto = [e.time_s for e in per_side[other][TOE_OFF]]
            for a, z in zip(hs[:-1], hs[1:]):
                inside_other = [t for t in ohs if a < t < z]
                if len(inside_other) != 1:      # a missed or extra event: not a clean stride
                    continue
                if min(inside_other[0] - a, z - inside_other[0]) < MIN_STEP_S:
                    if dropped is not None:
                        dropped[SHORT_STEP] += 1
                    continue
                if travel.get(b, 0.0) * (z - a) > MAX_STRIDE_LEGS:
                    if dropped is not None:
                        dropped[LONG_STRIDE] += 1
                    continue
                if z - a > longest:
                    if dropped is not None:
                        dropped[SLOW_STRIDE] += 1
                    continue
                own_to = [t for t in to if a < t < z]
                other_to = [t for t in oto if a < t < inside_other[0]]
                strides.append(Stride(side=side, start=a, stop=z, toe_off=own_to[0] if len(own_to) == 1 else None,
                                      other_strike=inside_other[0],
                                      other_toe_off=other_to[0] if len(other_to) == 1 else None, bout=b))
    return strides


def _steps_in_bout(per_side: dict) -> list[tuple[float, str]]:
    """(duration, side) of each step in time order: from one foot's heel strike to the other's.

    A step is named after the foot that ends it; two heel strikes of the same
    foot in a row (a missed event) make no step.
    """
    seq = sorted((e.time_s, side) for side in SIDES for e in per_side[side][HEEL_STRIKE])
    return [(t1 - t0, s1) for (t0, s0), (t1, s1) in zip(seq[:-1], seq[1:]) if s0 != s1]


def step_pair_asymmetry(found: dict) -> list[float]:
    """|difference| / mean (%) of each pair of consecutive steps within a bout.

    A limp shows as alternating short and long steps; the median of these is
    hardly moved by one odd step (a first or last step, a missed event).
    """
    out = []
    for per_side in found.values():
        steps = [d for d, _ in _steps_in_bout(per_side)]
        out += [100 * abs(b - a) / ((a + b) / 2) for a, b in zip(steps[:-1], steps[1:])]
    return out


def step_times(found: dict, travel: dict[int, float] | None = None,
               dropped: Counter | None = None) -> dict[str, list[float]]:
    """Step times per side: from the other foot's heel strike to this foot's, consecutive within a bout; a step
    over which the pelvis travelled more than ``MAX_STEP_LEGS`` yardsticks (step_scale) is left out (a step was
    missed)."""
    steps: dict[str, list[float]] = {"left": [], "right": []}
    travel = travel or {}
    for b, per_side in found.items():
        for duration, side in _steps_in_bout(per_side):
            if duration < MIN_STEP_S:
                if dropped is not None:
                    dropped[SHORT_STEP] += 1
                continue
            if travel.get(b, 0.0) * duration > MAX_STEP_LEGS:
                if dropped is not None:
                    dropped[LONG_STEP] += 1
                continue
            steps[side].append(duration)
    return steps


MIN_BOUT_S = 1.5         # the shortest walking bout, by default (s)


@dataclass
class GaitAnalysis:
    """The walking found in a clip: bouts, events per bout and side, clean strides, step times."""

    bouts: list[Bout]
    found: dict
    strides: list[Stride]
    steps: dict[str, list[float]]
    side_votes: dict[int, tuple[int, int]]       # side-view bouts: (heel strikes agreeing, judged)
    dropped: Counter = field(default_factory=Counter)     # steps and strides left out, by reason
    asked: tuple = (None, MIN_BOUT_S)                   # (view, min_bout_s) it was found with (:func:`analyse`)


def analyse(poses: Poses, *, view: str | None = None, min_bout_s: float = MIN_BOUT_S) -> GaitAnalysis:
    """Bouts, events, strides and step times of the walking in a clip."""
    bouts = find_bouts(poses, view=view, min_bout_s=min_bout_s, bridge_s=MAX_INTERRUPTION_S, across=True)
    found, agreement = detect_events(poses, bouts)
    travel, dropped = travel_speeds(poses, bouts), Counter()
    return GaitAnalysis(bouts=bouts, found=found, strides=strides_from_events(found, travel, dropped),
                        steps=step_times(found, travel, dropped), side_votes=agreement, dropped=dropped,
                        asked=(view, min_bout_s))
