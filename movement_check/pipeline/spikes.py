"""Landmarks thrown away from the body for a few frames: found, and made unseen.

MediaPipe now and then places a leg where no leg can be for one to three
frames (a real home walk: the far leg pointing up to the ceiling for three
frames, the knee above the hip for one), with high visibility, and then puts
it back. Such a frame is not noise that a low-pass filter evens out: filtered,
it bends the foot's path for a quarter of a second on each side and makes a
false heel strike or hides a true one.

A landmark is a spike in a frame when it lies more than ``max_jump`` leg
lengths from the median of its own positions within ``window_s`` on either
side, taken over the frame and symmetric pairs of neighbours (a Hampel
filter: Pearson et al. 2016, "Generalized Hampel filters", EURASIP J Adv
Signal Process 2016:87, with a body-scaled threshold instead of the median
absolute deviation, which is near zero while a foot stands still). The
median follows real movement, however fast, that goes one way over the
window; only a jump out and back stands off it. Symmetric pairs keep it on a
moving foot beside a gap or at the edge of what was seen, and the window is
limited in time, so frames the camera did not deliver never widen it. A leg
thrown off (its knee and foot) takes the whole lower body's landmarks of that
frame with it; a foot alone only its own. Leg length is the clip's median
thigh plus shank (hip to knee to ankle), which a squat seen from the side does
not shorten. A spike becomes NaN: it is filled like any other short gap, or
left unseen. (Tried: moving each neighbour back along the landmark's median
step per frame before taking the median. At 12-15 fps it flagged more real
swings, and the labelled walks' cadence at those rates got worse.)
"""

from __future__ import annotations


import numpy as np
from scipy.ndimage import label

from movement_check.body.landmarks import LEFT_LEG, RIGHT_LEG, Landmark as L
from movement_check.body.signals import nanmedian_across, slow_window_stat

#: the window: +-0.15 s (+-4 frames at 24 fps, +-5 at 30, +-3 at 15, +-2 at 12); a spike of up to 3 frames is
#: out-voted from 15 fps up, of 1-2 frames below
WINDOW_S = 0.15
#: the glitches seen jump 0.75-1.5 leg lengths; a foot decelerating to heel strike is within ~0.2 of the
#: window's median 0.1 s before it. Leg length: thigh plus shank, whatever the posture
MAX_JUMP_LEGS = 0.4
#: the landmarks looked at: hips, knees, ankles, heels and toes of both legs
LEGS = tuple(int(i) for i in LEFT_LEG + RIGHT_LEG)
#: the parts of the legs: a foot's ankle, heel and toe move together, so a foot thrown off is one part
PARTS = tuple(tuple(int(j) for j in part) for leg in (LEFT_LEG, RIGHT_LEG)
              for part in ((leg[0],), (leg[1],), tuple(leg[2:])))
#: this many parts thrown off in one frame (a leg's knee and foot, both feet, a hip and more) is a failed fit of
#: the whole lower body: all its landmarks are left out there; one foot alone loses only its own
WHOLE_LEGS_AT = 2


def leg_length(image: np.ndarray) -> float:
    """The clip's median thigh plus shank length in the image (pixels, hip to knee to ankle), over both legs;
    NaN when never seen. Unlike the hip-to-ankle distance it does not shrink when the knee bends (a squat)."""
    lengths = []
    for hip, knee, ankle in ((L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE)):
        lengths.append(np.linalg.norm(image[:, hip, :2] - image[:, knee, :2], axis=1)
                       + np.linalg.norm(image[:, knee, :2] - image[:, ankle, :2], axis=1))
    both = np.concatenate(lengths)
    both = both[np.isfinite(both)]
    return float(np.median(both)) if both.size else float("nan")


def find_spikes(image: np.ndarray, times: np.ndarray, /, *, landmarks: tuple[int, ...] = LEGS,
                window_s: float = WINDOW_S, max_jump_legs: float = MAX_JUMP_LEGS) -> np.ndarray:
    """(T, 33) bool: where each of ``landmarks`` stands off the median of its positions within ``window_s``
    by more than ``max_jump_legs`` leg lengths.

    The median is taken over the frame and symmetric pairs of neighbours only (``k`` frames before *and*
    ``k`` after, both seen and both within ``window_s`` in time), so that it sits on a foot moving steadily
    beside a gap, at the edge of what was seen, or around frames the camera did not deliver; a frame with
    no such pair is not judged.
    """
    n = len(times)
    out = np.zeros(image.shape[:2], dtype=bool)
    scale = leg_length(image)
    if n < 3 or not np.isfinite(scale) or scale <= 0:
        return out
    times = np.asarray(times, dtype=float)
    dt = float(np.median(np.diff(times)))
    half = max(1, int(np.ceil(window_s / dt - 1e-9)))
    cols = list(landmarks)
    xy = image[:, cols, :2]
    padded = np.full((n + 2 * half,) + xy.shape[1:], np.nan)
    padded[half:half + n] = xy
    padded_t = np.full(n + 2 * half, np.nan)
    padded_t[half:half + n] = times
    stack = np.stack([padded[k:k + n] for k in range(2 * half + 1)])    # (W, T, K, 2), offsets -half..half
    reach = half * dt + 0.5 * dt           # +-half frames at the usual rate, with half a frame of jitter
    near = np.stack([np.abs(padded_t[k:k + n] - times) <= reach for k in range(2 * half + 1)])
    seen = np.isfinite(stack[..., 0]) & near[:, :, None]                # (W, T, K)
    pairs = np.zeros(seen.shape[1:], dtype=bool)
    for k in range(1, half + 1):
        pair = seen[half - k] & seen[half + k]
        stack[half - k][~pair] = np.nan
        stack[half + k][~pair] = np.nan
        pairs |= pair
    centre = nanmedian_across(stack)         # a window with nothing seen: NaN, not judged anyway
    off = np.linalg.norm(xy - centre, axis=-1)
    out[:, cols] = pairs & (off > max_jump_legs * scale)
    thrown_parts = sum(out[:, list(part)].any(axis=1).astype(int) for part in PARTS)
    out[np.ix_(thrown_parts >= WHOLE_LEGS_AT, cols)] = True
    return out | off_the_shank(image, times)


