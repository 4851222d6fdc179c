"""Joint angles of walking: sagittal angles in a side view, trunk and pelvis tilt in a front view.

Sign conventions: :mod:`movement_check.body.kinematics`. Sources: :mod:`.reference`.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, freqz

import movement_check.body.kinematics as kin
from movement_check.body.landmarks import LEG, OTHER, SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.body_size import leg_length_over_time
from movement_check.body.signals import lowpass
from movement_check.pipeline.cleaning import low_pass_applied
from movement_check.assessments.result import Metric
from movement_check.body.views import FRONT, SIDE
from movement_check.body.walking import Bout, in_bouts, midpoint
import movement_check.assessments.gait.reference as ref
from movement_check.assessments.gait.strides import Stride
from movement_check.assessments.stride_stats import lower_side, make_metric, mean_of, rounded, sampler, window


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


def side_angle_metrics(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]]
                       ) -> tuple[list[Metric], list[str]]:
    """Knee, hip and foot angles per side from a side view, and what the legs' comparison could not say.

    The legs are compared (a knee low or asymmetric in swing; a foot-drop sign: one foot's angle or toe
    height lower at mid-swing) only where the same holds walking each way, from at least 2 strides of each
    leg each way: walking one way, one leg is always the far one, partly hidden behind the other, and the pose
    model places it less well (on real walks of healthy people, one way each, the two feet differed by up to
    8 deg and 0.09 leg lengths and the knees' swing peaks by 21 deg; the synthetic walker, drawn without
    hiding anything, by 4 deg from the perspective alone). A difference seen but not flagged is said in the
    second list (the caller adds it to the warnings when the sides' values are given at all)."""
    direction = bout_direction(poses, bouts)
    per = _per_stride(poses, strides, side_angle_series(poses, bouts), direction)
    metrics, unflagged = _knee_metrics(per["knee_peak"])
    for side in SIDES:
        metrics.append(make_metric("knee_range", rounded(mean_of(v for v, _ in per["knee_range"][side]), 1), "deg",
                                   side=side))
    for side in SIDES:
        metrics.append(make_metric("hip_range", rounded(mean_of(v for v, _ in per["hip_range"][side]), 1), "deg", side=side,
                                   note="thigh relative to the trunk (the pelvis is not visible in 2-D video)"))
    lean = kin.inclination(midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP),
                           direction)
    in_bouts = np.isfinite(direction) & np.isfinite(lean)
    metrics.append(make_metric("trunk_forward_lean", rounded(float(np.mean(lean[in_bouts])) if in_bouts.any() else None, 1),
                               "deg", note="positive = forward; no validated cut-off: compare sides and visits"))
    foot_metrics, foot_unflagged = _foot_metrics(per["dorsiflexion"], per["toe_height"])
    return metrics + foot_metrics, unflagged + foot_unflagged


#: (value, direction of travel +1 / -1) per stride of one side
Values = list[tuple[float, int]]


