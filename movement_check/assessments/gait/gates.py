"""Plausibility gates for gait: a value that is physically impossible or internally inconsistent never
appears as a measurement.

One camera and a pose model make mistakes that look like numbers: a toe-off found before the heel
strike it follows gives negative double support; a far leg the model confused with the near one gives
one side three heel strikes in a row. Each gate below turns such a value into "not measured" with the
reason, and the flags (low, asymmetric, variable) behind it are withheld.

Limits (wide on purpose: they catch what cannot be, not what is unusual):

- stance 45-80 % of the stride: healthy walking ~60 %, slow pathological gait up to ~75 %
  (Perry & Burnfield, *Gait Analysis*, 2nd ed., 2010); below 50 % is running.
- double support 0-50 %: a share of the cycle with both feet down cannot be negative, and above
  50 % one foot would be down for the whole cycle.
- cadence 30-200 steps/min: slower is not continuous walking; faster is running (CLINICAL.md:
  healthy adults walk at 100-120).
- events in order within a stride: heel strike, the other foot's toe-off, the other foot's heel
  strike, this foot's toe-off, the next heel strike.
- the two feet's heel strikes alternate: within one bout their counts differ by at most one, and
  the pose model's own left/right labels agree with the alternation at two thirds of the heel
  strikes or more, and at three more than they disagree (a 3-2 vote is a coin toss); otherwise the
  sides cannot be told apart and every per-side value is withheld (the side-free ones, cadence and
  step-time variability, stay).
- a stride lasts as long as its two steps (within 15 %).
- no step is shorter than 0.3 s (60 / the highest cadence): a shorter one ends at a false heel strike, and the
  step and the strides around it are left out (:mod:`movement_check.assessments.gait.strides`: it works where
  the pelvis does not travel, unlike the distance gates there).
"""

from __future__ import annotations

from dataclasses import dataclass

STANCE_POSSIBLE = (45.0, 80.0)
DOUBLE_SUPPORT_POSSIBLE = (0.0, 50.0)
CADENCE_POSSIBLE = (30.0, 200.0)
MIN_SIDE_AGREEMENT = 2 / 3
MIN_SIDE_MARGIN = 3
STRIDE_VS_STEPS_TOLERANCE = 0.15


@dataclass(frozen=True)
class Phases:
    """One stride's stance and double support (% of the stride), None where not measurable, with why."""

    stance: float | None
    double_support: float | None
    dropped: tuple[str, ...] = ()


def stride_phases(start: float, stop: float, toe_off: float | None, other_strike: float | None,
                  other_toe_off: float | None) -> Phases:
    """Stance and double support of one stride (times in s), each gated; the reasons of what was dropped."""
    duration = stop - start
    dropped = []
    stance = double = None
    in_order = (other_toe_off is None or start < other_toe_off) \
        and (other_strike is None or other_toe_off is None or other_toe_off < other_strike) \
        and (toe_off is None or other_strike is None or other_strike < toe_off) \
        and (toe_off is None or toe_off < stop)
    if not in_order:
        return Phases(None, None, ("events out of order",))
    if toe_off is not None:
        value = 100.0 * (toe_off - start) / duration
        if STANCE_POSSIBLE[0] <= value <= STANCE_POSSIBLE[1]:
            stance = value
        else:
            dropped.append(f"stance outside {STANCE_POSSIBLE[0]:g}-{STANCE_POSSIBLE[1]:g} %")
    if toe_off is not None and other_toe_off is not None and other_strike is not None:
        value = 100.0 * ((other_toe_off - start) + (toe_off - other_strike)) / duration
        if DOUBLE_SUPPORT_POSSIBLE[0] <= value <= DOUBLE_SUPPORT_POSSIBLE[1]:
            double = value
        else:
            dropped.append(f"double support outside {DOUBLE_SUPPORT_POSSIBLE[0]:g}-{DOUBLE_SUPPORT_POSSIBLE[1]:g} %")
    return Phases(stance, double, tuple(dropped))


def cadence_problem(cadence: float | None) -> str | None:
    if cadence is None or CADENCE_POSSIBLE[0] <= cadence <= CADENCE_POSSIBLE[1]:
        return None
    return (f"{cadence:.0f} steps/min is outside what walking can be ({CADENCE_POSSIBLE[0]:g}-"
            f"{CADENCE_POSSIBLE[1]:g}): the steps were not found reliably")


def sides_problem(strikes_per_bout: list[tuple[int, int]], votes: list[tuple[int, int]]) -> str | None:
    """Why the left and right feet cannot be told apart, or None.

    ``strikes_per_bout``: (left, right) heel strikes in each bout; ``votes``: per side-view bout, how many
    heel strikes' own pose-model sides agreed with the alternation, of how many. The sides are told apart
    when, over all bouts, the agreeing outnumber the others by ``MIN_SIDE_MARGIN`` and make
    ``MIN_SIDE_AGREEMENT`` of them (a short bout alone would always fail the margin).
    """
    for left, right in strikes_per_bout:
        if abs(left - right) > 1:
            return (f"one bout has {left} left and {right} right heel strikes (they alternate, so they differ by "
                    "at most one): the pose model mixed up the legs")
    agreeing, judged = sum(a for a, _ in votes), sum(n for _, n in votes)      # over the bouts: a short one
    if judged and (agreeing - (judged - agreeing) < MIN_SIDE_MARGIN or agreeing < MIN_SIDE_AGREEMENT * judged):
        return (f"the pose model's left and right legs agreed with the alternation of steps at only {agreeing} "
                f"of {judged} heel strikes (the far leg is often confused in a side view)")
    return None


def stride_steps_problem(stride_s: dict[str, float | None], step_s: dict[str, float | None]) -> str | None:
    """A stride lasts as long as its two steps: the mean stride (either side) against left + right step."""
    if step_s["left"] is None or step_s["right"] is None:
        return None
    both = step_s["left"] + step_s["right"]
    for side, value in stride_s.items():
        if value is not None and abs(value - both) > STRIDE_VS_STEPS_TOLERANCE * both:
            return (f"the {side} stride ({value:.2f} s) does not last its two steps ({both:.2f} s): "
                    "steps were missed or doubled")
    return None
