"""movement-check batch: a folder of clips through one test in parallel; a bad clip is listed, not fatal."""

import csv
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from movement_check.cli.main import main
from tests.fixtures.clips import REPO

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
    assert main(["batch", str(folder), "--test", "gait", "--out", str(out), "--workers", "2"]) == 3   # some failed
    rows = list(csv.DictReader(out.open()))
    assert [r["clip"] for r in rows] == ["a_walk.mp4", "b_broken.mp4", "c_walk_again.mp4"]
    assert [r["status"] for r in rows] == ["ok", "error", "ok"]
    assert "not" in rows[1]["reason"] and rows[1]["reason"]                   # says why, in words
    for r in (rows[0], rows[2]):
        assert 80 <= float(r["cadence"]) <= 140 and int(r["steps"]) >= 4
    assert rows[0]["cadence"] == rows[2]["cadence"]                            # the same clip, the same answer
    err = capsys.readouterr().err
    assert "batch: 2 analysed, 1 failed of 3 clips" in err and "b_broken.mp4" in err
    # beside the CSV (whose headers stay the stable names): every column in plain words, with its unit
    legend = {r["column"]: r for r in csv.DictReader((tmp_path / "results.columns.csv").open())}
    assert list(legend) == list(rows[0])
    assert legend["cadence"]["display_name"] == "Steps per minute" and legend["cadence"]["unit"]
    assert legend["status"]["explanation"]


def test_batch_refuses_a_folder_without_clips_and_a_bad_output_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["batch", str(tmp_path / "empty"), "--test", "gait", "--out", str(tmp_path / "r.csv")]) == 2
    assert "No clips in" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--test", "gait", "--out", str(tmp_path / "no" / "r.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["batch", str(tmp_path), "--test", "gait", "--out", str(tmp_path / "r.csv"), "--height-cm", "17"]) == 2
    assert "--height-cm 17: give the patient's height" in capsys.readouterr().err


def _group_alive(pgid: int) -> list[int]:
    """The processes still in process group ``pgid`` (the batch, its workers, multiprocessing's helpers)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


def _start_batch(tmp_path, clips: int):
    folder = tmp_path / "clips"
    folder.mkdir()
    for k in range(clips):
        shutil.copy(WALKER, folder / f"walk_{k}.mp4")
    out = tmp_path / "results.csv"
    proc = subprocess.Popen([sys.executable, "-m", "movement_check.cli.main", "batch", str(folder), "--test", "gait",
                             "--out", str(out), "--workers", "2"], stderr=subprocess.PIPE, text=True,
                            start_new_session=True)          # its own process group: every child is findable
    proc.early = ""
    deadline = time.monotonic() + 300
    while "to analyse on 2 workers" not in proc.early and time.monotonic() < deadline:   # the workers are ready
        ready, _, _ = select.select([proc.stderr], [], [], 1.0)
        if ready:
            line = proc.stderr.readline()
            if not line:
                break
            proc.early += line
    time.sleep(3.0)                                                            # the workers are on their clips
    return proc, out


def _ends_with_nothing_left(proc, timeout: float) -> str:
    try:
        _, err = proc.communicate(timeout=timeout)
        err = proc.early + err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError("batch did not end after Ctrl-C")
    deadline = time.monotonic() + 10
    while _group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = _group_alive(proc.pid)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not left, f"processes left behind: {left}"
    return err


@pytest.mark.slow
def test_one_ctrl_c_stops_taking_clips_and_writes_the_finished_rows(tmp_path):
    proc, out = _start_batch(tmp_path, clips=6)
    os.kill(proc.pid, signal.SIGINT)
    err = _ends_with_nothing_left(proc, timeout=300)
    assert proc.returncode == 130, err
    assert "stopping: no new clip" in err and "Traceback" not in err, err
    rows = list(csv.DictReader(out.open()))
    assert 1 <= len(rows) < 6, err                           # the clips under way finished; the rest not started
    assert all(r["status"] == "ok" for r in rows)
    assert f"batch: {len(rows)} analysed, 0 failed, {6 - len(rows)} not run (stopped) of 6 clips" in err, err


@pytest.mark.slow
def test_a_second_ctrl_c_ends_the_workers_at_once(tmp_path):
    proc, out = _start_batch(tmp_path, clips=4)
    os.kill(proc.pid, signal.SIGINT)
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGINT)
    t0 = time.monotonic()
    err = _ends_with_nothing_left(proc, timeout=60)
    assert time.monotonic() - t0 < 20, "the workers were not ended at once"    # a clip takes ~20 s here
    assert proc.returncode == 130, err
    assert "Traceback" not in err, err
    assert out.read_text().startswith("clip,status,reason")               # the CSV, with the rows finished (none)
    assert "0 analysed, 0 failed, 4 not run (stopped) of 4 clips" in err, err


def test_large_arguments_are_scattered_to_the_cluster_first():
    from movement_check.compute import SCATTER_BYTES, _large

    import numpy as np

    from movement_check.live.recording import Recording

    assert _large(b"x" * (SCATTER_BYTES + 1)) and not _large(b"x" * 10)
    assert _large(np.zeros(SCATTER_BYTES)) and not _large({"height_cm": 175})
    assert not _large("a clip.mp4") and not _large(None) and not _large(lambda: 1)
    recording = Recording("step")
    assert not _large(recording)
    recording.bytes_kept = 2 * SCATTER_BYTES           # what a 20 s step's JPEGs come to (measured without pickling)
    assert _large(recording)
