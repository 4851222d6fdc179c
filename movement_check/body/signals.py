"""NaN-aware smoothing and derivatives: computed over seen samples only.

Axis 0 is time; NaN means not seen. A missing sample is never read as 0: a
one-frame gap in a still foot, turned into 0 before smoothing, made a false
velocity of about +-27 (pixels a second) on the frames beside it. Here

- a moving mean or standard deviation averages the *seen* samples of each
  centred window, and is NaN where none of it was seen (or where the sample
  itself was not, with ``keep_gaps``);
- a derivative uses a sample's seen neighbours only: the central difference
  where both are seen, a one-sided difference where one is, NaN where neither
  (never across a gap, never from a filled value);
- a slow statistic over a long window (a running median of a body's size) is
  worked out every tenth of the window and drawn straight between.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, filtfilt


def moving_mean(x: np.ndarray, n: int, /, *, keep_gaps: bool = True, min_share: float = 0.0) -> np.ndarray:
    """Centred moving mean over ``n`` samples of the seen values (axis 0 is time).

    ``keep_gaps``: an unseen sample stays NaN (else it gets its window's mean). ``min_share``: NaN where less
    than this share of the window was seen.
    """
    x = np.asarray(x, dtype=float)
    if n <= 1:
        return x.copy()
    ok = np.isfinite(x)
    count = uniform_filter1d(ok.astype(float), n, axis=0, mode="nearest")
    total = uniform_filter1d(np.where(ok, x, 0.0), n, axis=0, mode="nearest")
    out = np.where((count > 0) & (count >= min_share), total / np.maximum(count, 1e-12), np.nan)
    return np.where(ok, out, np.nan) if keep_gaps else out


def moving_std(x: np.ndarray, n: int, /, *, min_share: float = 0.6) -> np.ndarray:
    """Centred moving standard deviation over ``n`` samples of the seen values; NaN where less than
    ``min_share`` of the window was seen."""
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    count = uniform_filter1d(ok.astype(float), n, axis=0, mode="nearest")
    mean = uniform_filter1d(np.where(ok, x, 0.0), n, axis=0, mode="nearest") / np.maximum(count, 1e-12)
    square = uniform_filter1d(np.where(ok, x * x, 0.0), n, axis=0, mode="nearest") / np.maximum(count, 1e-12)
    out = np.sqrt(np.clip(square - mean * mean, 0, None))
    return np.where(count > min_share, out, np.nan)


def derivative(x: np.ndarray, times: np.ndarray, /, *, one_sided: bool = True) -> np.ndarray:
    """d x / d t from seen neighbours only (axis 0 is time; see the module notes). ``one_sided=False``: NaN
    beside a gap too (where one neighbour is missing), for a caller that would rather not know than know
    with twice the noise."""
    x = np.asarray(x, dtype=float)
    t = np.asarray(times, dtype=float).reshape((-1,) + (1,) * (x.ndim - 1))
    out = np.full(x.shape, np.nan)
    if x.shape[0] < 2:
        return out
    ok = np.isfinite(x)
    prev_ok, next_ok = np.zeros_like(ok), np.zeros_like(ok)
    prev_ok[1:], next_ok[:-1] = ok[:-1], ok[1:]
    back = np.full(x.shape, np.nan)
    fwd = np.full(x.shape, np.nan)
    back[1:] = (x[1:] - x[:-1]) / (t[1:] - t[:-1])
    fwd[:-1] = (x[1:] - x[:-1]) / (t[1:] - t[:-1])
    central = np.full(x.shape, np.nan)
    central[1:-1] = (x[2:] - x[:-2]) / (t[2:] - t[:-2])
    both = ok & prev_ok & next_ok
    out[both] = central[both]
    if one_sided:
        only_back = ok & prev_ok & ~next_ok
        out[only_back] = back[only_back]
        only_fwd = ok & ~prev_ok & next_ok
        out[only_fwd] = fwd[only_fwd]
    return out


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D bool array (stop exclusive)."""
    if not mask.any():
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))


