"""Phone-style clips made from a real one: stored sideways with rotation metadata, variable frame rate."""

import json

import numpy as np
import pytest

from movement_check.cli.main import main
from movement_check.pipeline.extraction import extract

from tests.fixtures.clips import REPO, sample_frames, set_rotation, write_frames, write_frames_at

pytestmark = pytest.mark.slow
LUNGE = REPO / "sample_videos" / "lab_lunge_portrait_60fps.mp4"


@pytest.fixture(scope="module")
def lunge_frames():
    frames, fps = sample_frames(LUNGE, scale=0.5)          # 540 x 960 portrait
    return frames[::2], fps / 2                            # 50 frames at 30 fps


def test_rotated_phone_clip_is_analysed_upright(tmp_path, lunge_frames):
    import cv2

    frames, fps = lunge_frames
    upright = write_frames(tmp_path / "upright.mp4", frames, fps)
    # stored lying on its side, with the phone's "rotate 90" in the metadata
    stored = [cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE) for f in frames]
    sideways = set_rotation(write_frames(tmp_path / "sideways.mp4", stored, fps), 90)
    ref = extract(upright).poses
    rot = extract(sideways).poses
    assert rot.frame_size == ref.frame_size == (540, 960)
    assert rot.source["rotation_deg"] == 90
    assert rot.frames_with_person.mean() > 0.95
    diff = np.linalg.norm(rot.image[..., :2] - ref.image[..., :2], axis=-1)
    assert np.nanmedian(diff) < 3.0                        # the same landmarks, in upright pixels


def test_variable_frame_rate_clip_keeps_its_times(tmp_path, lunge_frames, capsys):
    frames, _ = lunge_frames
    rng = np.random.default_rng(4)
    times = np.round(np.cumsum(np.r_[0.0, rng.choice([0.022, 0.033, 0.045], len(frames) - 1)]), 3)
    clip = write_frames_at(tmp_path / "vfr.mp4", frames, list(times))
    out = tmp_path / "p.npz"
    assert main(["extract", str(clip), "-o", str(out), "--quiet"]) == 0
    from movement_check.body.poses import Poses

    poses = Poses.load(out)
    np.testing.assert_allclose(poses.times, times, atol=1.5e-3)
    assert poses.source["variable_frame_rate"] is True
    assert main(["analyse", str(clip), "--test", "gait", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert any("variable frame rate" in w for w in result["warnings"])
    assert result["source"]["measured_fps"] == pytest.approx((len(times) - 1) / times[-1], rel=0.01)