def _per_stride(poses: Poses, strides: dict[str, list[Stride]], series: dict, direction: np.ndarray
                ) -> dict[str, dict[str, Values]]:
    """Per side, a value per stride with the direction walked: knee swing peak, knee and hip range, and the
    foot's angle and toe height at mid-swing."""
    times, img = poses.times, poses.image
    out: dict[str, dict] = {k: {} for k in ("knee_peak", "knee_range", "hip_range", "dorsiflexion", "toe_height")}
    # in the walker's leg length of the moment: a walk back along a far wall is smaller in the picture, and in the
    # clip's one leg its toes read lower (each labelled walk followed by itself mirrored at 0.6 of the size: the
    # sides 0.078 / 0.099 leg lengths below the heel for 0.076 / 0.076 at the same size)
    size = leg_length_over_time(poses)

    direction_at = sampler(times, direction)

    def way(t: float) -> int:
        d = direction_at(t)
        return int(np.sign(d)) if np.isfinite(d) else 0

    def at_peak(series_: np.ndarray, a: float, b: float, how) -> list:
        w = window(times, series_, a, b)
        return [(float(how(w)), way((a + b) / 2))] if np.isfinite(w).any() else []

    for side in SIDES:
        _, _, _, heel, toe = (img[:, j] for j in LEG[side])
        knee_f, hip_f, dors = series["knee"][side], series["hip"][side], series["ankle"][side]
        rise = (heel[:, 1] - toe[:, 1]) / size          # toe above heel, in leg lengths
        spread = lambda w: np.nanmax(w) - np.nanmin(w)  # noqa: E731
        out["knee_peak"][side] = [v for st in strides[side] if st.toe_off
                                  for v in at_peak(knee_f, st.toe_off, st.stop, np.nanmax)]
        out["knee_range"][side] = [v for st in strides[side] for v in at_peak(knee_f, st.start, st.stop, spread)]
        out["hip_range"][side] = [v for st in strides[side] for v in at_peak(hip_f, st.start, st.stop, spread)]
        mids = [(st.toe_off + st.stop) / 2 for st in strides[side] if st.toe_off]
        dors_at, rise_at = sampler(times, dors), sampler(times, rise)
        out["dorsiflexion"][side] = [(v, way(t)) for t in mids for v in [dors_at(t)] if np.isfinite(v)]
        out["toe_height"][side] = [(v, way(t)) for t in mids for v in [rise_at(t)] if np.isfinite(v)]
    return out


def _values(per_side: dict[str, Values], way: int | None = None) -> dict[str, list[float]]:
    """The values of each side (walking ``way`` only, or all)."""
    return {s: [v for v, w in per_side[s] if way is None or w == way] for s in SIDES}


def lower_both_ways(per_side: dict[str, Values], min_gap: float) -> tuple[str | None, str | None]:
    """(the side clearly lower walking each way, from 2 strides a side each way; else None,
    the side lower over all strides when that is not so; else None)."""
    each_way = {lower_side(_values(per_side, w), min_gap) for w in (1, -1)}
    if len(each_way) == 1 and None not in each_way:
        return each_way.pop(), None
    return None, lower_side(_values(per_side), min_gap)


def _mean_each_way(values: Values) -> list[float]:
    return [float(np.mean(v)) for w in (1, -1) for v in [[x for x, ww in values if ww == w]] if v]


def _knee_metrics(knee_peak: dict[str, Values]) -> tuple[list[Metric], list[str]]:
    """Knee flexion's swing peak per side: low (under the cut-off walking each way it was seen, or both knees
    low), asymmetric (more than the cut-off apart, the same knee lower, walking each way)."""
    unflagged: list[str] = []
    peaks = {s: mean_of(v for v, _ in knee_peak[s]) for s in SIDES}
    ways = {s: _mean_each_way(knee_peak[s]) for s in SIDES}
    gaps = [ways["left"][k] - ways["right"][k] for k in range(2)] \
        if all(len(ways[s]) == 2 for s in SIDES) else []
    asymmetric = (len(gaps) == 2 and all(abs(g) > ref.KNEE_SWING_DIFF for g in gaps)
                  and np.sign(gaps[0]) == np.sign(gaps[1]))
    if not asymmetric and None not in peaks.values() and abs(peaks["left"] - peaks["right"]) > ref.KNEE_SWING_DIFF:
        unflagged.append(f"the knees' swing peaks differed by {abs(peaks['left'] - peaks['right']):.0f} deg, but not "
                         "walking each way (one leg is the far one, partly hidden): not flagged as asymmetric; "
                         + ACROSS_AND_BACK + " to compare the legs")
    all_low = all(p is not None and p < ref.KNEE_SWING_MIN for p in peaks.values())
    metrics = []
    for side in SIDES:
        value = peaks[side]
        low = value is not None and value < ref.KNEE_SWING_MIN
        if low and not all_low and not (len(ways[side]) == 2 and max(ways[side]) < ref.KNEE_SWING_MIN):
            unflagged.append(f"the {side} knee bent {value:.0f} deg in swing (under {ref.KNEE_SWING_MIN:.0f}), but not "
                             "walking each way (it may be the far leg, partly hidden): not flagged")
            low = False
        flag = "low" if low else None
        if asymmetric and value == min(peaks.values()):
            flag = "asymmetric" if flag is None else flag + ", asymmetric"
        metrics.append(make_metric("knee_flexion_swing_peak", rounded(value, 1), "deg", side=side,
                                   normal=(ref.KNEE_SWING_MIN, None), flag=flag,
                                   note=ref.KNEE_SOURCE + "; " + ref.ONE_CAMERA_NOTE))
    return metrics, unflagged


