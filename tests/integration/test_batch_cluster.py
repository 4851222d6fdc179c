"""movement-check batch on Dask: kept results and reruns, a worker lost under a clip, clips a worker cannot read,
the local cluster on 127.0.0.1 only, and a real `dask scheduler` with two `dask worker` processes, one killed
mid-run."""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from movement_check.batch.run import ClipRow, _Rows, analyse_task, file_sha256
from movement_check.batch.on_cluster import LOST, _hand_out
from movement_check.batch.stopping import _Interrupts
from movement_check.batch.kept_results import ResultStore
from movement_check.cli.main import main
from movement_check.config import load_config
from movement_check.errors import InputError
from movement_check.pipeline.extraction import ExtractionSettings
from tests.fixtures.clips import REPO
from tests.fixtures.sockets import outside_loopback, tcp_listening

WALKER = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"
SETTINGS = {"test": "gait", "model": "x", "options": {}, "version": "0"}


class _Done:
    def __init__(self, outcome):
        self.outcome = outcome

    def done(self) -> bool:
        return True

    def result(self):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


class _Cluster:
    """A stand-in Dask client: ``answer(clip name, how many times it was sent before, data)`` is what the worker
    gives back (a dict, or an exception: the worker lost)."""

    def __init__(self, answer):
        self.answer = answer
        self.sent: list[tuple[str, bool]] = []

    def nthreads(self):
        return {"tcp://127.0.0.1:1": 1, "tcp://127.0.0.1:2": 1}

    def submit(self, fn, path, test, model, options, sha256, data, *, key, pure):
        name = Path(path).name
        before = sum(n == name for n, _ in self.sent)
        self.sent.append((name, data is not None))
        return _Done(self.answer(name, before, data))


def _folder(tmp_path, names):
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(name.encode() * 50)
    return sorted(folder.iterdir())


def _ok(name):
    return {"row": {"clip": name, "status": "ok", "reason": "", "seconds": 1.0, "warnings": 0,
                    "metrics": {"cadence": 100.0}}, "result": {"test": "gait"}, "sha256": "s"}


def test_a_worker_lost_once_is_tried_again_twice_is_an_error_row_not_kept_for_a_rerun(tmp_path):
    clips = _folder(tmp_path, ["a.mp4", "b.mp4", "c.mp4"])

    def answer(name, before, data):
        if name == "b.mp4" or (name == "a.mp4" and before == 0):
            return RuntimeError("KilledWorker: worker tcp://127.0.0.1:1 died")
        return _ok(name)

    store = ResultStore(tmp_path / "r.csv", SETTINGS)
    done = _Rows(clips, {}, store, None, None)
    retried = []
    _hand_out(_Cluster(answer), None, clips, [0, 1, 2], "gait", "full", {}, done, {}, {}, _Interrupts(),
              lambda clip, why: retried.append(clip))
    rows = done.ordered()
    assert [(r.clip, r.status) for r in rows] == [("a.mp4", "ok"), ("b.mp4", "error"), ("c.mp4", "ok")]
    assert rows[1].reason.startswith(f"{LOST} twice (RuntimeError: KilledWorker")
    assert retried == ["a.mp4", "b.mp4"]
    assert sorted(p.name for p in store.folder.iterdir()) == ["a.mp4.json", "c.mp4.json"]   # b: tried again later
    kept, _ = store.kept(clips)
    assert sorted(kept) == [0, 2]


def test_a_clip_the_worker_cannot_read_is_sent_when_small_else_an_error_row(tmp_path, monkeypatch):
    clips = _folder(tmp_path, ["a.mp4", "big.mp4"])
    monkeypatch.setattr("movement_check.batch.on_cluster.SEND_LIMIT", 400)
    (tmp_path / "clips" / "big.mp4").write_bytes(b"x" * 500)

    def answer(name, before, data):
        return _ok(name) if data is not None else {"missing": True}

    cluster = _Cluster(answer)
    done = _Rows(clips, {}, None, None, None)
    _hand_out(cluster, None, clips, [0, 1], "gait", "full", {}, done, {}, {}, _Interrupts())
    assert cluster.sent == [("a.mp4", False), ("big.mp4", False), ("a.mp4", True)]
    rows = done.ordered()
    assert rows[0].status == "ok"
    assert rows[1].status == "error" and "every worker must see the clips at the same path" in rows[1].reason


