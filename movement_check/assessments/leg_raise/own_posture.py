"""A leg raise is measured in the posture of its test: the parts of a clip held in other postures are left
out, and a clip never in that posture is refused with the reason (standing during the lying straight-leg
raise: nothing is measured, so nothing goes to the trends)."""

from __future__ import annotations

import numpy as np

from movement_check.body.poses import Poses
from movement_check.body.posture import SITTING, STANDING, SUPINE, find_view, posture_parts
from movement_check.body.views import FRONT

#: the test each posture is done in, for the refusal's words
_DONE = {STANDING: "the standing leg raise is done standing", SUPINE: "the straight-leg raise is done lying on the back"}
_WAS = {STANDING: "standing", SUPINE: "lying down", SITTING: "sitting"}


def in_posture(poses: Poses, wanted: str | None) -> tuple[Poses | None, str, str | None]:
    """The clip's frames in the posture of the test (``wanted``, else the one held longest of standing and
    lying), the others blanked; the posture; and a note on what was left out, or the refusal's reason with
    None for poses when the patient was never in that posture (:func:`movement_check.body.posture.posture_parts`).

    A clip may hold standing, lying and sitting parts; each raise is measured in its own posture, and a raise
    made in another posture than the test's is not counted as one of its raises.
    """
    parts = posture_parts(poses)
    held = {p: sum(poses.times[b - 1] - poses.times[a] for a, b, q in parts if q == p) for p in _WAS}
    if wanted is None:
        wanted = max((STANDING, SUPINE), key=lambda p: held[p])
        if held[wanted] == 0:
            longest = max(held, key=held.get)
            if held[longest] > 0:
                return None, wanted, (f"the patient was {_WAS[longest]}: leg raises are done standing or lying on "
                                      "the back")
            return poses, wanted, None          # too short to tell: read the trunk's median tilt as before
    if held[wanted] == 0:
        longest = max(held, key=held.get)
        if held[longest] == 0:
            return poses, wanted, None
        if wanted == SUPINE and longest == STANDING and find_view(poses) == FRONT:
            # filmed from the feet or the head, a lying trunk looks upright: nothing to tell them apart by
            return poses, wanted, None
        return None, wanted, f"the patient was {_WAS[longest]}: {_DONE[wanted]}"
    keep = np.zeros(len(poses), dtype=bool)
    for a, b, q in parts:
        keep[a:b] |= q == wanted
    others = {q: round(t, 1) for q, t in held.items() if q != wanted and t > 0}
    note = ("; ".join(f"{t:g} s {_WAS[q]}" for q, t in others.items()) + f" left out: only raises made "
            f"{_WAS[wanted]} are counted") if others else None
    if keep.all():
        return poses, wanted, note
    blank = ~keep
    image, world, vis = poses.image.copy(), poses.world.copy(), poses.visibility.copy()
    image[blank], world[blank], vis[blank] = np.nan, np.nan, np.nan
    return poses.with_arrays(image=image, world=world, visibility=vis), wanted, note
