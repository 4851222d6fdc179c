"""Gait: events, spatiotemporal parameters, joint angles and foot-drop signs from one camera.

Pipeline: steady walking bouts and their view (:mod:`movement_check.walking`)
-> heel strikes and toe-offs per foot (:mod:`movement_check.events`)
-> steps, strides and their phases -> angles at those phases -> metrics.

Event methods
- Side view: Zeni et al. (2008): heel strike when the heel is farthest in
  front of the pelvis along the image's x axis, toe-off when the toe is
  farthest behind it.
- Front view (walking toward or away from the camera): the same idea with
  the image's vertical axis standing in for depth. The camera looks down on
  the floor, so a foot nearer the camera appears lower in the image: heel
  strike when the heel is lowest relative to the pelvis, toe-off when the toe
  is highest relative to it. Measured on a rendered clip with exact events
  (30 fps), this finds every event but about 1.5 frames (50 ms) after the
  Zeni instant, because image height mixes foot lift with depth; timing
  differences between the two sides are unaffected.

Reference values and their sources: :mod:`gait_reference`. Angles follow the
sign conventions in :mod:`movement_check.kinematics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import kinematics as kin
from ..events import HEEL_STRIKE, TOE_OFF, Extremum, dominant_period, zeni_events
from ..landmarks import Landmark as L
from ..poses import Poses
from ..results import Event, Metric
from ..walking import FRONT, SIDE, Bout, find_bouts, leg_length_px, midpoint
from .base import Assessment
from . import gait_reference as ref

SIDES = ("left", "right")
_LEG = {"left": (L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX),
        "right": (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX)}
#: leg length (hip to ankle) as a share of body height: hip 0.530 H, ankle 0.039 H (Drillis & Contini 1966)
LEG_SHARE_OF_HEIGHT = 0.491
MIN_STRIDES = 4


@dataclass(frozen=True)
class GaitSettings:
    """``view``: force "side" or "front" (default: decided per bout). ``height_cm``: the
    patient's height, which scales pixels to metres for speed and step length."""

    view: str | None = None
    height_cm: float | None = None
    min_bout_s: float = 1.5


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
def _ahead_signals(poses: Poses, bout: Bout, side: str) -> tuple[np.ndarray, np.ndarray]:
    """How far heel and toe are in front of the pelvis, in pixels, within the bout (NaN elsewhere)."""
    _, _, _, heel, toe = _LEG[side]
    pelvis = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    axis = 0 if bout.view == SIDE else 1
    sl = slice(bout.start, bout.stop)
    heel_ahead = np.full(len(poses), np.nan)
    toe_ahead = np.full(len(poses), np.nan)
    heel_ahead[sl] = (poses.image[sl, heel, axis] - pelvis[sl, axis]) * bout.direction
    toe_ahead[sl] = (poses.image[sl, toe, axis] - pelvis[sl, axis]) * bout.direction
    return heel_ahead, toe_ahead


def detect_events(poses: Poses, bouts: list[Bout]) -> dict[int, dict[str, dict[str, list[Extremum]]]]:
    """Per bout, per side: heel strikes and toe-offs (refined extrema)."""
    leg = leg_length_px(poses)
    out = {}
    for b, bout in enumerate(bouts):
        signals = {side: _ahead_signals(poses, bout, side) for side in SIDES}
        periods = [dominant_period(poses.times, signals[s][0]) for s in SIDES]
        periods = [p for p in periods if p]
        stride_s = float(np.median(periods)) if periods else 1.1
        scale = leg if bout.view == SIDE else 0.3 * leg     # depth is foreshortened in a front view
        out[b] = {}
        for side in SIDES:
            strikes, offs = zeni_events(poses.times, *signals[side], stride_s=stride_s, scale=scale)
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


def step_pair_asymmetry(found: dict) -> list[float]:
    """|difference| / mean (%) of each pair of consecutive steps within a bout.

    A limp shows as alternating short and long steps; the median of these is
    hardly moved by one odd step (a first or last step, a missed event).
    """
    out = []
    for per_side in found.values():
        seq = sorted((e.time_s, side) for side in SIDES for e in per_side[side][HEEL_STRIKE])
        steps = [(t1 - t0) for (t0, s0), (t1, s1) in zip(seq[:-1], seq[1:]) if s0 != s1]
        out += [100 * abs(b - a) / ((a + b) / 2) for a, b in zip(steps[:-1], steps[1:])]
    return out


