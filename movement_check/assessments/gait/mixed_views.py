"""A walk seen both from the front and from the side: its steps timed from the side.

From the front a heel strike is timed at the foot's top in late swing, 2-3 frames before the contact a front camera
cannot see, and frames that arrive unevenly move it (:mod:`.timing`: such frames are not timed from the front);
from the side it falls within 2 frames of the contact. A clip holding both (walking toward the camera, turning,
walking across the room) pooled them: its stance and double support read long by the front's early strikes, every
timing measure took the front's wider uncertainty, and with frames arriving unevenly nothing was timed, the side's
walking included (the studio front walk followed by its side walk, 30 % of the frames dropped: no cadence, where
each alone gives one). Its steps are now timed from the walking seen from the side where that times a cadence on its
own (:data:`.step_timing.MIN_CADENCE_STRIDES` strides or more); the front's walking still gives what needs it (the
trunk's sideways lean, the pelvic drop).
"""

from __future__ import annotations

from collections import Counter

from movement_check.assessments.gait.step_scale import travel_speeds
from movement_check.assessments.gait.step_timing import MIN_CADENCE_STRIDES, side_free_strides
from movement_check.assessments.result import Event, Metric
from movement_check.assessments.gait.strides import GaitAnalysis, step_times, strides_from_events
from movement_check.body.poses import Poses
from movement_check.body.views import SIDE


def side_part(poses: Poses, walk: GaitAnalysis) -> GaitAnalysis:
    """The walk's side-view bouts alone: their events, strides, steps and side votes. The bouts keep their indices
    (``bouts`` is the whole walk's; ``found`` holds the side-view ones), as everything keyed by bout expects."""
    found = {b: per_side for b, per_side in walk.found.items() if walk.bouts[b].view == SIDE}
    travel, dropped = travel_speeds(poses, walk.bouts), Counter()
    return GaitAnalysis(bouts=walk.bouts, found=found, strides=strides_from_events(found, travel, dropped),
                        steps=step_times(found, travel, dropped),
                        side_votes={b: v for b, v in walk.side_votes.items() if b in found}, dropped=dropped,
                        asked=walk.asked)


def timing_part(poses: Poses, walk: GaitAnalysis, unseen: dict[int, set[float]] | None = None
                ) -> tuple[GaitAnalysis, list[float], Counter]:
    """The walking the steps are timed from, the strides timed and those left out
    (:func:`.step_timing.side_free_strides`; ``unseen``: its barely seen strikes): a walk seen from the front and the
    side, its side part where that times a cadence on its own; otherwise the whole walk."""
    travel = travel_speeds(poses, walk.bouts)
    if len({b.view for b in walk.bouts}) > 1:
        side, left_out = side_part(poses, walk), Counter()
        timed = side_free_strides(side, travel, left_out, unseen)
        if len(timed) >= MIN_CADENCE_STRIDES:
            return side, timed, left_out
    left_out = Counter()
    return walk, side_free_strides(walk, travel, left_out, unseen), left_out


def timed_from_the_side(walk: GaitAnalysis) -> str:
    """The warning that says which walking timed the steps and what the rest gave."""
    def spans(view_is_side: bool) -> str:
        return ", ".join(f"{b.start_s:.1f}-{b.stop_s:.1f} s" for b in walk.bouts if (b.view == SIDE) == view_is_side)
    return (f"steps timed from the walking seen from the side ({spans(True)}): from the front heel strikes come 2-3 "
            f"frames early; the walking toward or away from the camera ({spans(False)}) is read for what needs it "
            "(the trunk's sideways lean, the pelvic drop)")


#: the values of each side read from the walking seen from the front (:func:`.angles.front_angle_metrics`)
FRONT_SIDED = ("pelvic_drop",)


def without_front_sides(metrics: list[Metric], events: list[Event], event_bouts: list[int], timed: GaitAnalysis,
                        reason: str) -> tuple[list[Metric], list[Event], str]:
    """A walk timed from its side part whose side part tells left from right but whose whole walk does not
    (``reason``, :func:`.assess.sides_withheld`: the front part's heel strikes do not alternate): the values of each
    side read from the front withheld, the front part's events (``event_bouts``: each one's bout) not named by side,
    and the warning. The side part's own values of each side stay (its sides were judged alone)."""
    why = f"left and right not told apart in the walking seen from the front: {reason}"
    metrics = [Metric.unmeasured(m.name, m.unit, why, side=m.side) if m.name in FRONT_SIDED and m.side else m
               for m in metrics]
    events = [e if b in timed.found else Event(e.time_s, e.name, None, e.frame, e.confidence)
              for b, e in zip(event_bouts, events)]
    return metrics, events, f"{why}; its events are not named by side and its pelvic drop is withheld"
