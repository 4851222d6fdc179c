"""Where in a clip the person walks steadily, and from which side the camera sees it.

A home patient walks to the wall, turns and walks back; a clip starts and
ends with standing, and people enter and leave the frame. Only steady
walking goes into gait parameters. A frame counts as walking when:

- hips and feet are seen and inside the frame (not entering or leaving);
- the legs alternate: over a 1 s window the two ankles move relative to each
  other along the direction of travel by more than 8 % of the leg length
  (standard deviation; 4 % of the vertical offset in a front view, where depth
  is foreshortened), which rules out standing still;
- in a side view, the feet point along the image (heel->toe horizontal extent
  at least half the foot's usual length): while turning they point at or
  away from the camera.

A bout (below) must also take steps (:func:`takes_steps`): standing on one leg
swings the ankles apart as walking does (a single-leg stance was read as two
walking bouts, its trunk lean given).

Direction of travel (side view). With a fixed camera it is where the pelvis
goes across the frame: the hip midpoint's velocity, averaged over 1 s, when
it moves at least ``MIN_TRAVEL_LEGS_PER_S`` leg lengths a second. Only when
the pelvis stays in place (a treadmill, walking on the spot, a camera that
follows the walker) does the way the feet point decide. Each bout's
direction is then the sign of the pelvis's straight-line travel over the
bout (``direction_from`` "travel"), else the feet's median pointing
("feet"). The two are cross-checked: MediaPipe can fit a side-on body the
wrong way round (heels where the toes are), and a bout whose feet point
against its travel says so (``feet_against_travel``).

A walker does not teleport. Where the pelvis moves faster than anyone walks or
runs (over ``MAX_PELVIS_LEGS_PER_S`` leg lengths a second, and at least
``MIN_JUMP_LEGS`` leg lengths within ``JUMP_WINDOW_S``), the picture jumped: the
camera was moved, the clip was cut or looped, or the model took someone else
for the patient. No bout runs across such a jump (:func:`pelvis_jumps`).

Runs of walking frames going the same way, at least ``min_bout_s`` long,
are *bouts*. The view is decided per bout from the shoulders: seen side-on,
shoulder width is small against trunk length (ratio < 0.5: side view);
facing or turning away from the camera it is large (front view). The rule is
:mod:`movement_check.body.views`', shared with the live cues. For timing steps
(``across``), a bout the shoulders call front whose feet still cross the
picture (a camera off to one side of the walker or turned from square) is
timed as a side view and says ``at_angle``: its angles are not given
(:func:`movement_check.body.views.feet_cross_the_picture`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from movement_check.body.body_size import leg_length_in, walking_leg_lengths
from movement_check.body.framing import out_of_frame
from movement_check.body.landmarks import Landmark as L
from movement_check.body.poses import Poses
from movement_check.body.signals import derivative, moving_mean, moving_std, runs
from movement_check.body.views import FRONT, SIDE, feet_cross_the_picture, frame_views
from movement_check.body.views import shoulder_ratio as _shoulder_ratio

#: leg length (hip to ankle) as a share of body height: hip 0.530 H, ankle 0.039 H (Drillis & Contini 1966)
LEG_SHARE_OF_HEIGHT = 0.491
#: the pelvis crosses the frame at least this fast (leg lengths a second) when walking across it: a slow
#: 0.4 m/s walk with a 0.85 m leg is ~0.5; on the spot or on a treadmill it stays near 0
MIN_TRAVEL_LEGS_PER_S = 0.2


@dataclass(frozen=True)
class Bout:
    """Frames [start, stop) of steady walking, seen from one ``view``.

    ``direction``: side view, +1 = walking toward +x (to the right of the
    image), -1 = toward the left; front view, +1 = toward the camera, -1 = away.
    """

    start: int
    stop: int
    view: str
    direction: int
    start_s: float
    stop_s: float
    direction_from: str = "travel"          # travel (the pelvis crossed the frame) | feet (where they point)
    feet_against_travel: bool = False       # side view: the feet pointed against the travel
    at_angle: bool = False                  # side view timed from feet crossing the picture, shoulders apart

    @property
    def duration_s(self) -> float:
        return self.stop_s - self.start_s

    def to_dict(self) -> dict:
        return {"start_s": round(self.start_s, 3), "stop_s": round(self.stop_s, 3), "view": self.view,
                "direction": ("to the right" if self.direction > 0 else "to the left") if self.view == SIDE
                else ("toward the camera" if self.direction > 0 else "away from the camera"),
                "direction_from": self.direction_from,
                "feet_against_travel": self.feet_against_travel} | ({"seen_at_an_angle": True} if self.at_angle else {})


def in_bouts(n: int, bouts: list[Bout]) -> np.ndarray:
    """(n,) bool: the frame lies inside one of the bouts."""
    inside = np.zeros(n, dtype=bool)
    for b in bouts:
        inside[b.start:b.stop] = True
    return inside


def midpoint(poses: Poses, a: L, b: L) -> np.ndarray:
    return 0.5 * (poses.image[:, a, :2] + poses.image[:, b, :2])


#: the ankles' order along the direction of travel is known only once they are this far apart (leg lengths):
#: side-on; toward the camera the order is the ankles' height in the image, which differs by far less (the front
#: foot is nearer, so lower: about 12 % of the leg length 4 m away, 3 % at 12 m)
LEAD_MARGIN = {SIDE: 0.10, FRONT: 0.03}


def ankles_apart(landmarks: np.ndarray, view) -> np.ndarray | float:
    """Left ankle minus right ankle along the direction of travel, pixels: image x side-on, image y (depth shows
    as height, the nearer foot lower) in a front view. (33, 2+) with one view gives a float; (T, 33, 2+) with
    (T,) views gives (T,). The legs alternate when this swings (:func:`find_bouts`); its sign flips at each
    step (:func:`leading_ankle`)."""
    pts = np.asarray(landmarks, dtype=float)
    apart = pts[..., L.LEFT_ANKLE, :2] - pts[..., L.RIGHT_ANKLE, :2]
    along = np.where(np.asarray(view) == SIDE, apart[..., 0], apart[..., 1])
    return float(along) if np.ndim(along) == 0 else along


def leading_ankle(apart, leg, view) -> np.ndarray | int:
    """Which ankle leads along the direction of travel (side view) or is nearer the camera (front view):
    +1 the left (ahead in +x, or lower in the image), -1 the right, 0 not known (closer together than
    ``LEAD_MARGIN`` leg lengths, or unseen). A step (CLINICAL.md: heel strike of one foot to heel strike of
    the other) has the swinging foot pass the standing one once, so the leading ankle changes once a step;
    the margin keeps landmark jitter at the crossing from counting twice. Live step counts use it; the clips'
    steps are timed from heel strikes (:mod:`movement_check.assessments.gait.events`, Zeni et al. 2008), whose front foot at
    each strike is this leading ankle. Scalars or arrays, broadcast together."""
    margin = np.where(np.asarray(view) == SIDE, LEAD_MARGIN[SIDE], LEAD_MARGIN[FRONT]) * np.asarray(leg, float)
    a = np.asarray(apart, dtype=float)
    with np.errstate(invalid="ignore"):
        lead = np.where(np.abs(a) >= margin, np.sign(a), 0.0)
    lead = np.nan_to_num(lead).astype(int)
    return int(lead) if lead.ndim == 0 else lead


def shoulder_ratio(poses: Poses) -> np.ndarray:
    """(T,) horizontal shoulder width over trunk length: small side-on, large facing the camera
    (:func:`movement_check.body.views.shoulder_ratio`)."""
    return _shoulder_ratio(poses.image)


def pelvis_travel(poses: Poses, window: int) -> np.ndarray:
    """(T,) the hip midpoint's horizontal velocity (pixels/s), averaged over ``window`` frames; NaN where the
    pelvis is not seen (differentiated between seen neighbours only: :mod:`movement_check.body.signals`)."""
    x = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[:, 0]
    seen = np.isfinite(x)
    if seen.sum() < 3:
        return np.full(len(poses), np.nan)
    return moving_mean(derivative(x, poses.times), window)


#: faster than this (leg lengths a second; a sprint is about 5, brisk walking 2-2.5) the pelvis did not move:
#: the picture jumped
MAX_PELVIS_LEGS_PER_S = 8.0
#: ... by at least this many leg lengths, judged over this long (the low-pass filter spreads a jump over a few
#: frames; the landmarks' own jitter never adds up to this)
MIN_JUMP_LEGS = 1.0
JUMP_WINDOW_S = 0.2


def pelvis_jumps(poses: Poses, leg: float | np.ndarray) -> np.ndarray:
    """(T,) True at each frame the hip midpoint reached by moving, from where it was up to ``JUMP_WINDOW_S``
    before, at least ``MIN_JUMP_LEGS`` leg lengths faster than ``MAX_PELVIS_LEGS_PER_S``: the picture jumped
    there (a moved camera, a cut or looped clip, another person taken for the patient). Frames where the pelvis
    was not seen are never jumps; a gap of unseen frames counts with its own duration."""
    out = np.zeros(len(poses), dtype=bool)
    pelvis = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[:, :2]
    seen = np.flatnonzero(np.isfinite(pelvis).all(axis=1))
    legs = np.broadcast_to(np.asarray(leg, dtype=float), (len(poses),))[seen]
    if len(seen) < 2 or not np.isfinite(legs).any() or np.nanmax(legs) <= 0:
        return out
    t, xy = poses.times[seen], pelvis[seen]
    hit = np.zeros(len(seen), dtype=bool)
    lag = 1
    while lag < len(seen):
        dt = t[lag:] - t[:-lag]
        within = dt <= JUMP_WINDOW_S + 1e-9
        if lag > 1 and not within.any():
            break
        moved = np.linalg.norm(xy[lag:] - xy[:-lag], axis=1)
        size = np.fmax(legs[lag:], legs[:-lag])          # the larger of the two frames' sizes (NaN: the other)
        hit[lag:] |= (within | (lag == 1)) & (moved >= MIN_JUMP_LEGS * size) \
            & (moved > MAX_PELVIS_LEGS_PER_S * size * dt)
        lag += 1
    out[seen[hit]] = True
    return out


def jump_warnings(poses: Poses, bouts: list[Bout], view: str | None = None) -> list[str]:
    """Where the picture jumped (:func:`pelvis_jumps`, in the sizes :func:`find_bouts` judged ``view`` in) between the
    first walking bout's start and the last one's end: said, since the walk was split there."""
    if not bouts:
        return []
    first, last = min(b.start for b in bouts), max(b.stop for b in bouts)
    frame_view = frame_views(poses.image) if view is None else np.full(len(poses), view)
    at = [float(poses.times[a]) for a, _ in runs(pelvis_jumps(poses, walking_leg_lengths(poses, frame_view)))
          if first <= a < last]
    if not at:
        return []
    return [f"the picture jumped at {', '.join(f'{s:.1f} s' for s in at)} (the pelvis moved faster than anyone "
            "walks: a cut or looped clip, a moved camera, or someone else taken for the patient): the walk was "
            "split there, and no step or stride spans it"]


def travel_slope(poses: Poses, start: int, stop: int) -> float:
    """Pixels a second the pelvis travels along x over frames [start, stop) (straight-line fit); NaN if unseen."""
    x = midpoint(poses, L.LEFT_HIP, L.RIGHT_HIP)[start:stop, 0]
    t = poses.times[start:stop]
    ok = np.isfinite(x)
    if ok.sum() < 3 or t[ok][-1] <= t[ok][0]:
        return float("nan")
    return float(np.polyfit(t[ok], x[ok], 1)[0])


def find_bouts(poses: Poses, *, view: str | None = None, min_bout_s: float = 1.5,
               edge_margin: float = 0.01, bridge_s: float = 0.0, across: bool = False) -> list[Bout]:
    """Steady walking bouts (see the module notes). ``view`` forces "side" or "front". ``bridge_s``: a walk is
    not cut in two by an interruption this short (frames lost, or a foot seeming to point elsewhere;
    :func:`_bridge`): gait passes ``MAX_INTERRUPTION_S``, since its events need whole bouts and are never
    found where landmarks are missing; footprints are found per bout and need no bridge. ``across`` (gait's
    step timing): a bout whose shoulders say front but whose feet cross the picture counts as side-on
    (:func:`movement_check.body.views.feet_cross_the_picture`) and says ``at_angle``."""
    n = len(poses)
    if n < 3:
        return []
    times = poses.times
    fps = 1.0 / float(np.median(np.diff(times)))
    frame_view = frame_views(poses.image) if view is None else np.full(n, view)
    leg = walking_leg_lengths(poses, frame_view)
    if not np.isfinite(leg).any() or np.nanmax(leg) <= 0:
        return []
    feet = [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX, L.LEFT_HIP, L.RIGHT_HIP]
    inside = ~out_of_frame(poses.image[:, feet, :2], poses.frame_size, margin=edge_margin).any(axis=1)
    window = max(3, int(round(1.0 * fps)))
    # legs alternate along the direction of travel: x in a side view, y (depth) in a front view
    along = ankles_apart(poses.image, frame_view)
    # seen from the front, depth shows as a smaller vertical offset: a lower threshold
    alternating = moving_std(along, window) > np.where(frame_view == SIDE, 0.08, 0.04) * leg
    # which way the feet point (side view) / which way the person faces (front view)
    foot_x = 0.5 * ((poses.image[:, L.LEFT_FOOT_INDEX, 0] - poses.image[:, L.LEFT_HEEL, 0])
                    + (poses.image[:, L.RIGHT_FOOT_INDEX, 0] - poses.image[:, L.RIGHT_HEEL, 0]))
    # the foot's usual length (x extent) in leg lengths, at the size the person is at each frame
    foot_len = leg * np.nanmedian(np.abs(foot_x[inside]) / leg[inside]) if inside.any() else np.nan
    feet_dir = np.nan_to_num(np.sign(moving_mean(foot_x, window, keep_gaps=False)))
    travel = pelvis_travel(poses, window)
    moving = np.abs(np.nan_to_num(travel)) >= MIN_TRAVEL_LEGS_PER_S * leg
    side_dir = np.where(moving, np.sign(np.nan_to_num(travel)), feet_dir)
    pointing_along = np.abs(foot_x) >= 0.5 * foot_len
    facing = np.sign(poses.image[:, L.LEFT_SHOULDER, 0] - poses.image[:, L.RIGHT_SHOULDER, 0])  # + faces camera
    direction = np.where(frame_view == SIDE, side_dir, facing)
    walking = inside & alternating & np.where(frame_view == SIDE, pointing_along, True) & (direction != 0)
    if bridge_s > 0:
        walking, direction, frame_view = _bridge(walking, direction, frame_view, times, bridge_s)
    walking &= ~pelvis_jumps(poses, leg)                 # never bridged: no bout runs across a jump

    bouts: list[Bout] = []
    for start, stop in runs(walking):
        # split where the direction or the view changes
        k = start
        while k < stop:
            end = k + 1
            while end < stop and direction[end] == direction[k] and frame_view[end] == frame_view[k]:
                end += 1
            if times[end - 1] - times[k] >= min_bout_s:
                bouts += _bout(poses, k, end, frame_view, int(direction[k]), foot_x,
                               window=window if across and view is None else 0)
            k = end
    return bouts


def _bout(poses: Poses, start: int, stop: int, frame_view: np.ndarray, direction: int, foot_x: np.ndarray, *,
          window: int) -> list[Bout]:
    """Frames [start, stop) as a bout (none if it takes no steps), in its own leg lengths (a walk back along a far
    wall is smaller in the picture). ``window`` (frames; 0: never): a front view whose feet cross the picture over
    it is timed as a side view seen at an angle."""
    views, counts = np.unique(frame_view[start:stop], return_counts=True)
    bout = Bout(start=start, stop=stop, view=str(views[np.argmax(counts)]), direction=direction,
                start_s=float(poses.times[start]), stop_s=float(poses.times[stop - 1]))
    leg = leg_length_in(poses, start, stop)
    if window and bout.view == FRONT and feet_cross_the_picture(poses.image[start:stop], leg, window):
        bout = replace(bout, view=SIDE, at_angle=True)
    return [b for b in [_oriented(poses, bout, foot_x, leg)] if takes_steps(poses, b, leg)]


#: a bout's feet take turns leading at least this often (:func:`takes_steps`), unless the person travels
MIN_LEAD_CHANGES = 2
#: walking toward or away from the camera, the feet's lowest point in the picture moves this fast (leg lengths a
#: second; the synthetic walker 14 m away 0.07-0.17; a treadmill or a single-leg stance at most 0.005)
MIN_APPROACH_LEGS_PER_S = 0.03


def takes_steps(poses: Poses, bout: Bout, leg: float) -> bool:
    """Whether ``bout`` takes steps: its leading ankle (:func:`leading_ankle`) changes MIN_LEAD_CHANGES times
    (walks and treadmills 4-10 times a bout, a single-leg stance 0) along its view or as in a front view (seen
    45-60 deg off the walking line the step width keeps one ankle ahead in x: on the spot 0 changes, 7-8 as the
    lower foot), or the person travels: across the picture (a step-to limp's foot may never lead) or in depth."""
    for view in dict.fromkeys([bout.view, FRONT]):
        lead = leading_ankle(ankles_apart(poses.image[bout.start:bout.stop], view), leg, view)
        if np.count_nonzero(np.diff(lead[lead != 0])) >= MIN_LEAD_CHANGES:
            return True
    feet = poses.image[bout.start:bout.stop][:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX], 1]
    seen = np.isfinite(feet).any(axis=1)
    if bout.view == SIDE or seen.sum() < 3:
        return bout.direction_from == "travel"
    slope = np.polyfit(poses.times[bout.start:bout.stop][seen], np.nanmax(feet[seen], axis=1), 1)[0]
    return abs(float(slope)) >= MIN_APPROACH_LEGS_PER_S * leg


