"""Batch speed: clips per minute through `movement-check batch`, in this process and on 1 and 2 Dask workers.

    .venv/bin/python benchmarks/batch_speed.py [--clips 6] [--test gait] [--model full] [--scheduler tcp://HOST:8786]

The folder holds ``--clips`` copies of the walking sample clip (230 frames, 1768x994, 7.7 s). Each run is timed end
to end (the workers starting and loading the model included), one after the other in one run of this script:

* ``here``: ``--workers 1``, every clip in this process;
* ``dask-1``, ``dask-2``: a Dask LocalCluster of 1 and 2 worker processes on 127.0.0.1 (what ``--workers 2`` does);
* ``cluster`` (with ``--scheduler``): the cluster there, with as many workers as it has.

Printed as JSON lines. Expected scaling to N machines: each clip is independent and its bytes are read from the
shared folder by the worker (a few MB against 10-20 s of pose estimation per clip on one core), so clips a minute
grow with the number of worker processes (one per core) until the shared folder or the network is the limit:
about ``N x cores x`` the ``dask-1`` figure, less the start (a few seconds per worker) and the tail (the last
clips leave cores idle; with K clips and W workers the last round is ``K mod W`` clips).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from movement_check.batch.run import clips_in, run_batch  # noqa: E402

CLIP = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def _timed(name: str, clips, args, **how) -> None:
    t0 = time.monotonic()
    if how.pop("local_workers", None):
        from movement_check.compute import local_cluster

        cluster = local_cluster(how["workers"])
        try:
            run = run_batch(clips, args.test, model=args.model, scheduler=cluster.scheduler_address, **how)
        finally:
            cluster.close()
    else:
        run = run_batch(clips, args.test, model=args.model, **how)
    spent = time.monotonic() - t0
    rows = run.rows
    print(json.dumps({"run": name, "clips": len(clips), "ok": sum(r.status == "ok" for r in rows),
                      "seconds": round(spent, 1), "clips_per_minute": round(60 * len(clips) / spent, 1),
                      "mean_seconds_per_clip_in_worker": round(sum(r.seconds for r in rows) / max(len(rows), 1), 1)}),
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--test", default="gait")
    parser.add_argument("--model", default="full")
    parser.add_argument("--scheduler", help="also time the Dask cluster there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.clips):
            shutil.copy(CLIP, Path(tmp) / f"clip_{i:02d}.mp4")
        clips = clips_in(tmp)
        _timed("here", clips, args, workers=1)
        _timed("dask-1", clips, args, workers=1, local_workers=True)
        _timed("dask-2", clips, args, workers=2, local_workers=True)
        if args.scheduler:
            _timed("cluster", clips, args, scheduler=args.scheduler)


if __name__ == "__main__":
    main()
