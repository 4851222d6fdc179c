"""Synthetic single-leg raises with exactly known angles, holds and compensations, seen through a pinhole camera.

World frame as in :mod:`tests.walker`: X forward (the way the person
faces), Y to the person's left, Z up; metres. A script is a list of
:class:`Raise` es; between them the person stands (or lies) still.

Standing: the body stands on the standing leg's ankle. The raised leg's
thigh turns forward by ``hip`` deg from the vertical and its shank by
``knee`` deg back from the thigh (a knee raise: hip 70, knee 90; a
straight-leg raise: knee 0; a Trendelenburg-style single-leg stance: hip 0,
knee 90, the foot lifted behind). The pelvis drops ``pelvic_drop`` deg on
the raised side about the standing hip, the trunk leans ``trunk_lean`` deg
toward the standing leg and ``trunk_back`` deg backward. Every prescribed
quantity follows one smooth profile: 0 -> 1 over ``up`` s (smoothstep),
held ``hold`` s, 1 -> 0 over ``down`` s; a ``touch_down_at`` (s after the
start) dips the raise to 0 and back within 0.4 s. ``sway``: the body above
the standing ankle moves sideways as ``amp`` x sin(2 pi f t) while on one
foot, so its path is 4 x amp x f per second.

Supine: lying along X, feet toward +X, hips 0.12 m above the table; the
raised leg's hip->ankle line rises ``hip`` deg above the table (its resting
line), bent ``knee`` deg at the knee.

Known answers (:func:`truth_of`): peak, hold within 5 deg of the peak
(longest continuous time, on a 1 kHz grid), the time the foot is up as the
assessment's hysteresis defines it, touch-downs, and the prescribed angles.

``hip_trap`` imitates MediaPipe: the raised side's hip landmark rises by
``hip_trap`` x thigh x (1 - cos hip).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_check.landmarks import LEG as LEGS
from movement_check.landmarks import N_LANDMARKS, Landmark as L
from tests.walker import Camera, render

THIGH, SHANK = 0.43, 0.43
ANKLE_H = 0.07
HALF_PELVIS = 0.09
LEG = THIGH + SHANK

SIDE_CAMERA = Camera(position=(0.0, -3.5, 0.93), target=(0.0, 0.0, 0.93), focal_px=600.0, size=(1280, 720))
FRONT_CAMERA = Camera(position=(5.0, 0.0, 0.93), target=(0.0, 0.0, 0.93), focal_px=1000.0, size=(1280, 720))
#: a laptop webcam: 2.5 m away, 1.1 m high (above the hips), level, 61 deg across the 1280 px width
WEBCAM = Camera(position=(2.5, 0.0, 1.1), target=(0.0, 0.0, 1.1), focal_px=1088.0, size=(1280, 720))
SUPINE_CAMERA = Camera(position=(0.2, -3.0, 0.12), target=(0.2, 0.0, 0.12), focal_px=600.0, size=(1280, 720))


@dataclass(frozen=True)
class Raise:
    side: str
    start: float
    hip: float = 70.0
    knee: float = 90.0
    up: float = 0.7
    hold: float = 2.0
    down: float = 0.7
    pelvic_drop: float = 0.0
    trunk_lean: float = 0.0
    trunk_back: float = 0.0
    touch_down_at: float | None = None
    sway: tuple[float, float] = (0.0, 1.0)      # (amplitude m, frequency Hz)

    @property
    def end(self) -> float:
        return self.start + self.up + self.hold + self.down


@dataclass
class Script:
    raises: list[Raise] = field(default_factory=list)
    duration: float = 10.0
    posture: str = "standing"
    stance_knee: float = 0.0
    hip_trap: float = 0.0


def _smoothstep(u):
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3 - 2 * u)


def profile(r: Raise, t: np.ndarray) -> np.ndarray:
    """(T,) 0..1: how far into the raise ``r`` the body is at times ``t``."""
    a = _smoothstep((t - r.start) / r.up)
    b = 1 - _smoothstep((t - r.start - r.up - r.hold) / r.down)
    p = np.minimum(a, b)
    if r.touch_down_at is not None:
        c = r.start + r.touch_down_at
        dip = 1 - np.abs(np.clip((t - c) / 0.2, -1, 1))          # 0.4 s triangle, 1 at its centre
        p = p * (1 - _smoothstep(dip * 1.5))                      # flat at 0 for the middle of the dip
    return p


def _rot_x(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot_y(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


#: upper body in trunk coordinates (x fwd, y left, z up) around the pelvis centre
UPPER = {
    L.LEFT_SHOULDER: (0, 0.18, 0.5), L.RIGHT_SHOULDER: (0, -0.18, 0.5),
    L.LEFT_ELBOW: (0, 0.21, 0.22), L.RIGHT_ELBOW: (0, -0.21, 0.22),
    L.LEFT_WRIST: (0.04, 0.21, -0.02), L.RIGHT_WRIST: (0.04, -0.21, -0.02),
    L.LEFT_PINKY: (0.05, 0.22, -0.08), L.RIGHT_PINKY: (0.05, -0.22, -0.08),
    L.LEFT_INDEX: (0.07, 0.21, -0.09), L.RIGHT_INDEX: (0.07, -0.21, -0.09),
    L.LEFT_THUMB: (0.07, 0.19, -0.05), L.RIGHT_THUMB: (0.07, -0.19, -0.05),
    L.NOSE: (0.11, 0.0, 0.70),
    L.LEFT_EYE_INNER: (0.09, 0.015, 0.73), L.LEFT_EYE: (0.09, 0.03, 0.73), L.LEFT_EYE_OUTER: (0.09, 0.045, 0.73),
    L.RIGHT_EYE_INNER: (0.09, -0.015, 0.73), L.RIGHT_EYE: (0.09, -0.03, 0.73), L.RIGHT_EYE_OUTER: (0.09, -0.045, 0.73),
    L.LEFT_EAR: (0.0, 0.07, 0.71), L.RIGHT_EAR: (0.0, -0.07, 0.71),
    L.MOUTH_LEFT: (0.1, 0.02, 0.66), L.MOUTH_RIGHT: (0.1, -0.02, 0.66),
}


def _leg(pos, i, side, hip, thigh_dir, shank_dir):
    h, k, a, he, to = LEGS[side]
    foot_dir = np.array([-shank_dir[2], 0.0, shank_dir[0]])      # the shank turned 90 deg toward the toes
    pos[i, h] = hip
    pos[i, k] = hip + THIGH * thigh_dir
    pos[i, a] = pos[i, k] + SHANK * shank_dir
    pos[i, he] = pos[i, a] - 0.05 * foot_dir + 0.04 * shank_dir
    pos[i, to] = pos[i, a] + 0.15 * foot_dir + 0.05 * shank_dir


def _sagittal(angle_deg):
    """Unit vector turned ``angle_deg`` forward from straight down."""
    a = np.radians(angle_deg)
    return np.array([np.sin(a), 0.0, -np.cos(a)])


def simulate(script: Script, times: np.ndarray) -> np.ndarray:
    """(T, 33, 3) world positions."""
    pos = np.zeros((len(times), N_LANDMARKS, 3))
    for i, t in enumerate(times):
        active = [r for r in script.raises if r.start <= t <= r.end]
        r = active[0] if active else None
        p = float(profile(r, np.array([t]))[0]) if r else 0.0
        if script.posture == "supine":
            _supine(pos, i, r, p)
        else:
            _standing(pos, i, script, r, p, t)
    return pos


def _standing(pos, i, script, r, p, t):
    raised = r.side if r else "right"
    stance = "left" if raised == "right" else "right"
    sgn = 1.0 if stance == "left" else -1.0           # +Y toward the standing leg
    sk = np.radians(script.stance_knee)
    ankle = np.array([0.0, sgn * HALF_PELVIS, ANKLE_H])
    thigh_s = _sagittal(np.degrees(sk / 2))
    shank_s = _sagittal(-np.degrees(sk / 2))
    hip_s = ankle - SHANK * shank_s - THIGH * thigh_s
    sway = np.zeros(3)
    if r and r.sway[0] and p >= 1.0 - 1e-9:
        sway[1] = r.sway[0] * np.sin(2 * np.pi * r.sway[1] * (t - r.start - r.up))
    hip_s = hip_s + sway
    drop = np.radians((r.pelvic_drop if r else 0.0) * p)
    hip_r = hip_s + np.array([0.0, -sgn * 2 * HALF_PELVIS * np.cos(drop), -2 * HALF_PELVIS * np.sin(drop)])
    centre = 0.5 * (hip_s + hip_r)
    lean = np.radians((r.trunk_lean if r else 0.0) * p)
    back = np.radians((r.trunk_back if r else 0.0) * p)
    rot = _rot_x(-sgn * lean) @ _rot_y(-back)
    for lm, local in UPPER.items():
        pos[i, lm] = centre + rot @ np.array(local, float)
    # the standing leg: from the ankle up (its foot stays put)
    _leg(pos, i, stance, hip_s, thigh_s, shank_s)
    pos[i, LEGS[stance][2]] = ankle
    pos[i, LEGS[stance][3]] = ankle + np.array([-0.05, 0, -0.04])
    pos[i, LEGS[stance][4]] = ankle + np.array([0.15, 0, -0.05])
    hip_angle = (r.hip if r else 0.0) * p
    knee_angle = (r.knee if r else 0.0) * p
    _leg(pos, i, raised, hip_r, _sagittal(hip_angle), _sagittal(hip_angle - knee_angle))
    if script.hip_trap:
        pos[i, LEGS[raised][0], 2] += script.hip_trap * THIGH * (1 - np.cos(np.radians(hip_angle)))


def _supine(pos, i, r, p):
    hip_z = 0.12
    for lm, local in UPPER.items():
        x, y, z = local                     # trunk coordinates turned to lie along -X
        pos[i, lm] = np.array([-z, y, hip_z + 0.02 + x])
    for side in ("left", "right"):
        y = HALF_PELVIS if side == "left" else -HALF_PELVIS
        hip = np.array([0.0, y, hip_z])
        e = (r.hip if r and r.side == side else 0.0) * p
        k = (r.knee if r and r.side == side else 0.0) * p
        thigh = np.array([np.cos(np.radians(e)), 0, np.sin(np.radians(e))])
        shank = np.array([np.cos(np.radians(e - k)), 0, np.sin(np.radians(e - k))])
        h, kn, a, he, to = LEGS[side]
        foot = np.array([-shank[2], 0, shank[0]])          # toes up
        pos[i, h] = hip
        pos[i, kn] = hip + THIGH * thigh
        pos[i, a] = pos[i, kn] + SHANK * shank
        pos[i, he] = pos[i, a] + 0.04 * shank - 0.05 * foot
        pos[i, to] = pos[i, a] + 0.05 * shank + 0.15 * foot


@dataclass
class RaiseTruth:
    side: str
    peak: float
    knee: float
    hold_s: float
    up_s: float
    touch_downs: int
    raise_: Raise


def truth_of(script: Script, *, tol: float = 5.0, lift_on: float = 0.06, lift_off: float = 0.03) -> list[RaiseTruth]:
    """Each raise's known answers, on a 1 kHz grid."""
    out = []
    for r in script.raises:
        t = np.arange(r.start - 0.1, r.end + 0.1, 0.001)
        p = profile(r, t)
        angle = r.hip * p
        above = angle >= r.hip - tol
        hold, run = 0, 0
        for a in above:
            run = run + 1 if a else 0
            hold = max(hold, run)
        if script.posture == "supine":
            up_on, up_off = angle > 5.0, angle > 2.5
        else:
            pos = simulate(Script([r], posture="standing", stance_knee=script.stance_knee), t[::5])
            ankle_z = pos[:, LEGS[r.side][2], 2]
            lift = (ankle_z - ANKLE_H) / LEG
            up_on, up_off = lift > lift_on, lift > lift_off
            up_on = np.repeat(up_on, 5)[:len(t)]
            up_off = np.repeat(up_off, 5)[:len(t)]
        first = t[np.argmax(up_on)]
        last = t[len(up_off) - 1 - np.argmax(up_off[::-1])]
        out.append(RaiseTruth(side=r.side, peak=r.hip, knee=r.knee, hold_s=hold / 1000.0, up_s=float(last - first),
                              touch_downs=int(r.touch_down_at is not None), raise_=r))
    return out


def perform(script: Script, *, fps: float = 30.0, camera: Camera = SIDE_CAMERA, **render_kw):
    """Simulate and render: (Poses, [RaiseTruth])."""
    times = np.arange(int(round(script.duration * fps))) / fps
    poses = render(simulate(script, times), times, camera, **render_kw)
    return poses.with_source(file="synthetic raiser"), truth_of(script)