def step_times(found: dict) -> dict[str, list[float]]:
    """Step times per side: from the other foot's heel strike to this foot's, consecutive within a bout."""
    steps: dict[str, list[float]] = {"left": [], "right": []}
    for per_side in found.values():
        seq = sorted((e.time_s, side) for side in SIDES for e in per_side[side][HEEL_STRIKE])
        for (t0, s0), (t1, s1) in zip(seq[:-1], seq[1:]):
            if s0 != s1:
                steps[s1].append(t1 - t0)
    return steps


# ------------------------------------------------------------------ helpers
def _mean(values) -> float | None:
    vals = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.mean(vals)) if vals else None


def _sd(values) -> float | None:
    vals = [v for v in values if v is not None and np.isfinite(v)]
    return float(np.std(vals, ddof=1)) if len(vals) > 1 else None


def _r(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def _at(times: np.ndarray, series: np.ndarray, t: float) -> float:
    ok = np.isfinite(series)
    if ok.sum() < 2 or t < times[ok][0] or t > times[ok][-1]:
        return float("nan")
    return float(np.interp(t, times[ok], series[ok]))


def _window(times: np.ndarray, series: np.ndarray, a: float, b: float) -> np.ndarray:
    inside = (times >= a) & (times <= b)
    return series[inside]


def _range_flag(value: float | None, normal: tuple[float, float]) -> str | None:
    if value is None:
        return None
    return "low" if value < normal[0] else "high" if value > normal[1] else None


def _metric(name, value, unit, *, side=None, normal=None, flag=None, note=None, why_missing="") -> Metric:
    if value is None:
        return Metric.unmeasured(name, unit, why_missing or "not enough clean strides to measure it", side=side)
    return Metric(name, value, unit, side=side, normal_range=normal, flag=flag, note=note)


def _lower_side(values: dict[str, list[float]], min_gap: float) -> str | None:
    """The side clearly lower than the other: means differ by more than ``min_gap`` and 2 standard errors."""
    if any(len(values[s]) < 2 for s in SIDES):
        return None
    m = {s: float(np.mean(values[s])) for s in SIDES}
    se = np.sqrt(sum(np.var(values[s], ddof=1) / len(values[s]) for s in SIDES))
    gap = abs(m["left"] - m["right"])
    if gap > max(min_gap, 2 * se):
        return min(SIDES, key=lambda s: m[s])
    return None


# ------------------------------------------------------------------ the assessment
@dataclass
class GaitAnalysis:
    """The walking found in a clip: bouts, events per bout and side, clean strides, step times."""

    bouts: list[Bout]
    found: dict
    strides: list[Stride]
    steps: dict[str, list[float]]


def analyse(poses: Poses, settings: GaitSettings = GaitSettings()) -> GaitAnalysis:
    bouts = find_bouts(poses, view=settings.view, min_bout_s=settings.min_bout_s)
    found = detect_events(poses, bouts)
    return GaitAnalysis(bouts=bouts, found=found, strides=strides_from_events(found), steps=step_times(found))


def assess(poses: Poses, /, *, settings: GaitSettings = GaitSettings()) -> Assessment:
    """Gait metrics, events and warnings for one clip's cleaned trajectories."""
    walk = analyse(poses, settings)
    bouts = walk.bouts
    if not bouts:
        reason = "no steady walking was found (standing, turning, or the feet out of the frame)"
        names = [("cadence", "steps/min", None), ("steps", "count", None)]
        return Assessment(
            metrics=[Metric.unmeasured(n, u, reason, side=s) for n, u, s in names],
            warnings=[f"{reason}: film at least 4 steps of walking with the whole body, feet included, in view"],
            quality={"walking_bouts": [], "view": None})
    found, strides, steps = walk.found, walk.strides, walk.steps
    views = {b.view for b in bouts}
    view = views.pop() if len(views) == 1 else "mixed"
    leg = leg_length_px(poses)
    times = poses.times
    metrics: list[Metric] = []
    warnings: list[str] = []

    events = [Event(e.time_s, name, side, int(round(e.frame)))
              for per_side in found.values() for side in SIDES for name in (HEEL_STRIKE, TOE_OFF)
              for e in per_side[side][name]]
    n_steps = sum(1 for e in events if e.name == HEEL_STRIKE)
    per_side_strides = {s: [st for st in strides if st.side == s] for s in SIDES}

    # ---- spatiotemporal
    all_steps = steps["left"] + steps["right"]
    # the median step: a bout's first or last step (speeding up, slowing down) does not pull it
    cadence = 60.0 / float(np.median(all_steps)) if all_steps else None
    metrics.append(_metric("cadence", _r(cadence, 1), "steps/min", normal=ref.CADENCE_NORMAL,
                           flag=_range_flag(cadence, ref.CADENCE_NORMAL),
                           note="60 / median step time; " + ref.CADENCE_SOURCE))
    metrics.append(Metric("steps", n_steps, "count", note=f"heel strikes in {len(bouts)} walking bout(s)"))
    metrics.append(Metric("walking_bouts", len(bouts), "count",
                          note="; ".join(f"{b.start_s:.1f}-{b.stop_s:.1f} s, {b.view} view" for b in bouts)))
    for side in SIDES:
        metrics.append(_metric("step_time", _r(_mean(steps[side]), 3), "s", side=side))
    for side in SIDES:
        metrics.append(_metric("stride_time", _r(_mean(st.duration for st in per_side_strides[side]), 3), "s",
                               side=side))
    for side in SIDES:
        stance = [100 * (st.toe_off - st.start) / st.duration for st in per_side_strides[side] if st.toe_off]
        value = _mean(stance)
        metrics.append(_metric("stance", _r(value, 1), "%", side=side, normal=ref.STANCE_NORMAL,
                               flag=_range_flag(value, ref.STANCE_NORMAL), note=ref.STANCE_SOURCE))
        metrics.append(_metric("swing", _r(None if value is None else 100 - value, 1), "%", side=side))
    for side in SIDES:
        ds = [100 * ((st.other_toe_off - st.start) + (st.toe_off - st.other_strike)) / st.duration
              for st in per_side_strides[side] if st.toe_off and st.other_toe_off and st.other_strike]
        value = _mean(ds)
        metrics.append(_metric("double_support", _r(value, 1), "%", side=side, normal=ref.DOUBLE_SUPPORT_NORMAL,
                               flag=_range_flag(value, ref.DOUBLE_SUPPORT_NORMAL), note=ref.DOUBLE_SUPPORT_SOURCE))
    l_step, r_step = _mean(steps["left"]), _mean(steps["right"])
    enough = min(len(steps["left"]), len(steps["right"])) >= 2
    si = 100 * (r_step - l_step) / ((r_step + l_step) / 2) if enough else None
    metrics.append(_metric("step_time_symmetry_index", _r(si, 1), "%", normal=(-ref.SYMMETRY_LIMIT, ref.SYMMETRY_LIMIT),
                           flag="asymmetric" if si is not None and abs(si) > ref.SYMMETRY_LIMIT else None,
                           note="SI = (right - left) / mean x 100; positive: right steps longer. "
                                + ref.SYMMETRY_SOURCE, why_missing="needs at least 2 steps of each foot"))
    pairs = step_pair_asymmetry(found)
    metrics.append(_metric("step_time_asymmetry", _r(float(np.median(pairs)) if pairs else None, 1), "%",
                           note=f"median over {len(pairs)} pairs of consecutive steps of |difference| / mean; robust "
                                "to one odd step; no validated cut-off",
                           why_missing="needs at least 3 consecutive steps"))
    durations = [st.duration for st in strides]
    cv = 100 * _sd(durations) / float(np.mean(durations)) if len(durations) > 2 else None
    cv_note = ref.STRIDE_CV_SOURCE + (f"; only {len(durations)} strides here" if len(durations) < 10 else "")
    metrics.append(_metric("stride_time_cv", _r(cv, 1), "%", normal=(0.0, ref.STRIDE_CV_LIMIT),
                           flag="high" if cv is not None and cv > ref.STRIDE_CV_LIMIT else None, note=cv_note,
                           why_missing="needs at least 3 clean strides"))
    metrics += _scaled_metrics(poses, bouts, found, settings, leg)

    # ---- angles
    if view == SIDE:
        metrics += _side_angles(poses, bouts, per_side_strides, leg)
    else:
        why = "needs a side view (walking across the camera)"
        for name in ("knee_flexion_swing_peak", "knee_range", "hip_range", "ankle_dorsiflexion_mid_swing",
                     "toe_height_mid_swing"):
            for side in SIDES:
                unit = "leg lengths" if name == "toe_height_mid_swing" else "deg"
                metrics.append(Metric.unmeasured(name, unit, why, side=side))
        metrics.append(Metric.unmeasured("trunk_forward_lean", "deg", why))
    if FRONT in {b.view for b in bouts}:
        metrics += _front_angles(poses, [b for b in bouts if b.view == FRONT], per_side_strides)
    else:
        why = "needs a front view (walking toward or away from the camera)"
        metrics.append(Metric.unmeasured("trunk_lateral_lean", "deg", why))
        for side in SIDES:
            metrics.append(Metric.unmeasured("pelvic_drop", "deg", why, side=side))

    metrics = _withhold_unreliable_flags(metrics, {s: len(per_side_strides[s]) for s in SIDES})

    # ---- quality
    for side in SIDES:
        n = len(per_side_strides[side])
        if n < MIN_STRIDES:
            warnings.append(f"only {n} clean {side} stride{'s' if n != 1 else ''} (fewer than {MIN_STRIDES}): "
                            "the values are not reliable; film a longer walk")
    warnings += _poorly_seen_legs(poses, bouts)
    if view == FRONT:
        warnings.append("front view: events are timed from the feet's height in the image (about 50 ms later than "
                        "in a side view); joint angles, speed and step length need a side view")
    return Assessment(metrics=metrics, events=events, warnings=warnings,
                      quality={"view": view, "walking_bouts": [b.to_dict() for b in bouts],
                               "event_method": "Zeni et al. 2008 (foot position relative to the pelvis)"
                               + (", image height standing in for depth" if view != SIDE else ""),
                               "strides": {s: len(per_side_strides[s]) for s in SIDES}})


def _withhold_unreliable_flags(metrics: list[Metric], strides: dict[str, int]) -> list[Metric]:
    """No flag from fewer than MIN_STRIDES clean strides: the value stays, the note says why.

    A per-side metric needs that many strides on its side; a metric without a
    side (cadence, symmetry, variability, speed) needs them on both sides.
    """
    out = []
    for m in metrics:
        n = strides[m.side] if m.side else min(strides.values())
        if m.flag and n < MIN_STRIDES:
            note = f"not flagged: only {n} clean stride{'s' if n != 1 else ''}" + (f"; {m.note}" if m.note else "")
            m = Metric(m.name, m.value, m.unit, side=m.side, normal_range=m.normal_range, flag=None, note=note)
        out.append(m)
    return out


def _scaled_metrics(poses: Poses, bouts: list[Bout], found: dict, settings: GaitSettings,
                    leg: float) -> list[Metric]:
    """Gait speed and step length: need a side view and the patient's height."""
    if settings.height_cm is None:
        why = "no scale: give the patient's height (--height-cm) to measure it"
        return [Metric.unmeasured("gait_speed", "m/s", why)] + \
               [Metric.unmeasured("step_length", "m", why, side=s) for s in SIDES]
    side_bouts = [(b, bout) for b, bout in enumerate(bouts) if bout.view == SIDE]
    if not side_bouts:
        why = "needs a side view (walking across the camera)"
        return [Metric.unmeasured("gait_speed", "m/s", why)] + \
               [Metric.unmeasured("step_length", "m", why, side=s) for s in SIDES]
    px_per_m = leg / (LEG_SHARE_OF_HEIGHT * settings.height_cm / 100.0)
    scale_note = (f"scaled by leg length = {LEG_SHARE_OF_HEIGHT} x height (Drillis & Contini); "
                  "assumes walking square to the camera")
    pelvis_x = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    speeds, weights = [], []
    for _, bout in side_bouts:
        x = pelvis_x[bout.start:bout.stop]
        t = poses.times[bout.start:bout.stop]
        ok = np.isfinite(x)
        if ok.sum() > 2 and t[ok][-1] > t[ok][0]:
            speeds.append(abs(np.polyfit(t[ok], x[ok], 1)[0]) / px_per_m)
            weights.append(t[ok][-1] - t[ok][0])
    speed = float(np.average(speeds, weights=weights)) if speeds else None
    metrics = []
    if speed is not None and speed < 0.1:
        metrics.append(Metric.unmeasured("gait_speed", "m/s",
                                         "the pelvis did not travel across the frame (treadmill or walking on the spot)"))
    else:
        flag = None if speed is None else "low" if speed < ref.SPEED_NORMAL[0] else \
            "high" if speed > ref.SPEED_NORMAL[1] else None
        metrics.append(_metric("gait_speed", _r(speed, 2), "m/s", normal=ref.SPEED_NORMAL, flag=flag,
                               note=ref.SPEED_SOURCE + "; " + scale_note))
    for side in SIDES:
        other = "right" if side == "left" else "left"
        lengths = []
        for b, _ in side_bouts:
            for e in found[b][side][HEEL_STRIKE]:
                a = _at(poses.times, poses.image[:, _LEG[side][3], 0], e.time_s)
                o = _at(poses.times, poses.image[:, _LEG[other][3], 0], e.time_s)
                if np.isfinite(a) and np.isfinite(o):
                    lengths.append(abs(a - o) / px_per_m)
        metrics.append(_metric("step_length", _r(_mean(lengths), 3), "m", side=side, note=scale_note))
    return metrics


def bout_direction(poses: Poses, bouts: list[Bout]) -> np.ndarray:
    """(T,) direction of travel inside bouts (+1 / -1), NaN outside them."""
    direction = np.full(len(poses), np.nan)
    for b in bouts:
        direction[b.start:b.stop] = b.direction
    return direction


def side_angle_series(poses: Poses, bouts: list[Bout]) -> dict[str, dict[str, np.ndarray]]:
    """Sagittal angles over time per side (side view): {"hip"|"knee"|"ankle": {side: (T,)}} in degrees.

    Hip: thigh relative to the trunk, + = flexion (forward); knee: + = flexion;
    ankle: + = dorsiflexion. NaN outside walking bouts (the sign of hip
    flexion needs the direction of travel).
    """
    img = poses.image
    direction = bout_direction(poses, bouts)
    shoulder_mid = midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    out: dict[str, dict[str, np.ndarray]] = {"hip": {}, "knee": {}, "ankle": {}}
    for side in SIDES:
        hip, knee, ankle, heel, toe = (img[:, j] for j in _LEG[side])
        out["hip"][side] = kin.hip_flexion(shoulder_mid, hip, knee, direction)
        out["knee"][side] = kin.knee_flexion(hip, knee, ankle)
        out["ankle"][side] = kin.ankle_dorsiflexion(knee, ankle, heel, toe)
    return out


def _side_angles(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]], leg: float) -> list[Metric]:
    times = poses.times
    img = poses.image
    direction = bout_direction(poses, bouts)
    shoulder_mid = midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    hip_mid = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
    series = side_angle_series(poses, bouts)
    metrics: list[Metric] = []
    knee_peak, knee_rng, hip_rng, dorsi, toe_h = {}, {}, {}, {}, {}
    for side in SIDES:
        _, _, _, heel, toe = (img[:, j] for j in _LEG[side])
        knee_f, hip_f, dors = series["knee"][side], series["hip"][side], series["ankle"][side]
        rise = (heel[:, 1] - toe[:, 1]) / leg           # toe above heel, in leg lengths
        knee_peak[side] = [np.nanmax(w) for st in strides[side] if st.toe_off
                           for w in [_window(times, knee_f, st.toe_off, st.stop)] if np.isfinite(w).any()]
        knee_rng[side] = [np.nanmax(w) - np.nanmin(w) for st in strides[side]
                          for w in [_window(times, knee_f, st.start, st.stop)] if np.isfinite(w).any()]
        hip_rng[side] = [np.nanmax(w) - np.nanmin(w) for st in strides[side]
                         for w in [_window(times, hip_f, st.start, st.stop)] if np.isfinite(w).any()]
        mids = [(st.toe_off + st.stop) / 2 for st in strides[side] if st.toe_off]
        dorsi[side] = [v for v in (_at(times, dors, t) for t in mids) if np.isfinite(v)]
        toe_h[side] = [v for v in (_at(times, rise, t) for t in mids) if np.isfinite(v)]
    peaks = {s: _mean(knee_peak[s]) for s in SIDES}
    diff_flag = (peaks["left"] is not None and peaks["right"] is not None
                 and abs(peaks["left"] - peaks["right"]) > ref.KNEE_SWING_DIFF)
    for side in SIDES:
        value = peaks[side]
        flag = "low" if value is not None and value < ref.KNEE_SWING_MIN else None
        if diff_flag and value == min(peaks.values()):
            flag = "asymmetric" if flag is None else flag + ", asymmetric"
        metrics.append(_metric("knee_flexion_swing_peak", _r(value, 1), "deg", side=side,
                               normal=(ref.KNEE_SWING_MIN, None), flag=flag,
                               note=ref.KNEE_SOURCE + "; " + ref.ONE_CAMERA_NOTE))
    for side in SIDES:
        metrics.append(_metric("knee_range", _r(_mean(knee_rng[side]), 1), "deg", side=side))
    for side in SIDES:
        metrics.append(_metric("hip_range", _r(_mean(hip_rng[side]), 1), "deg", side=side,
                               note="thigh relative to the trunk (the pelvis is not visible in 2-D video)"))
    lean = kin.inclination(shoulder_mid, hip_mid, direction)
    in_bouts = np.isfinite(direction) & np.isfinite(lean)
    metrics.append(_metric("trunk_forward_lean", _r(float(np.mean(lean[in_bouts])) if in_bouts.any() else None, 1),
                           "deg", note="positive = forward; no validated cut-off: compare sides and visits"))
    low_dorsi = _lower_side(dorsi, 5.0)
    low_toe = _lower_side(toe_h, 0.02)
    foot_note = ("foot-drop sign at mid-swing, no validated cut-off; real toe clearance (11-19 mm) is below what "
                 "the camera can resolve, so this is the foot's angle and the toe's height relative to the heel")
    for side in SIDES:
        metrics.append(_metric("ankle_dorsiflexion_mid_swing", _r(_mean(dorsi[side]), 1), "deg", side=side,
                               flag="lower than the other side" if low_dorsi == side else None,
                               note=foot_note + "; " + ref.ONE_CAMERA_NOTE))
    for side in SIDES:
        metrics.append(_metric("toe_height_mid_swing", _r(_mean(toe_h[side]), 3), "leg lengths", side=side,
                               flag="lower than the other side" if low_toe == side else None, note=foot_note))
    return metrics


