"""The guided tests of a live visit: what the therapist starts, what the patient is told.

Each step names the test that scores it (the same assessment the command line
runs), the patient's instruction in plain words, the view of the camera the
test needs (for the live "turn side-on" cue) and the test's options. The
order is the one a back-pain video visit follows: walking first (side, then
toward the camera), then each leg's raise, then standing still for the feet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from movement_check.body.views import FRONT, SIDE


@dataclass(frozen=True)
class Step:
    """One guided test.

    ``key``: a stable name; ``title``: what the therapist sees in the list;
    ``instruction``: what the patient reads in large type; ``test``: the
    assessment run on the step's frames; ``view``: the camera view the test
    needs (None = either); ``options``: the test's settings; ``pain_button``:
    the patient and therapist can mark the moment pain starts (straight-leg
    raise, Lasègue); ``raised_side``: the leg this step raises, if one.
    """

    key: str
    title: str
    instruction: str
    test: str
    view: str | None = None
    options: dict = field(default_factory=dict)
    pain_button: bool = False
    raised_side: str | None = None
    lying: bool = False


STEPS: tuple[Step, ...] = (
    Step("walk-side", "Walk across the room (side view)",
         "Walk across the room, side-on to the camera, at your usual pace. Turn at the wall and walk back. "
         "Keep walking until your therapist says stop.",
         test="gait", view=SIDE, options={"view": "side"}),
    Step("walk-toward", "Walk toward the camera (front view)",
         "Start at the far side of the room. Walk toward the camera, then turn and walk away from it. "
         "Keep your whole body in the picture.",
         test="gait", view=FRONT, options={"view": "front"}),
    Step("raise-left", "Raise the left leg (standing)",
         "Stand facing the camera. Lift your LEFT knee up in front of you, hold it, and put it down. "
         "Repeat until your therapist says stop.",
         test="leg-raise", options={"posture": "standing"}, raised_side="left"),
    Step("raise-right", "Raise the right leg (standing)",
         "Stand facing the camera. Lift your RIGHT knee up in front of you, hold it, and put it down. "
         "Repeat until your therapist says stop.",
         test="leg-raise", options={"posture": "standing"}, raised_side="right"),
    Step("slr-left", "Straight-leg raise, left (lying)",
         "Lie on your back, side-on to the camera. Keep your LEFT knee straight and slowly lift the leg. "
         "Press PAIN the moment it hurts, then lower the leg.",
         test="leg-raise", view=SIDE, options={"posture": "supine"}, pain_button=True,
         raised_side="left", lying=True),
    Step("slr-right", "Straight-leg raise, right (lying)",
         "Lie on your back, side-on to the camera. Keep your RIGHT knee straight and slowly lift the leg. "
         "Press PAIN the moment it hurts, then lower the leg.",
         test="leg-raise", view=SIDE, options={"posture": "supine"}, pain_button=True,
         raised_side="right", lying=True),
    Step("stand-feet", "Stand still facing the camera (foot angles)",
         "Stand still facing the camera, feet as you usually stand, arms by your sides. "
         "Make sure your feet are in the picture.",
         test="foot-rotation", view=FRONT),
)

BY_KEY: dict[str, Step] = {s.key: s for s in STEPS}


def step(key: str) -> Step:
    """The step called ``key`` (KeyError names the known steps)."""
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"unknown step {key!r}: one of {', '.join(BY_KEY)}") from None
