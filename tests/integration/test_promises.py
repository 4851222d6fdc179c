"""Each command keeps its promise on bad input and bad outputs: the exit status, ONE line on stderr saying what to
do, no traceback, no library noise, nothing written where it should not be, and the clinic record unchanged.

One table: each row makes what it needs in a fresh folder, runs the real command in a subprocess (as a user
would) and is checked the same way."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from movement_check.clinic.record import Record

from tests.fixtures.clips import SAMPLE_TWO_PEOPLE, write_clip

NOISE = ("Traceback", "INFO:", "W0000", "I0000", "E0000", "WARNING:", "usage:")


def _record(d: Path) -> Path:
    """A real clinic record with one patient: every case checks it is left byte for byte as it was."""
    where = d / "record.sqlite"
    record = Record(where)
    record.add_patient("P-0001")
    record.close()
    return where


def _blank(d: Path) -> Path:
    return write_clip(d / "blank.mp4", frames=30)


def _image(d: Path) -> Path:
    cv2.imwrite(str(d / "photo.png"), np.full((120, 160, 3), 128, np.uint8))
    (d / "photo.mp4").write_bytes((d / "photo.png").read_bytes())
    return d / "photo.mp4"


def _loop(d: Path) -> Path:
    (d / "a.mp4").symlink_to(d / "b.mp4")
    (d / "b.mp4").symlink_to(d / "a.mp4")
    return d / "a.mp4"


def _notes(d: Path) -> Path:
    (d / "notes.txt").write_text("")
    return d / "notes.txt"


def _folder_of_clips(d: Path) -> Path:
    (d / "clips").mkdir()
    write_clip(d / "clips" / "a.mp4", frames=30)
    return d / "clips"


# (id, command made from the case's folder d, exit status, words the one line must hold, paths that must not exist)
CASES = [
    ("not-a-video", lambda d: ["extract", (d / "n.mp4").write_text("x") and d / "n.mp4", "-o", d / "p.npz"], 2,
     "not a video", ["p.npz"]),
    ("still-image", lambda d: ["analyse", _image(d), "--test", "gait"], 2, "single frame", []),
    ("one-frame-clip", lambda d: ["analyse", write_clip(d / "one.mp4", frames=1), "--test", "gait"], 2,
     "single frame", []),
    ("symlink-loop", lambda d: ["analyse", _loop(d), "--test", "gait"], 2, "symlink loop", []),
    ("too-large", lambda d: ["analyse", SAMPLE_TWO_PEOPLE, "--test", "gait", "--max-size-mb", "1"], 2,
     "MB, more than the 1.0 MB limit", []),
    ("nobody-in-view", lambda d: ["analyse", _blank(d), "--test", "gait", "--quiet"], 2, "Nobody was found", []),
    ("json-in-proc", lambda d: ["analyse", _blank(d), "--test", "gait", "--json", "/proc/x.json"], 2,
     "/proc/x.json", []),
    ("json-is-a-folder", lambda d: ["analyse", _blank(d), "--test", "gait", "--json", d], 2, "is a folder", []),
    ("json-folder-missing", lambda d: ["analyse", _blank(d), "--test", "gait", "--json", d / "no" / "r.json"], 2,
     "does not exist", []),
    ("npz-in-proc", lambda d: ["extract", _blank(d), "-o", "/proc/x.npz"], 2, "/proc/x.npz", []),
    ("csv-in-proc", lambda d: ["extract", _blank(d), "-o", d / "p.npz", "--csv", "/proc/x.csv"], 2, "/proc/x.csv",
     ["p.npz"]),
    ("figures-is-a-file", lambda d: ["analyse", _blank(d), "--test", "gait", "--json", d / "r.json", "--figures",
                                     _notes(d)], 2, "is a file", ["r.json"]),
    ("annotated-in-proc", lambda d: ["analyse", _blank(d), "--test", "gait", "--json", d / "r.json",
                                     "--annotated", "/proc/x.mp4"], 2, "/proc/x.mp4", ["r.json"]),
    ("annotated-over-clip", lambda d: ["analyse", _blank(d), "--test", "gait", "--annotated", d / "blank.mp4"], 2,
     "overwrite the clip", []),
    ("report-in-proc", lambda d: ["report", "1", "-o", "/proc/x.pdf", "--record", _record(d)], 2, "/proc/x.pdf", []),
    ("report-on-notes", lambda d: ["report", "1", "-o", d / "r.pdf", "--record", _notes(d)], 2,
     "not a movement-check record", ["r.pdf"]),
    ("report-no-record", lambda d: ["report", "1", "-o", d / "r.pdf", "--record", d / "none.sqlite"], 2,
     "no clinic record", ["none.sqlite", "r.pdf"]),
    ("file-in-notes", lambda d: ["analyse", _blank(d), "--test", "gait", "--patient", "P-1", "--record", _notes(d)],
     2, "not a movement-check record", []),
    ("file-in-typo-folder", lambda d: ["analyse", _blank(d), "--test", "gait", "--patient", "P-1", "--record",
                                       d / "typo" / "x.db", "--create-record"], 2, "does not exist", ["typo"]),
    ("file-in-missing-record", lambda d: ["analyse", _blank(d), "--test", "gait", "--patient", "P-1", "--record",
                                          d / "x.db"], 2, "--create-record", ["x.db"]),
    ("mysql-url", lambda d: ["analyse", _blank(d), "--test", "gait", "--patient", "P-1", "--record",
                             "mysql://u:secret@host/db"], 2, "postgresql+psycopg://", []),
    ("patient-id-10kB", lambda d: ["analyse", _blank(d), "--test", "gait", "--patient", "P" * 10_000, "--record",
                                   _record(d)], 2, "pseudonym", []),
    ("bad-choice", lambda d: ["analyse", _blank(d), "--test", "walk"], 2, "see movement-check analyse --help", []),
    ("missing-argument", lambda d: ["batch", d], 2, "see movement-check batch --help", []),
    ("max-gap-nan", lambda d: ["analyse", _blank(d), "--test", "gait", "--max-gap-ms", "nan"], 2,
     "--max-gap-ms nan", []),
    ("max-duration-nan", lambda d: ["analyse", _blank(d), "--test", "gait", "--max-duration-s", "nan"], 2,
     "--max-duration-s nan", []),
    ("negative-duration", lambda d: ["analyse", _blank(d), "--test", "gait", "--max-duration-s", "-5"], 2,
     "--max-duration-s -5", []),
    ("negative-cutoff", lambda d: ["extract", _blank(d), "-o", d / "p.npz", "--cutoff-hz", "-1"], 2,
     "--cutoff-hz -1", ["p.npz"]),
    ("negative-gap", lambda d: ["extract", _blank(d), "-o", d / "p.npz", "--max-gap-ms", "-1"], 2,
     "--max-gap-ms -1", ["p.npz"]),
    ("batch-out-in-proc", lambda d: ["batch", _folder_of_clips(d), "--test", "gait", "--out", "/proc/x.csv"], 2,
     "/proc/x.csv", []),
    ("batch-out-is-a-folder", lambda d: ["batch", _folder_of_clips(d), "--test", "gait", "--out", d], 2,
     "is a folder", []),
]


@pytest.mark.parametrize("make, code, words, absent", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_bad_input_or_output_gives_one_line_and_changes_nothing(tmp_path, make, code, words, absent):
    record = _record(tmp_path / "kept") if (tmp_path / "kept").mkdir() is None else None
    before = hashlib.sha256(record.read_bytes()).hexdigest()
    args = [str(a) for a in make(tmp_path)]
    env = {**os.environ, "MOVEMENT_CHECK_RECORD": str(record), "MOVEMENT_CHECK_CONFIG": ""}
    proc = subprocess.run([sys.executable, "-m", "movement_check.cli.main", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=tmp_path)
    err = proc.stderr
    assert proc.returncode == code, err
    assert err.endswith("\n") and err.count("\n") == 1, f"not one line: {err!r}"
    assert words in err, err
    assert not any(noise in err for noise in NOISE), err
    assert len(err) < 700, "a long value was echoed back in full"
    assert not proc.stdout
    for name in absent:
        assert not (tmp_path / name).exists(), f"{name} was written"
    assert hashlib.sha256(record.read_bytes()).hexdigest() == before, "the clinic record changed"
    if "notes.txt" in args:
        assert (tmp_path / "notes.txt").read_bytes() == b"", "a file that is not a record was changed"


def test_an_unreadable_clip_says_permission_denied(tmp_path, monkeypatch, capsys):
    """Root reads every file, so the refusal the OS gives a user is made here."""
    import movement_check.pipeline.video as video
    from movement_check.cli.main import main

    clip = write_clip(tmp_path / "locked.mp4", frames=30)

    def denied(path, *args, **kwargs):
        if Path(path) == clip:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(video, "open", denied, raising=False)
    assert main(["analyse", str(clip), "--test", "gait"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot read {clip}: permission denied" in err, err


def test_a_busy_record_is_refused_before_the_analysis(tmp_path, monkeypatch):
    """Another program holds the SQLite record's write lock: the command waits a bounded time and says so,
    before any pose estimation."""
    import sqlite3
    import time

    where = _record(tmp_path)
    holder = sqlite3.connect(where, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        env = {**os.environ, "MOVEMENT_CHECK_RECORD_BUSY_S": "1"}
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "movement_check.cli.main", "analyse", str(SAMPLE_TWO_PEOPLE),
                               "--test", "gait", "--patient", "P-1", "--record", str(where)],
                              capture_output=True, text=True, timeout=300, env=env)
        took = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "busy" in proc.stderr, proc.stderr
    assert took < 30 and not proc.stdout                    # refused before the clip's analysis, no result


@pytest.mark.slow
def test_what_was_computed_is_kept_when_the_end_fails(tmp_path, monkeypatch, capsys):
    """The disk fills up as the JSON is written, then the record fails as the result is filed: each time the
    work is kept in a file the one line names."""
    import errno
    import json
    import re

    from movement_check import outputs
    from movement_check.cli.main import main
    from movement_check.clinic.record import RecordError

    real_atomic = outputs.atomic

    def full_disk(path, writer):
        if Path(path).parent == tmp_path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_atomic(path, writer)

    monkeypatch.setattr(outputs, "atomic", full_disk)
    out = tmp_path / "result.json"
    assert main(["analyse", str(SAMPLE_TWO_PEOPLE), "--test", "gait", "--json", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"could not be written to {out} (no space left on device)" in err, err
    kept = Path(re.search(r"kept as (\S+\.json)", err).group(1))
    assert json.loads(kept.read_text())["test"] == "gait" and not out.exists()
    monkeypatch.setattr(outputs, "atomic", real_atomic)

    def refuse(self, *args, **kwargs):
        raise RecordError("the clinic record could not be written: disk I/O error")

    monkeypatch.setattr(Record, "file_test", refuse)
    where = _record(tmp_path / "r") if (tmp_path / "r").mkdir() is None else None
    assert main(["analyse", str(SAMPLE_TWO_PEOPLE), "--test", "gait", "--json", str(out), "--quiet",
                 "--patient", "P-0001", "--record", str(where)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Not filed in the clinic record" in err and "disk I/O error" in err, err
    kept = json.loads(Path(re.search(r"kept as (\S+\.json)", err).group(1)).read_text())
    assert kept["patient"] == "P-0001" and kept["result"]["test"] == "gait" and kept["trajectory_npz_base64"]
    assert json.loads(out.read_text())["test"] == "gait"                 # the user's JSON was still written
