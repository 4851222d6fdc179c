"""Foot rotation: foot progression angle while walking, foot angle standing, each with its uncertainty.

Method (one camera):

1. **Floor.** Heel and toe are mapped onto the floor through a pinhole camera
   (:mod:`movement_check.assessments.foot_rotation.floor`): field of view assumed (``fov_deg``, 65 deg
   across the longer side) or given; pitch given (``camera_tilt_deg``), else
   found from the walk (the hip stays at one height over the feet), else
   assumed level. This rectifies a front or oblique view.
   MediaPipe's world landmarks were measured and are not used: on the
   rendered front walk (truth left 7.8, right 3.9 deg) their heel->toe line
   gives 19.1 and 17.5 deg, the shoe 0.14 m long for 0.27 m, its toe 6-7 cm
   below its heel; on the real studio front walk 16.9 / 14.8 deg.
2. **Footprints.** Walking bouts (:func:`movement_check.body.walking.find_bouts`)
   -> each foot flat on the floor (:mod:`movement_check.assessments.foot_rotation.footprints`) -> one
   heel->toe line per stance phase. A camera that follows the walker, or a
   treadmill, makes the floor slide past the camera: footprints then move with
   the floor and the walking line is the floor's motion (``floor_moved``).
3. **The foot's line.** Not the seen heel->toe line as it is: MediaPipe's heel
   and toe sit off the floor, which in a front view stretches or shrinks the
   foot along the line of sight; one heel lift for the clip and the foot's
   length from the hip height put it right
   (:func:`movement_check.assessments.foot_rotation.foot_line.foot_axes`).
4. **Angle.** Against the bout's walking line; positive = toe-out. Standing
   (no walking in the clip), against the line from the feet to the camera:
   ``static_toe_out``.
5. **Uncertainty** (``uncertainty`` on each metric, +- deg): the random part
   (spread over steps / sqrt(steps); standing, over the frames) combined with
   the systematic parts that steps do not average out (``quality.systematic_deg``):
   ``camera`` (pitch 3 deg if found, 10 if assumed; field of view 10 deg),
   ``foot_length`` (the body's foot proportion +-10 %), ``placement``
   (MediaPipe's toe 3 px off on one foot, as its right heel was on the
   rendered clip), ``walking_line`` (how well the footprints fix its
   direction). Under each such error a footprint that lands over ``OUTLIER_DEG``
   from its foot's others is left out of that error's mean, as the analysis
   itself would leave it out (a camera 0.8 m high looking down 5 deg, its pitch
   3 deg less: the farthest footprint's foot line turned round and the stated
   uncertainty read +-26.8 deg for a foot measured 0.5 deg off; now +-4.9).
   A foot that would lose half or more of its footprints so is split in two,
   not left with a stray (all of it is then judged apart, its mean NaN): its
   mean with them all in counts too, so that the error shows, not vanishes.
   The quality block also gives how oblique the view was and the
   degrees one pixel of toe error moves a step's angle. An oblique view is
   honest but poor: a foot seen across the line of sight turns with the heel
   lift and the foot's length, and its uncertainty says so (10-30 deg at 30-60 deg).
6. **Declines.** A walk across the camera (line of sight more than
   ``max_obliqueness_deg`` from the walking line: a side view) turns the foot
   along the line of sight, which one camera cannot measure: null with that
   reason; so are feet that point more than 60 deg (median) off the walking
   line, a sign that the geometry failed (seen on a real side-view clip
   that read 69 deg oblique). Fewer than ``min_steps`` footprints on a side:
   a warning. A footprint whose angle lies more than ``OUTLIER_DEG`` (15) from
   the median of the same foot's others (at least 3) is left out and counted
   (``quality.stance_phases_left_out``): on the synthetic walker seen 60 deg
   oblique with 1.5 px noise and a 3-frame dropout, over 10 seeds, the walk's
   first stance phase read 53-59 deg for a true 20 and took a foot's mean 13-15
   deg off; with the rule the worst foot is 8 deg off (p90 4.9).

Reference values and sources: :mod:`.reference`.
"""

