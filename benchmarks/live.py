"""Live visit benchmark: frames processed per second, latency and memory, full vs lite.

Runs the app as a real server and Debian's Chromium (headless, on this same
machine) with a patient context streaming the walking sample clip from a fake
camera at 640x480, 30 fps, and a therapist context watching the live panel.
For each model it reads the server's own counters (frames received, frames
analysed live, the newest frame's time from hand-over to overlay) from the
therapist's page every second, and the server's resident memory from /proc.

    .venv/bin/python benchmarks/live.py [--seconds 60] [--models full,lite] [--steps] [--app FOLDER]

Printed per model: received fps, processed fps (after a 10 s warm-up),
per-frame latency in the server (median and 90th percentile), frames dropped as
stale (received - processed), the server's memory at the start, end and
highest, and its level at each minute; in a run of 2 minutes or more, each
minute's analysed frames a second and median delays (``by_minute``: does a
delay grow over a long visit?).

Glass to glass: every frame of the fake camera's clip carries its number as a
row of black and white blocks at the top (in the letterbox bar, away from the
walker). A script in the patient's page reads the number from the camera's own
stream and from the video coming back from the server as each frame is shown
(requestVideoFrameCallback), so "shown in the patient's page" minus "left the
camera" for the same frame is the whole round trip: WebRTC encoding, the
network (here: the same machine), the server's queue, the pose model, the
return encoding and the browser's decoding. Its median and 90th percentile are
printed as ``glass_to_glass_ms_*``.

The therapist's page runs the same probe on the video it receives (the
patient's analysed pictures, relayed by the server): "shown in the therapist's
page" minus "left the patient's camera" is ``camera_to_therapist_ms_*`` (both
pages' times are wall-clock milliseconds, ``performance.timeOrigin`` plus the
frame's time, on the same machine). ``therapist_fps`` is the distinct frames
the therapist's page showed per second, ``therapist_decoded_fps`` the frames
its browser decoded (``getVideoPlaybackQuality``), both after the warm-up.

With ``--steps`` the therapist records gait steps over and over during the run
(10 s idle, 20 s recording, stop and analyse every frame, wait for the result),
so the memory figures include recording and analysis; the number of results
shown is printed as ``steps_analysed``, and the seconds from the click on
"Stop and analyse" to the result on the therapist's page (read every second)
as ``step_result_s``, and of each step's frames those analysed before Stop (the page's progress) as
``step_analysed_while_recording``; each step's result (frames and rate received, cadence, steps, how many
warnings) as ``step_results``, to compare with the same clip analysed offline. ``--app FOLDER`` serves the app of another copy of the
code (e.g. an older commit, ``git archive``d) to compare. Needs
/usr/bin/chromium and playwright.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from movement_check.clinic.accounts import hash_password  # noqa: E402
from tests.fixtures.accounts import PASSWORD  # noqa: E402
from tests.fixtures.browser import FLAGS, WALKER, free_port, open_visit, write_y4m  # noqa: E402

BLOCKS = 16                   # a white block, 14 bits of the frame number, a black block
STRIP_PX = 40                 # the blocks' height at 480 rows (the letterbox bar is 60 rows)

# runs in every frame of the patient's page; the webrtc component's iframe is the one that uses it
PROBE = """
(() => {
  const BLOCKS = %d, STRIP = %f;
  window.__mc = {local: [], remote: []};
  function probe(stream, list) {
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true; v.srcObject = stream;
    v.style.cssText = 'position:fixed;left:0;top:0;width:64px;height:48px;opacity:0.01;pointer-events:none';
    document.documentElement.appendChild(v);
    v.play().catch(() => {});
    const c = document.createElement('canvas'); c.width = BLOCKS * 4; c.height = 4;
    const ctx = c.getContext('2d', {willReadFrequently: true});
    let last = -1;
    const tick = (now) => {
      if (v.videoWidth) {
        ctx.drawImage(v, 0, 0, v.videoWidth, v.videoHeight * STRIP, 0, 0, BLOCKS * 4, 4);
        const d = ctx.getImageData(0, 0, BLOCKS * 4, 4).data;
        const bit = (b) => { const k = (2 * BLOCKS * 4 + b * 4 + 2) * 4; return (d[k] + d[k + 1] + d[k + 2]) / 3 > 128; };
        if (bit(0) && !bit(BLOCKS - 1)) {
          let n = 0;
          for (let b = 1; b < BLOCKS - 1; b++) n = n * 2 + (bit(b) ? 1 : 0);
          if (n !== last) { list.push([performance.timeOrigin + now, n]); last = n; }
        }
      }
      v.requestVideoFrameCallback(tick);
    };
    v.requestVideoFrameCallback(tick);
  }
  const md = navigator.mediaDevices;
  if (md && md.getUserMedia) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c) => { const s = await gum(c); probe(s, window.__mc.local); return s; };
  }
  const PC = window.RTCPeerConnection;
  if (PC) {
    window.RTCPeerConnection = class extends PC {
      constructor(...a) {
        super(...a);
        this.addEventListener('track', (e) => {
          if (e.track.kind === 'video') probe(new MediaStream([e.track]), window.__mc.remote);
        });
      }
    };
  }
})();
""" % (BLOCKS, STRIP_PX / 480)


def stamp(bgr: np.ndarray, index: int) -> None:
    """Frame ``index`` written as blocks across the top: white, 14 bits (most significant first), black."""
    w = bgr.shape[1] // BLOCKS
    bits = [1] + [(index >> (13 - b)) & 1 for b in range(14)] + [0]
    for b, on in enumerate(bits):
        bgr[:STRIP_PX, b * w:(b + 1) * w] = 255 if on else 0


def glass_to_glass(local: list, remote: list, *, after_ms: float = 10_000) -> list[float]:
    """For each frame number first shown in the returned video: its time there minus the time the same
    number last left the camera before it (the clip loops, so a number comes round again)."""
    shown = defaultdict(list)
    for t, n in local:
        shown[n].append(t)
    start = local[0][0] + after_ms if local else 0
    out = []
    for t, n in remote:
        times = shown.get(n)
        if not times or t < start:
            continue
        k = bisect.bisect_right(times, t) - 1
        if k >= 0 and t - times[k] < 5_000:
            out.append(t - times[k])
    return out


def by_minute(local: list, remote: list, watched: list, readings: list, *, start_ms: float | None = None
              ) -> list[dict]:
    """Per minute of the run: frames analysed a second, and the median delays to the patient's and the
    therapist's pages (whether a delay grows over a long visit). ``start_ms``: the run's start (the readings'
    0) in the pages' clock (ms since the epoch), so that a minute's delays and its readings are the same
    minute; a last minute with under two readings is left out."""
    out = []
    if not local or not readings:
        return out
    t0 = local[0][0] if start_ms is None else start_ms
    for m in range(int(readings[-1][0] // 60) + 1):
        lo, hi = m * 60_000, (m + 1) * 60_000
        inside = [r for r in readings if lo / 1000 <= r[0] < hi / 1000 and r[0] > 10.0]
        if m and len(inside) < 2:
            break
        trip = glass_to_glass(local, [(t, n) for t, n in remote if lo <= t - t0 < hi])
        seen = glass_to_glass(local, [(t, n) for t, n in watched if lo <= t - t0 < hi])
        span = inside[-1][0] - inside[0][0] if len(inside) > 1 else 0
        out.append({"minute": m + 1,
                    "processed_fps": round((inside[-1][3] - inside[0][3]) / span, 1) if span > 0 else None,
                    "glass_to_glass_ms_median": round(statistics.median(trip)) if trip else None,
                    "camera_to_therapist_ms_median": round(statistics.median(seen)) if seen else None})
    return out


def probe_readings(page) -> tuple[list, list]:
    """(camera frames shown, frames of the video received shown) by the probe in one of the page's frames."""
    for frame in page.frames:
        try:
            found = frame.evaluate("window.__mc && (window.__mc.local.length || window.__mc.remote.length)"
                                   " ? window.__mc : null")
        except Exception:  # a frame that went away
            continue
        if found:
            return found["local"], found["remote"]
    return [], []


