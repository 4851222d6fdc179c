"""Two pose models taking turns against one model over every frame: time and landmark differences per clip.

    python benchmarks/taking_turns_landmarks.py [CLIP ...]   (default: every clip in ../shared and sample_videos)

Per clip: frames, seconds with one model and with two (``models=1`` / ``2``), frames in which the number of
people found differs, and the median over frames and people of each person's median landmark difference, in
body heights (median, 95th percentile, maximum). See README "Speed".
"""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import time, glob
import numpy as np
from movement_check.extraction import detect_people
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
clips = sys.argv[1:] or sorted(glob.glob(str(SHARED / "videos" / "*"))) + sorted(glob.glob(str(SHARED / "sample_videos" / "*.mp4"))) + sorted(glob.glob(str(SHARED / "synthetic_videos" / "*.mp4")))
for c in clips:
    if c.endswith(".md"): continue
    t0 = time.perf_counter(); a = detect_people(c, models=1); ta = time.perf_counter() - t0
    t0 = time.perf_counter(); b = detect_people(c, models=2); tb = time.perf_counter() - t0
    assert np.allclose(a.times, b.times), "times differ"
    diffs = []; cnt = 0
    for i, (da, db) in enumerate(zip(a.detections, b.detections)):
        if len(da) != len(db): cnt += 1; continue
        for k in range(len(da)):
            ca = np.nanmean(da.image[k, 23:25, :2], axis=0); cb = np.nanmean(db.image[:, 23:25, :2], axis=1)
            j = int(np.argmin(np.linalg.norm(cb - ca, axis=1)))
            h = np.nanmax(da.image[k, :, 1]) - np.nanmin(da.image[k, :, 1])
            diffs.append(np.nanmedian(np.abs(da.image[k, :, :2] - db.image[j, :, :2])) / h)
    d = np.array(diffs)
    print(f"{c.split('/')[-1]}: {len(a.times)} fr; one model {ta:.1f}s two {tb:.1f}s ratio {tb/ta:.2f}; "
          f"people-count differs {cnt}; median landmark diff/body height median {np.median(d):.4f} p95 {np.percentile(d,95):.4f} max {np.max(d):.3f}", flush=True)
