"""Single-leg raises: the raised leg's angle and the repetitions (pure functions; posture and view: :mod:`posture`).

A **repetition** is one stretch of time with one foot off the floor (standing)
or one leg lifted off the table (lying on the back), the other leg staying
down. Standing, a foot is "off the floor" when its ankle is more than
``lift_on`` leg lengths above its own floor level (the ankle's lowest image
position in the clip, a high percentile of its y); it is back down below
``lift_off`` (hysteresis, so landmark noise does not split a raise). Lying
down, the leg is "lifted" above ``elevation_on`` deg and down below
``elevation_off`` deg from its angle at rest. A foot that comes down for
less than ``touch_down_max_s`` and goes up again is a **touch-down** (balance
lost and caught) inside the same repetition, not a new repetition. Standing,
a leg counts as raised only while the other bears the weight
(:mod:`movement_check.assessments.leg_raise.stance`: a squat lifts both thighs and neither foot),
and a repetition needs the foot off the floor for ``min_raise_s`` at one go
(flickers of landmark noise joined by "touch-downs" are not a raise). A leg
unseen for more than ``max_unseen_s`` (the person lost, or a part of the clip
in another posture left out) is not up there: nothing says it stayed up.

The **angle** that gives each repetition its peak and hold:

- standing, side view: thigh elevation from the vertical (sagittal, signed);
- standing, front view: thigh elevation from the knee's image row through a
  pinhole camera with an assumed field of view (``fov_deg``, 65 deg across
  the longer side, like most webcams and phones), with a blind zone below
  about 10-30 deg: see :func:`movement_check.body.kinematics.thigh_elevation_front`;
- lying, side view: leg elevation (hip->ankle) above its resting angle.

``hold`` is the longest continuous time the angle stays steady near the top:
inside a band ``hold_tolerance_deg`` wide, no lower than twice that below
the peak (:func:`longest_hold`), with sub-frame edges.

Assumes a static camera and the patient standing (or lying) in one place:
each foot's floor level is taken over the whole clip.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from movement_check.assessments.leg_raise.front_thigh import FrontThigh, front_thigh  # noqa: F401  (the raises' front view, for their callers)
from movement_check.body.kinematics import leg_elevation, thigh_elevation
from movement_check.body.landmarks import LEG, OTHER, SIDES
from movement_check.body.posture import SUPINE, facing, legs_direction
from movement_check.body.poses import Poses
from movement_check.body.signals import moving_mean, runs
from movement_check.assessments.leg_raise.stance import bearing_weight
from movement_check.body.views import SIDE
from movement_check.body.body_size import leg_length_px


@dataclass(frozen=True)
class RaiseSettings:
    """Thresholds of the segmentation (module notes). Leg lengths are hip-to-ankle."""

    lift_on: float = 0.06            # leg lengths (about 5 cm)
    lift_off: float = 0.03
    elevation_on: float = 5.0        # deg, lying down
    elevation_off: float = 2.5
    min_raise_s: float = 0.4         # shorter lifts are steps or shuffles, not raises
    touch_down_max_s: float = 0.5
    hold_tolerance_deg: float = 5.0
    floor_percentile: float = 90.0
    thigh_on_deg: float = 10.0       # front view: a thigh this far above its blind angle is raised
    thigh_off_deg: float = 5.0
    stance_share: float = 0.8        # standing: the other leg bears the weight (movement_check.assessments.leg_raise.stance)
    max_unseen_s: float = 0.25       # a leg unseen for longer is not known to be up: the raise ends there


@dataclass(frozen=True)
class Repetition:
    """One raise. Frame indices are into the clip; ``stop`` is the last frame with the leg up."""

    side: str                 # the raised leg
    start: int
    peak: int
    stop: int
    start_s: float
    peak_s: float
    end_s: float
    peak_angle: float | None  # deg, the module's angle
    hold_s: float             # longest continuous time within tolerance of the peak
    hold_start_s: float
    hold_end_s: float
    touch_downs: int
    touch_down_times: tuple[float, ...] = ()

    @property
    def up_s(self) -> float:
        """Time with the foot off the floor (the single-leg time when standing)."""
        return self.end_s - self.start_s

    def to_dict(self) -> dict:
        d = asdict(self)
        d["touch_down_times"] = list(self.touch_down_times)
        d["up_s"] = self.up_s
        return d


# ---------------------------------------------------------------- signals
def foot_lift(poses: Poses, settings: RaiseSettings = RaiseSettings()) -> dict[str, np.ndarray]:
    """Per side, (T,) height of the ankle above its floor level, in leg lengths (standing).

    Each foot's floor level is a high percentile of its ankle's image y; a foot
    that never came down (its "floor" well above the other's) takes the other
    foot's level instead.
    """
    leg = leg_length_px(poses)
    y = {s: poses.image[:, LEG[s][2], 1] for s in SIDES}
    floor = {s: float(np.nanpercentile(y[s], settings.floor_percentile)) if np.isfinite(y[s]).any() else np.nan
             for s in SIDES}
    floor = floor_levels(floor, leg, settings)
    return {s: lift_above(y[s], floor[s], leg) for s in SIDES}


def floor_levels(lowest: dict[str, float], leg: float, settings: RaiseSettings = RaiseSettings()
                 ) -> dict[str, float]:
    """Per side, the image y of the floor under that ankle, from ``lowest``: each ankle's lowest position
    (a clip's high percentile of its y, or the live session's lowest so far). A foot that never came down
    (its floor over ``4 x lift_on`` leg lengths above the other's) takes the other foot's level."""
    floor = dict(lowest)
    for side in SIDES:
        if floor[OTHER[side]] - floor[side] > 4 * settings.lift_on * leg:
            floor[side] = floor[OTHER[side]]
    return floor


def lift_above(ankle_y, floor_y, leg):
    """The ankle's height above its floor level, in leg lengths (image y grows downward): a float or an array.

    The standing single-leg raise and single-leg stance (CLINICAL.md, "Single-leg raise and single-leg
    stance") time the foot off the floor; the foot is off above ``lift_on`` (about 5 cm) with hysteresis
    (:func:`hysteresis_step`)."""
    return (np.asarray(floor_y, dtype=float) - ankle_y) / leg


def raise_angles(poses: Poses, posture: str, view: str) -> dict[str, np.ndarray]:
    """Per side, (T,) the angle that measures the raise (module notes), in degrees: lying down, or
    standing seen from the side. Standing seen from the front needs the feet's rest frames and the
    camera: :func:`front_thigh`."""
    if posture != SUPINE and view != SIDE:
        raise ValueError("standing, front view: use front_thigh")
    out = {}
    if posture == SUPINE:
        direction = legs_direction(poses)
        for side in SIDES:
            hip, ankle = LEG[side][0], LEG[side][2]
            out[side] = leg_elevation(poses.image[:, hip, :2], poses.image[:, ankle, :2], direction)
        # relative to the leg at rest: its lowest angles (10th percentile)
        for side in SIDES:
            a = out[side]
            rest = np.nanpercentile(a, 10) if np.isfinite(a).any() else np.nan
            out[side] = a - rest
        return out
    direction = facing(poses)
    for side in SIDES:
        hip, knee = LEG[side][0], LEG[side][1]
        out[side] = thigh_elevation(poses.image[:, hip, :2], poses.image[:, knee, :2], direction)
    return out


# ---------------------------------------------------------------- repetitions
def _hysteresis(signal: np.ndarray, on: float, off: float, max_unseen: int | None = None) -> np.ndarray:
    """(T,) bool: up once above ``on``, until below ``off``; NaN keeps the state for up to ``max_unseen``
    frames (None: however long). A longer stretch of NaN is not up, and the state starts again after it:
    nothing says the leg stayed up while it was not seen (a person lost, or a part of the clip left out)."""
    up = np.zeros(len(signal), dtype=bool)
    state, unseen = False, 0
    for i, v in enumerate(signal):
        if np.isfinite(v):
            state, unseen = hysteresis_step(state, v, on, off), 0
        else:
            unseen += 1
            state = state and (max_unseen is None or unseen <= max_unseen)
        up[i] = state
    if max_unseen is not None:          # not up from the start of a long stretch unseen
        for a, b in runs(~np.isfinite(signal)):
            if b - a > max_unseen:
                up[a:b] = False
    return up


def hysteresis_step(up: bool, value: float, on: float, off: float) -> bool:
    """One frame of the raise's hysteresis: down, a leg goes up above ``on``; up, it stays up until below
    ``off`` (so landmark noise does not split a raise). ``value`` must be seen (finite)."""
    return bool(value > on) if not up else bool(value > off)


def one_leg_up(lifted: dict, bearing: dict | None = None) -> dict:
    """Per side, that leg is raised on its own: lifted while the other leg bears the weight (``bearing``,
    :func:`movement_check.assessments.leg_raise.stance.stands_under`; None lying down), and not both at once (a jump, a squat's noise).
    Values are bools for one frame or (T,) bool arrays for a clip. The single-leg raise and stance of
    CLINICAL.md: the stance leg holds the body while the other is off the floor."""
    raw = {s: np.asarray(lifted[s], dtype=bool) for s in SIDES}
    if bearing is not None:
        raw = {s: raw[s] & np.asarray(bearing[OTHER[s]], dtype=bool) for s in SIDES}
    both = raw["left"] & raw["right"]
    return {s: raw[s] & ~both for s in SIDES}


def up_masks(poses: Poses, posture: str, angles: dict[str, np.ndarray],
             settings: RaiseSettings = RaiseSettings(), front: FrontThigh | None = None) -> dict[str, np.ndarray]:
    """Per side, (T,) bool: that leg is raised and the other is not.

    Standing, a leg is raised while its foot is off the floor; with ``front``
    (front view) also while its thigh is ``thigh_on_deg`` above the blind
    angle: a straight leg raised toward a camera above hip height hardly
    lifts the ankle in the image (the foot comes toward the lens). Either way
    only while the other leg bears the weight (:func:`movement_check.assessments.leg_raise.stance.bearing_weight`):
    a squat lifts both thighs, and its noise one foot, with no foot off the floor.
    A leg unseen for more than ``max_unseen_s`` is not up there.
    """
    unseen = _frames_in(poses.times, settings.max_unseen_s)
    if posture == SUPINE:
        raw = {s: _hysteresis(angles[s], settings.elevation_on, settings.elevation_off, unseen) for s in SIDES}
    else:
        raw = feet_off_floor(poses, settings)
        if front is not None:
            # not while the other foot is up: this thigh's hip reference is then the raised side's hip
            feet = dict(raw)
            for s in SIDES:
                above = front.elevation[s] - front.blind_deg[s]
                raw[s] = feet[s] | (_hysteresis(above, settings.thigh_on_deg, settings.thigh_off_deg, unseen)
                                    & ~feet[OTHER[s]])
        return one_leg_up(raw, bearing_weight(poses, share=settings.stance_share))
    return one_leg_up(raw)


def feet_off_floor(poses: Poses, settings: RaiseSettings = RaiseSettings()) -> dict[str, np.ndarray]:
    """Per side, (T,) bool: that foot is off the floor (:func:`foot_lift`, with hysteresis), whatever the
    other leg does; not while it is unseen for more than ``max_unseen_s``."""
    lift = foot_lift(poses, settings)
    unseen = _frames_in(poses.times, settings.max_unseen_s)
    return {s: _hysteresis(lift[s], settings.lift_on, settings.lift_off, unseen) for s in SIDES}


def _frames_in(times: np.ndarray, seconds: float) -> int:
    """How many frames of this clip last ``seconds`` (at its median frame interval)."""
    step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0 / 30
    return max(1, int(round(seconds / step)))


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    return moving_mean(x, n)


def _crossing(t0: float, t1: float, v0: float, v1: float, edge: float) -> float:
    """Time at which the line from (t0, v0) to (t1, v1) crosses ``edge``."""
    return float(t0 + (edge - v0) / (v1 - v0) * (t1 - t0)) if v1 != v0 else float(t0)


def longest_hold(times: np.ndarray, angle: np.ndarray, peak: float, tolerance: float, a: int, b: int
                 ) -> tuple[float, float, float]:
    """The hold of a raise: the longest continuous time in frames [a, b] the angle stays inside a band
    ``tolerance`` deg wide whose floor is at most ``2 x tolerance`` below ``peak``; edges interpolated.

    With the leg held level at its peak this is the time within ``tolerance``
    of the peak. The band may sit lower than the peak so that a brief
    over-reading at the top (seen with MediaPipe as the thigh arrives, on the
    rendered test clip: 0.3 s about 7 deg high) does not cut the hold to a
    fraction of the time the leg was kept up. Returns (duration, start, end).
    """
    seg = angle[a:b + 1]
    t = times[a:b + 1]
    ok = np.isfinite(seg)
    floors = np.unique(np.concatenate([seg[ok], seg[ok] - tolerance]))
    floors = floors[(floors >= peak - 2 * tolerance) & (floors <= peak)]
    if not len(floors):
        floors = np.array([peak - tolerance])
    best = (0.0, float(t[0]), float(t[0]))
    for lo in floors:
        hi = lo + tolerance
        inside = ok & (seg >= lo - 1e-9) & (seg <= hi + 1e-9)
        for s, e in runs(inside):
            t0, t1 = float(t[s]), float(t[e - 1])
            if s > 0 and ok[s - 1]:
                edge = lo if seg[s - 1] < lo else hi
                t0 = _crossing(float(t[s - 1]), float(t[s]), float(seg[s - 1]), float(seg[s]), edge)
            if e < len(seg) and ok[e]:
                edge = lo if seg[e] < lo else hi
                t1 = _crossing(float(t[e - 1]), float(t[e]), float(seg[e - 1]), float(seg[e]), edge)
            if t1 - t0 > best[0]:
                best = (t1 - t0, t0, t1)
    return best


def find_repetitions(poses: Poses, up: dict[str, np.ndarray], angles: dict[str, np.ndarray],
                     settings: RaiseSettings = RaiseSettings()) -> list[Repetition]:
    """Every raise in time order (module notes)."""
    times = poses.times
    fps = 1.0 / float(np.median(np.diff(times))) if len(times) > 1 else 30.0
    reps: list[Repetition] = []
    for side in SIDES:
        spans = runs(up[side])
        # join spans separated by a short touch-down
        merged: list[list] = []
        for s, e in spans:
            if merged and times[s] - times[merged[-1][1] - 1] <= settings.touch_down_max_s + 0.5 / fps:
                merged[-1][2].append(0.5 * (times[merged[-1][1] - 1] + times[s]))
                merged[-1][1] = e
            else:
                merged.append([s, e, []])
        smooth = _smooth(angles[side], max(1, int(round(0.2 * fps))))
        longest = {}
        for s, e in spans:       # the longest stretch up without a touch-down, per merged raise
            m = next(i for i, (a, b, _) in enumerate(merged) if a <= s and e <= b)
            longest[m] = max(longest.get(m, 0.0), _edge_time(times, e - 1, before=False) - _edge_time(times, s, before=True))
        for m, (s, e, touches) in enumerate(merged):
            start_s, end_s = _edge_time(times, s, before=True), _edge_time(times, e - 1, before=False)
            if longest[m] < settings.min_raise_s:       # a foot off the floor for min_raise_s at one go
                continue
            seg = smooth[s:e]
            if np.isfinite(seg).any():
                k = s + int(np.nanargmax(seg))
                peak = float(np.nanmax(seg))
                hold, h0, h1 = longest_hold(times, angles[side], peak, settings.hold_tolerance_deg, s, e - 1)
            else:
                k, peak, hold, h0, h1 = (s + e) // 2, None, 0.0, float(times[s]), float(times[s])
            reps.append(Repetition(side=side, start=s, peak=k, stop=e - 1, start_s=start_s, peak_s=float(times[k]),
                                   end_s=end_s, peak_angle=peak, hold_s=hold, hold_start_s=h0, hold_end_s=h1,
                                   touch_downs=len(touches), touch_down_times=tuple(float(x) for x in touches)))
    return sorted(reps, key=lambda r: r.start_s)


def _edge_time(times: np.ndarray, i: int, *, before: bool) -> float:
    """Time of a raise's edge: halfway between the last frame down and the first frame up."""
    j = i - 1 if before else i + 1
    if 0 <= j < len(times):
        return float(0.5 * (times[i] + times[j]))
    return float(times[i])


def rest_mask(n: int, reps: list[Repetition], times: np.ndarray, *, margin_s: float = 0.3) -> np.ndarray:
    """(n,) bool: no raise within ``margin_s``: both feet down, the person standing still."""
    rest = np.ones(n, dtype=bool)
    for r in reps:
        rest &= ~((times >= r.start_s - margin_s) & (times <= r.end_s + margin_s))
    return rest