#: the therapist's panel; no time per frame while the preview rests (a step's result worked out)
PANEL = re.compile(r"Frames received (\d+) \((\d+)/s\) · analysed live (\d+) \((\d+)/s\)(?: · (\d+) ms per frame)?")


def therapist_decoded(page) -> int | None:
    """Frames the therapist's browser has decoded from the patient's video so far (None: no video playing)."""
    try:
        return page.frame_locator('iframe[title*="webrtc"]').locator("body video").evaluate(
            "v => v.getVideoPlaybackQuality().totalVideoFrames", timeout=2_000)
    except Exception:  # no player (yet), or it is being set up again
        return None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(model: str, seconds: float, y4m: Path, folder: Path, *, steps: bool = False, probe: bool = True,
        app: Path = REPO) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = {**os.environ, "MOVEMENT_CHECK_THERAPISTS": json.dumps({"jdoe": hash_password(PASSWORD, iterations=1000)}),
           "MOVEMENT_CHECK_DATA_DIR": str(folder / model), "MOVEMENT_CHECK_CONFIG": "", "MOVEMENT_CHECK_RECORD": "",
           "MOVEMENT_CHECK_LIVE_MODEL": model}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(app / "app.py"), "--server.port",
                               str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
                              cwd=app, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    readings, minutes = [], []
    local = remote = watched = []
    text = ""
    decoded = []
    started = analysed = 0
    result_s = []                 # Stop clicked -> the step's result shown, per step
    while_recording = []          # per step, "N/M": of its M frames, N analysed before Stop (the page's progress)
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
            therapist, patient, _ = open_visit(browser, base, patient_script=PROBE if probe else None,
                                               therapist_script=PROBE if probe else None)
            start_mb = rss_mb(server.pid)
            t0, start_ms = time.monotonic(), time.time() * 1000.0    # the pages' clock: ms since the epoch
            phase, since = "idle", t0
            while time.monotonic() - t0 < seconds:
                time.sleep(1.0)
                now = time.monotonic()
                text = therapist.locator("main").inner_text()
                found = PANEL.search(text)
                decoded.append((now - t0, therapist_decoded(therapist)))
                if found:
                    rx, rx_fps, px, px_fps, ms = found.groups()
                    readings.append((now - t0, int(rx), int(rx_fps), int(px), int(px_fps),
                                     float(ms) if ms else float("nan"), rss_mb(server.pid)))
                if now - t0 >= 60 * (len(minutes) + 1):
                    minutes.append(round(rss_mb(server.pid)))
                    print(f"  {model} minute {len(minutes)}: {minutes[-1]} MB, steps analysed {analysed}",
                          file=sys.stderr, flush=True)
                if not steps:
                    continue
                try:
                    if phase == "idle" and now - since > 10:
                        therapist.get_by_role("button", name="Start", exact=True).click(timeout=10_000)
                        started, phase, since = started + 1, "recording", now
                    elif phase == "recording" and now - since > 20:
                        therapist.get_by_role("button", name="Stop and analyse").click(timeout=10_000)
                        phase, since = "analysing", now
                    elif phase == "analysing":
                        before = re.search(r"(\d+) of (\d+) frames analysed while\s+recording", text)
                        if before and len(while_recording) < started:
                            while_recording.append(f"{before.group(1)}/{before.group(2)}")
                        analysed = len(re.findall(r"(?m)^\d+\. Walk across", text))
                        if analysed >= started:
                            result_s.append(round(now - since, 1))
                            phase, since = "idle", now
                except Exception as exc:  # a rerun replaced the button under the click: try on the next tick
                    print(f"  {model}: {type(exc).__name__} at {now - t0:.0f} s ({phase})", file=sys.stderr)
            local, remote = probe_readings(patient)
            _, watched = probe_readings(therapist)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    steady = [r for r in readings if r[0] > 10.0] or readings
    last = readings[-1]
    first = steady[0]
    span = last[0] - first[0]
    latencies = sorted(r[5] for r in steady if r[5] == r[5])
    trip = sorted(glass_to_glass(local, remote))
    to_therapist = sorted(glass_to_glass(local, watched))
    shown = [t for t, _ in watched if local and t > local[0][0] + 10_000]
    counted = [(t, n) for t, n in decoded if t > 10.0 and n is not None]
    return {
        "model": model, "seconds": round(last[0], 1), "probe": probe,
        "received_fps": round((last[1] - first[1]) / span, 1) if span > 0 else None,
        "processed_fps": round((last[3] - first[3]) / span, 1) if span > 0 else None,
        "latency_ms_median": statistics.median(latencies) if latencies else None,
        "latency_ms_p90": latencies[int(0.9 * (len(latencies) - 1))] if latencies else None,
        "glass_to_glass_ms_median": round(statistics.median(trip)) if trip else None,
        "glass_to_glass_ms_p90": round(trip[int(0.9 * (len(trip) - 1))]) if trip else None,
        "glass_to_glass_frames": len(trip),
        "camera_to_therapist_ms_median": round(statistics.median(to_therapist)) if to_therapist else None,
        "camera_to_therapist_ms_p90": round(to_therapist[int(0.9 * (len(to_therapist) - 1))]) if to_therapist else None,
        "therapist_fps": round((len(shown) - 1) / ((shown[-1] - shown[0]) / 1000), 1) if len(shown) > 1 else None,
        "therapist_decoded_fps": (round((counted[-1][1] - counted[0][1]) / (counted[-1][0] - counted[0][0]), 1)
                                  if len(counted) > 1 and counted[-1][0] > counted[0][0] else None),
        "therapist_view": "moving video" if "Moving video" in text else "still pictures",
        "dropped_share": round(1 - (last[3] - first[3]) / max(last[1] - first[1], 1), 2),
        "server_mb_start": round(start_mb), "server_mb_end": round(last[6]),
        "server_mb_max": round(max(r[6] for r in readings)), "server_mb_by_minute": minutes,
        "by_minute": (by_minute(local, remote, watched, readings, start_ms=start_ms)
                      if seconds >= 120 else None),
        "steps_analysed": analysed if steps else None,
        "step_result_s": result_s if steps else None,
        "step_analysed_while_recording": while_recording if steps else None,
        "step_results": step_results(folder / model) if steps else None,
        "load_average_end": round(os.getloadavg()[0], 2),
    }


