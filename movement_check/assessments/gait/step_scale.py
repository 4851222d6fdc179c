"""How far one step can carry the pelvis in the picture: the yardstick of the pelvis-travel gates.

A heel strike missed between two others leaves a "step" over which the pelvis travels the length of two. The gates
that catch it (:func:`movement_check.assessments.gait.strides.strides_from_events` and ``step_times``,
:func:`movement_check.assessments.gait.step_timing.side_free_strides`; the stride rule of
:func:`movement_check.assessments.gait.repeat.step_duration`) measure that travel in leg lengths: a step covers at
most about one (``MAX_STEP_LEGS``). A camera that looks down on the walker (or up at them) shortens the legs in the
picture, their height by the cosine of its tilt, but not the steps, which lie across the picture along the floor:
looked down on, a fast walker's steps all cover more leg lengths than a step can, and the walk was withheld (the
lab walk with every height in the picture x0.85, or x0.8 at its own pace), or a slow walk's step was taken for a
limp's stride and halved (the same walk 2.1 times slower, heights x0.8: +97 %).

So the yardstick is the leg, or, where it is longer, the feet's reach along the walk: how far apart (heel to heel)
the feet get, at a heel strike, which is one step long at any tilt. Over a step the pelvis travels 0.8-1.0 of it
(the synthetic walker at 60-100 steps a minute, the labelled walks 0.77-0.94), over a missed strike's double step
or a step-to limp's stride 1.6-2.0: MAX_STEP_LEGS of the larger of the two still parts them.

The reach is the median of the steps' partings (:func:`feet_reach`), not a high quantile of the frames' (0.9, until
a reviewer's finding): a foot the pose model holds ahead of the body for a run of frames, 20-30 % of a bout in one to
three runs and a leg length ahead, lifted that quantile 1.3-1.5 times (the synthetic walker), past the 1.25 that
lets a missed strike's double step through the gates: cadence halved and shown (the walk at 110 steps a minute
read 55, a limp at 100 read 50) where leg lengths withheld it. The median of the steps moves 0-14 % there (median
of the draws). A limp's long step is then held against the median of its short and long ones: looked down on, its
step time may be withheld, as on leg lengths alone before (cadence kept; a quantile of alternate steps let the glitch
through again).
"""

from __future__ import annotations

import numpy as np
from scipy.signal import find_peaks

from movement_check.body.landmarks import LEG, SIDES
from movement_check.body.poses import Poses
from movement_check.body.signals import runs
from movement_check.body.views import SIDE
from movement_check.body.body_size import leg_length_in
from movement_check.body.walking import Bout, travel_slope

#: a step's widest parting of the feet stands out of the distance between them by this much (leg lengths; as the
#: events' prominence, :func:`movement_check.assessments.gait.strides.side_view_events`)
STEP_PROMINENCE_LEGS = 0.1


def feet_reach(rear: dict[str, np.ndarray], leg: float) -> float:
    """How far apart the feet get along the walk (pixels), heel to heel: the median of the steps' partings. Each step
    parts the feet once, a peak of the distance between their rear points (``rear``: per side, along the walk; NaN
    where unseen) standing out by STEP_PROMINENCE_LEGS of ``leg``. NaN when no step is seen. The median of the steps,
    not a high quantile of the frames (module notes): a foot the pose model holds ahead of the body for a run of frames
    makes one peak a stride there, however long the run, where a quantile of the frames takes up every frame of it."""
    apart = np.abs(rear["left"] - rear["right"])
    widest = []
    for start, stop in runs(np.isfinite(apart)):
        peaks, _ = find_peaks(apart[start:stop], prominence=STEP_PROMINENCE_LEGS * leg)
        widest += list(apart[start:stop][peaks])
    return float(np.median(widest)) if widest else float("nan")


def rear_points(poses: Poses, bout: Bout) -> dict[str, np.ndarray]:
    """Per side, over the bout's frames: the foot's rear point (heel or toe, whichever is behind) along the walk
    in a side view, in pixels (image x times the bout's direction)."""
    x = poses.image[bout.start:bout.stop, :, 0] * bout.direction
    return {s: np.minimum(x[:, LEG[s][3]], x[:, LEG[s][4]]) for s in SIDES}


def step_scale(leg: float, reach: float) -> float:
    """The yardstick (pixels): the leg length, or the feet's reach where that is longer (module notes)."""
    return max(leg, reach) if np.isfinite(reach) else leg


def bout_scale(poses: Poses, bout: Bout, leg: float) -> float:
    """A side-view bout's yardstick (pixels): :func:`step_scale` of its leg length and its reach."""
    return step_scale(leg, feet_reach(rear_points(poses, bout), leg))


def travel_speeds(poses: Poses, bouts: list[Bout]) -> dict[int, float]:
    """Per side-view bout that crossed the frame: the pelvis's speed in yardsticks (:func:`bout_scale`, leg
    lengths unless the feet reach further) a second."""
    out = {}
    for b, bout in enumerate(bouts):
        leg = leg_length_in(poses, bout.start, bout.stop)
        if bout.view == SIDE and bout.direction_from == "travel" and leg > 0:
            slope = travel_slope(poses, bout.start, bout.stop)
            if np.isfinite(slope):
                out[b] = abs(slope) / bout_scale(poses, bout, leg)
    return out