def lowpass(values: np.ndarray, times: np.ndarray, /, *, cutoff_hz: float = 6.0, order: int = 2) -> np.ndarray:
    """Zero-lag Butterworth low-pass of each series, stretch by stretch.

    Each run of frames where a series is seen is filtered on its own, so the
    filter never crosses a gap. Runs of fewer than 4 frames are left as they
    are. Raises ``ValueError`` if the cut-off is not below the Nyquist
    frequency of the clip's median frame rate.
    """
    values = np.asarray(values, dtype=float)
    times = np.asarray(times, dtype=float)
    flat = values.reshape(values.shape[0], -1).copy()
    if len(times) < 4:
        return flat.reshape(values.shape)
    dt = float(np.median(np.diff(times)))
    fs = 1.0 / dt
    if cutoff_hz >= 0.5 * fs:
        raise ValueError(f"cut-off {cutoff_hz} Hz is not below the Nyquist frequency {0.5 * fs:.2f} Hz")
    b, a = butter(order, cutoff_hz / (0.5 * fs))
    seen = np.isfinite(flat)
    patterns: dict[bytes, list[int]] = {}
    for col in np.flatnonzero(seen.any(axis=0)):
        patterns.setdefault(np.packbits(seen[:, col]).tobytes(), []).append(int(col))
    for cols in patterns.values():
        for start, stop in runs(seen[:, cols[0]]):
            n = stop - start
            if n < 4:
                continue
            seg_t = times[start:stop]
            seg = flat[start:stop, cols]
            steps = np.diff(seg_t)
            padlen = min(3 * max(len(a), len(b)), n - 1)
            if np.max(np.abs(steps - dt)) > 0.05 * dt:
                grid = seg_t[0] + dt * np.arange(int(np.floor((seg_t[-1] - seg_t[0]) / dt)) + 1)
                if grid.size < 4:
                    continue
                even = np.column_stack([np.interp(grid, seg_t, seg[:, k]) for k in range(seg.shape[1])])
                smooth = filtfilt(b, a, even, axis=0, padlen=min(padlen, grid.size - 1))
                flat[start:stop, cols] = np.column_stack(
                    [np.interp(seg_t, grid, smooth[:, k]) for k in range(seg.shape[1])])
            else:
                flat[start:stop, cols] = filtfilt(b, a, seg, axis=0, padlen=padlen)
    return flat.reshape(values.shape)


def slow_window_stat(values: np.ndarray, half: int, reduce, /, *, pad: str = "edge") -> np.ndarray:
    """(T,) ``reduce`` over the ``2 * half + 1`` samples around each of ``values``' (T, k) rows, for a statistic that
    changes slowly (a body's size in the picture): worked out every tenth of the window and drawn straight between
    (10x less work). ``reduce`` takes the windows (m, k, 2 * half + 1) and gives (m,); ``pad``: past the ends, the
    end values repeated (``"edge"``) or unseen (``"nan"``). NaN at every frame where no window gave a value."""
    n = len(values)
    if pad == "edge":
        padded = np.pad(values, ((half, half), (0, 0)), mode="edge")
    else:
        padded = np.full((n + 2 * half, values.shape[1]), np.nan)
        padded[half:half + n] = values
    at = np.unique(np.r_[np.arange(0, n, max(1, half // 5)), n - 1])
    sampled = np.asarray(reduce(sliding_window_view(padded, 2 * half + 1, axis=0)[at]), dtype=float)
    known = np.isfinite(sampled)
    if not known.any():
        return np.full(n, np.nan)
    return np.interp(np.arange(n), at[known], sampled[known])


def nanmedian_across(stack: np.ndarray, /) -> np.ndarray:
    """The median of ``stack`` over its first axis, NaN left out (NaN where all are): ``np.nanmedian(stack,
    axis=0)`` for a short first axis (a few frames around each), which NumPy works out through masked arrays,
    ten times slower. Sorting puts NaN last; the median is the middle of the seen values (the mean of the two
    middle ones for an even count, as NumPy's); an infinite value counts, as in NumPy's."""
    ordered = np.sort(stack, axis=0)
    seen = (~np.isnan(ordered)).sum(axis=0)
    low = np.take_along_axis(ordered, np.maximum(seen - 1, 0)[None] // 2, axis=0)[0]
    high = np.take_along_axis(ordered, (seen // 2)[None], axis=0)[0]
    middle = np.where(seen % 2 == 1, low, (low + high) / 2)
    return np.where(seen > 0, middle, np.nan)