def _front_angles(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]]) -> list[Metric]:
    times = poses.times
    img = poses.image
    inside = np.zeros(len(poses), dtype=bool)
    for b in bouts:
        inside[b.start:b.stop] = True
    lean = kin.trunk_lateral_lean(midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP),
                                  midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER))
    tilt = kin.lateral_tilt(img[:, L.LEFT_HIP], img[:, L.RIGHT_HIP])     # + = left hip lower
    level = float(np.nanmedian(tilt[inside]))                              # cancels camera roll
    ok = inside & np.isfinite(lean)
    metrics = [_metric("trunk_lateral_lean", _r(float(np.mean(lean[ok])) if ok.any() else None, 1), "deg",
                       note="mean over walking; positive = toward the right; no validated cut-off")]
    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0
        drops = []
        for st in strides["right" if side == "left" else "left"]:       # this side swings while the other stands
            if st.toe_off is None:
                continue
            w = _window(times, sign * (tilt - level), st.start, st.toe_off) if inside.any() else np.array([])
            if np.isfinite(w).any():
                drops.append(float(np.nanmax(w)))
        metrics.append(_metric("pelvic_drop", _r(_mean(drops), 1), "deg", side=side,
                               note="drop of this side's hip while it swings, from the hip landmarks; MediaPipe's "
                                    "hip landmark follows the thigh, which reads as a hip hike: indicative only, "
                                    "no validated cut-off"))
    return metrics


def _poorly_seen_legs(poses: Poses, bouts: list[Bout]) -> list[str]:
    inside = np.zeros(len(poses), dtype=bool)
    for b in bouts:
        inside[b.start:b.stop] = True
    out = []
    for side in SIDES:
        vis = poses.visibility[inside][:, list(_LEG[side])]
        mean = float(np.nanmean(vis)) if np.isfinite(vis).any() else float("nan")
        if np.isfinite(mean) and mean < 0.6:
            out.append(f"the {side} leg was poorly seen while walking (mean visibility {mean:.2f}): "
                       "its events and angles are less reliable")
    return out
