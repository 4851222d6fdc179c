"""OpenSim motion file (``.mot``): the sagittal joint angles this tool computes, under OpenSim's coordinate names.

Format (OpenSim's storage file, as its inverse kinematics writes one; an example is
``Pipelines/Gait2354_Simbody/subject01_walk1_ik.mot`` in github.com/opensim-org/opensim-models): a header of
``name=value`` lines ended by ``endheader``, then tab-separated columns with a ``time`` column first::

    <name>
    version=1
    nRows=<frames>
    nColumns=<columns, time included>
    inDegrees=yes
    endheader
    time  hip_flexion_r  knee_angle_r  ankle_angle_r  hip_flexion_l  knee_angle_l  ankle_angle_l

Angles and their mapping (:func:`movement_check.assessments.gait.angles.side_angle_series`, signs in
:mod:`movement_check.body.kinematics`); the models' coordinate ranges are those of ``gait2392_millard2012muscle.osim``
and ``Rajagopal2016.osim`` in github.com/opensim-org/opensim-models:

- ``hip_flexion``: our hip flexion, thigh against the TRUNK (+ = flexion). OpenSim's is the thigh against the
  PELVIS, which one camera cannot see; + = flexion in both models (gait2392 range -120..120 deg, Rajagopal
  -30..120 deg). Same sign.
- ``knee_angle``: our knee flexion is 0 straight, + bent. gait2392/2354's ``knee_angle_r`` runs -120..10 deg:
  flexion is NEGATIVE (its inverse kinematics example reads -55 deg in swing), so ``model="gait2392"`` (the
  default) writes minus our flexion. Rajagopal2016's runs 0..120 deg: flexion is positive, so
  ``model="rajagopal"`` writes it as it is.
- ``ankle_angle``: our dorsiflexion, 90 deg minus the shank-foot angle (+ = toes up). OpenSim's ankle_angle is
  + in dorsiflexion in both models (gait2392 -90..90, Rajagopal -40..30 deg). Same sign; MediaPipe's heel and
  toe are not the model's calcaneus and toe markers, so the zero differs by a few degrees.

The angles are measured in the image, seen from the side, and only where the person walks steadily across the
camera (the direction of travel gives the sign of hip flexion). Rows are written only for those frames, and only
where all six angles were measured: OpenSim's ``Storage`` (what its GUI and tools load a motion with) stops
reading at the first ``NaN``, so the file has none; between two walks the times jump. A clip with no side-view
walking has no angles to write (:class:`NoAngles`).
"""

from __future__ import annotations

import io

import numpy as np

from movement_check.assessments.gait.angles import side_angle_series
from movement_check.errors import InputError
from movement_check.body.poses import Poses
from movement_check.body.views import SIDE
from movement_check.body.walking import MAX_INTERRUPTION_S, find_bouts, in_bouts

MODELS = ("gait2392", "rajagopal")
COLUMNS = ("hip_flexion_r", "knee_angle_r", "ankle_angle_r", "hip_flexion_l", "knee_angle_l", "ankle_angle_l")


class NoAngles(InputError):
    """The clip has no side-view walking, so there are no sagittal angles to write."""


def opensim_angles(poses: Poses, *, model: str = "gait2392") -> dict[str, np.ndarray]:
    """{OpenSim coordinate name: (T,) degrees} (see the module notes for the signs), every frame; NaN outside
    side-view walking. Raises :class:`NoAngles` when there is none."""
    if model not in MODELS:
        raise InputError(f"The OpenSim model's convention is one of {', '.join(MODELS)}; got {model!r}.")
    bouts = [b for b in find_bouts(poses, bridge_s=MAX_INTERRUPTION_S) if b.view == SIDE]
    if not bouts:
        raise NoAngles("No steady walking across the camera (side view) was found: the joint angles (.mot) need "
                       "one; the markers (.trc) do not.")
    series = side_angle_series(poses, bouts)
    walking = in_bouts(len(poses), bouts)
    knee_sign = -1.0 if model == "gait2392" else 1.0
    out: dict[str, np.ndarray] = {}
    for side, suffix in (("right", "r"), ("left", "l")):
        out[f"hip_flexion_{suffix}"] = series["hip"][side]
        out[f"knee_angle_{suffix}"] = knee_sign * series["knee"][side]
        out[f"ankle_angle_{suffix}"] = series["ankle"][side]
    return {name: np.where(walking, values, np.nan) for name, values in out.items()}


def mot_text(times: np.ndarray, angles: dict[str, np.ndarray], *, name: str = "movement-check angles") -> str:
    """The .mot file's text: ``time`` then each of ``angles`` (degrees), one row per frame where every angle is
    known (see the module notes). Raises :class:`NoAngles` when there is no such frame."""
    names = list(angles)
    keep = np.all([np.isfinite(angles[c]) for c in names], axis=0)
    if not keep.any():
        raise NoAngles("No frame has all the joint angles (.mot): the legs were not seen well enough from the side.")
    times = np.asarray(times, dtype=float)[keep]
    angles = {c: np.asarray(angles[c], dtype=float)[keep] for c in names}
    out = io.StringIO()
    out.write(f"{name}\nversion=1\nnRows={times.size}\nnColumns={len(names) + 1}\ninDegrees=yes\nendheader\n")
    out.write("\t".join(["time"] + names) + "\n")
    for t in range(times.size):
        row = [f"{times[t]:.6f}"] + [f"{angles[c][t]:.4f}" for c in names]
        out.write("\t".join(row) + "\n")
    return out.getvalue()


def poses_mot_text(poses: Poses, *, model: str = "gait2392", name: str = "movement-check angles") -> str:
    """:func:`mot_text` of :func:`opensim_angles` at the frames' own times."""
    return mot_text(poses.times, opensim_angles(poses, model=model), name=name)
