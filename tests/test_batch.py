"""movement-check batch: a folder of clips through one test in parallel; a bad clip is listed, not fatal."""

import csv
import shutil

import pytest

from movement_check.cli import main
from .clips import REPO

WALKER = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


@pytest.mark.slow
def test_a_folder_with_one_corrupt_clip_finishes_the_rest_in_two_workers(tmp_path, capsys):
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(WALKER, folder / "a_walk.mp4")
    shutil.copy(WALKER, folder / "c_walk_again.mp4")
    (folder / "b_broken.mp4").write_bytes(b"this is not a video" * 100)
    (folder / "notes.txt").write_text("not a clip: skipped")
    out = tmp_path / "results.csv"
    assert main(["batch", str(folder), "--test", "gait", "--out", str(out), "--workers", "2"]) == 0
    rows = list(csv.DictReader(out.open()))
    assert [r["clip"] for r in rows] == ["a_walk.mp4", "b_broken.mp4", "c_walk_again.mp4"]
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert "not" in rows[1]["reason"] and rows[1]["reason"]                   # says why, in words
    for r in (rows[0], rows[2]):
        assert 80 <= float(r["cadence"]) <= 140 and int(r["steps"]) >= 4
    assert rows[0]["cadence"] == rows[2]["cadence"]                            # the same clip, the same answer
    err = capsys.readouterr().err
    assert "2 of 3 clips analysed" in err and "b_broken.mp4" in err


def test_batch_refuses_a_folder_without_clips_and_a_bad_output_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--test", "gait", "--out", str(tmp_path / "r.csv")]) == 2
    assert "No clips in" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--test", "gait", "--out", str(tmp_path / "no" / "r.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--test", "gait", "--out", str(tmp_path / "r.csv"), "--height-cm", "17"]) == 2
    assert "not a person's height" in capsys.readouterr().err
