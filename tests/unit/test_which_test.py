"""Which test a clip shows, found from the trajectories (synthetic walker and raiser: the answer is known)."""

import pytest

from movement_check.errors import InputError
from movement_check.assessments.which_test import detect_test
from tests.fixtures import raiser
from tests.fixtures.walker import Script, walk


def test_a_walk_is_a_gait_test():
    poses, _ = walk(Script(segments=[("stand", 1.0), ("walk", 5.0), ("stand", 1.0)]))
    test, why = detect_test(poses)
    assert test == "gait" and "steady walking" in why


@pytest.mark.parametrize("posture, camera", [("standing", raiser.SIDE_CAMERA), ("standing", raiser.WEBCAM),
                                             ("supine", raiser.SUPINE_CAMERA)])
def test_leg_raises_are_a_leg_raise_test(posture, camera):
    knee = 0.0 if posture == "supine" else 90.0                 # lying down: straight-leg raises
    script = raiser.Script(raises=[raiser.Raise("left", 1.0, knee=knee), raiser.Raise("right", 5.0, knee=knee)],
                           posture=posture)
    poses, _ = raiser.perform(script, camera=camera)
    test, why = detect_test(poses)
    assert test == "leg-raise", why
    assert why.startswith("2 leg raise(s), left and right")


def test_standing_still_is_a_foot_rotation_check():
    poses, _ = raiser.perform(raiser.Script(raises=[], duration=5.0), camera=raiser.WEBCAM)
    assert detect_test(poses)[0] == "foot-rotation"


def test_nobody_seen_says_so():
    poses, _ = walk(Script(segments=[("walk", 3.0)]), dropouts=[(0, 90)])
    with pytest.raises(InputError, match="Could not tell which test"):
        detect_test(poses)
