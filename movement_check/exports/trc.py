"""OpenSim marker file (``.trc``): the 33 MediaPipe world landmarks as markers, Y up, metres.

Format (Motion Analysis Corporation's Track Row Column, as OpenSim's ``TRCFileAdapter`` reads it; an example is
``Pipelines/Gait2392_Simbody/subject01_walk1.trc`` in github.com/opensim-org/opensim-models): tab-separated text,

    PathFileType  4  (X/Y/Z)  <file name>
    DataRate  CameraRate  NumFrames  NumMarkers  Units  OrigDataRate  OrigDataStartFrame  OrigNumFrames
    <values of the line above>
    Frame#  Time  <marker 1>  ""  ""  <marker 2>  ""  "" ...
    ""  ""  X1  Y1  Z1  X2  Y2  Z2 ...
    (a blank line)
    1  0.000000  x  y  z ...

then one row per frame: its number (from 1), its time (s), and X, Y, Z of each marker. A marker not seen in a
frame is written ``NaN``: not as empty cells, which OpenSim's reader loses at the end of a line (it then finds a
column short and refuses the file).

Frame. MediaPipe's world landmarks are metres in a frame centred between the hips, x to the image's right,
y DOWN, z AWAY from the camera (:mod:`movement_check.body.poses`). OpenSim's ground is Y up, so the markers are
turned 180 degrees about x: X = x (the image's right), Y = -y (up), Z = -z (toward the camera); a rotation, so
the frame stays right-handed and distances are unchanged.

What these markers are not: a marker set. They are one camera's estimate of joint centres and a few surface
points; depth (Z) is poor, and the origin moves with the hips in every frame (MediaPipe's world landmarks carry
no travel across the room). Inverse kinematics in OpenSim needs a marker set in the model named like these
(``left_hip``, ``right_knee``, ...) placed at the corresponding joint centres.

Times. ``Time`` is each frame's own time in the clip (s, as in the result's events; phones vary their frame
rate); ``DataRate`` is the median rate, as the header needs one number.
"""

from __future__ import annotations

import io

import numpy as np

from movement_check.body.landmarks import NAMES
from movement_check.body.poses import Poses

#: MediaPipe world (x right, y down, z away from the camera) -> OpenSim ground (X right, Y up, Z toward it)
TO_Y_UP = np.diag([1.0, -1.0, -1.0])


def y_up(world: np.ndarray) -> np.ndarray:
    """(..., 3) MediaPipe world landmarks (metres, y down) -> Y-up metres (see the module notes)."""
    return np.asarray(world, dtype=float) @ TO_Y_UP.T


def data_rate(times: np.ndarray) -> float:
    """Frames per second from the frames' times (the median interval; 0 for a single frame)."""
    times = np.asarray(times, dtype=float)
    if times.size < 2:
        return 0.0
    return float(1.0 / np.median(np.diff(times)))


def _cell(value: float) -> str:
    return "NaN" if not np.isfinite(value) else f"{value:.6f}"


def trc_text(poses: Poses, *, file_name: str = "markers.trc") -> str:
    """The TRC file's text for ``poses``' world landmarks (see the module notes)."""
    markers = y_up(poses.world)
    n, m = markers.shape[:2]
    rate = data_rate(poses.times)
    times = poses.times
    out = io.StringIO()
    out.write(f"PathFileType\t4\t(X/Y/Z)\t{file_name}\n")
    out.write("DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame\tOrigNumFrames\n")
    out.write(f"{rate:.6f}\t{rate:.6f}\t{n}\t{m}\tm\t{rate:.6f}\t1\t{n}\n")
    out.write("Frame#\tTime\t" + "\t".join(f"{name}\t\t" for name in NAMES).rstrip("\t") + "\n")
    out.write("\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, m + 1)) + "\n")
    out.write("\n")
    for t in range(n):
        cells = [str(t + 1), f"{times[t]:.6f}"] + [_cell(v) for v in markers[t].ravel()]
        out.write("\t".join(cells) + "\n")
    return out.getvalue()
