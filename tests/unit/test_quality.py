"""Per-landmark quality figures and framing warnings, on synthetic poses with known answers."""

import numpy as np
import pytest

from movement_check.body.landmarks import Landmark
from movement_check.pipeline.quality import framing_warnings, landmark_quality, quality_summary

from tests.fixtures.synthetic import walking_poses


def test_seen_share_and_longest_gap():
    poses = walking_poses(seconds=2.0, fps=30.0)             # 60 frames
    vis = poses.visibility.copy()
    image = poses.image.copy()
    vis[10:25, Landmark.LEFT_HEEL] = 0.2                      # 15 frames hidden (0.5 s)
    image[40:43] = np.nan                                     # nobody for 3 frames
    q = landmark_quality(poses.with_arrays(visibility=vis, image=image))
    assert q["left_heel"]["seen_share"] == pytest.approx(42 / 60, abs=1e-3)
    assert q["left_heel"]["longest_gap_s"] == pytest.approx(0.5, abs=1e-6)
    assert q["right_heel"]["seen_share"] == pytest.approx(57 / 60, abs=1e-3)
    assert q["right_heel"]["longest_gap_s"] == pytest.approx(0.1, abs=1e-6)


def test_feet_out_of_frame_warning():
    poses = walking_poses(seconds=2.0, fps=30.0)
    assert framing_warnings(poses) == []
    image = poses.image.copy()
    image[:30, [Landmark.LEFT_HEEL, Landmark.LEFT_FOOT_INDEX], 1] = 760.0     # below a 720 px frame
    warnings = framing_warnings(poses.with_arrays(image=image))
    assert len(warnings) == 1 and "feet are out of the frame in 50%" in warnings[0]


def test_person_rarely_found_warning_and_summary():
    poses = walking_poses(seconds=2.0, fps=30.0)
    image = poses.image.copy()
    image[:40] = np.nan
    poses = poses.with_arrays(image=image)
    assert any("found in only 33%" in w for w in framing_warnings(poses))
    summary = quality_summary(poses, warnings=["x"])
    assert summary["frames"] == 60 and summary["frames_with_person"] == 20
    assert "nose" in summary["poorly_seen_landmarks"] and summary["warnings"] == ["x"]
