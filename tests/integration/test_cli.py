"""The command line: exit status, one line on stderr for bad input, outputs written."""

import json
import subprocess
import sys

import pytest

from movement_check.cli.main import main
from movement_check.body.poses import Poses

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE, truncate, write_clip


def _run(*args):
    proc = subprocess.run([sys.executable, "-m", "movement_check.cli.main", *map(str, args)],
                          capture_output=True, text=True, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("make, expected", [
    (lambda d: (d / "notes.mp4").write_text("not a video") and d / "notes.mp4", "not a video that can be read"),
    (lambda d: (d / "empty.mp4").write_bytes(b"") is not None and d / "empty.mp4", "is empty"),
    (lambda d: truncate(write_clip(d / "cut.mp4", frames=40), 0.4), "holds no video frames"),
    (lambda d: write_clip(d / "slow.mp4", frames=20, fps=4.0), "fewer than the 10"),
    (lambda d: d / "missing.mp4", "does not exist"),
])
def test_bad_input_gives_one_line_and_status_2(tmp_path, make, expected):
    clip = make(tmp_path)
    code, out, err = _run("extract", clip, "-o", tmp_path / "p.npz")
    assert code == 2
    assert err.strip().count("\n") == 0 and expected in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "p.npz").exists()


def test_no_person_in_view(tmp_path, capsys):
    clip = write_clip(tmp_path / "blank.mp4", frames=30)
    assert main(["analyse", str(clip), "--test", "gait", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "Nobody was found" in err and err.count("\n") == 1


def test_bad_model_and_bad_subject(tmp_path, capsys):
    clip = write_clip(tmp_path / "blank.mp4", frames=30)
    assert main(["extract", str(clip), "-o", str(tmp_path / "p.npz"), "--model", str(tmp_path / "x.task")]) == 2
    assert "No model file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        main(["extract", str(clip), "-o", str(tmp_path / "p.npz"), "--subject", "tallest"])
    assert caught.value.code == 2


def test_output_never_overwrites_the_clip(tmp_path, capsys):
    clip = write_clip(tmp_path / "walk.mp4", frames=30)
    before = clip.read_bytes()
    assert main(["analyse", str(clip), "--test", "gait", "--annotated", str(clip)]) == 2
    assert "overwrite the clip" in capsys.readouterr().err
    assert clip.read_bytes() == before


@pytest.mark.slow
def test_extract_and_analyse_sample_clip(tmp_path):
    out = tmp_path / "p.npz"
    code, _, err = _run("extract", SAMPLE_TWO_PEOPLE, "-o", out, "--csv", tmp_path / "p.csv",
                        "--annotated", tmp_path / "a.mp4", "--model", "full")
    assert code == 0, err
    assert "Traceback" not in err and "W0000" not in err and "INFO:" not in err, err
    poses = Poses.load(out)
    assert len(poses) == 230 and poses.frame_size == (1768, 994)
    assert poses.source["subject"]["rule"] == "walker"
    quality = poses.source["quality"]
    # saved trajectories are cleaned: raw detections plus the short gaps filled
    assert int(poses.frames_with_person.sum()) == (quality["frames_with_person"]
                                                   + quality["cleaning"]["frames_filled"])
    assert (tmp_path / "p.csv").read_text().count("\n") == 231
    assert (tmp_path / "a.mp4").stat().st_size > 10_000

    code, out_json, err = _run("analyse", SAMPLE_TWO_PEOPLE, "--test", "gait", "--json", "-", "--quiet")
    assert code == 0, err
    assert "confidence:" not in err                                  # --quiet: no findings either
    data = json.loads(out_json)
    assert set(data) >= {"test", "source", "quality", "metrics", "events", "warnings"}
    assert data["source"]["model"]["name"] == "full"
    assert data["quality"]["subject"]["people_seen"] >= 2
    assert any("people were seen" in w for w in data["warnings"])
    # a value that is not measured is never 0: here the gait metrics do not exist yet
    assert all(m["value"] is not None or m["note"] for m in data["metrics"])


def test_analyse_finds_the_test_and_files_it_in_the_record(tmp_path):
    from movement_check.clinic.record import Record

    where = tmp_path / "record.sqlite"
    code, _, err = _run("analyse", SAMPLE_TWO_PEOPLE, "--test", "auto", "--patient", "P-0042", "--record", where)
    assert code == 2 and "--create-record" in err and not where.exists()     # a mistyped path files nothing
    code, out_json, err = _run("analyse", SAMPLE_TWO_PEOPLE, "--test", "auto", "--patient", "P-0042",
                               "--initials", "JD", "--record", where, "--create-record")
    assert code == 0, err
    data = json.loads(out_json)
    assert data["test"] == "gait" and "steady walking" in data["quality"]["test_detected"]
    assert "filed as session 1 of patient P-0042" in err
    # a successful run prints the findings: the confidence first, then one finding a line
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("confidence: "))
    assert lines[at].split(" (")[0] in ("confidence: good", "confidence: limited", "confidence: not usable")
    assert lines[at + 1].startswith("- ")
    (session,) = Record(where).sessions("P-0042")
    assert session.kind == "upload" and session.tests[0].result == data and session.tests[0].has_trajectory
    assert session.tests[0].video is None                       # no video unless asked for (--annotated)
    # the filing is in the audit log, read back by `movement-check audit`
    code, out, err = _run("audit", "--record", where, "--patient", "P-0042")
    assert code == 0 and err.strip() == "1 entry", err
    assert "| command line (" in out and "| result filed | patient P-0042 | session 1 |" in out
    assert out.strip().endswith("gait from side_walk_outdoor_two_people.mp4")
    code, out, err = _run("audit", "--record", where, "--since", "tomorrow")
    assert code == 2 and err.count("\n") == 1 and "YYYY-MM-DD" in err
    # a bad clip is refused with its reason, and what was filed before is untouched
    (tmp_path / "notes.mp4").write_text("not a video")
    code, _, err = _run("analyse", tmp_path / "notes.mp4", "--test", "auto", "--patient", "P-0042",
                        "--record", where)
    assert code == 2 and "not a video that can be read" in err
    assert [s.id for s in Record(where).sessions("P-0042")] == [session.id]
    # a name given as the ID is refused before any work
    code, _, err = _run("analyse", SAMPLE_TWO_PEOPLE, "--test", "gait", "--patient", "Jane Doe", "--record", where)
    assert code == 2 and "pseudonym" in err and "frames" not in err


def test_progress_bar_on_a_terminal(capsys):
    from movement_check.cli.main import ProgressBar

    bar = ProgressBar("pose", enabled=True)
    bar(1, 300)
    bar(300, 300)
    bar.close()
    err = capsys.readouterr().err
    assert "\rpose [" in err and "300/300 frames" in err and err.endswith("\n")
    quiet = ProgressBar("pose", enabled=True)
    quiet(10, 60)                      # a 2-second clip: no bar
    quiet.close()
    assert capsys.readouterr().err == ""


def test_leg_raise_options_are_checked_before_any_work(tmp_path, capsys):
    clip = write_clip(tmp_path / "clip.mp4", frames=20)
    assert main(["analyse", str(clip), "--test", "leg-raise", "--prescribed-reps", "0", "--quiet"]) == 2
    assert "--prescribed-reps 0" in capsys.readouterr().err
    assert main(["analyse", str(clip), "--test", "leg-raise", "--fov-deg", "500", "--quiet"]) == 2
    assert "field of view" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["analyse", str(clip), "--test", "leg-raise", "--pain-at", "later"])
    assert exit_.value.code == 2
    assert "not a list of times" in capsys.readouterr().err


def test_hash_password_prints_a_settings_line_that_signs_in(tmp_path):
    import tomllib

    from movement_check.clinic.accounts import sign_in
    proc = subprocess.run([sys.executable, "-m", "movement_check.cli.main", "hash-password", "jdoe"],
                          input="a long enough password\n", capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    therapists = tomllib.loads(proc.stdout)
    assert sign_in(therapists, "jdoe", "a long enough password")
    assert not sign_in(therapists, "jdoe", "another password")
    short = subprocess.run([sys.executable, "-m", "movement_check.cli.main", "hash-password", "jdoe"],
                           input="short\n", capture_output=True, text=True, timeout=120)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr and not short.stdout