def test_the_worker_checks_the_file_it_reads_and_names_a_sent_clip_by_its_own_name(tmp_path):
    clip = tmp_path / "walk.mp4"
    clip.write_bytes(b"not a video at all" * 20)
    sha = file_sha256(clip)
    assert analyse_task(str(tmp_path / "elsewhere.mp4"), "gait", "full", {}, sha) == {"missing": True}
    other = analyse_task(str(clip), "gait", "full", {}, "0" * 64)
    assert "another file" in other["row"]["reason"] and "same path" in other["row"]["reason"]
    assert not ClipRow(**other["row"]).final                                    # not kept: tried again later
    sent = analyse_task("/nowhere/walk.mp4", "gait", "full", {}, sha, clip.read_bytes())
    assert sent["sha256"] == sha and sent["row"]["status"] == "error"
    assert sent["row"]["clip"] == "walk.mp4" and "walk.mp4" in sent["row"]["reason"]
    assert ClipRow(**sent["row"]).final                                         # the clip's own answer: kept


def test_the_scheduler_setting_from_the_file_or_the_environment(tmp_path):
    assert load_config({}, cwd=tmp_path).scheduler == ""
    (tmp_path / "movement-check.toml").write_text('[compute]\nscheduler = "tcp://10.0.0.5:8786"\n')
    assert load_config({}, cwd=tmp_path).scheduler == "tcp://10.0.0.5:8786"
    env = {"MOVEMENT_CHECK_SCHEDULER": "tls://sched.clinic.local:8786"}
    assert load_config(env, cwd=tmp_path).scheduler == "tls://sched.clinic.local:8786"
    with pytest.raises(InputError, match="tcp://10.0.0.5:8786"):
        load_config({"MOVEMENT_CHECK_SCHEDULER": "10.0.0.5"}, cwd=tmp_path)


