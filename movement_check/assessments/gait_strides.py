"""Steps and strides of a walk: events per bout and foot, then strides with their phases.

Event methods are described in :mod:`movement_check.assessments.gait`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..events import HEEL_STRIKE, Extremum, dominant_period, foot_top_strikes, zeni_events
from ..events import TOE_OFF
from ..landmarks import LEG, Landmark as L
from ..poses import Poses
from ..walking import SIDE, Bout, find_bouts, leg_length_px, midpoint
from .stride_stats import SIDES


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
def ahead_signals(poses: Poses, bout: Bout, side: str) -> tuple[np.ndarray, np.ndarray]:
    """How far heel and toe are in front of the pelvis, in pixels, within the bout (NaN elsewhere)."""
    _, _, _, heel, toe = LEG[side]
    pelvis = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    axis = 0 if bout.view == SIDE else 1
    sl = slice(bout.start, bout.stop)
    heel_ahead = np.full(len(poses), np.nan)
    toe_ahead = np.full(len(poses), np.nan)
    heel_ahead[sl] = (poses.image[sl, heel, axis] - pelvis[sl, axis]) * bout.direction
    toe_ahead[sl] = (poses.image[sl, toe, axis] - pelvis[sl, axis]) * bout.direction
    return heel_ahead, toe_ahead


def toe_above_ankle(poses: Poses, bout: Bout, side: str) -> np.ndarray:
    """How far the toe is above the ankle in the image (pixels, up positive), within the bout (NaN elsewhere)."""
    _, _, ankle, _, toe = LEG[side]
    sl = slice(bout.start, bout.stop)
    out = np.full(len(poses), np.nan)
    out[sl] = poses.image[sl, ankle, 1] - poses.image[sl, toe, 1]
    return out


def detect_events(poses: Poses, bouts: list[Bout]) -> dict[int, dict[str, dict[str, list[Extremum]]]]:
    """Per bout, per side: heel strikes and toe-offs (refined extrema)."""
    leg = leg_length_px(poses)
    out = {}
    for b, bout in enumerate(bouts):
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
    return out


def strides_from_events(found: dict) -> list[Stride]:
    """Strides (heel strike to next heel strike of the same foot) with their phases, within each bout."""
    strides = []
    for b, per_side in found.items():
        for side in SIDES:
            other = "right" if side == "left" else "left"
            hs = [e.time_s for e in per_side[side][HEEL_STRIKE]]
            to = [e.time_s for e in per_side[side][TOE_OFF]]
            ohs = [e.time_s for e in per_side[other][HEEL_STRIKE]]
            oto = [e.time_s for e in per_side[other][TOE_OFF]]
            for a, z in zip(hs[:-1], hs[1:]):
                inside_other = [t for t in ohs if a < t < z]
                if len(inside_other) != 1:      # a missed or extra event: not a clean stride
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


def step_times(found: dict) -> dict[str, list[float]]:
    """Step times per side: from the other foot's heel strike to this foot's, consecutive within a bout."""
    steps: dict[str, list[float]] = {"left": [], "right": []}
    for per_side in found.values():
        for duration, side in _steps_in_bout(per_side):
            steps[side].append(duration)
    return steps


@dataclass
class GaitAnalysis:
    """The walking found in a clip: bouts, events per bout and side, clean strides, step times."""

    bouts: list[Bout]
    found: dict
    strides: list[Stride]
    steps: dict[str, list[float]]


def analyse(poses: Poses, *, view: str | None = None, min_bout_s: float = 1.5) -> GaitAnalysis:
    """Bouts, events, strides and step times of the walking in a clip."""
    bouts = find_bouts(poses, view=view, min_bout_s=min_bout_s)
    found = detect_events(poses, bouts)
    return GaitAnalysis(bouts=bouts, found=found, strides=strides_from_events(found), steps=step_times(found))
