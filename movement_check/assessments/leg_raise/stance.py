"""Which leg bears the body's weight, standing (pure functions on image landmarks).

A leg bears the weight while it stands under the body: its hip is at least ``share`` of the leg's
upright length above its ankle in the picture. The upright length is a high percentile of the
hip-to-ankle height over the clip (the frames the person stands straight). A squat, a sit or a
lunge folds both legs, so neither bears the weight in this sense; a single-leg raise keeps the
standing leg nearly straight (the clinical tests of CLINICAL.md, "Single-leg raise and single-leg
stance", stand on one straight leg).

``share`` 0.8 is geometry, not a clinical cut-off: a leg whose thigh and shank each tilt 37 deg from
the vertical (a knee bent about 75 deg) keeps 0.8 of its height; a squat's bottom keeps 0.2-0.5.
Where the leg's hip or ankle is not seen the answer is False (unknown is not bearing weight).
"""

from __future__ import annotations

import numpy as np

from movement_check.body.landmarks import LEG, SIDES
from movement_check.body.poses import Poses


def leg_heights(poses: Poses) -> dict[str, np.ndarray]:
    """Per side, (T,) the hip's height above the ankle in the picture, pixels (image y grows downward)."""
    return {s: poses.image[:, LEG[s][2], 1] - poses.image[:, LEG[s][0], 1] for s in SIDES}


def bearing_weight(poses: Poses, /, *, share: float = 0.8, upright_percentile: float = 95.0
                   ) -> dict[str, np.ndarray]:
    """Per side, (T,) bool: that leg stands under the body (module notes)."""
    out = {}
    for side, height in leg_heights(poses).items():
        seen = np.isfinite(height)
        if not seen.any():
            out[side] = np.zeros(len(height), dtype=bool)
            continue
        upright = float(np.percentile(height[seen], upright_percentile))
        out[side] = seen & stands_under(np.where(seen, height, -np.inf), upright, share=share)
    return out


def stands_under(height, upright, /, *, share: float = 0.8):
    """The leg bears the weight: its hip is at least ``share`` of its upright height above its ankle (module
    notes). ``height``: the hip above the ankle now (pixels, a float or an array); ``upright``: the leg's
    straight height (a clip's high percentile, or the live session's tallest so far). The stance leg of a
    single-leg stance or raise (CLINICAL.md, "Single-leg raise and single-leg stance") stands straight;
    a squat folds both. NaN is not bearing weight."""
    with np.errstate(invalid="ignore"):
        return np.asarray(height) >= share * np.asarray(upright)
