"""What the live session tells the patient and the therapist while a test runs: pure functions.

Cues are short sentences the patient can act on ("step back, your feet are not
visible"); counters are the numbers a therapist glances at (steps, knee and
hip angles, hold timer). They are read from the latest processed frames only,
so they are a guide: the step's result is computed afterwards from every frame
received (:mod:`movement_check.step_results`).

Thresholds, each a judgement for a live prompt, not a measurement:

- feet "out of the picture": the same rule as the clip's framing warning
  (:func:`movement_check.framing.feet_out_of_picture`: a foot landmark beyond
  the edge, or both feet hidden; one foot behind the other leg in a side view
  is not out of the picture);
- head "out of the picture": the landmark outside the frame (2 % margin) or
  seen with a visibility under 0.5 (MediaPipe's own "likely visible");
- "too dark": mean brightness under 50 of 255 (MediaPipe's detections thin
  out well before the image looks black to a person);
- view: shoulder width over trunk length (shoulder midpoint to hip midpoint)
  in the image. Facing the camera it is about 0.7-0.8 (a 0.36 m shoulder
  breadth over a 0.5 m trunk); side-on, 0-0.3 in front of the camera but up
  to 0.6 near the edge of a wide view, where the shoulders are seen at an
  angle (synthetic walker, 39 deg off the camera's axis). Under 0.3 counts as
  side-on, over 0.6 as facing; in between no cue is given;
- a step: the ankles passing each other (their order along the walking
  direction changes), counted only when they separate again by 10 % of the
  leg length side-on (hysteresis against jitter). Toward the camera the
  order is the ankles' height in the image, which differs by far less (the
  front foot is nearer, so lower: about 12 % of the leg length 4 m away, 3 %
  at 12 m), so there it takes 3 %;
- a leg "up" (hold timer): its knee higher than the other knee by 15 % of
  the thigh length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .kinematics import hip_flexion, knee_flexion
from .landmarks import LEG, Landmark as L
from .protocol import FRONT_VIEW, SIDE_VIEW
from .framing import FEET, feet_out_of_picture  # noqa: F401  (FEET: the feet, for the cues' callers)

HEAD = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
MIN_VISIBILITY = 0.5
DARK_BELOW = 50.0
SIDE_BELOW = 0.3
FRONT_ABOVE = 0.6
STEP_HYSTERESIS = {"side": 0.10, "front": 0.03}      # of the leg length
UP_ABOVE = 0.15             # of the thigh length

NOBODY = "We cannot see you: step into the picture, whole body, facing or side-on to the camera."
FEET_HIDDEN = "Step back: your feet are not visible."
HEAD_HIDDEN = "Step back or tilt the camera up: your head is cut off."
TOO_DARK = "It is too dark: turn on a light, or face a window."
TWO_PEOPLE = "More than one person is in the picture: only the patient should be in view."
TURN_SIDE_ON = "Turn side-on to the camera."
FACE_CAMERA = "Face the camera."


def brightness(bgr: np.ndarray) -> float:
    """Mean brightness (0-255) of a frame, from a subsample (every 8th pixel) for speed."""
    small = bgr[::8, ::8].astype(np.float32)
    # ITU-R BT.601 luma from B, G, R
    return float(np.mean(small[..., 0] * 0.114 + small[..., 1] * 0.587 + small[..., 2] * 0.299))


def inside_frame(xy: np.ndarray, frame_size: tuple[int, int], *, margin: float = 0.02) -> np.ndarray:
    """True for each point (..., 2) inside the frame, ``margin`` of its size in from the edge."""
    w, h = frame_size
    x, y = xy[..., 0], xy[..., 1]
    return (x >= margin * w) & (x <= (1 - margin) * w) & (y >= margin * h) & (y <= (1 - margin) * h)


def hidden(person: np.ndarray, visibility: np.ndarray, frame_size: tuple[int, int], which) -> bool:
    """True when any landmark of ``which`` is outside the frame or poorly seen."""
    idx = list(which)
    seen = inside_frame(person[idx, :2], frame_size) & (np.nan_to_num(visibility[idx]) >= MIN_VISIBILITY)
    return not bool(seen.all())


def facing_ratio(person: np.ndarray) -> float:
    """Shoulder width over trunk length in the image (about 0.75 facing the camera, under 0.3 side-on)."""
    ls, rs, lh, rh = (person[j, :2] for j in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP))
    trunk = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2)
    if not np.isfinite(trunk) or trunk <= 0:
        return float("nan")
    return float(np.linalg.norm(ls - rs) / trunk)


def seen_view(person: np.ndarray) -> str | None:
    """``side`` or ``front`` from :func:`facing_ratio`; None in between or when unknown."""
    ratio = facing_ratio(person)
    if ratio < SIDE_BELOW:
        return SIDE_VIEW
    if ratio > FRONT_ABOVE:
        return FRONT_VIEW
    return None


def cues(person: np.ndarray | None, visibility: np.ndarray | None, *, frame_size: tuple[int, int],
         people: int, brightness_level: float, view: str | None = None, lying: bool = False,
         presence: np.ndarray | None = None) -> list[str]:
    """The prompts for one processed frame, most important first.

    ``person`` (33, 3) pixels, ``visibility`` and ``presence`` (33,) of the patient
    (presence taken as sure when not given), or None when nobody was found; ``people``: how many were found; ``view``: the
    view the current test needs (None = any); ``lying``: the patient lies down
    (the view is then judged by the body's length, not the shoulders).
    """
    out = []
    if brightness_level < DARK_BELOW:
        out.append(TOO_DARK)
    if person is None:
        return out + [NOBODY]
    if people > 1:
        out.append(TWO_PEOPLE)
    sure = np.ones_like(visibility) if presence is None else presence
    if feet_out_of_picture(person, visibility, sure, frame_size):
        out.append(FEET_HIDDEN)
    if hidden(person, visibility, frame_size, HEAD):
        out.append(HEAD_HIDDEN)
    if view is not None and not lying:
        seen = seen_view(person)
        if view == SIDE_VIEW and seen == FRONT_VIEW:
            out.append(TURN_SIDE_ON)
        elif view == FRONT_VIEW and seen == SIDE_VIEW:
            out.append(FACE_CAMERA)
    return out


def joint_angles(person: np.ndarray) -> dict[str, float]:
    """Knee flexion and hip flexion (deg) per side from one frame's image landmarks.

    Sagittal angles: they mean something only side-on to the camera (the
    caller shows them then). Knee: 0 straight, positive bent
    (:func:`kinematics.knee_flexion`); hip: thigh against the trunk, positive
    forward, the direction of travel taken as the way the toes point
    (:func:`kinematics.hip_flexion`).
    """
    out: dict[str, float] = {}
    shoulder_mid = (person[L.LEFT_SHOULDER] + person[L.RIGHT_SHOULDER]) / 2
    for side, (hip, knee, ankle, heel, toe) in LEG.items():
        direction = float(np.sign(person[toe, 0] - person[heel, 0])) or 1.0
        out[f"{side}_knee"] = float(knee_flexion(person[hip], person[knee], person[ankle]))
        out[f"{side}_hip"] = float(hip_flexion(shoulder_mid, person[hip], person[knee], direction))
    return out


@dataclass
class Counters:
    """Running counts over a step, updated frame by frame (:meth:`update`)."""

    steps: int = 0
    hold_s: float = 0.0                 # the current hold (0 when the leg is down)
    longest_hold_s: float = 0.0
    raises: int = 0
    _order: int = 0                     # which ankle leads: +1, -1, 0 not yet known
    _up_since: float | None = None
    _angles: dict[str, float] = field(default_factory=dict)

    @property
    def angles(self) -> dict[str, float]:
        return dict(self._angles)

    def update(self, time_s: float, person: np.ndarray | None, *, raised_side: str | None = None) -> None:
        if person is None or not np.isfinite(person[[L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE,
                                                    L.LEFT_ANKLE, L.RIGHT_ANKLE], :2]).all():
            return
        self._angles = joint_angles(person)
        self._count_step(person)
        if raised_side is not None:
            self._time_hold(time_s, person, raised_side)

    def _count_step(self, person: np.ndarray) -> None:
        leg = float(np.linalg.norm(person[L.LEFT_HIP, :2] - person[L.LEFT_ANKLE, :2]))
        # along the walking direction: horizontal side-on; toward the camera, the image's vertical
        view = FRONT_VIEW if seen_view(person) == FRONT_VIEW else SIDE_VIEW
        axis = 1 if view == FRONT_VIEW else 0
        gap = float(person[L.LEFT_ANKLE, axis] - person[L.RIGHT_ANKLE, axis])
        if abs(gap) < STEP_HYSTERESIS[view] * leg:
            return
        order = 1 if gap > 0 else -1
        if self._order and order != self._order:
            self.steps += 1
        self._order = order

    def _time_hold(self, time_s: float, person: np.ndarray, side: str) -> None:
        hip, knee = LEG[side][:2]
        other_knee = LEG["right" if side == "left" else "left"][1]
        thigh = float(np.linalg.norm(person[hip, :2] - person[other_knee, :2]))
        up = person[other_knee, 1] - person[knee, 1] > UP_ABOVE * thigh     # image y grows downward
        if up:
            if self._up_since is None:
                self._up_since = time_s
                self.raises += 1
            self.hold_s = time_s - self._up_since
            self.longest_hold_s = max(self.longest_hold_s, self.hold_s)
        else:
            self._up_since = None
            self.hold_s = 0.0
