"""The foot's line on the floor, for every footprint at once (pure functions).

The line that best fits each footprint's seen heel->toe line, each part weighted by how well the camera saw it,
with its length held near the body's (:mod:`movement_check.assessments.foot_rotation.footprints`, "The foot's
line", gives the reasons and the figures). Per footprint the best length for a direction has a closed form; the
direction is searched on a grid within 90 deg of the seen line, then finer (:func:`least`).

All footprints go through the same NumPy calls together: one at a time, with SciPy's bounded minimum search,
fitting the foot lines took about 0.5 s (profiled) of a minute's walk seen from the side: 15 passes over its 115
footprints for the stated uncertainty, about 0.3 ms a footprint, most of it the calls' overheads.
"""

from __future__ import annotations

import numpy as np

#: :func:`least` refines between the best grid point's neighbours on a grid this much finer, then through a parabola
REFINE = 100


def least(cost, grid: np.ndarray) -> np.ndarray:
    """(F,): per row of ``grid`` (F, n), where ``cost`` is least. ``cost`` maps (F, m) arguments to (F, m) costs.

    The best point of the row, then a grid ``REFINE`` times finer between its neighbours, then the vertex of the
    parabola through the best of those and its two neighbours (the grid point itself where that is an end or the
    costs do not curve up): to about 1e-4 of the first grid's step for a smooth cost."""
    grid = np.atleast_2d(np.asarray(grid, dtype=float))
    rows = np.arange(grid.shape[0])
    k = np.argmin(cost(grid), axis=1)
    lo = grid[rows, np.maximum(k - 1, 0)]
    hi = grid[rows, np.minimum(k + 1, grid.shape[1] - 1)]
    fine = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, 2 * REFINE + 1)[None]
    values = cost(fine)
    j = np.clip(np.argmin(values, axis=1), 1, fine.shape[1] - 2)
    y0, y1, y2 = (values[rows, j + d] for d in (-1, 0, 1))
    curve = y0 - 2.0 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.where(curve > 0, 0.5 * (y0 - y2) / curve, 0.0)
    best = fine[rows, j] + np.clip(shift, -1.0, 1.0) * (fine[:, 1] - fine[:, 0])
    # at an end of the fine grid the end itself (the parabola's vertex lies outside)
    at_end = np.argmin(values, axis=1)
    return np.where((at_end == 0) | (at_end == fine.shape[1] - 1), fine[rows, at_end], best)


def foot_lines(seen: np.ndarray, jacobians: np.ndarray, foot_length: float, *, noise_px: float,
               length_sd_share: float) -> np.ndarray:
    """(F, 2) each foot's heel->toe line on the floor.

    ``seen``: (F, 2) the seen heel->toe lines (floor); ``jacobians``: (F, 2, 2) floor displacement per pixel at
    each footprint (:meth:`FloorCamera.jacobian`); a heel and a toe each placed within ``noise_px`` pixels, the
    line's length held near ``foot_length`` give or take ``length_sd_share`` of it. The seen lines themselves when
    the foot length is unknown."""
    seen = np.asarray(seen, dtype=float).reshape(-1, 2)
    if not np.isfinite(foot_length) or foot_length <= 0 or not len(seen):
        return seen
    prior = 1.0 / (length_sd_share * foot_length) ** 2
    weight = np.linalg.inv(2.0 * noise_px ** 2 * jacobians @ np.swapaxes(jacobians, 1, 2))       # (F, 2, 2)

    # the weight's entries per footprint, as (F, 1) columns: 2 x 2 products written out (NumPy's general
    # products over a few million tiny matrices were most of the time)
    w00, w01, w10, w11 = (weight[:, i, j][:, None] for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
    sx, sy = seen[:, :1], seen[:, 1:]

    def fit(angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(F, m) directions -> the best length for each (closed form) and its cost."""
        ux, uy = np.cos(angles), np.sin(angles)
        wux, wuy = ux * w00 + uy * w10, ux * w01 + uy * w11              # u' W
        best = (wux * sx + wuy * sy + prior * foot_length) / (wux * ux + wuy * uy + prior)
        mx, my = sx - best * ux, sy - best * uy
        cost = mx * (w00 * mx + w01 * my) + my * (w10 * mx + w11 * my)   # miss' W miss
        return best, cost + prior * (best - foot_length) ** 2

    start = np.arctan2(seen[:, 1], seen[:, 0])
    # the foot points within 90 deg of the seen heel->toe line (the toe is seen nearer or farther than the heel)
    direction = least(lambda angles: fit(angles)[1], start[:, None] + np.radians(np.linspace(-89.0, 89.0, 179))[None])
    length = fit(direction[:, None])[0][:, 0]
    return length[:, None] * np.stack([np.cos(direction), np.sin(direction)], axis=-1)
