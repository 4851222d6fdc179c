"""The foot's line on the floor, for every footprint at once, and the heel lift it is taken with (pure functions).

The line that best fits each footprint's seen heel->toe line, each part weighted by how well the camera saw it,
with its length held near the body's (:mod:`movement_check.assessments.foot_rotation.footprints`, "The foot's
line", gives the reasons and the figures). Per footprint the best length for a direction has a closed form; the
direction is searched on a grid within 90 deg of the seen line, then finer (:func:`least`).

All footprints go through the same NumPy calls together: one at a time, with SciPy's bounded minimum search,
fitting the foot lines took about 0.5 s (profiled) of a minute's walk seen from the front: 15 passes over its 110
footprints for the stated uncertainty, about 0.3 ms a footprint, most of it the calls' overheads.
"""

from __future__ import annotations

import numpy as np

from movement_check.assessments.foot_rotation.floor import FloorCamera
from movement_check.assessments.foot_rotation.footprints import Footprint, FootprintSettings

#: :func:`least` refines between the best grid point's neighbours on a grid this much finer, then through a parabola
#: (a cost with kinks, as the heel lift's sum of absolute misfits, needs the fine grid itself)
REFINE = 100


def least(cost, base: np.ndarray, offsets: np.ndarray, refine: int = REFINE) -> np.ndarray:
    """(F,): per row, where ``cost`` is least among ``base`` (F,) + ``offsets`` (n, evenly spaced), and between.

    ``cost(centre, deltas)`` gives the (F, m) costs at ``centre`` (F,) + ``deltas`` (m,) (shared steps, so that a
    cost can work out what depends on the step once: the foot line's cosines). The best point of the row, then a
    grid ``refine`` times finer out to its neighbours (not past the offsets' ends), then the vertex of the parabola
    through the best of those and its two neighbours (the grid point itself where that is an end or the costs do
    not curve up): to about 1e-4 of the first grid's step for a smooth cost."""
    base, offsets = np.asarray(base, dtype=float), np.asarray(offsets, dtype=float)
    rows = np.arange(base.size)
    k = np.argmin(cost(base, offsets), axis=1)
    step = offsets[1] - offsets[0]
    deltas = step * np.linspace(-1.0, 1.0, 2 * refine + 1)
    values = cost(base + offsets[k], deltas)
    # not past the first grid's ends (its first and last points have a neighbour on one side only)
    outside = (offsets[k][:, None] + deltas[None] < offsets[0] - 1e-12 * abs(step)) | \
              (offsets[k][:, None] + deltas[None] > offsets[-1] + 1e-12 * abs(step))
    values = np.where(outside, np.inf, values)
    best_j = np.argmin(values, axis=1)
    # a row costing inf at every point inside: the first grid's best point (argmin would give a masked one)
    best_j = np.where(outside[rows, best_j], refine, best_j)
    j = np.clip(best_j, 1, deltas.size - 2)
    y0, y1, y2 = (values[rows, j + d] for d in (-1, 0, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        curve = y0 - 2.0 * y1 + y2                    # inf - inf: NaN, no parabola
        shift = np.where((curve > 0) & np.isfinite(curve), 0.5 * (y0 - y2) / curve, 0.0)
    fine_step = deltas[1] - deltas[0]
    vertex = deltas[j] + np.clip(shift, -1.0, 1.0) * fine_step
    # the best fine point itself where it lies at an end (of the fine grid, or of the first one)
    at_end = (best_j == 0) | (best_j == deltas.size - 1) | outside[rows, j - 1] | outside[rows, j + 1]
    return base + offsets[k] + np.where(at_end, deltas[best_j], vertex)


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

    def fit(centre: np.ndarray, deltas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Directions ``centre`` (F,) + ``deltas`` (m,) -> the best length for each (closed form) and its cost,
        (F, m). The cosines by the sum of angles: NumPy's cosine of every direction took half the time."""
        c, s, dc, ds = np.cos(centre)[:, None], np.sin(centre)[:, None], np.cos(deltas)[None], np.sin(deltas)[None]
        ux, uy = c * dc - s * ds, s * dc + c * ds
        wux, wuy = ux * w00 + uy * w10, ux * w01 + uy * w11              # u' W
        best = (wux * sx + wuy * sy + prior * foot_length) / (wux * ux + wuy * uy + prior)
        mx, my = sx - best * ux, sy - best * uy
        cost = mx * (w00 * mx + w01 * my) + my * (w10 * mx + w11 * my)   # miss' W miss
        return best, cost + prior * (best - foot_length) ** 2

    start = np.arctan2(seen[:, 1], seen[:, 0])
    # the foot points within 90 deg of the seen heel->toe line (the toe is seen nearer or farther than the heel)
    # every 2 deg, then 0.1 deg: the cost is smooth in the direction, and a parabola through points 0.1 deg apart
    # finds its least to ~1e-4 deg
    direction = least(lambda centre, deltas: fit(centre, deltas)[1], start, np.radians(np.linspace(-89.0, 89.0, 90)),
                      refine=20)
    length = fit(direction, np.zeros(1))[0][:, 0]
    return length[:, None] * np.stack([np.cos(direction), np.sin(direction)], axis=-1)


def heel_lift(prints: list[Footprint], foot_length: float) -> float:
    """How much higher MediaPipe put the heel than the toe (camera heights; :mod:`.footprints` notes), the one value for
    the clip that makes the footprints' heel->toe lengths best match ``foot_length`` (least absolute
    deviations). A heel seen ``lift`` above the floor lands 1 / (1 - lift) as far away, so its floor
    position is scaled back by (1 - lift). A lift may not take the heel up to the toe (the foot would turn
    round: a second, false fit) nor move it back by more than 1.5 feet."""
    if not prints or not np.isfinite(foot_length) or foot_length <= 0:
        return 0.0
    heels = np.array([p.heel for p in prints])
    toes = np.array([p.toe for p in prints])
    distance = float(np.median(np.linalg.norm(heels, axis=1)))
    seen = float(np.median(np.linalg.norm(toes - heels, axis=1)))
    lo, hi = -1.5 * foot_length / distance, 0.8 * seen / distance

    # |toe - heel (1 - lift)|^2 = |toe - heel|^2 + 2 lift heel.(toe - heel) + lift^2 |heel|^2, per footprint
    gap = toes - heels
    a, b, c = (gap * gap).sum(axis=1), 2.0 * (heels * gap).sum(axis=1), (heels * heels).sum(axis=1)

    def misfit(lifts: np.ndarray) -> np.ndarray:
        lift = lifts[:, None]
        lengths = np.sqrt(np.maximum(a + lift * (b + lift * c), 0.0))
        return np.abs(lengths - foot_length).sum(axis=1)

    grid = np.linspace(lo, hi, 41)
    found = float(least(lambda centre, deltas: misfit(centre[0] + deltas)[None], np.zeros(1), grid)[0])
    # the misfit's kinks (a footprint's length equal to foot_length: roots of the quadratic) near it: the least of a
    # sum of absolute values mostly lies on one, which the parabola only comes near (the least lies within a fine
    # step of the best fine point, the vertex within a step of that)
    near = 2.0 * (grid[1] - grid[0]) / REFINE
    with np.errstate(invalid="ignore", divide="ignore"):
        root = np.sqrt(b * b - 4.0 * c * (a - foot_length ** 2))
        kinks = np.concatenate([(-b - root) / (2.0 * c), (-b + root) / (2.0 * c)])
    kinks = kinks[np.isfinite(kinks) & (np.abs(kinks - found) <= near) & (kinks >= lo) & (kinks <= hi)]
    candidates = np.concatenate([[found], kinks])
    return float(candidates[int(np.argmin(misfit(candidates)))])


def foot_axes(prints: list[Footprint], camera: FloorCamera, foot_length: float, lift: float = 0.0,
              settings: FootprintSettings = FootprintSettings()) -> list[np.ndarray]:
    """Each footprint's heel->toe line on the floor (module notes): the heel taken down by ``lift``
    (:func:`heel_lift`), then the line (direction and length) that best fits the seen heel->toe line, each
    part weighted by how well the camera saw it, with its length held near ``foot_length`` (give or take
    ``length_sd_share``; :func:`foot_lines`). The seen lines when the foot length is unknown."""
    if not prints:
        return []
    heels, toes = np.array([p.heel for p in prints], dtype=float), np.array([p.toe for p in prints], dtype=float)
    jacobians = camera.jacobian(0.5 * (heels + toes))
    lines = foot_lines(toes - heels * (1.0 - lift), jacobians, foot_length, noise_px=settings.landmark_noise_px,
                       length_sd_share=settings.length_sd_share)
    return list(lines)


def foot_axis(p: Footprint, camera: FloorCamera, foot_length: float, lift: float = 0.0,
              settings: FootprintSettings = FootprintSettings()) -> np.ndarray:
    """One footprint's line (:func:`foot_axes`)."""
    return foot_axes([p], camera, foot_length, lift, settings)[0]
