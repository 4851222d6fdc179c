"""The trajectory type: validation listing every problem, .npz round trip, CSV columns."""

import csv

import numpy as np
import pytest

from movement_check.errors import InputError
from movement_check.body.landmarks import MIRROR, N_LANDMARKS, Landmark
from movement_check.body.poses import Poses

from tests.fixtures.synthetic import walking_poses


def test_validation_lists_every_problem_at_once():
    t = np.array([0.0, 0.1, 0.1])
    with pytest.raises(ValueError) as caught:
        Poses(times=t, image=np.zeros((3, 33, 2)), world=np.zeros((3, 33, 3)),
              visibility=np.full((3, 33), 1.5), presence=np.zeros((2, 33)), frame_size=(0, 480))
    text = str(caught.value)
    for expected in ("increase strictly", "image must have shape (3, 33, 3)", "presence must have shape",
                     "visibility must lie between 0 and 1", "frame_size"):
        assert expected in text, expected


def test_missing_frames_stay_as_nan_rows():
    poses = walking_poses(seconds=1.0)
    image = poses.image.copy()
    image[5] = np.nan
    poses = poses.with_arrays(image=image)
    assert len(poses) == 30
    assert not poses.frames_with_person[5] and poses.frames_with_person[4]


def test_npz_round_trip(tmp_path):
    poses = walking_poses(seconds=1.0, noise_px=1.0).with_source(subject={"person": 2, "reason": "walker"})
    image = poses.image.copy()
    image[3, 7] = np.nan
    poses = poses.with_arrays(image=image)
    back = Poses.load(poses.save(tmp_path / "p.npz"))
    for name in ("times", "image", "world", "visibility", "presence"):
        np.testing.assert_array_equal(getattr(back, name), getattr(poses, name))
    assert back.frame_size == poses.frame_size
    assert back.source["subject"] == {"person": 2, "reason": "walker"}


def test_load_rejects_other_files(tmp_path):
    bad = tmp_path / "x.npz"
    np.savez(bad, a=np.zeros(3))
    with pytest.raises(InputError, match="not a movement-check poses file"):
        Poses.load(bad)
    text = tmp_path / "y.npz"
    text.write_text("hello")
    with pytest.raises(InputError):
        Poses.load(text)


def test_csv_one_row_per_frame_with_named_columns(tmp_path):
    poses = walking_poses(seconds=0.5)
    image = poses.image.copy()
    image[2] = np.nan
    poses = poses.with_arrays(image=image)
    path = poses.to_csv(tmp_path / "p.csv")
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(poses)
    assert len(rows[0]) == 2 + 8 * N_LANDMARKS
    assert float(rows[4]["left_heel_x_px"]) == pytest.approx(poses.image[4, Landmark.LEFT_HEEL, 0], rel=1e-5)
    assert float(rows[4]["right_knee_world_y_m"]) == pytest.approx(poses.world[4, Landmark.RIGHT_KNEE, 1],
                                                                   rel=1e-5)
    assert rows[2]["left_heel_x_px"] == ""             # missing stays empty, not 0
    assert float(rows[3]["time_s"]) == pytest.approx(3 / 30.0)


def test_landmark_mirror_pairs():
    assert MIRROR[Landmark.LEFT_HEEL] == Landmark.RIGHT_HEEL
    assert MIRROR[Landmark.NOSE] == Landmark.NOSE
    assert MIRROR[Landmark.MOUTH_LEFT] == Landmark.MOUTH_RIGHT
    assert all(MIRROR[MIRROR[i]] == i for i in range(N_LANDMARKS))