from __future__ import annotations


import numpy as np

from movement_check.assessments.foot_rotation.floor import FloorCamera, estimate_tilt
from movement_check.assessments.foot_rotation.footprints import (FOOT_OVER_HIP, find_footprints, walking_line_sd)
from movement_check.body.landmarks import SIDES, Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.posture import find_view
from movement_check.assessments.result import Metric
from movement_check.body.views import FRONT
from movement_check.body.walking import find_bouts, in_bouts, midpoint
import movement_check.assessments.foot_rotation.reference as ref
from movement_check.assessments.base import Assessment
from movement_check.assessments.foot_rotation.angles import (Angles, angles_under, angles_with_toes_moved, apart_from_the_rest,  # noqa: F401
                                   bout_of, by_bout, foot_angles, least_tilt, means_as_analysed, prints_under,
                                   side_means, standing_prints)
from movement_check.assessments.foot_rotation.settings import (IMPLAUSIBLE_DEG, OUTLIER_DEG, STANDING, WALKING,  # noqa: F401
                                     FootRotationAnalysis, FootRotationSettings)

__all__ = ["FootRotationSettings", "FootRotationAnalysis", "analyse", "assess", "bout_of", "foot_angles"]


# ------------------------------------------------------------------ analysis
def analyse(poses: Poses, settings: FootRotationSettings = FootRotationSettings()) -> FootRotationAnalysis:
    """Footprints and their angles (module notes)."""
    camera = FloorCamera.from_frame(poses.frame_size, settings.fov_deg, settings.camera_tilt_deg or 0.0)
    if settings.camera_tilt_deg is None:
        camera = camera.with_tilt(least_tilt(poses, camera))
    fps = 1.0 / float(np.median(np.diff(poses.times))) if len(poses) > 1 else 30.0
    bouts = find_bouts(poses)
    tilt_from, tilt_reason = ("given", "") if settings.camera_tilt_deg is not None else ("assumed level", "")
    if bouts:
        frames = in_bouts(len(poses), bouts)
        if settings.camera_tilt_deg is None:
            hips = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)
            heels = poses.image[:, [L.LEFT_HEEL, L.RIGHT_HEEL], :2]
            hips = np.where(frames[:, None], hips, np.nan)
            fit = estimate_tilt(camera, hips, heels, int(round(1.1 * fps)))
            if fit.tilt_deg is not None:
                camera, tilt_from = camera.with_tilt(fit.tilt_deg), "found from the walk"
            else:
                tilt_reason = fit.reason
        prints, floor_v = find_footprints(poses, camera, frames)
        seen = foot_angles(poses, camera, prints, WALKING, bouts, floor_v)
        keep = apart_from_the_rest(prints, seen.angles)
        if not all(keep):           # the walking line, hip height and heel lift again, without the ones left out
            prints = [p for p, k in zip(prints, keep) if k]
            seen = foot_angles(poses, camera, prints, WALKING, bouts, floor_v)
        found = FootRotationAnalysis(WALKING, camera, tilt_from, tilt_reason, bouts, prints, seen.angles, fps=fps,
                                     floor_velocity=floor_v, axes=seen.axes, hip_height=seen.hip_height,
                                     heel_lift=seen.heel_lift, left_out=len(keep) - sum(keep))
        _view_quality(found, poses, seen.lines, settings)
        return found
    if find_view(poses) != FRONT:
        return FootRotationAnalysis(None, camera, tilt_from, declined="no walking was found and the person was not "
                                    "standing facing the camera")
    prints = standing_prints(poses, camera)
    if not {p.side for p in prints} >= set(SIDES):
        return FootRotationAnalysis(None, camera, tilt_from, declined="the feet (heels and toes) were not seen well "
                                    "enough on the floor while standing (both feet down, facing the camera)")
    seen = foot_angles(poses, camera, prints, STANDING, [])
    found = FootRotationAnalysis(STANDING, camera, tilt_from, prints=prints, angles=seen.angles, fps=fps,
                                 axes=seen.axes, hip_height=seen.hip_height, heel_lift=seen.heel_lift)
    _view_quality(found, poses, {}, settings)
    return found


