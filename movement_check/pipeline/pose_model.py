"""Finding and checking the MediaPipe Pose Landmarker model bundle.

``full`` is shipped in the repository's ``models/`` folder and found with no
configuration; ``lite`` is looked for beside it and in ``../shared/models``;
anything else is a path to a ``.task`` file. The known bundles are checked
against their sha256, so a damaged download or checkout is caught before it
produces wrong landmarks. See ``models/README.md`` for provenance.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from movement_check.errors import InputError

#: sha256 of the bundles we know (models/README.md)
KNOWN_MODELS = {
    "full": ("pose_landmarker_full.task", "3649018f7be4bf274e3a466b6db47727de011427eb6953c3b95fc34b9e1a5c35"),
    "lite": ("pose_landmarker_lite.task", "788d466deabd4c76b4e1760f39788b9452aa6ce8c30c70d7572a494c6072b5c9"),
}
#: files inside every Pose Landmarker bundle (a .task file is a zip archive)
_BUNDLE_MEMBERS = {"pose_detector.tflite", "pose_landmarks_detector.tflite"}

MODEL_DIR_ENV = "MOVEMENT_CHECK_MODEL_DIR"


@dataclass(frozen=True)
class PoseModel:
    """A checked model bundle: its name (full, lite or the file's name), path and sha256."""

    name: str
    path: Path
    sha256: str

    def to_dict(self) -> dict:
        return {"name": self.name, "file": self.path.name, "sha256": self.sha256}


def model_dirs() -> list[Path]:
    """Where ``full`` and ``lite`` are looked for, in order."""
    repo = Path(__file__).resolve().parents[2]
    dirs = []
    if os.environ.get(MODEL_DIR_ENV):
        dirs.append(Path(os.environ[MODEL_DIR_ENV]))
    dirs += [repo / "models", repo.parent / "shared" / "models"]
    return dirs


@lru_cache(maxsize=8)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    stat = path.stat()
    return _sha256(path, stat.st_mtime_ns, stat.st_size)


def resolve_model(spec: str | os.PathLike = "full") -> PoseModel:
    """Turn ``full``, ``lite`` or a path into a checked :class:`PoseModel`.

    Raises :class:`InputError` with one sentence saying what to do when the
    model is missing, damaged or not a Pose Landmarker bundle.
    """
    spec_str = os.fspath(spec)
    if spec_str in KNOWN_MODELS:
        filename, expected = KNOWN_MODELS[spec_str]
        for folder in model_dirs():
            candidate = folder / filename
            if candidate.is_file():
                return _checked(spec_str, candidate, expected)
        if spec_str == "full":
            raise InputError(f"The bundled pose model {filename} is missing from {model_dirs()[-2]}: restore it "
                             "with `git checkout models/` (or set MOVEMENT_CHECK_MODEL_DIR to a folder holding it).")
        raise InputError(f"The lite pose model is not installed: pass its path with --model PATH "
                         f"(e.g. ../shared/models/{filename}) or copy it into models/.")
    path = Path(spec_str).expanduser()
    if not path.is_file():
        raise InputError(f"No model file at {path}: use --model full, --model lite, or the path of a "
                         "pose_landmarker .task file.")
    digest = file_sha256(path)
    for name, (_, known) in KNOWN_MODELS.items():
        if digest == known:
            return PoseModel(name=name, path=path, sha256=digest)
    if not _looks_like_bundle(path):
        raise InputError(f"{path.name} is not a MediaPipe Pose Landmarker model bundle (.task): use --model full, "
                         "--model lite, or a pose_landmarker_*.task file.")
    return PoseModel(name=path.name, path=path, sha256=digest)


def _checked(name: str, path: Path, expected: str) -> PoseModel:
    digest = file_sha256(path)
    if digest != expected:
        raise InputError(f"The pose model {path} is damaged (its sha256 does not match models/README.md): "
                         "restore it with `git checkout models/` or copy it again from the release.")
    return PoseModel(name=name, path=path, sha256=digest)


def _looks_like_bundle(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return _BUNDLE_MEMBERS <= set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
