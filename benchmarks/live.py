"""Live visit benchmark: frames processed per second, per-frame latency and memory, full vs lite.

Runs the app as a real server and Debian's Chromium (headless, on this same
machine) with a patient context streaming the walking sample clip from a fake
camera at 640x480, 30 fps, and a therapist context watching the live panel.
For each model it reads the server's own counters (frames received, frames
analysed live, the newest frame's time from hand-over to overlay) from the
therapist's page every second, and the server's resident memory from /proc.

    .venv/bin/python benchmarks/live.py [--seconds 60] [--models full,lite]

Printed per model: received fps, processed fps (median of the per-second
readings after a 10 s warm-up), per-frame latency (median and 90th percentile),
frames dropped as stale (received - processed), and the server's memory at
the start and end of the run. Needs /usr/bin/chromium and playwright.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from movement_check.accounts import hash_password  # noqa: E402
from tests.test_live_browser import FLAGS, PASSWORD, WALKER, _free_port, open_visit, write_y4m  # noqa: E402

PANEL = re.compile(r"Frames received (\d+) \((\d+)/s\) · analysed live (\d+) \((\d+)/s\) · (\d+|nan) ms per frame")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(model: str, seconds: float, y4m: Path, folder: Path) -> dict:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "MOVEMENT_CHECK_THERAPISTS": json.dumps({"jdoe": hash_password(PASSWORD, iterations=1000)}),
           "MOVEMENT_CHECK_DATA_DIR": str(folder / "data"), "MOVEMENT_CHECK_CONFIG": "",
           "MOVEMENT_CHECK_LIVE_MODEL": model}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.port",
                               str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    readings = []
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                         args=FLAGS + [f"--use-file-for-fake-video-capture={y4m}"])
            therapist, _, _ = open_visit(browser, base)
            start_mb = rss_mb(server.pid)
            t0 = time.monotonic()
            while time.monotonic() - t0 < seconds:
                time.sleep(1.0)
                text = therapist.locator("main").inner_text()
                found = PANEL.search(text)
                if found:
                    rx, rx_fps, px, px_fps, ms = found.groups()
                    readings.append((time.monotonic() - t0, int(rx), int(rx_fps), int(px), int(px_fps),
                                     float(ms) if ms != "nan" else float("nan"), rss_mb(server.pid)))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    steady = [r for r in readings if r[0] > 10.0] or readings
    last = readings[-1]
    first = steady[0]
    span = last[0] - first[0]
    latencies = sorted(r[5] for r in steady if r[5] == r[5])
    return {
        "model": model, "seconds": round(last[0], 1),
        "received_fps": round((last[1] - first[1]) / span, 1) if span > 0 else None,
        "processed_fps": round((last[3] - first[3]) / span, 1) if span > 0 else None,
        "latency_ms_median": statistics.median(latencies) if latencies else None,
        "latency_ms_p90": latencies[int(0.9 * (len(latencies) - 1))] if latencies else None,
        "dropped_share": round(1 - (last[3] - first[3]) / max(last[1] - first[1], 1), 2),
        "server_mb_start": round(start_mb), "server_mb_end": round(last[6]),
        "server_mb_max": round(max(r[6] for r in readings)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models", default="full,lite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        y4m = write_y4m(WALKER, Path(folder) / "walker.y4m")
        for model in args.models.split(","):
            print(json.dumps(run(model, args.seconds, y4m, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