def _foot_metrics(dorsi: dict[str, Values], toe_h: dict[str, Values]) -> tuple[list[Metric], list[str]]:
    """The foot's angle and the toe's height at mid-swing per side; a side lower than the other (a foot-drop
    sign) flagged only when it is the lower one walking each way; a lower foot otherwise said, not flagged."""
    unflagged: list[str] = []
    low_dorsi, seen_dorsi = lower_both_ways(dorsi, 5.0)
    low_toe, seen_toe = lower_both_ways(toe_h, 0.02)
    foot_note = ("foot-drop sign at mid-swing, no validated cut-off; real toe clearance (11-19 mm) is below what "
                 "the camera can resolve, so this is the foot's angle and the toe's height relative to the heel; "
                 "the feet are compared only where one is lower walking each way (across and back)")
    lower = None if (low_dorsi or low_toe) else (seen_dorsi or seen_toe)
    if lower:
        unflagged.append(f"the {lower} foot looked lower at mid-swing (a foot-drop sign), but not walking each way "
                         "(it may be the far foot, partly hidden): not flagged; " + ACROSS_AND_BACK + " to compare the feet")
    metrics = []
    for side in SIDES:
        metrics.append(make_metric("ankle_dorsiflexion_mid_swing", rounded(mean_of(v for v, _ in dorsi[side]), 1),
                                   "deg", side=side, flag="lower than the other side" if low_dorsi == side else None,
                                   note=foot_note + "; " + ref.ONE_CAMERA_NOTE))
    for side in SIDES:
        metrics.append(make_metric("toe_height_mid_swing", rounded(mean_of(v for v, _ in toe_h[side]), 3),
                                   "leg lengths", side=side, flag="lower than the other side" if low_toe == side else None,
                                   note=foot_note))
    return metrics, unflagged


def front_angle_metrics(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]]) -> list[Metric]:
    times = poses.times
    img = poses.image
    inside = in_bouts(len(poses), bouts)
    lean = kin.trunk_lateral_lean(midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP),
                                  midpoint(poses, L.LEFT_SHOULDER, L.RIGHT_SHOULDER))
    raw_tilt = np.where(inside, kin.lateral_tilt(img[:, L.LEFT_HIP], img[:, L.RIGHT_HIP]), np.nan)  # + = left lower
    tilt, jitter = hip_tilt(raw_tilt, times, cleaned=low_pass_applied(poses))
    level = float(np.nanmedian(tilt[inside])) if inside.any() else np.nan   # cancels camera roll
    ok = inside & np.isfinite(lean)
    metrics = [make_metric("trunk_lateral_lean", rounded(float(np.mean(lean[ok])) if ok.any() else None, 1), "deg",
                       note="mean over walking; positive = toward the right; no validated cut-off")]
    hips_px = float(np.nanmedian(np.abs(img[inside, L.LEFT_HIP, 0] - img[inside, L.RIGHT_HIP, 0]))) \
        if inside.any() else np.nan
    for side in SIDES:
        sign = 1.0 if side == "left" else -1.0
        drops = []
        for st in strides[OTHER[side]]:       # this side swings while the other stands
            if st.toe_off is None:
                continue
            w = window(times, sign * (tilt - level), st.start, st.toe_off) if inside.any() else np.array([])
            if np.isfinite(w).any():
                drops.append(float(np.nanmax(w)))
        note = ("drop of this side's hip while it swings, from the hip landmarks (their tilt smoothed at "
                f"{TILT_CUTOFF_HZ:g} Hz); MediaPipe's hip landmark follows the thigh, which reads as a hip hike: "
                "indicative only, no validated cut-off")
        if drops and not (np.isfinite(jitter) and jitter <= MAX_TILT_JITTER_DEG):
            metrics.append(Metric.unmeasured(
                "pelvic_drop", "deg", f"the hips' tilt still shook {jitter:.1f} deg after smoothing (the hips "
                f"{hips_px:.0f} px apart in the picture): too much to read a drop of a few degrees; film nearer or "
                "at a higher resolution", side=side))
            continue
        m = make_metric("pelvic_drop", rounded(mean_of(drops), 1), "deg", side=side, note=note)
        if m.value is not None:
            m = Metric(m.name, m.value, m.unit, side=side, normal_range=m.normal_range, flag=m.flag, note=m.note,
                       uncertainty=rounded(max(TILT_MAX_BIAS * jitter, _spread(drops)), 1))
        metrics.append(m)
    return metrics


