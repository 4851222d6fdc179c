"""BIDS-Motion (BIDS 1.9.0 and later, "Motion"): one recording as ``*_motion.tsv``, ``*_channels.tsv`` and
``*_motion.json``, for research datasets.

Spec: https://bids-specification.readthedocs.io/en/stable/modality-specific-files/motion.html (required sidecar
fields from ``src/schema/rules/sidecars/motion.yaml`` in github.com/bids-standard/bids-specification):

- ``sub-<label>[_ses-<label>]_task-<label>_tracksys-mediapipe_motion.tsv``: one column per channel and NO header
  row; missing values are ``n/a``.
- ``..._channels.tsv``: one row per column of the motion file, in its order, with the required columns ``name``,
  ``component``, ``type``, ``tracked_point``, ``units`` (plus ``reference_frame`` and ``description``).
- ``..._motion.json``: ``TaskName``, ``SamplingFrequency`` and ``TrackingSystemName`` (required) and the
  recommended channel counts, ``SamplingFrequencyEffective``, ``MissingValues``, ``TrackedPointsCount``.
- ``..._channels.json`` describes the reference frame; ``dataset_description.json`` at the dataset's root.

Channels: ``LATENCY`` (s from the first frame: phone clips vary their frame rate), then ``POS`` x, y, z of the 33
MediaPipe world landmarks in metres, in the Y-up frame of the TRC export (:func:`movement_check.exports.trc.y_up`:
x the image's right, y up, z toward the camera, origin between the hips in every frame), then, where the clip
has side-view walking, six ``JNTANG`` channels in degrees with this tool's signs (:mod:`movement_check.body.kinematics`:
hip and knee + in flexion, ankle + in dorsiflexion), ``n/a`` outside the walking.

Labels (sub, ses, task) are letters and digits only, as BIDS wants: a patient ID P-0042 becomes ``sub-P0042``.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

import numpy as np

from movement_check import __version__
from movement_check.body.landmarks import NAMES
from movement_check.body.poses import Poses
from movement_check.exports.mot import NoAngles, opensim_angles
from movement_check.exports.trc import data_rate, y_up

BIDS_VERSION = "1.9.0"
TRACKSYS = "mediapipe"
REFERENCE_FRAME = "hips"
#: our joint angle channels: (name, tracked point, OpenSim column it comes from, sign to our convention)
ANGLES = (("right_hip_flexion", "right_hip", "hip_flexion_r", 1.0),
          ("right_knee_flexion", "right_knee", "knee_angle_r", -1.0),
          ("right_ankle_dorsiflexion", "right_ankle", "ankle_angle_r", 1.0),
          ("left_hip_flexion", "left_hip", "hip_flexion_l", 1.0),
          ("left_knee_flexion", "left_knee", "knee_angle_l", -1.0),
          ("left_ankle_dorsiflexion", "left_ankle", "ankle_angle_l", 1.0))
CHANNEL_COLUMNS = ("name", "component", "type", "tracked_point", "units", "reference_frame", "description")


def label(text: str, fallback: str = "01") -> str:
    """A BIDS label: the letters and digits of ``text`` (``fallback`` when none are left)."""
    cleaned = re.sub(r"[^A-Za-z0-9]", "", str(text))
    return cleaned or fallback


def stem(*, subject: str, task: str, session: str | int | None = None) -> str:
    """``sub-X[_ses-Y]_task-Z_tracksys-mediapipe`` (labels cleaned with :func:`label`)."""
    parts = [f"sub-{label(subject)}"]
    if session is not None:
        parts.append(f"ses-{label(str(session))}")
    parts += [f"task-{label(task, 'movement')}", f"tracksys-{TRACKSYS}"]
    return "_".join(parts)


def folder(*, subject: str, session: str | int | None = None) -> str:
    """Where the files go inside the dataset: ``sub-X[/ses-Y]/motion``."""
    return "/".join([f"sub-{label(subject)}"] + ([f"ses-{label(str(session))}"] if session is not None else [])
                    + ["motion"])


def _joint_angles(poses: Poses) -> dict[str, np.ndarray] | None:
    try:
        opensim = opensim_angles(poses, model="gait2392")
    except NoAngles:
        return None
    return {name: sign * opensim[column] for name, _, column, sign in ANGLES}


def channels(poses: Poses, angles: dict[str, np.ndarray] | None) -> list[dict[str, str]]:
    """The rows of ``*_channels.tsv``, in the motion file's column order."""
    rows = [{"name": "latency", "component": "n/a", "type": "LATENCY", "tracked_point": "n/a", "units": "s",
             "reference_frame": "n/a", "description": "time of the frame from the first frame"}]
    for name in NAMES:
        for axis in "xyz":
            rows.append({"name": f"{name}_{axis}", "component": axis, "type": "POS", "tracked_point": name,
                         "units": "m", "reference_frame": REFERENCE_FRAME,
                         "description": "MediaPipe world landmark (an estimate from one camera)"})
    if angles is not None:
        for name, point, _, _ in ANGLES:
            what = {"hip": "thigh against the trunk, + flexion", "knee": "+ flexion, 0 straight",
                    "ankle": "+ dorsiflexion, 0 foot at right angles to the shank"}[point.split("_")[1]]
            rows.append({"name": name, "component": "n/a", "type": "JNTANG", "tracked_point": point, "units": "deg",
                         "reference_frame": "n/a", "description": f"side view, in the image: {what}"})
    return rows


