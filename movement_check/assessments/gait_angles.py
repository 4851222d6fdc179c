"""Joint angles of walking: sagittal angles in a side view, trunk and pelvis tilt in a front view.

Sign conventions: :mod:`movement_check.kinematics`. Sources: :mod:`gait_reference`.
"""

from __future__ import annotations

import numpy as np

from .. import kinematics as kin
from ..landmarks import LEG, Landmark as L
from ..poses import Poses
from ..results import Metric
from ..walking import FRONT, SIDE, Bout, in_bouts, midpoint
from . import gait_reference as ref
from .gait_strides import Stride
from .stride_stats import SIDES, lower_side, make_metric, mean_of, rounded, value_at, window


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
        hip, knee, ankle, heel, toe = (img[:, j] for j in LEG[side])
        out["hip"][side] = kin.hip_flexion(shoulder_mid, hip, knee, direction)
        out["knee"][side] = kin.knee_flexion(hip, knee, ankle)
        out["ankle"][side] = kin.ankle_dorsiflexion(knee, ankle, heel, toe)
    return out


def side_angle_metrics(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]],
                       leg: float) -> tuple[list[Metric], list[str]]:
    """Knee, hip and foot angles per side from a side view, and warnings. The legs are compared (knees
    asymmetric in swing; a foot-drop sign: one foot's angle or toe height lower at mid-swing) only when each
    was seen walking both ways:
    walking one way, one foot is always the far one, partly hidden behind the other leg, and the pose model
    places it less well (on real walks of healthy people, one way each, the two feet differed by up to 8 deg
    and 0.09 leg lengths and the knees' swing peaks by 21 deg; the synthetic walker, drawn without hiding
    anything, by 4 deg from the perspective alone)."""
    direction = bout_direction(poses, bouts)
    per = _per_stride(poses, strides, leg, side_angle_series(poses, bouts), direction)
    both_ways = all(per["ways"][s] == {-1, 1} for s in SIDES)
    metrics, warnings = _knee_metrics(per["knee_peak"], both_ways)
    for side in SIDES:
        metrics.append(make_metric("knee_range", rounded(mean_of(per["knee_range"][side]), 1), "deg", side=side))
    for side in SIDES:
        metrics.append(make_metric("hip_range", rounded(mean_of(per["hip_range"][side]), 1), "deg", side=side,
                                   note="thigh relative to the trunk (the pelvis is not visible in 2-D video)"))
    lean = kin.inclination(midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP),
                           direction)
    in_bouts = np.isfinite(direction) & np.isfinite(lean)
    metrics.append(make_metric("trunk_forward_lean", rounded(float(np.mean(lean[in_bouts])) if in_bouts.any() else None, 1),
                               "deg", note="positive = forward; no validated cut-off: compare sides and visits"))
    foot_metrics, foot_warnings = _foot_metrics(per["dorsiflexion"], per["toe_height"], both_ways)
    return metrics + foot_metrics, warnings + foot_warnings


def _per_stride(poses: Poses, strides: dict[str, list[Stride]], leg: float, series: dict, direction: np.ndarray
                ) -> dict[str, dict[str, list]]:
    """Per side, a value per stride: knee swing peak, knee and hip range, the foot's angle and toe height at
    mid-swing, and the directions of travel at mid-swing (``ways``: a set of +1 / -1)."""
    times, img = poses.times, poses.image
    out: dict[str, dict] = {k: {} for k in ("knee_peak", "knee_range", "hip_range", "dorsiflexion", "toe_height",
                                            "ways")}
    for side in SIDES:
        _, _, _, heel, toe = (img[:, j] for j in LEG[side])
        knee_f, hip_f, dors = series["knee"][side], series["hip"][side], series["ankle"][side]
        rise = (heel[:, 1] - toe[:, 1]) / leg           # toe above heel, in leg lengths
        out["knee_peak"][side] = [np.nanmax(w) for st in strides[side] if st.toe_off
                                  for w in [window(times, knee_f, st.toe_off, st.stop)] if np.isfinite(w).any()]
        out["knee_range"][side] = [np.nanmax(w) - np.nanmin(w) for st in strides[side]
                                   for w in [window(times, knee_f, st.start, st.stop)] if np.isfinite(w).any()]
        out["hip_range"][side] = [np.nanmax(w) - np.nanmin(w) for st in strides[side]
                                  for w in [window(times, hip_f, st.start, st.stop)] if np.isfinite(w).any()]
        mids = [(st.toe_off + st.stop) / 2 for st in strides[side] if st.toe_off]
        out["ways"][side] = {int(np.sign(d)) for d in (value_at(times, direction, t) for t in mids)
                             if np.isfinite(d) and d}
        out["dorsiflexion"][side] = [v for v in (value_at(times, dors, t) for t in mids) if np.isfinite(v)]
        out["toe_height"][side] = [v for v in (value_at(times, rise, t) for t in mids) if np.isfinite(v)]
    return out


def _knee_metrics(knee_peak: dict[str, list], both_ways: bool) -> tuple[list[Metric], list[str]]:
    """Knee flexion's swing peak per side: low, and asymmetric only when the legs were seen both ways."""
    warnings: list[str] = []
    peaks = {s: mean_of(knee_peak[s]) for s in SIDES}
    diff_flag = (peaks["left"] is not None and peaks["right"] is not None
                 and abs(peaks["left"] - peaks["right"]) > ref.KNEE_SWING_DIFF)
    if diff_flag and not both_ways:
        warnings.append(f"the knees' swing peaks differed by {abs(peaks['left'] - peaks['right']):.0f} deg, but the "
                        "walk was seen one way only, where one leg is always the far one and partly hidden: not "
                        "flagged as asymmetric; film a walk across the room and back to compare the legs")
        diff_flag = False
    metrics = []
    for side in SIDES:
        value = peaks[side]
        flag = "low" if value is not None and value < ref.KNEE_SWING_MIN else None
        if diff_flag and value == min(peaks.values()):
            flag = "asymmetric" if flag is None else flag + ", asymmetric"
        metrics.append(make_metric("knee_flexion_swing_peak", rounded(value, 1), "deg", side=side,
                                   normal=(ref.KNEE_SWING_MIN, None), flag=flag,
                                   note=ref.KNEE_SOURCE + "; " + ref.ONE_CAMERA_NOTE))
    return metrics, warnings


