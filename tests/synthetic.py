"""Synthetic landmark trajectories with known answers, for tests.

``walking_poses`` draws a stick figure walking left to right across a
1280x720 side view (head to toe inside the frame), as MediaPipe would report it in pixels:

- the hip midpoint moves at ``speed_px`` pixels a second, bobbing 4 px;
- each hip flexes ``hip_amplitude_deg`` either way of vertical, sinusoidally,
  at the stride frequency ``cadence / 120`` Hz, the two legs half a cycle apart;
- each knee flexes between 5 deg and 5 + ``knee_amplitude_deg`` in swing;
- heel and toe hang off the ankle at fixed offsets;
- Gaussian pixel noise ``noise_px`` (seeded), visibility 0.9, presence 0.99.

Known answers: the left ankle's x position relative to the pelvis is largest
when the left hip is most flexed, at t = (0.25 + k) / stride_frequency.
World landmarks are the pixel positions divided by ``px_per_m`` around the
hip midpoint (y down, as MediaPipe's).
"""

from __future__ import annotations

import numpy as np

from movement_check.landmarks import N_LANDMARKS, Landmark as L
from movement_check.poses import Poses


def walking_poses(*, seconds: float = 4.0, fps: float = 30.0, cadence: float = 110.0,
                  speed_px: float = 250.0, hip_amplitude_deg: float = 20.0, knee_amplitude_deg: float = 55.0,
                  noise_px: float = 0.0, seed: int = 0, px_per_m: float = 380.0,
                  frame_size: tuple[int, int] = (1280, 720)) -> Poses:
    rng = np.random.default_rng(seed)
    t = np.arange(int(round(seconds * fps))) / fps
    n = t.size
    stride_hz = cadence / 120.0
    thigh, shank, torso = 0.45 * px_per_m, 0.43 * px_per_m, 0.55 * px_per_m
    img = np.zeros((n, N_LANDMARKS, 3))
    hip_mid = np.column_stack([100 + speed_px * t, 330 + 4 * np.sin(4 * np.pi * stride_hz * t)])
    for side, phase in (("LEFT", 0.0), ("RIGHT", np.pi)):
        ph = 2 * np.pi * stride_hz * t + phase
        hip_angle = np.radians(hip_amplitude_deg) * np.sin(ph)       # + = thigh forward
        knee_flex = np.radians(5 + knee_amplitude_deg * np.clip(np.sin(ph + np.pi / 3), 0, None) ** 2)
        depth = -20.0 if side == "LEFT" else 20.0
        hip = hip_mid + np.array([0.0 if side == "LEFT" else 6.0, 0.0])
        knee = hip + thigh * np.column_stack([np.sin(hip_angle), np.cos(hip_angle)])
        shank_angle = hip_angle - knee_flex
        ankle = knee + shank * np.column_stack([np.sin(shank_angle), np.cos(shank_angle)])
        heel = ankle + np.array([-0.06, 0.05]) * px_per_m
        toe = ankle + np.array([0.16, 0.07]) * px_per_m
        shoulder = hip_mid + np.array([4.0, -torso])
        elbow = shoulder + 0.28 * px_per_m * np.column_stack([-np.sin(hip_angle), np.cos(hip_angle)])
        wrist = elbow + 0.25 * px_per_m * np.column_stack([-np.sin(hip_angle) + 0.3, np.cos(hip_angle)])
        for name, pos in (("HIP", hip), ("KNEE", knee), ("ANKLE", ankle), ("HEEL", heel),
                          ("FOOT_INDEX", toe), ("SHOULDER", shoulder), ("ELBOW", elbow), ("WRIST", wrist),
                          ("PINKY", wrist + 8), ("INDEX", wrist + 10), ("THUMB", wrist + 6)):
            idx = int(L[f"{side}_{name}"])
            img[:, idx, :2] = pos
            img[:, idx, 2] = depth
    head = hip_mid + np.array([20.0, -torso - 0.2 * px_per_m])
    for lm in range(int(L.NOSE), int(L.MOUTH_RIGHT) + 1):
        img[:, lm, :2] = head + rng.normal(0, 3, 2)
    img[..., :2] += rng.normal(0, noise_px, (n, N_LANDMARKS, 2)) if noise_px else 0.0
    world = np.empty_like(img)
    world[..., :2] = (img[..., :2] - hip_mid[:, None, :]) / px_per_m
    world[..., 2] = img[..., 2] / px_per_m
    vis = np.full((n, N_LANDMARKS), 0.9)
    pres = np.full((n, N_LANDMARKS), 0.99)
    return Poses(times=t, image=img, world=world, visibility=vis, presence=pres, frame_size=frame_size,
                 source={"file": "synthetic walk", "fps": fps})
