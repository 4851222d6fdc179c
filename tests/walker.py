"""A synthetic 3-D walker with exactly known gait events, seen through a pinhole camera.

World frame: X forward (direction of travel), Y to the walker's left, Z up;
metres. The walker is a script of segments: stand, walk (forward, or back
after a turn), turn; each leg runs a gait cycle with phase 0 at heel strike
and ``stance`` (0.62) at toe-off.

Known answers, by construction:

- Relative to the pelvis, a foot moves backward at constant speed through
  stance and eases forward (zero velocity at both ends) through swing, so the
  heel is farthest in front of the pelvis exactly at heel strike and the toe
  farthest behind exactly at toe-off: the Zeni events are the prescribed
  events (``truth.events``: side, name, time).
- Step times: the right leg runs ``0.5 + limp`` of a cycle after the left,
  so the right step (left heel strike -> right heel strike) lasts
  ``(0.5 + limp) * stride`` and the left step ``(0.5 - limp) * stride``:
  step-time symmetry index ``SI = 400 * limp`` %.
- Knee flexion follows from the leg's geometry (two links, knee bending
  forward); ``truth.knee_peak_swing`` per side is the mean swing peak of
  the steady strides, from the same geometry run on a 1 kHz grid. Walking
  starts and stops over half a stride (``walk_edges``): compare events and
  peaks more than one stride away from those edges.
- Toe-out: each foot's heel->toe line is turned outward by ``toe_out`` deg.
- Foot drop: through swing each foot's toes are pitched down about the heel by ``foot_drop_deg`` x
  sin(pi x swing share) (the full angle at mid-swing); 0 = the foot flat, as before.

``render`` projects to image pixels (x right, y down) for a camera given by
position and the point it looks at; the image landmark z is depth relative
to the hip midpoint scaled to pixels like x (as MediaPipe's), and world
landmarks are camera-aligned metres around the hip midpoint (x right,
y down, z away from the camera).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from movement_check.landmarks import N_LANDMARKS, Landmark as L
from movement_check.poses import Poses

STANCE = 0.62


@dataclass
class Script:
    """What the walker does: a list of (kind, seconds), kind in stand / walk / turn."""

    segments: list[tuple[str, float]] = field(default_factory=lambda: [("walk", 6.0)])
    height_m: float = 1.75
    cadence: float = 110.0          # steps per minute
    speed_mps: float = 1.2          # 0 = treadmill / walking on the spot
    limp: float = 0.0               # right leg's extra phase delay, share of a cycle
    knee_lift_m: float = 0.09       # swing foot clearance at mid-swing
    toe_out_deg: tuple[float, float] = (8.0, 8.0)      # (left, right)
    trunk_lean_deg: float = 4.0     # forward lean while walking
    foot_drop_deg: tuple[float, float] = (0.0, 0.0)    # (left, right): toes pitched down by this much at mid-swing


@dataclass
class Truth:
    events: list[tuple[str, str, float]]     # (side, "heel_strike"/"toe_off", time s), in walk segments
    knee_flexion: dict[str, np.ndarray]      # per side, on the output time grid
    knee_peak_swing: dict[str, float]        # mean of the per-stride swing peaks, fine grid
    walking: np.ndarray                      # (T,) bool: in a walk segment
    stride_s: float
    step_s: dict[str, float]


def _time_left_in_walk(script: Script, seg_start: np.ndarray, t: float) -> float:
    seg = min(int(np.searchsorted(seg_start, t, side="right")) - 1, len(script.segments) - 1)
    return float(seg_start[seg + 1] - t) if script.segments[seg][0] == "walk" else 0.0


def walk_edges(script: Script) -> list[float]:
    """Times at which walk segments start and stop (events within a stride of these ramp in or out)."""
    edges, t = [], 0.0
    for kind, dur in script.segments:
        if kind == "walk":
            edges += [t, t + dur]
        t += dur
    return edges


def _ease(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * u)


def simulate(script: Script, times: np.ndarray):
    """3-D landmark positions (T, 33, 3) world metres, plus the truth, at the given times."""
    H = script.height_m
    hip_h, thigh, shank = 0.530 * H, 0.245 * H, 0.246 * H
    ankle_h, foot_len, heel_back = 0.039 * H, 0.152 * H, 0.045 * H
    stride_s = 120.0 / script.cadence
    stride_len = script.speed_mps * stride_s
    # stance foot travels back relative to the pelvis by the distance walked in stance
    excursion = max(stride_len * STANCE, 0.55 * H * 0.35)    # treadmill: belt speed of a normal step
    front, back = 0.55 * excursion, 0.45 * excursion

    seg_start = np.cumsum([0.0] + [d for _, d in script.segments])
    n = times.size
    pelvis = np.zeros((n, 3))
    heading = np.zeros(n)                      # radians about Z
    walking = np.zeros(n, dtype=bool)
    walk_clock = np.full(n, np.nan)            # time within walking (drives the gait phase)
    walk_clock_seg = np.full(n, np.nan)       # time since this walk segment started
    x, yaw, clock = 0.0, 0.0, 0.0
    prev_t = times[0]
    for k, t in enumerate(times):
        dt = t - prev_t
        prev_t = t
        seg = min(int(np.searchsorted(seg_start, t, side="right")) - 1, len(script.segments) - 1)
        kind, dur = script.segments[seg]
        if kind == "walk":
            x += np.cos(yaw) * script.speed_mps * dt
            clock += dt
            walking[k] = True
            walk_clock[k] = clock
            walk_clock_seg[k] = t - seg_start[seg]
        elif kind == "turn":
            yaw += np.pi * dt / dur
        pelvis[k] = (x, 0.0, hip_h)
        heading[k] = yaw

    events: list[tuple[str, str, float]] = []
    pos = np.zeros((n, N_LANDMARKS, 3))
    knee_flex: dict[str, np.ndarray] = {}
    for side, offset, lat, toe_out, drop_deg in (
            ("left", 0.0, 0.09, script.toe_out_deg[0], script.foot_drop_deg[0]),
            ("right", 0.5 + script.limp, -0.09, script.toe_out_deg[1], script.foot_drop_deg[1])):
        phase = np.where(walking, (np.nan_to_num(walk_clock) / stride_s - offset) % 1.0, np.nan)
        stance = phase < STANCE
        u_st = phase / STANCE
        u_sw = (phase - STANCE) / (1 - STANCE)
        ahead = np.where(stance, front - (front + back) * u_st, -back + (front + back) * _ease(u_sw))
        lift = np.where(stance, 0.0, script.knee_lift_m * np.sin(np.pi * np.clip(u_sw, 0, 1)))
        # start and stop over half a stride, as people do (no jump from standing to full stride)
        remaining = np.array([_time_left_in_walk(script, seg_start, t) for t in times])
        amp = np.clip(np.minimum(np.nan_to_num(walk_clock_seg), remaining) / (0.5 * stride_s), 0.0, 1.0)
        ahead = np.where(walking, ahead * amp, 0.0)
        lift = np.where(walking, lift * amp, 0.0)
        c, s = np.cos(heading), np.sin(heading)
        fwd = np.column_stack([c, s, np.zeros(n)])
        left = np.column_stack([-s, c, np.zeros(n)])
        hip = pelvis + lat * left
        heel = pelvis + ahead[:, None] * fwd + (lat * 1.1) * left
        heel[:, 2] = lift
        sign = 1.0 if side == "left" else -1.0     # outward = toward the walker's own side
        a = np.radians(toe_out)
        foot_dir = np.cos(a) * fwd + sign * np.sin(a) * left
        # a foot drop: the toes pitched down about the heel through swing, most at mid-swing
        drop = np.where(walking & ~stance, np.radians(drop_deg) * np.sin(np.pi * np.clip(u_sw, 0, 1)), 0.0) * amp
        toe = heel + (foot_len * np.cos(drop))[:, None] * foot_dir
        toe[:, 2] = lift - foot_len * np.sin(drop)
        ankle = heel + heel_back * foot_dir
        ankle[:, 2] = lift + ankle_h
        # knee by two-link inverse kinematics in the leg's plane, bending forward
        d_vec = ankle - hip
        d = np.clip(np.linalg.norm(d_vec, axis=1), 1e-6, thigh + shank - 1e-6)
        cos_hip = (thigh ** 2 + d ** 2 - shank ** 2) / (2 * thigh * d)
        alpha = np.arccos(np.clip(cos_hip, -1, 1))
        down = d_vec / np.linalg.norm(d_vec, axis=1)[:, None]
        perp = fwd - (fwd * down).sum(axis=1)[:, None] * down
        perp /= np.linalg.norm(perp, axis=1)[:, None]
        knee = hip + thigh * (np.cos(alpha)[:, None] * down + np.sin(alpha)[:, None] * perp)
        cos_knee = (thigh ** 2 + shank ** 2 - d ** 2) / (2 * thigh * shank)
        knee_flex[side] = 180.0 - np.degrees(np.arccos(np.clip(cos_knee, -1, 1)))
        up = side.upper()
        for name, p in (("HIP", hip), ("KNEE", knee), ("ANKLE", ankle), ("HEEL", heel), ("FOOT_INDEX", toe)):
            pos[:, L[f"{up}_{name}"]] = p
        # events: phase wraps to 0 (heel strike) and crosses STANCE (toe-off) inside walk segments
        for k in range(1, n):
            if not (walking[k] and walking[k - 1]):
                continue
            p0, p1 = phase[k - 1], phase[k]
            if p1 < p0:     # wrapped: heel strike between k-1 and k
                frac = (1.0 - p0) / (1.0 - p0 + p1)
                events.append((side, "heel_strike", float(times[k - 1] + frac * (times[k] - times[k - 1]))))
            elif p0 < STANCE <= p1:
                frac = (STANCE - p0) / (p1 - p0)
                events.append((side, "toe_off", float(times[k - 1] + frac * (times[k] - times[k - 1]))))
    # upper body: trunk leaning forward while walking, arms hanging, head on top
    c, s = np.cos(heading), np.sin(heading)
    fwd = np.column_stack([c, s, np.zeros(n)])
    left = np.column_stack([-s, c, np.zeros(n)])
    lean = np.radians(np.where(walking, script.trunk_lean_deg, 0.0))
    trunk = 0.288 * H
    shoulder_mid = pelvis + trunk * (np.cos(lean)[:, None] * np.array([0, 0, 1.0]) + np.sin(lean)[:, None] * fwd)
    for side, lat in (("LEFT", 0.19), ("RIGHT", -0.19)):
        sh = shoulder_mid + lat * left
        elbow = sh + np.array([0, 0, -0.186 * H])
        wrist = elbow + np.array([0, 0, -0.146 * H]) + 0.05 * fwd
        for name, p in (("SHOULDER", sh), ("ELBOW", elbow), ("WRIST", wrist), ("PINKY", wrist - 0.03 * left * np.sign(lat)),
                        ("INDEX", wrist + 0.03 * fwd), ("THUMB", wrist + 0.02 * fwd)):
            pos[:, L[f"{side}_{name}"]] = p
    head = shoulder_mid + np.array([0, 0, 0.12 * H]) + 0.03 * fwd
    face = {"NOSE": (0.10, 0.0, 0.0), "LEFT_EYE_INNER": (0.09, 0.015, 0.03), "LEFT_EYE": (0.085, 0.03, 0.03),
            "LEFT_EYE_OUTER": (0.08, 0.045, 0.03), "RIGHT_EYE_INNER": (0.09, -0.015, 0.03),
            "RIGHT_EYE": (0.085, -0.03, 0.03), "RIGHT_EYE_OUTER": (0.08, -0.045, 0.03),
            "LEFT_EAR": (0.0, 0.075, 0.02), "RIGHT_EAR": (0.0, -0.075, 0.02),
            "MOUTH_LEFT": (0.09, 0.02, -0.04), "MOUTH_RIGHT": (0.09, -0.02, -0.04)}
    for name, (f_, l_, u_) in face.items():
        pos[:, L[name]] = head + f_ * fwd + l_ * left + np.array([0, 0, u_])

    truth = Truth(events=sorted(events, key=lambda e: e[2]), knee_flexion=knee_flex, knee_peak_swing={},
                  walking=walking, stride_s=stride_s,
                  step_s={"right": (0.5 + script.limp) * stride_s, "left": (0.5 - script.limp) * stride_s})
    return pos, truth


def knee_swing_peaks(truth: Truth, times: np.ndarray, edges: list[float]) -> dict[str, float]:
    """Mean over steady strides (more than a stride from where walking starts or stops) of the
    peak knee flexion between toe-off and the next heel strike."""
    peaks = {}
    for side in ("left", "right"):
        hs = [t for sd, name, t in truth.events if sd == side and name == "heel_strike"]
        vals = []
        for t_off in (t for sd, name, t in truth.events if sd == side and name == "toe_off"
                      and min(abs(e - t) for e in edges) > truth.stride_s):
            nxt = [t for t in hs if t > t_off]
            if nxt:
                inside = (times >= t_off) & (times <= nxt[0])
                vals.append(truth.knee_flexion[side][inside].max())
        peaks[side] = float(np.mean(vals)) if vals else float("nan")
    return peaks


@dataclass(frozen=True)
class Camera:
    position: tuple[float, float, float]
    target: tuple[float, float, float]
    focal_px: float = 900.0
    size: tuple[int, int] = (1280, 720)


SIDE_CAMERA = Camera(position=(3.6, -4.5, 1.0), target=(3.6, 0.0, 0.9), focal_px=700.0)


def render(pos: np.ndarray, times: np.ndarray, camera: Camera, *, noise_px: float = 0.0,
           dropouts: list[tuple[int, int]] = (), swap: tuple[int, int] | None = None,
           seed: int = 0) -> Poses:
    """Project world positions through ``camera`` into a Poses, as MediaPipe would report it."""
    rng = np.random.default_rng(seed)
    c = np.asarray(camera.position, float)
    fwd = np.asarray(camera.target, float) - c
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0, 0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    rel = pos - c
    xc, yc, zc = rel @ right, rel @ down, rel @ fwd
    w, h = camera.size
    image = np.stack([w / 2 + camera.focal_px * xc / zc, h / 2 + camera.focal_px * yc / zc, zc], axis=-1)
    hip_mid = 0.5 * (image[:, L.LEFT_HIP] + image[:, L.RIGHT_HIP])
    image[..., 2] = (zc - 0.5 * (zc[:, L.LEFT_HIP] + zc[:, L.RIGHT_HIP])[:, None]) * camera.focal_px / zc.mean()
    pelvis3 = 0.5 * (rel[:, L.LEFT_HIP] + rel[:, L.RIGHT_HIP])
    world = np.stack([(rel - pelvis3[:, None]) @ right, (rel - pelvis3[:, None]) @ down,
                      (rel - pelvis3[:, None]) @ fwd], axis=-1)
    del hip_mid
    if noise_px:
        image[..., :2] += rng.normal(0, noise_px, image[..., :2].shape)
    vis = np.full(image.shape[:2], 0.95)
    pres = np.full(image.shape[:2], 0.99)
    for a, b in dropouts:
        image[a:b] = np.nan
        world[a:b] = np.nan
        vis[a:b] = np.nan
        pres[a:b] = np.nan
    if swap is not None:
        a, b = swap
        li = [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
        ri = [L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
        for arr in (image, world):
            seg = arr[a:b].copy()
            seg[:, li + ri] = seg[:, ri + li]
            arr[a:b] = seg
    return Poses(times=times, image=image, world=world, visibility=vis, presence=pres, frame_size=camera.size,
                 source={"file": "synthetic walker"})


def walk(script: Script | None = None, *, fps: float = 30.0, camera: Camera = SIDE_CAMERA, **render_kw):
    """Convenience: simulate and render; returns (Poses, Truth)."""
    script = script or Script()
    duration = sum(d for _, d in script.segments)
    times = np.arange(int(round(duration * fps))) / fps
    pos, truth = simulate(script, times)
    fine_times = np.arange(int(round(duration * 1000))) / 1000.0       # truth on a 1 kHz grid
    _, fine = simulate(script, fine_times)
    truth.knee_peak_swing = knee_swing_peaks(fine, fine_times, walk_edges(script))
    return render(pos, times, camera, **render_kw), truth