#: a walk is not cut in two by a pause in the evidence this short (a frame or two where the person was lost,
#: or a foot seemed to point elsewhere)
MAX_INTERRUPTION_S = 0.25


def _bridge(walking: np.ndarray, direction: np.ndarray, frame_view: np.ndarray, times: np.ndarray,
            max_s: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Walking frames with short interruptions (up to ``max_s``) between two walking frames of the same
    direction and view counted as walking too, so that a frame or two lost does not split a bout."""
    walking, direction, frame_view = walking.copy(), direction.copy(), frame_view.copy()
    for start, stop in runs(~walking):
        if start == 0 or stop == len(walking):
            continue
        a, b = start - 1, stop
        if times[b] - times[a] <= max_s + 1e-9 and direction[a] == direction[b] \
                and frame_view[a] == frame_view[b]:
            walking[start:stop] = True
            direction[start:stop] = direction[a]
            frame_view[start:stop] = frame_view[a]
    return walking, direction, frame_view


def _oriented(poses: Poses, bout: Bout, foot_x: np.ndarray, leg: float) -> Bout:
    """A side-view bout's direction from its pelvis travel (or its feet, when it did not travel), cross-checked."""
    if bout.view != SIDE:
        return replace(bout, direction_from="facing")
    slope = travel_slope(poses, bout.start, bout.stop)
    feet = float(np.nanmedian(foot_x[bout.start:bout.stop])) if np.isfinite(foot_x[bout.start:bout.stop]).any() \
        else 0.0
    if np.isfinite(slope) and abs(slope) >= MIN_TRAVEL_LEGS_PER_S * leg:
        direction = 1 if slope > 0 else -1
        return replace(bout, direction=direction, direction_from="travel",
                       feet_against_travel=bool(feet != 0 and np.sign(feet) != direction))
    return replace(bout, direction=1 if feet > 0 else -1 if feet < 0 else bout.direction, direction_from="feet")