def _cell(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.6f}"


def motion_columns(poses: Poses, angles: dict[str, np.ndarray] | None) -> np.ndarray:
    """(T, channels) values in the order of :func:`channels`."""
    cols = [poses.times - poses.times[0]]
    markers = y_up(poses.world)
    cols += [markers[:, j, k] for j in range(len(NAMES)) for k in range(3)]
    if angles is not None:
        cols += [angles[name] for name, *_ in ANGLES]
    return np.column_stack(cols)


def sidecar(poses: Poses, rows: list[dict[str, str]], *, task: str, task_description: str | None) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["type"]] = counts.get(row["type"], 0) + 1
    n = len(poses)
    meta: dict[str, Any] = {
        "TaskName": task,
        "SamplingFrequency": round(data_rate(poses.times), 6),
        "SamplingFrequencyEffective": round((n - 1) / poses.duration, 6) if n > 1 and poses.duration > 0 else 0.0,
        "TrackingSystemName": "MediaPipe Pose world landmarks from one RGB camera",
        "SoftwareVersions": f"movement-check {__version__}",
        "RecordingDuration": round(poses.duration, 6),
        "MotionChannelCount": len(rows),
        "TrackedPointsCount": len(NAMES),
        "MissingValues": "n/a",
        "SubjectArtefactDescription": "n/a",
    }
    if task_description:
        meta["TaskDescription"] = task_description
    for kind, count in sorted(counts.items()):
        meta[f"{kind}ChannelCount"] = count
    return meta


def files(poses: Poses, *, subject: str, task: str, session: str | int | None = None,
          task_description: str | None = None) -> dict[str, str]:
    """{path inside the dataset: text} for one recording: the motion, channels and sidecar files (and the
    channels' reference frame), plus ``dataset_description.json`` at the root."""
    angles = _joint_angles(poses)
    rows = channels(poses, angles)
    values = motion_columns(poses, angles)
    motion = io.StringIO()
    for row in values:
        motion.write("\t".join(_cell(v) for v in row) + "\n")
    table = io.StringIO()
    table.write("\t".join(CHANNEL_COLUMNS) + "\n")
    for row in rows:
        table.write("\t".join(row[c] for c in CHANNEL_COLUMNS) + "\n")
    frame = {"reference_frame": {"LongName": "reference frame", "Levels": {REFERENCE_FRAME: {
        "Description": "MediaPipe's world frame turned Y up: origin between the hips in every frame (no travel "
                       "across the room), x the camera image's right, y up, z toward the camera; metres",
        "RotationRule": "right-hand"}}}}
    base, where = stem(subject=subject, task=task, session=session), folder(subject=subject, session=session)
    description = {"Name": "movement-check export", "BIDSVersion": BIDS_VERSION, "DatasetType": "raw",
                   "GeneratedBy": [{"Name": "movement-check", "Version": __version__}]}
    return {
        "dataset_description.json": json.dumps(description, indent=2) + "\n",
        f"{where}/{base}_motion.tsv": motion.getvalue(),
        f"{where}/{base}_channels.tsv": table.getvalue(),
        f"{where}/{base}_channels.json": json.dumps(frame, indent=2) + "\n",
        f"{where}/{base}_motion.json": json.dumps(sidecar(poses, rows, task=task,
                                                          task_description=task_description), indent=2) + "\n",
    }
