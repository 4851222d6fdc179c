"""Pictures a reviewer looks at after a run: the browser tests' screenshots and the report's first page.

Each is saved under its test's own folder (``tmp_path``) and copied by :func:`keep` into ``test-artifacts/`` at
the repository's root (git-ignored), where CI can collect them and a reviewer finds them after a local run;
the run's summary lists their paths (tests/conftest.py), with or without ``-s``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .clips import REPO

ARTIFACTS = REPO / "test-artifacts"
#: the copies made in this run, for the summary at its end
kept: list[Path] = []


def keep(path: Path) -> Path:
    """``path`` (a picture in a test's folder) copied into test-artifacts/ under its own name; the copy."""
    ARTIFACTS.mkdir(exist_ok=True)
    copy = ARTIFACTS / path.name
    shutil.copyfile(path, copy)
    kept.append(copy)
    print(f"\nsaved for a reviewer: {path} (copy: {copy})")
    return copy


def is_a_picture(path: Path, *, min_size: tuple[int, int] = (600, 600), min_colours: int = 8) -> bool:
    """``path`` is a PNG at least ``min_size`` pixels with more than a few colours (not blank, not a stub)."""
    from PIL import Image

    with Image.open(path) as image:
        if image.format != "PNG" or image.size[0] < min_size[0] or image.size[1] < min_size[1]:
            return False
        colours = image.convert("RGB").resize((200, 200)).getcolors(maxcolors=200 * 200)
    return colours is None or len(colours) >= min_colours
