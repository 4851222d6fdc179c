"""Gait: a heel strike missed inside a step, told by the toe-offs around it.

A step (one foot's heel strike to the other's) holds one toe-off, the swinging foot's; the other foot stands
throughout (walking has no flight). Used by :func:`.step_timing.side_free_strides` to leave out the strides
over a missed strike that agree with each other and pass every stride check (a step-to limp losing every other
short step's strike). Sources: Perry & Burnfield, *Gait Analysis*, 2nd ed. 2010 (stance and swing shares).
"""

from __future__ import annotations

import numpy as np

from movement_check.assessments.gait.events import HEEL_STRIKE, TOE_OFF
from movement_check.assessments.gait.strides import MIN_STEP_S
from movement_check.body.landmarks import SIDES


#: a foot swings at least this long (s) from its toe-off to its heel strike (about 40 % of the stride, Perry &
#: Burnfield 2010: 0.35 s at a brisk 0.85 s stride, more when slower): a toe-off this close to a step's end may be
#: a timing error, not a missed step (a second reviewer over the real clips' drop sweeps, true / false firings:
#: 0 s 569 / 14, 0.1 s 467 / 5, 0.2 s 439 / 5, 0.3 s 335 / 1)
MIN_SWING_S = 0.2


def holds_two_toe_offs(strikes: np.ndarray, toe_offs: list[float]) -> np.ndarray:
    """For each step between consecutive heel strikes (``strikes``: times in order), whether two toe-offs at least
    MIN_STEP_S apart lie inside it, the later a whole swing (MIN_SWING_S) before the step's end: a step holds one
    toe-off (the swinging foot's; the other foot stands throughout, walking has no flight), so a second one is the
    next step's, and a heel strike between them was missed.

    This tells a missed strike whatever the walk's rhythm: when every other strike of a step-to limp is missed
    (its short step's heel barely leads), each "step" is a long and a short step, every stride three steps, and
    the strides agree with each other (the limp with 30 % of its frames dropped at random read 62.5 +- 1.8 for
    94.4 steps/min). Toe-offs are found apart from the strikes (from the side, :func:`.strides.side_view_events`:
    the foot farthest behind; a gap can be filled by alternation, a quarter stride off at most), so a missed
    strike seldom takes its neighbouring toe-offs with it."""
    offs = np.sort(np.asarray(toe_offs, dtype=float))
    out = np.zeros(max(len(strikes) - 1, 0), dtype=bool)
    for i, (a, z) in enumerate(zip(strikes[:-1], strikes[1:])):
        inside = offs[(offs > a) & (offs < z - MIN_SWING_S)]
        out[i] = inside.size >= 2 and inside[-1] - inside[0] >= MIN_STEP_S
    return out


#: a foot stands at least this long (s) from its heel strike to its toe-off: through the other foot's swing and
#: both double supports, 60 % of the stride, and the briskest walking stride is ~0.85 s (Perry & Burnfield 2010)
MIN_STANCE_S = 0.5


def toe_offs(per_side: dict, named: bool, median_step: float) -> list[float]:
    """A bout's toe-off times, both feet. Seen from the front (``named``: the model tells the feet apart) a
    toe-off is the toe highest in the picture, and a foot's toe is raised as its heel lands too; a foot stands
    through the other's swing, so its toe leaves a stance (MIN_STANCE_S, or ``median_step``, the bout's median
    step, if shorter) or more after its own strike, and a "toe-off" sooner is that landing, not counted (the real
    front walk with frames dropped: a left one 0.01 s after the left strike, and with the landmarks jittered a
    right one 0.35 s after the right strike, made good 1.0 s steps hold two and left their strides out)."""
    stance = min(median_step, MIN_STANCE_S)
    out = []
    for side in SIDES:
        strikes = np.array([e.time_s for e in per_side[side][HEEL_STRIKE]])
        out += [e.time_s for e in per_side[side][TOE_OFF]
                if not (named and np.any((e.time_s >= strikes) & (e.time_s < strikes + stance)))]
    return out