#: a foot is off its leg where its ankle lies further from its knee than this many times the shank's usual length
#: in the picture. The shank is rigid: seen from the side it keeps its length (the labelled real walks: at most
#: 1.31 times their median); looked down on, it is shortened alike all along. Near a front camera the foot stepping
#: toward it is nearer than its knee and looks longer: the synthetic walker coming to 1.5-3 m of a camera 0.5-1.5 m
#: high, up to 1.65 times (1.5 flagged 4 frames of a walk from 9 to 3 m)
MAX_SHANK = 2.0
#: ... and the whole stretch around it where it is over this many (the real walks stay under 1.31)
SHANK_STRETCH = 1.35
#: the usual shank: the longer of the two legs' medians over this long around the frame (a walker further away is
#: smaller; a leg raised toward a front camera is foreshortened for seconds, the other leg is not)
SHANK_WINDOW_S = 2.0


def off_the_shank(image: np.ndarray, times: np.ndarray, /) -> np.ndarray:
    """(T, 33) bool: each foot (ankle, heel, toe) where its ankle is over ``MAX_SHANK`` usual shanks from its knee.

    The pose model now and then holds a foot where it was, or puts it ahead, for a third of a second or more while
    the knee goes on (a run longer than :func:`find_spikes`' window, which it does not out-vote): a foot a leg
    length off its knee is a foot the leg cannot have. Held over 30 % of a walk in such runs (the synthetic
    walker, 72 cases: 4 walks, 3 seeds, 0.5-1.5 leg lengths ahead, either foot) it made false and missed heel
    strikes: 35 cadences more than 3 % off (9 with 10 % held); with these feet left out, 9 (2), the rest given
    within 3 % or withheld."""
    out = np.zeros(image.shape[:2], dtype=bool)
    n = len(times)
    if n < 3:
        return out
    shanks = np.stack([np.linalg.norm(image[:, knee, :2] - image[:, ankle, :2], axis=1)
                       for knee, ankle in ((L.LEFT_KNEE, L.LEFT_ANKLE), (L.RIGHT_KNEE, L.RIGHT_ANKLE))], axis=1)
    if not np.isfinite(shanks).any():
        return out
    dt = float(np.median(np.diff(np.asarray(times, dtype=float))))
    half = max(1, int(round(SHANK_WINDOW_S / 2 / dt)))
    # each window's median shank per leg, the longer of the two; a stretch with no shank seen gives NaN (nothing
    # judged there) without NumPy's all-NaN warning, so no warnings filter is changed (those are process-wide: the
    # app cleans in several threads at once)
    usual = slow_window_stat(shanks, half, lambda w: np.fmax.reduce(nanmedian_across(np.moveaxis(w, 2, 0)), axis=1),
                             pad="nan")
    if not np.isfinite(usual).any():
        return out
    for column, leg in enumerate((LEFT_LEG, RIGHT_LEG)):
        ratio = shanks[:, column] / usual
        # the whole stretch the foot stays off (past SHANK_STRETCH), where it once went past MAX_SHANK: a foot
        # left out only where furthest off leaves its nearer frames to make the false steps
        stretches, _ = label(ratio > SHANK_STRETCH)
        off = np.isin(stretches, np.unique(stretches[ratio > MAX_SHANK]))
        out[np.ix_(off, [int(j) for j in leg[2:]])] = True
    return out


def remove_spikes(image: np.ndarray, world: np.ndarray, visibility: np.ndarray, spikes: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Copies of the arrays with each spike made unseen (NaN)."""
    image, world, visibility = image.copy(), world.copy(), visibility.copy()
    image[spikes] = np.nan
    world[spikes] = np.nan
    visibility[spikes] = np.nan
    return image, world, visibility