#: the hips' tilt is smoothed at this cut-off before its peak is read: a pelvic drop rises and falls over a
#: stance (~0.4-0.6 s, below 2 Hz), the landmarks' jitter is spread up to half the frame rate
TILT_CUTOFF_HZ = 3.0
#: a pelvic drop is not read when the smoothed tilt still shakes more than this (deg, robust SD): its peak, the
#: largest of ~15 frames, would stand up to ~2.5 times that above the truth with the pelvis level
MAX_TILT_JITTER_DEG = 1.0
#: the peak of a stance's smoothed tilt stands about this many times its jitter above the truth (the largest of
#: ~15 correlated samples); the drop's uncertainty is at least that
TILT_MAX_BIAS = 2.0


def hip_tilt(tilt: np.ndarray, times: np.ndarray, *, cleaned: tuple[float, int] | None = None
             ) -> tuple[np.ndarray, float]:
    """The hips' tilt (deg, NaN outside the walking) smoothed at ``TILT_CUTOFF_HZ``, and how much the smoothed
    tilt still shakes: the robust SD of what the smoothing took away, times the ratio of the landmarks' jitter
    the smoothing lets through to the jitter it takes away (:func:`jitter_ratio`; ``cleaned``: the low-pass
    (cut-off Hz, order) the landmarks already went through, which took away the jitter above its cut-off).
    NaN when too little was seen."""
    if np.isfinite(tilt).sum() < 8 or len(times) < 8:
        return tilt, float("nan")
    fs = 1.0 / float(np.median(np.diff(times)))
    cutoff = min(TILT_CUTOFF_HZ, 0.4 * fs)
    smooth = lowpass(tilt, times, cutoff_hz=cutoff)
    rest = (tilt - smooth)[np.isfinite(tilt)]
    if rest.size < 8:
        return smooth, float("nan")
    above = 1.4826 * float(np.median(np.abs(rest - np.median(rest))))
    return smooth, above * jitter_ratio(fs, cutoff, cleaned)


def jitter_ratio(fs: float, cutoff_hz: float, cleaned: tuple[float, int] | None = None, order: int = 2) -> float:
    """SD of white jitter let through by :func:`lowpass` at ``cutoff_hz`` over the SD of what it takes away,
    from the filter's own response (forward and back: |H|^2, not a brick wall), the jitter first passed
    through ``cleaned`` (cut-off Hz, order) when given. Cleaning's 6 Hz filter leaves little above 3 Hz to
    measure: assuming white jitter up to the Nyquist frequency read 0.4 of the jitter at 30 fps, 0.25 at 60."""
    f = np.linspace(0.0, 0.5 * fs, 4097)

    def gain(cut: float, n: int) -> np.ndarray:
        return np.abs(freqz(*butter(n, cut / (0.5 * fs)), worN=f, fs=fs)[1]) ** 2

    g = gain(cutoff_hz, order)
    power = gain(*cleaned) ** 2 if cleaned and cleaned[0] < 0.5 * fs else np.ones_like(f)
    passed, taken = float(np.mean(power * g ** 2)), float(np.mean(power * (1.0 - g) ** 2))
    return float(np.sqrt(passed / max(taken, 1e-12)))


