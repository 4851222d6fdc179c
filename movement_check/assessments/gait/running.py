"""Steps faster than walking: running or jogging, or a clip playing faster than it was filmed.

No walking step is shorter than :data:`.strides.MIN_STEP_S` (over 200 steps a minute is running,
:data:`.gates.CADENCE_POSSIBLE`); a single shorter step ends at a false heel strike and is left out. When the steps
come that fast all along, and evenly, the walker was not walking, and the gait test says so rather than calling every
step false.
"""

from __future__ import annotations

import numpy as np

from movement_check.assessments.gait.events import HEEL_STRIKE
from movement_check.assessments.gait.gates import CADENCE_POSSIBLE
from movement_check.assessments.gait.strides import MIN_STEP_S, GaitAnalysis
from movement_check.body.landmarks import SIDES

#: a walk's steps are too fast to be walking when the median of this many or more is under MIN_STEP_S ...
MIN_STEPS_TOO_FAST = 4
#: ... and they come evenly: their interquartile range at most this share of their median. False strikes split steps
#: unevenly: a brisk walk at 150 steps a minute with a false strike 0.12 s after every other strike has steps of 0.12,
#: 0.28 and 0.40 s, a median of 0.28 and a range of 1.0 of it (second reviewer: read as running, its cadence withheld);
#: the synthetic walker jogging at 210 and 230 steps a minute, 1 px of noise, 0.01-0.02
EVEN_STEPS = 0.5


def too_fast_problem(walk: GaitAnalysis) -> str | None:
    """Why no step is timed when the heel strikes themselves come faster than walking: the times between
    consecutive strikes (each bout's, whatever the foot; MIN_STEPS_TOO_FAST or more) under MIN_STEP_S at their
    median, and even (EVEN_STEPS). Each such step is otherwise left out as one split by a false strike, and a jog on
    the spot at 210 steps a minute read 'too few whole strides ... split by a false heel strike: film a longer walk'
    (the synthetic walker at 210 and 230; at 170 and 190 its cadence is given, within 0.4 %)."""
    steps = np.array([d for per_side in walk.found.values()
                      for d in np.diff(sorted(e.time_s for side in SIDES for e in per_side[side][HEEL_STRIKE]))])
    if steps.size < MIN_STEPS_TOO_FAST:
        return None
    typical = float(np.median(steps))
    spread = float(np.subtract(*np.percentile(steps, [75, 25])))
    if typical >= MIN_STEP_S or spread > EVEN_STEPS * typical:
        return None
    return (f"the steps came faster than walking (one every {typical:.2f} s, over "
            f"{CADENCE_POSSIBLE[1]:g} steps a minute): running or jogging, or a clip playing faster than it was filmed; "
            "the gait test times walking: film the patient walking at their usual pace")
