"""What the repository holds: nothing of one machine's. A worktree's `.venv` link, committed once by a
`git add -A` (e7c66f0), made every fresh clone's `make` fail ("Too many levels of symbolic links")."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _tracked() -> list[str]:
    if not (ROOT / ".git").exists() or not shutil.which("git"):
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-s"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def test_no_virtual_environment_or_symbolic_link_is_tracked():
    entries = [line.split(maxsplit=3) for line in _tracked()]
    links = [path for mode, _, _, path in entries if mode == "120000"]
    assert links == [], f"symbolic links are machine-specific: {links}"
    assert not [path for *_, path in entries if path == ".venv" or path.startswith(".venv/")]