def _view_quality(found: FootRotationAnalysis, poses: Poses, lines: dict[int, np.ndarray],
                  settings: FootRotationSettings) -> None:
    """How oblique the view was, what one pixel does to an angle, and a decline for a side view."""
    if not found.prints:
        return
    if found.mode == WALKING and lines:
        obl = []
        groups = by_bout(found.prints, found.bouts)
        for i, w in lines.items():
            m = np.mean([p.centre for p in groups[i]], axis=0)
            obl.append(float(np.degrees(np.arccos(min(1.0, abs(float(np.dot(w, m / np.linalg.norm(m)))))))))
        found.obliqueness_deg = float(np.median(obl))
        if found.obliqueness_deg > settings.max_obliqueness_deg:
            found.declined = (f"the walk crossed the camera's view ({found.obliqueness_deg:.0f} deg from the line of "
                              "sight: a side view): the foot turns along the line of sight, which one camera cannot "
                              "measure; film walking toward or away from the camera")
    elif found.mode == STANDING:
        found.obliqueness_deg = 0.0
    seen = np.abs([a for a in found.angles if np.isfinite(a)])
    if not found.declined and seen.size and float(np.median(seen)) > IMPLAUSIBLE_DEG:
        found.declined = (f"the feet do not point along the walking line (median {float(np.median(seen)):.0f} deg "
                          "off): this view does not show how the feet turn; film walking straight toward the camera"
                          if found.mode == WALKING else
                          f"the feet do not point toward the camera (median {float(np.median(seen)):.0f} deg off): "
                          "this view does not show how the feet turn; stand facing the camera, both feet down")
    # one pixel of toe error, across and along the image, on every footprint: the median change of its angle
    moved = []
    for d in np.eye(2):
        for side in SIDES:
            again = angles_with_toes_moved(poses, found, side, d)
            moved += [abs(b - a) for p, a, b in zip(found.prints, found.angles, again) if p.side == side]
    moved = [m for m in moved if np.isfinite(m)]
    found.per_px_deg = float(np.median(moved)) if moved else None
    lengths = [np.linalg.norm(p.axis) for p in found.prints]
    if np.isfinite(found.hip_height) and lengths:
        found.seen_length_share = float(np.median(lengths) / (FOOT_OVER_HIP * found.hip_height))


