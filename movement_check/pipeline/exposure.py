"""How much light a clip had: a clip filmed in a dim room is said to be dark.

Why a check of its own: the pose model does not say when it sees less. On
copies of our labelled side walks darkened to a dim room (a quarter of the light,
gamma 1.6, sensor noise: ``benchmarks/gait_image_quality.py``) the feet's mean
visibility stayed where it was (0.76-0.90 against 0.78-0.94), while heel
strikes within 2 frames of the labels fell from 34 to 19 of 36, and the
cadence of three of the five walks could no longer be given (it is withheld
with its reason: too few whole strides). A dark picture is therefore
told from the pixels: the level the brightest parts of the picture reach.

The level is the 95th percentile of the frame's luma (ITU-R BT.601, every 8th
pixel each way), taken every ``EVERY``-th frame; the clip's level is the median
of those. A live step's frames, held in memory, are measured the same way
(:class:`movement_check.pipeline.extraction.FrameDetector`). Every real clip we have reaches 140-255 (the low-resolution lab clip
140, the well-lit ones 210-255), the darkened copies 24-66. ``DARK_BELOW`` sits
between them. The live visit's "too dark" cue uses the same rule
(:mod:`movement_check.live.cues`); the mean brightness it used before (under 50
of 255) missed a dark room with a white wall (the darkened studio walk means 58)
and called a well-lit clip in black letterbox bars dark.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

#: one frame in this many has its light measured (cheap: about a millisecond each)
EVERY = 8

#: a clip whose brightest parts reach less than this (of 255) is dark (module doc)
DARK_BELOW = 90.0


def frame_light(bgr: np.ndarray) -> float:
    """The level (0-255) the brightest parts of one BGR frame reach: its luma's 95th percentile."""
    small = bgr[::8, ::8].astype(np.float32)
    luma = small[..., 0] * 0.114 + small[..., 1] * 0.587 + small[..., 2] * 0.299
    return float(np.percentile(luma, 95))


def clip_light(samples: Sequence[tuple[int, float]]) -> float | None:
    """The clip's level: the median of its frames' (``(index, level)`` pairs), None when none were measured."""
    if not samples:
        return None
    return float(np.median([level for _, level in samples]))


def dark_warning(samples: Sequence[tuple[int, float]]) -> str | None:
    """A warning a person filming can act on when the clip is dark, else None."""
    level = clip_light(samples)
    if level is None or level >= DARK_BELOW:
        return None
    return (f"the clip is dark (its brightest parts reach {level:.0f} of 255): the pose model places the body "
            "less surely in dim light without saying so, so steps and angles may be missed or mistimed; "
            "film with a light on, or facing a window")