def _foot_metrics(dorsi: dict[str, list], toe_h: dict[str, list], both_ways: bool
                  ) -> tuple[list[Metric], list[str]]:
    """The foot's angle and the toe's height at mid-swing per side; a side lower than the other (a foot-drop
    sign) flagged only when the feet were seen both ways, said in a warning otherwise."""
    warnings: list[str] = []
    low_dorsi = lower_side(dorsi, 5.0)
    low_toe = lower_side(toe_h, 0.02)
    foot_note = ("foot-drop sign at mid-swing, no validated cut-off; real toe clearance (11-19 mm) is below what "
                 "the camera can resolve, so this is the foot's angle and the toe's height relative to the heel")
    if not both_ways:
        lower = low_dorsi or low_toe
        if lower:
            warnings.append(f"the {lower} foot looked lower at mid-swing (a foot-drop sign), but the walk was seen "
                            "one way only, where one foot is always the far one and partly hidden: not flagged; "
                            "film a walk across the room and back to compare the feet")
        low_dorsi = low_toe = None
        foot_note += "; the feet are compared only when each was seen walking both ways (across and back)"
    metrics = []
    for side in SIDES:
        metrics.append(make_metric("ankle_dorsiflexion_mid_swing", rounded(mean_of(dorsi[side]), 1), "deg", side=side,
                                   flag="lower than the other side" if low_dorsi == side else None,
                                   note=foot_note + "; " + ref.ONE_CAMERA_NOTE))
    for side in SIDES:
        metrics.append(make_metric("toe_height_mid_swing", rounded(mean_of(toe_h[side]), 3), "leg lengths", side=side,
                                   flag="lower than the other side" if low_toe == side else None, note=foot_note))
    return metrics, warnings


def front_angle_metrics(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]]) -> list[Metric]:
    times = poses.times
    img = poses.image
    inside = in_bouts(len(poses), bouts)
    lean = kin.trunk_lateral_lean(midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP),
                                  midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER))
    tilt = kin.lateral_tilt(img[:, L.LEFT_HIP], img[:, L.RIGHT_HIP])     # + = left hip lower
    level = float(np.nanmedian(tilt[inside]))                              # cancels camera roll
    ok = inside & np.isfinite(lean)
    metrics = [make_metric("trunk_lateral_lean", rounded(float(np.mean(lean[ok])) if ok.any() else None, 1), "deg",
                       note="mean over walking; positive = toward the right; no validated cut-off")]
    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0
        drops = []
        for st in strides["right" if side == "left" else "left"]:       # this side swings while the other stands
            if st.toe_off is None:
                continue
            w = window(times, sign * (tilt - level), st.start, st.toe_off) if inside.any() else np.array([])
            if np.isfinite(w).any():
                drops.append(float(np.nanmax(w)))
        metrics.append(make_metric("pelvic_drop", rounded(mean_of(drops), 1), "deg", side=side,
                               note="drop of this side's hip while it swings, from the hip landmarks; MediaPipe's "
                                    "hip landmark follows the thigh, which reads as a hip hike: indicative only, "
                                    "no validated cut-off"))
    return metrics


#: read from the heel->toe line, which a foot fitted backwards turns round
FOOT_ANGLES = ("ankle_dorsiflexion_mid_swing", "toe_height_mid_swing")


def angle_metrics_for(poses: Poses, bouts: list[Bout], view: str, strides: dict[str, list[Stride]],
                      leg: float) -> tuple[list[Metric], list[str]]:
    """The angles the walk's view allows (side: knee, hip, ankle, trunk lean; front: trunk lateral lean,
    pelvic drop), each one it does not allow said as not measured with why; and warnings."""
    metrics: list[Metric] = []
    warnings: list[str] = []
    if view == SIDE:
        metrics, side_warnings = side_angle_metrics(poses, bouts, strides, leg)
        if any(b.feet_against_travel for b in bouts):
            why = ("the pose model fitted the feet the wrong way round (toes pointing against the walk): the foot's "
                   "angle and toe height cannot be read")
            metrics = [Metric.unmeasured(m.name, m.unit, why, side=m.side) if m.name in FOOT_ANGLES else m
                       for m in metrics]
            warnings.append(why)
        else:
            warnings += side_warnings
    else:
        why = "needs a side view (walking across the camera)"
        for name in ("knee_flexion_swing_peak", "knee_range", "hip_range", "ankle_dorsiflexion_mid_swing",
                     "toe_height_mid_swing"):
            for side in SIDES:
                unit = "leg lengths" if name == "toe_height_mid_swing" else "deg"
                metrics.append(Metric.unmeasured(name, unit, why, side=side))
        metrics.append(Metric.unmeasured("trunk_forward_lean", "deg", why))
    if FRONT in {b.view for b in bouts}:
        metrics += front_angle_metrics(poses, [b for b in bouts if b.view == FRONT], strides)
    else:
        why = "needs a front view (walking toward or away from the camera)"
        metrics.append(Metric.unmeasured("trunk_lateral_lean", "deg", why))
        for side in SIDES:
            metrics.append(Metric.unmeasured("pelvic_drop", "deg", why, side=side))
    return metrics, warnings