def _spread(values: list[float]) -> float:
    """The standard error of a mean of ``values`` (0 with fewer than 2)."""
    return float(np.std(values, ddof=1) / np.sqrt(len(values))) if len(values) >= 2 else 0.0


#: read from the heel->toe line, which a foot fitted backwards turns round
FOOT_ANGLES = ("ankle_dorsiflexion_mid_swing", "toe_height_mid_swing")


#: the advice to compare the legs, walking across a room ...
ACROSS_AND_BACK = "film a walk across the room and back"
#: ... and where the pelvis did not travel (a treadmill, walking on the spot): the other side filmed instead
ON_THE_SPOT = ("film the other side too (on a treadmill or walking on the spot: the camera on the other side, "
               "or the patient turned round)")


#: why the sagittal angles are not given from a walk the camera saw at an angle (Bout.at_angle)
AT_AN_ANGLE = ("needs the camera square to the walk: it saw the walker at an angle (shoulders apart), which "
               "foreshortens the angles")


def angle_metrics_for(poses: Poses, bouts: list[Bout], strides: dict[str, list[Stride]]
                      ) -> tuple[list[Metric], list[str], list[str]]:
    """The angles the walk's view allows (side: knee, hip, ankle, trunk lean; front: trunk lateral lean,
    pelvic drop), each one it does not allow said as not measured with why; warnings; and the legs'
    differences seen but not flagged (:func:`side_angle_metrics`)."""
    metrics: list[Metric] = []
    warnings: list[str] = []
    unflagged: list[str] = []
    square = [b for b in bouts if b.view == SIDE and not b.at_angle]
    if square:          # a side view's walk, or the part of a walk seen both ways that was seen from the side
        # only the strides of the walks seen square: a clip can hold both (a wide-angle camera sees the walker at
        # an angle near the picture's edge), and the knee's and foot's angles need no direction, so they would be
        # read from the walk at an angle too
        kept = {i for i, b in enumerate(bouts) if b.view == SIDE and not b.at_angle}
        metrics, unflagged = side_angle_metrics(poses, square, {s: [st for st in strides[s] if st.bout in kept]
                                                                for s in strides})
        if any(b.feet_against_travel for b in square):
            why = ("the pose model fitted the feet the wrong way round (toes pointing against the walk): the foot's "
                   "angle and toe height cannot be read")
            metrics = [Metric.unmeasured(m.name, m.unit, why, side=m.side) if m.name in FOOT_ANGLES else m
                       for m in metrics]
            warnings.append(why)
            unflagged = [u for u in unflagged if "foot" not in u]
        if all(b.direction_from == "feet" for b in square):
            unflagged = [u.replace(ACROSS_AND_BACK, ON_THE_SPOT) for u in unflagged]
    else:
        why = AT_AN_ANGLE if any(b.view == SIDE for b in bouts) else "needs a side view (walking across the camera)"
        for name in ("knee_flexion_swing_peak", "knee_range", "hip_range", "ankle_dorsiflexion_mid_swing",
                     "toe_height_mid_swing"):
            for side in SIDES:
                unit = "leg lengths" if name == "toe_height_mid_swing" else "deg"
                metrics.append(Metric.unmeasured(name, unit, why, side=side))
        metrics.append(Metric.unmeasured("trunk_forward_lean", "deg", why))
    # not from a walk seen at an angle either: with the hips nearly overlapping in the picture, their line tilts
    # with the near hip's perspective (the synthetic walker, whose pelvis stays level, read 5-7 deg of "drop")
    if FRONT in {b.view for b in bouts}:
        metrics += front_angle_metrics(poses, [b for b in bouts if b.view == FRONT], strides)
    else:
        why = "needs a front view (walking toward or away from the camera)" if not any(b.at_angle for b in bouts) \
            else "needs the camera square to the walk: it saw the walker at an angle, the hips nearly overlapping"
        metrics.append(Metric.unmeasured("trunk_lateral_lean", "deg", why))
        for side in SIDES:
            metrics.append(Metric.unmeasured("pelvic_drop", "deg", why, side=side))
    return metrics, warnings, unflagged