def step_results(folder: Path) -> list[dict]:
    """What each recorded step gave (the results the app kept in its data folder): the frames and rate
    received, cadence, steps and the warnings, to set beside the same clip analysed offline."""
    out = []
    for path in sorted(folder.glob("visit-*/*.json")):
        result = json.loads(path.read_text())
        value = {m["name"]: m["value"] for m in result.get("metrics", []) if m.get("side") is None}
        step = result.get("source", {}).get("live_step", {})
        out.append({"step": path.stem, "frames": step.get("frames_received"), "fps": step.get("received_fps"),
                    "cadence": value.get("cadence"), "steps": value.get("steps"),
                    "warnings": len(result.get("warnings", []))})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--models", default="full,lite")
    parser.add_argument("--steps", action="store_true", help="record and analyse gait steps throughout")
    parser.add_argument("--app", type=Path, default=REPO, help="the folder whose app.py is served (default: this one)")
    parser.add_argument("--no-probe", action="store_true",
                        help="no glass-to-glass probe in the patient's page (it costs the browser some CPU)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        y4m = write_y4m(WALKER, Path(folder) / "walker.y4m", mark=stamp)
        for model in args.models.split(","):
            print(json.dumps(run(model, args.seconds, y4m, Path(folder), steps=args.steps,
                                 probe=not args.no_probe, app=args.app.resolve())), flush=True)


if __name__ == "__main__":
    main()
