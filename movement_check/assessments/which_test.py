"""Which test a clip shows, when the user lets the tool decide.

In the order a back-pain visit runs them: steady walking with at least three
heel strikes (:func:`movement_check.assessments.gait.strides.analyse`) is a
gait test; otherwise one or more leg raises (a knee or a straight leg lifted
and lowered, :func:`movement_check.assessments.leg_raise.assess.analyse`) is a
single-leg raise; otherwise a person standing is a foot-rotation check. The
reason is given with the choice, so the user can overrule it.
"""

from __future__ import annotations

from typing import NamedTuple

from movement_check.assessments.gait.strides import MIN_BOUT_S, GaitAnalysis
from movement_check.assessments.gait.strides import analyse as find_walking
from movement_check.assessments.leg_raise.assess import LegRaiseAnalysis, LegRaiseSettings
from movement_check.assessments.leg_raise.assess import analyse as find_raises
from movement_check.assessments.leg_raise.parts import held
from movement_check.assessments.leg_raise.own_posture import in_posture
from movement_check.errors import InputError
from movement_check.body.poses import Poses

MIN_HEEL_STRIKES = 3      # two steps: a single step out of a standing pose (tree pose, a lunge) is not a walk


class Detection(NamedTuple):
    """The test a clip shows, why, and the walking analysis made to tell (handed on to the gait test)."""

    test: str
    why: str
    walk: GaitAnalysis


def detect_test(poses: Poses) -> tuple[str, str]:
    """(test, why) for the subject's cleaned trajectories; InputError when none of the tests is seen."""
    test, why, _ = detect(poses)
    return test, why


def detect(poses: Poses, *, walk: GaitAnalysis | None = None) -> Detection:
    """:func:`detect_test` with the walking analysis it made; ``walk``: the clip's walking already found with
    the default view and shortest bout (e.g. for the gait result), not found again."""
    if walk is None or walk.asked != (None, MIN_BOUT_S):
        walk = find_walking(poses)
    strikes = sum(len(per_side[side]["heel_strike"]) for per_side in walk.found.values() for side in per_side)
    if walk.bouts and strikes >= MIN_HEEL_STRIKES:
        seconds = sum(b.duration_s for b in walk.bouts)
        return Detection("gait", f"{strikes} steps in {len(walk.bouts)} bout(s) of steady walking ({seconds:.1f} s)",
                         walk)
    raises = _raises(poses)
    if raises is not None and raises.repetitions:
        sides = sorted({r.side for r in raises.repetitions})
        return Detection("leg-raise", f"{len(raises.repetitions)} leg raise(s), {' and '.join(sides)}, "
                         f"{'lying down' if raises.posture == 'supine' else 'standing'}", walk)
    if raises is not None and raises.posture != "supine":
        return Detection("foot-rotation", "standing, no walking and no leg raise", walk)
    raise InputError("Could not tell which test this clip shows: no steady walking, no leg raise and no "
                     "standing posture was seen. Choose the test, and check that the whole body, feet "
                     "included, is in view.")


def _raises(poses: Poses) -> LegRaiseAnalysis | None:
    """The leg raises in the clip's posture, else in any posture held in it: standing a long while, then
    lying for the straight-leg raise, is a leg-raise test too (:mod:`movement_check.assessments.leg_raise.parts`)."""
    found = find_raises(poses)
    if found is not None and found.repetitions:
        return found
    for posture in held(poses):
        part, _, _ = in_posture(poses, posture)
        other = None if part is None else find_raises(part, LegRaiseSettings(posture=posture))
        if other is not None and other.repetitions:
            return other
    return found

