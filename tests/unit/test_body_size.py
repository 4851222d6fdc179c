"""The person's size in the picture as it goes (movement_check/body/body_size.py): a walk there and back, the way
back along a wall further from the camera, is smaller in the picture on the way back.

With one leg length for the whole clip (the median over both crossings), every threshold counted in leg lengths
was off for both: the pelvis's travel a second read twice as fast on the near crossing as on the far one at the
same pace, and on the real limp walk (the there-and-back test in tests/integration/test_gait_accuracy.py) the near
crossing's walk ran on behind a table and gained heel strikes there.
"""

import numpy as np
import pytest

from movement_check.assessments.gait.assess import assess
from movement_check.assessments.gait.settings import GaitSettings
from movement_check.assessments.gait.step_scale import travel_speeds
from movement_check.body.body_size import leg_length_in, leg_length_over_time, leg_length_px
from movement_check.body.poses import Poses
from movement_check.body.walking import find_bouts
from movement_check.pipeline.cleaning import clean
from tests.fixtures.reshaped import first_seconds, mirrored, one_after_the_other, smaller
from tests.fixtures.walker import Script, walk

WALK = Script(segments=[("walk", 6.0)], cadence=110.0, speed_mps=1.2)


def there_and_back(far: float, *, back_s: float | None = None, seed: int = 0) -> tuple[Poses, Poses, Poses]:
    """(the walk there, the walk back at ``far`` times the size, both in one clip); ``back_s``: the walk back's
    first seconds only."""
    there, _ = walk(WALK, fps=30.0, noise_px=2.0, seed=seed)
    back = smaller(mirrored(there), far)
    if back_s is not None:
        back = first_seconds(back, back_s)
    return there, back, one_after_the_other(there, back)


def test_the_leg_length_follows_the_walker_back_further_away():
    there, back, both = there_and_back(0.5)
    legs = leg_length_over_time(both)
    near, far = leg_length_px(there), leg_length_px(back)
    assert far == pytest.approx(0.5 * near, rel=0.01)
    n = len(there)
    assert np.nanmedian(legs[:n]) == pytest.approx(near, rel=0.03)
    assert np.nanmedian(legs[-len(back):]) == pytest.approx(far, rel=0.03)
    # the clip's one median is neither crossing's: this is what the thresholds were counted in before
    assert not 0.9 * near < leg_length_px(both) < 1.1 * near
    assert leg_length_in(both, 0, n) == pytest.approx(near, rel=0.01)
    # unseen frames take their neighbours' size; a clip with nobody in it has none
    assert np.isfinite(legs).all()
    nobody = Poses(times=there.times, image=np.full_like(there.image, np.nan), world=there.world,
                   visibility=there.visibility, presence=there.presence, frame_size=there.frame_size)
    assert np.isnan(leg_length_over_time(nobody)).all()


def _drifting(poses: Poses, to: float) -> Poses:
    """The walk growing smaller in the picture steadily from its first frame to ``to`` times the size at its last (a
    walk slanting away from the camera)."""
    k = np.linspace(1.0, to, len(poses))[:, None, None]
    image = poses.image.copy()
    middle = np.array(poses.frame_size, dtype=float) / 2
    image[..., :2] = middle + (image[..., :2] - middle) * k
    return poses.with_arrays(image=image)


def test_a_walker_near_one_size_is_judged_in_one_and_one_drifting_further_as_they_go():
    """Within SAME_SIZE of one size (the limp walk drifts 8 %) the clip's one leg length holds at every frame, as
    before; a walk that halves its size in the picture is followed frame by frame."""
    there, _ = walk(WALK, fps=30.0, noise_px=2.0, seed=1)
    slight = leg_length_over_time(_drifting(there, 0.9))
    assert np.ptp(slight) == 0.0
    strong = leg_length_over_time(_drifting(there, 0.5))
    n = len(there)
    assert strong[n // 10] == pytest.approx(0.95 * leg_length_px(there), rel=0.05)
    assert strong[-n // 10] == pytest.approx(0.55 * leg_length_px(there), rel=0.05)


@pytest.mark.parametrize("far", [1.0, 0.6, 0.4])
def test_a_walk_there_and_back_further_away_is_two_crossings_as_each_alone(far):
    there, back, both = there_and_back(far)
    alone = [find_bouts(clean(p)[0]) for p in (there, back)]
    bouts = find_bouts(clean(both)[0])
    assert [b.direction for b in bouts] == [alone[0][0].direction, alone[1][0].direction]
    offset = len(both) - len(back)
    assert abs(bouts[0].start - alone[0][0].start) <= 1 and abs(bouts[0].stop - alone[0][0].stop) <= 1
    assert abs(bouts[1].start - offset - alone[1][0].start) <= 1 and abs(bouts[1].stop - offset - alone[1][0].stop) <= 1
    # the same pace both ways: the pelvis's travel a second, in each crossing's own leg lengths, is the same
    speeds = travel_speeds(clean(both)[0], bouts)
    assert speeds[0] == pytest.approx(speeds[1], rel=0.05), speeds


@pytest.mark.parametrize("far", [0.6, 0.4])
def test_the_walk_back_further_away_keeps_its_speed_in_metres(far):
    """Gait speed in m/s from each crossing's own leg length (its pixels a metre), not the clip's: both crossings are
    1.2 m/s; with the clip's median leg the near one read fast and the far one slow (the walk back is the shorter,
    so their mean, weighted by duration, does not cancel out)."""
    there, back, both = there_and_back(far, back_s=3.5)
    speed = {name: next(m.value for m in assess(clean(p)[0], settings=GaitSettings(height_cm=175)).metrics
                        if m.name == "gait_speed") for name, p in (("there", there), ("back", back), ("both", both))}
    assert speed["there"] == pytest.approx(1.2, rel=0.1)
    assert speed["back"] == pytest.approx(speed["there"], rel=0.05)
    assert speed["both"] == pytest.approx(speed["there"], rel=0.05), speed