def test_batch_says_when_no_scheduler_answers(tmp_path, capsys):
    folder = tmp_path / "clips"
    folder.mkdir()
    (folder / "a.mp4").write_bytes(b"x" * 100)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]                  # nobody listens there once closed
    assert main(["batch", str(folder), "--test", "gait", "--out", str(tmp_path / "r.csv"),
                 "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    assert "No Dask scheduler answers at" in capsys.readouterr().err


def test_the_progress_bar_counts_done_and_failed(capsys):
    from movement_check.cli.record import _ProgressBar

    bar = _ProgressBar(3, {0: ClipRow("a.mp4", "ok")}, hidden=False)
    bar.update(ClipRow("b.mp4", "error", "not a video"))
    bar.close()
    err = capsys.readouterr().err
    assert "2/3 clips" in err and "1 failed" in err


def test_the_local_cluster_listens_on_127_0_0_1_only_and_runs_offline_work():
    import operator

    from movement_check import compute

    cluster = compute.local_cluster(1)
    try:
        client = compute.connect(cluster)
        client.wait_for_workers(1, timeout=120)
        pids = [os.getpid()] + [nanny.pid for nanny in cluster.workers.values()]
        listening = [s for pid in pids for s in tcp_listening(pid)]
        assert len(listening) >= 3, listening                 # the scheduler, the nanny, the worker
        assert outside_loopback(listening) == [], listening
        assert not any(port == 8787 for _, port in listening)  # no dashboard on its usual port
        client.close()
        assert compute.run_offline(operator.mul, 6, 7, scheduler=cluster.scheduler_address) == 42
        with pytest.raises(InputError, match="not a video"):            # the app's upload: its error comes back
            compute.run_offline(compute.analyse_bytes, b"not a video" * 50, "upload.mp4", "gait",
                                ExtractionSettings(), scheduler=cluster.scheduler_address)
        compute._clients.pop(cluster.scheduler_address).close()
        assert compute.run_offline(operator.mul, 6, 7, scheduler="") == 42          # none: in this process
    finally:
        cluster.close()


@pytest.mark.slow
def test_a_rerun_keeps_the_clips_done_and_analyses_only_the_changed_one(tmp_path, capsys):
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copy(WALKER, folder / "a_walk.mp4")
    (folder / "b_broken.mp4").write_bytes(b"this is not a video" * 100)
    out = tmp_path / "results.csv"
    args = ["batch", str(folder), "--test", "gait", "--out", str(out), "--workers", "1"]
    assert main(args) == 3
    first = out.read_text()
    saved = json.loads((tmp_path / "results.clips" / "a_walk.mp4.json").read_text())
    assert saved["sha256"] == file_sha256(folder / "a_walk.mp4") and saved["result"]["test"] == "gait"
    assert saved["row"]["metrics"]["cadence"] == pytest.approx(float(next(csv.DictReader(out.open()))["cadence"]))
    capsys.readouterr()
    (folder / "b_broken.mp4").write_bytes(b"still not a video" * 100)            # changed: analysed again
    t0 = time.monotonic()
    assert main(args) == 3
    err = capsys.readouterr().err
    assert "1 of 2 clips kept from an earlier run" in err and "b_broken.mp4" in err
    assert time.monotonic() - t0 < 60                                           # the walk was not run again
    assert out.read_text() == first
    assert main(args + ["--height-cm", "175"]) == 3                              # other settings: all again
    assert "kept from an earlier run" not in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _stop(procs) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.mark.slow
def test_a_real_scheduler_and_two_workers_one_killed_mid_run_every_clip_accounted_for(tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("a_walk.mp4", "c_walk.mp4", "d_walk.mp4"):
        shutil.copy(WALKER, folder / name)
    (folder / "b_broken.mp4").write_bytes(b"this is not a video" * 100)
    out = tmp_path / "results.csv"
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(REPO), DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="0")
    started = []
    try:
        started.append(subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--dashboard-address", "127.0.0.1:0", "--no-dashboard"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        workers = [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--nworkers", "1",
             "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "0", "--name", f"w{k}"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            for k in range(2)]
        started += workers
        from distributed import Client

        deadline = time.monotonic() + 180
        while True:                                   # the scheduler up, then both workers in
            try:
                with Client(address, timeout="5s", set_as_default=False) as client:
                    client.wait_for_workers(2, timeout=180)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        batch = subprocess.Popen([sys.executable, "-m", "movement_check.cli.main", "batch", str(folder), "--test",
                                  "gait", "--out", str(out), "--scheduler", address], env=env,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        started.append(batch)
        kept = tmp_path / "results.clips"
        deadline = time.monotonic() + 600
        while not (kept.is_dir() and any(kept.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.5)                           # the broken clip is done: both workers are on walks now
        time.sleep(3.0)
        victims = _children(workers[0].pid)
        assert victims, "the first dask worker has no worker process"
        for pid in victims:
            os.kill(pid, signal.SIGKILL)             # dies mid-clip; its nanny starts a new one
        _, err = batch.communicate(timeout=1200)
    finally:
        _stop(started)
    assert batch.returncode == 3, err
    rows = list(csv.DictReader(out.open()))
    assert [r["clip"] for r in rows] == ["a_walk.mp4", "b_broken.mp4", "c_walk.mp4", "d_walk.mp4"], err
    assert [r["status"] for r in rows] == ["ok", "error", "ok", "ok"], err
    assert "not" in rows[1]["reason"]
    assert len({r["cadence"] for r in rows if r["status"] == "ok"}) == 1              # the same clip, the same answer
    assert "the worker analysing it was lost" in err and "trying it once more" in err, err
    assert "batch: 3 analysed, 1 failed of 4 clips" in err and "Traceback" not in err, err
    assert sorted(p.name for p in (tmp_path / "results.clips").iterdir()) == sorted(r["clip"] + ".json"
                                                                                     for r in rows)


def test_the_upload_page_analyses_on_the_configured_scheduler(monkeypatch, tmp_path):
    pytest.importorskip("streamlit.testing.v1")
    from app_pages import state
    from movement_check import compute

    from tests.fixtures.app import analyse_button, clip_page

    cluster = compute.local_cluster(1)
    try:
        monkeypatch.setenv("MOVEMENT_CHECK_CONFIG", "")
        monkeypatch.setenv("MOVEMENT_CHECK_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("MOVEMENT_CHECK_SCHEDULER", cluster.scheduler_address)
        state.live_config.clear()
        at = clip_page()
        at.file_uploader[0].upload("notes.mp4", b"this is not a video", "video/mp4")
        analyse_button(at).click().run()
        assert not at.exception
        assert len(at.error) == 1 and "not a video that can be read" in at.error[0].value   # as without one
        assert "analyse_bytes" in cluster.scheduler.task_prefixes                          # it ran there
    finally:
        state.live_config.clear()
        client = compute._clients.pop(cluster.scheduler_address, None)
        if client is not None:
            client.close()
        cluster.close()
