"""What the live session tells the patient and the therapist while a test runs: pure functions.

Cues are short sentences the patient can act on ("step back, your feet are not
visible"); counters are the numbers a therapist glances at (steps, knee and
hip angles, hold timer). They are read from the latest processed frames only,
so they are a guide: the step's result is computed afterwards from every frame
received (:mod:`movement_check.live.step_results`).

Thresholds, each a judgement for a live prompt, not a measurement:

- feet "out of the picture": the same rule as the clip's framing warning
  (:func:`movement_check.body.framing.feet_out_of_picture`: a foot landmark beyond
  the edge, or both feet hidden; one foot behind the other leg in a side view
  is not out of the picture);
- head "out of the picture": the landmark outside the frame (2 % margin) or
  seen with a visibility under 0.5 (MediaPipe's own "likely visible");
- "too dark": the level the picture's brightest parts reach under 90 of 255, the
  rule a clip is said to be dark by (:mod:`movement_check.pipeline.exposure`: the pose
  model places the body less surely in dim light without saying so). Its mean
  brightness (the rule until 2026-12-02, under 50) called a well-lit clip with
  black letterbox bars dark and missed a dim room with a white wall;
- view: the clips' rule (:mod:`movement_check.body.views`: horizontal shoulder
  width over trunk length, under 0.5 side-on, else facing); no cue while the
  shoulders or hips are unseen;
- a step: the leading ankle along the direction of travel changes
  (:func:`movement_check.body.walking.leading_ankle`, the ankles' order known once
  they are 10 % of the leg length apart side-on, 3 % toward the camera);
- a leg "up" (hold timer): the clips' raise rule frame by frame
  (:mod:`movement_check.assessments.leg_raise.raises`): standing, its foot off the floor
  (:func:`~movement_check.assessments.leg_raise.raises.lift_above` its lowest position so far,
  with the raise's hysteresis) while the other leg bears the weight
  (:func:`movement_check.assessments.leg_raise.stance.stands_under` its tallest height so far);
  lying, the leg's elevation above its lowest so far. These references take
  only a position held for ``SETTLED_FRAMES`` frames in a row (one frame's
  landmark outlier would otherwise stay the floor or the rest for the whole
  step: a leg "up", and its hold timer running, until the step ends). A raise
  counts once it has lasted ``min_raise_s``. The counters keep only the
  running state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np

from movement_check.body.framing import FEET, feet_out_of_picture  # noqa: F401  (FEET: the feet, for the cues' callers)
from movement_check.body.kinematics import hip_flexion, knee_flexion, leg_elevation
from movement_check.body.landmarks import LEG, SIDES, Landmark as L
from movement_check.assessments.leg_raise.raises import RaiseSettings, floor_levels, hysteresis_step, lift_above, one_leg_up
from movement_check.assessments.leg_raise.stance import stands_under
from movement_check.pipeline.exposure import DARK_BELOW
from movement_check.body.views import FRONT, SIDE, SIDE_VIEW_MAX_RATIO, frame_views, shoulder_ratio, view_of
from movement_check.body.body_size import leg_lengths
from movement_check.body.walking import ankles_apart, leading_ankle

HEAD = (L.NOSE, L.LEFT_EAR, L.RIGHT_EAR)
MIN_VISIBILITY = 0.5
RAISE = RaiseSettings()
#: the raise's references (each ankle's floor, each leg's upright height, each leg's rest lying) move only to a
#: position seen in this many frames in a row (module notes)
SETTLED_FRAMES = 3

NOBODY = "We cannot see you: step into the picture, whole body, facing or side-on to the camera."
FEET_HIDDEN = "Step back: your feet are not visible."
HEAD_HIDDEN = "Step back or tilt the camera up: your head is cut off."
TOO_DARK = "It is too dark: turn on a light, or face a window."
TWO_PEOPLE = "More than one person is in the picture: only the patient should be in view."
TURN_SIDE_ON = "Turn side-on to the camera."
FACE_CAMERA = "Face the camera."


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


#: the patient is told to turn only when clearly in the other view: this far (in shoulder ratio) past the clips'
#: cut-off. Side-on near the edge of a wide view, or mid-stride, the ratio reaches 0.5-0.6 for about a second
#: of each pass; a cue there would tell a walker who is side-on to turn side-on.
CUE_MARGIN = 0.1


def seen_view(person: np.ndarray) -> str | None:
    """``side`` or ``front``: the clips' rule (:func:`movement_check.body.views.view_of` the shoulder ratio); None
    while the shoulders or hips are unseen."""
    return view_of(shoulder_ratio(person))


def cues(person: np.ndarray | None, visibility: np.ndarray | None, *, frame_size: tuple[int, int],
         people: int, light_level: float, view: str | None = None, lying: bool = False,
         presence: np.ndarray | None = None) -> list[str]:
    """The prompts for one processed frame, most important first.

    ``person`` (33, 3) pixels, ``visibility`` and ``presence`` (33,) of the patient
    (presence taken as sure when not given), or None when nobody was found; ``people``: how many were found;
    ``light_level``: :func:`movement_check.pipeline.exposure.frame_light` of the frame; ``view``: the
    view the current test needs (None = any); ``lying``: the patient lies down
    (the view is then judged by the body's length, not the shoulders).
    """
    out = []
    if light_level < DARK_BELOW:
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
        ratio = shoulder_ratio(person)
        if view == SIDE and ratio >= SIDE_VIEW_MAX_RATIO + CUE_MARGIN:
            out.append(TURN_SIDE_ON)
        elif view == FRONT and ratio < SIDE_VIEW_MAX_RATIO - CUE_MARGIN:
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
    """Running counts over a step, updated frame by frame (:meth:`update`).

    The judgements are the clips' pure functions (module notes); this keeps only what they need from the
    frames before: the leading ankle, each leg's up/down state, each ankle's lowest position, each leg's
    tallest height, each leg's lowest elevation lying down, and when the raise began.
    """

    steps: int = 0
    hold_s: float = 0.0                 # the current time up (0 when the leg is down)
    longest_hold_s: float = 0.0         # the longest raise that counted
    raises: int = 0                     # raises up for at least RaiseSettings.min_raise_s
    _lead: int = 0                      # which ankle leads: +1 left, -1 right, 0 not yet known
    _lifted: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(SIDES, False))
    _lowest: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, -np.inf))   # ankle image y
    _upright: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, -np.inf))  # hip above ankle
    _rest: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIDES, np.inf))      # lying, deg
    _recent: dict[str, deque] = field(default_factory=dict)   # the last SETTLED_FRAMES values of each reference
    _up_since: float | None = None
    _counted: bool = False
    _angles: dict[str, float] = field(default_factory=dict)

    @property
    def angles(self) -> dict[str, float]:
        return dict(self._angles)

    def update(self, time_s: float, person: np.ndarray | None, *, raised_side: str | None = None,
               lying: bool = False) -> None:
        if person is None or not np.isfinite(person[[L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE,
                                                    L.LEFT_ANKLE, L.RIGHT_ANKLE], :2]).all():
            return
        self._angles = joint_angles(person)
        self._count_step(person)
        if raised_side is not None:
            self._time_hold(time_s, person, raised_side, lying)

    def _count_step(self, person: np.ndarray) -> None:
        view = frame_views(person)
        leg = float(np.nanmax(leg_lengths(person)))        # the straighter leg: the body's scale this frame
        lead = leading_ankle(ankles_apart(person, view), leg, view)
        if not lead:
            return
        if self._lead and lead != self._lead:
            self.steps += 1
        self._lead = lead

    def _up(self, person: np.ndarray, lying: bool) -> dict[str, bool]:
        """Each leg raised on its own this frame (:func:`movement_check.assessments.leg_raise.raises.one_leg_up`)."""
        if lying:
            hips, ankles = person[[L.LEFT_HIP, L.RIGHT_HIP], :2], person[[L.LEFT_ANKLE, L.RIGHT_ANKLE], :2]
            direction = 1 if float(np.mean(ankles[:, 0] - hips[:, 0])) >= 0 else -1
            for s, hip, ankle in zip(SIDES, hips, ankles):
                elevation = float(leg_elevation(hip, ankle, direction))
                self._rest[s] = float(np.fmin(self._rest[s], self._settled(f"rest {s}", elevation, held=max)))
                self._lifted[s] = hysteresis_step(self._lifted[s], elevation - self._rest[s],
                                                  RAISE.elevation_on, RAISE.elevation_off)
            return one_leg_up(self._lifted)
        leg = float(np.nanmax(leg_lengths(person)))
        y = {s: float(person[LEG[s][2], 1]) for s in SIDES}
        height = {s: y[s] - float(person[LEG[s][0], 1]) for s in SIDES}
        for s in SIDES:
            self._lowest[s] = float(np.fmax(self._lowest[s], self._settled(f"floor {s}", y[s], held=min)))
            self._upright[s] = float(np.fmax(self._upright[s], self._settled(f"upright {s}", height[s], held=min)))
        floor = floor_levels(self._lowest, leg, RAISE)
        for s in SIDES:
            self._lifted[s] = hysteresis_step(self._lifted[s], float(lift_above(y[s], floor[s], leg)),
                                              RAISE.lift_on, RAISE.lift_off)
        bearing = {s: stands_under(height[s], self._upright[s], share=RAISE.stance_share) for s in SIDES}
        return one_leg_up(self._lifted, bearing)

    def _settled(self, key: str, value: float, *, held) -> float:
        """``value`` kept among the last :data:`SETTLED_FRAMES` of ``key``; what they all reached (``held``: min
        for a reference taken at its largest, max for one taken at its smallest), NaN (ignored by
        np.fmax/np.fmin) until there are that many."""
        recent = self._recent.setdefault(key, deque(maxlen=SETTLED_FRAMES))
        recent.append(value)
        return held(recent) if len(recent) == SETTLED_FRAMES else float("nan")

    def _time_hold(self, time_s: float, person: np.ndarray, side: str, lying: bool) -> None:
        if not self._up(person, lying)[side]:
            self._up_since, self._counted, self.hold_s = None, False, 0.0
            return
        if self._up_since is None:
            self._up_since = time_s
        self.hold_s = time_s - self._up_since
        if self.hold_s >= RAISE.min_raise_s:
            if not self._counted:
                self.raises += 1
                self._counted = True
            self.longest_hold_s = max(self.longest_hold_s, self.hold_s)