# ------------------------------------------------------------------ the assessment
def assess(poses: Poses, /, *, settings: FootRotationSettings = FootRotationSettings()) -> Assessment:
    """Foot rotation metrics with uncertainties, the per-step angles, and warnings."""
    found = analyse(poses, settings)
    quality: dict = {"mode": found.mode, "camera_tilt_deg": round(found.camera.tilt_deg, 1),
                     "camera_tilt_from": found.tilt_from, "fov_deg": settings.fov_deg,
                     "obliqueness_deg": None if found.obliqueness_deg is None else round(found.obliqueness_deg, 1),
                     "deg_per_px": None if found.per_px_deg is None else round(found.per_px_deg, 2),
                     "hip_height_camera_heights": (round(found.hip_height, 3) if np.isfinite(found.hip_height)
                                                   else None),
                     "seen_foot_length_share": (None if found.seen_length_share is None
                                                else round(found.seen_length_share, 2)),
                     "heel_lift_share_of_hip_height": (round(found.heel_lift / found.hip_height, 3)
                                                       if np.isfinite(found.hip_height) else None),
                     "floor_moved": (None if found.floor_velocity is None
                                     else bool(np.any(found.floor_velocity)))}
    warnings: list[str] = [f"{ref.ONE_CAMERA_SOURCE}"] if found.mode else []
    if found.tilt_reason:
        warnings.append(f"camera assumed level: its tilt could not be found ({found.tilt_reason}); give it with "
                        "--camera-tilt-deg if known")
    if found.mode is None or found.declined:
        reason = found.declined or "nothing to measure"
        names = ("foot_progression_angle", "foot_progression_angle_sd") if found.mode != STANDING else ("static_toe_out",)
        metrics = [Metric.unmeasured(n, "deg", reason, side=s) for n in names for s in SIDES]
        return Assessment(metrics=metrics, warnings=warnings + [reason], quality=quality, analysis=found)
    if found.mode == WALKING:
        quality["stance_phases_left_out"] = {
            "count": found.left_out,
            "why": f"angle over {OUTLIER_DEG:g} deg from the same foot's other stance phases (a first or last step, "
                   "a turn, or a footprint the view could not read)"}
        quality["steps"] = [{"side": p.side, "time_s": round(p.time_s, 3), "angle_deg": round(a, 1),
                             "frame_sd_deg": round(p.frame_sd_deg, 1)}
                            for p, a in zip(found.prints, found.angles) if np.isfinite(a)]
    parts = _systematic(poses, found, settings)
    metrics, more = _metrics(found, parts["total"], settings)
    quality["systematic_deg"] = {part: {k: round(v, 1) for k, v in vals.items() if np.isfinite(v)}
                                 for part, vals in parts.items()}
    return Assessment(metrics=metrics, warnings=warnings + more, quality=quality, analysis=found)


def _systematic(poses: Poses, found: FootRotationAnalysis, settings: FootRotationSettings
                ) -> dict[str, dict[str, float]]:
    """How far each side's mean and the asymmetry move under each plausible error that steps do not average
    out (deg): ``camera`` (pitch, field of view), ``foot_length`` (the body's proportion), ``placement``
    (MediaPipe's toe a few pixels off, on one foot)."""
    base = side_means(found.prints, found.angles)
    keys = list(base)

    def worst(variants: list[list[float]]) -> dict[str, float]:
        out = {k: 0.0 for k in keys}
        for angles in variants:
            # the analysis under that error would leave out a footprint apart from the rest, as analyse() does
            for moved in means_as_analysed(found.prints, angles):
                for k in keys:
                    if np.isfinite(moved[k]) and np.isfinite(base[k]):
                        out[k] = max(out[k], abs(moved[k] - base[k]))
        return out

    tilt_err = (0.0 if found.tilt_from == "given" else
                settings.tilt_error_found_deg if found.tilt_from == "found from the walk"
                else settings.tilt_error_assumed_deg)
    cams = [found.camera.with_tilt(found.camera.tilt_deg + dt) for dt in (-tilt_err, tilt_err) if dt]
    for df in (-settings.fov_error_deg, settings.fov_error_deg):
        fov = np.degrees(2 * np.arctan(0.5 * max(poses.frame_size) / found.camera.focal_px)) + df
        cams.append(FloorCamera.from_frame(poses.frame_size, fov, found.camera.tilt_deg))
    parts = {"camera": worst([angles_under(poses, found, cam) for cam in cams])}
    parts["foot_length"] = worst([foot_angles(poses, found.camera, found.prints, found.mode, found.bouts,
                                              found.floor_velocity, length_scale=1.0 + e).angles
                                  for e in (-settings.foot_length_error, settings.foot_length_error)])
    placement = {}
    for side in SIDES:
        shifted = [angles_with_toes_moved(poses, found, side, settings.placement_px * d) for d in np.eye(2)]
        placement[side] = worst(shifted)[side]
    placement["asymmetry"] = float(np.hypot(placement["left"], placement["right"]))
    parts["placement"] = placement
    line = 0.0
    if found.mode == WALKING:
        sds = [walking_line_sd(group, found.floor_velocity) for group in by_bout(found.prints, found.bouts)]
        sds = [v for v in sds if np.isfinite(v)]
        line = float(np.median(sds)) if sds else 0.0
    # a turned walking line adds to one foot's toe-out what it takes from the other's
    parts["walking_line"] = {"left": line, "right": line, "asymmetry": 2.0 * line}
    parts["total"] = {k: float(np.sqrt(sum(parts[p][k] ** 2 for p in ("camera", "foot_length", "placement",
                                                                      "walking_line"))))
                      for k in keys}
    return parts


