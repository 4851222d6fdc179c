"""How many people the pipeline reports in each real clip (all of them hold one person but the two-people
sample): a guard for changes to whom is followed.

    python benchmarks/people_counts.py

Every clip in ``sample_videos/`` and the local ``../shared/videos/`` goes through
:func:`movement_check.pipeline.extraction.extract` (the default settings, as ``movement-check analyse``), and the
script prints per clip the people listed in the result's quality (``quality.subject.people_seen``), the
frames each was seen in and how many pieces of their tracks were joined.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.accuracy import REPO, SHARED  # noqa: E402
from movement_check.pipeline.extraction import extract  # noqa: E402

CLIPS = (".mp4", ".avi", ".mov", ".mkv", ".webm", ".m4v")


def clips() -> list[Path]:
    found = []
    for folder in (SHARED / "videos", REPO / "sample_videos"):
        if folder.exists():
            found += sorted(p for p in folder.iterdir() if p.suffix.lower() in CLIPS)
    return found


def main() -> int:
    for clip in clips():
        subject = extract(clip).subject.to_dict()
        joins = sum(len(p.get("tracks_joined", [])) for p in subject["people"])
        print(f"{clip.name:36s} people={subject['people_seen']}  frames per person="
              f"{[p['frames'] for p in subject['people']]}  joins={joins}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