def _metrics(found: FootRotationAnalysis, systematic: dict[str, float], settings: FootRotationSettings
             ) -> tuple[list[Metric], list[str]]:
    metrics: list[Metric] = []
    warnings: list[str] = []
    walking = found.mode == WALKING
    name = "foot_progression_angle" if walking else "static_toe_out"
    what = ("mean over stance phases (foot flat), against the walking line; positive = toe-out"
            if walking else "standing, against the line from the feet to the camera; positive = toe-out")
    random = {}
    for s in SIDES:
        vals = np.array([a for p, a in zip(found.prints, found.angles) if p.side == s and np.isfinite(a)])
        if not vals.size:
            metrics.append(Metric.unmeasured(name, "deg", "no stance phase of this foot was seen flat on the floor",
                                             side=s))
            if walking:
                metrics.append(Metric.unmeasured("foot_progression_angle_sd", "deg", "no stance phase", side=s))
            random[s] = float("nan")
            continue
        mean = float(vals.mean())
        if walking:
            sd = float(vals.std(ddof=1)) if vals.size > 1 else float("nan")
            random[s] = sd / np.sqrt(vals.size) if vals.size > 1 else float("nan")
        else:
            p = next(p for p in found.prints if p.side == s)
            # frames 0.5 s apart taken as independent (landmark noise is correlated over a few frames)
            random[s] = p.frame_sd_deg / np.sqrt(max(1.0, (p.stop - p.start) / found.fps / 0.5))
        unc = float(np.hypot(np.nan_to_num(random[s], nan=5.0), systematic[s]))
        lo, hi = ref.FPA_NORMAL
        flag = None
        if mean + unc < lo:
            flag = "in-toeing"
        elif mean - unc > hi:
            flag = "out-toeing"
        count = f"{vals.size} stance phase{'s' if vals.size != 1 else ''}" if walking else "standing"
        metrics.append(Metric(name, round(mean, 1), "deg", side=s, normal_range=ref.FPA_NORMAL if walking else None,
                              flag=flag if walking else None, uncertainty=round(unc, 1),
                              note=f"{what}; {count}; camera {found.tilt_from}; "
                                   + (ref.FPA_SOURCE + "; flagged only when outside by more than the uncertainty"
                                      if walking else "no validated normal range for standing")))
        if walking:
            metrics.append(Metric("foot_progression_angle_sd", None if vals.size < 2 else round(sd, 1), "deg",
                                  side=s, note="spread over stance phases" if vals.size > 1 else "needs 2 stance phases"))
            if vals.size < settings.min_steps:
                warnings.append(f"only {vals.size} stance phase(s) of the {s} foot: its angle is not reliable; film "
                                f"at least {settings.min_steps} steps of each foot")
    left, right = (next((m.value for m in metrics if m.name == name and m.side == s), None) for s in SIDES)
    diff_name = "foot_progression_asymmetry" if walking else "static_toe_out_difference"
    if left is None or right is None:
        metrics.append(Metric.unmeasured(diff_name, "deg", "needs both feet"))
    else:
        unc = float(np.hypot(np.hypot(np.nan_to_num(random["left"], nan=5.0), np.nan_to_num(random["right"], nan=5.0)),
                             systematic["asymmetry"]))
        metrics.append(Metric(diff_name, round(right - left, 1), "deg", uncertainty=round(unc, 1),
                              note="right minus left (positive: the right foot turns out more); the camera's errors "
                                   "largely cancel in the difference"))
    return metrics, warnings
