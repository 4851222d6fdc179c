"""Where the command line writes: each output checked before any work, written whole or not at all, and what was
computed kept somewhere named when the user's path fails at the end.

- :func:`check_file` / :func:`check_folder`: before the work, an output must be a file name (not a folder) in a
  folder that exists and takes a new file (tried, not guessed from permission bits: /proc, a read-only mount or
  a full disk say no whatever the bits say). A refusal is an :class:`OutputError` naming the user's path.
- :func:`write_file`: through a temporary file in the same folder, then moved into place, so a failure never
  leaves half a file or destroys an older one. When that fails anyway (the folder went away, the disk filled
  up), the same writer writes into a new folder under the system's temporary folder instead, and the
  :class:`OutputError` names both.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable

from movement_check.errors import OutputError, shorten

Writer = Callable[[str], object]


def _reason(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _takes_a_file(folder: Path) -> str | None:
    """None when a new file can be made in ``folder``, else why not (the OS's reason)."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".movement-check-", suffix=".probe")
    except OSError as exc:
        return _reason(exc)
    os.close(fd)
    os.unlink(probe)
    return None


def check_file(path: str | os.PathLike, what: str, *, not_over: str | os.PathLike | None = None) -> Path:
    """The output file ``path`` for ``what`` (e.g. "JSON"), checked before any work; ``not_over``: the input it
    must not overwrite."""
    out = Path(path)
    shown = shorten(str(path))
    if not_over is not None and out.exists() and out.resolve() == Path(not_over).resolve():
        raise OutputError(f"The {what} would overwrite the clip itself: choose another file name.")
    if out.is_dir():
        raise OutputError(f"The {what} output {shown} is a folder: give a file name in it.")
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(f"The folder for the {what}, {shorten(str(folder))}, does not exist: create it or "
                          "choose another.")
    if out.exists() and not os.access(out, os.W_OK):
        raise OutputError(f"The {what} output {shown} exists and cannot be replaced (read-only): choose another "
                          "file name.")
    why = _takes_a_file(folder)
    if why:
        raise OutputError(f"The {what} cannot be written to {shown} ({why}): choose a folder you can write to.")
    return out


def check_folder(path: str | os.PathLike, what: str) -> Path:
    """An output folder (made at the end if it does not exist yet; its parent must)."""
    folder = Path(path)
    shown = shorten(str(path))
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"The folder for the {what}, {shown}, is a file: give a folder.")
    where = folder if folder.is_dir() else folder.parent
    if not where.is_dir():
        raise OutputError(f"The folder for the {what}, {shown}, cannot be made: {shorten(str(where))} does "
                          "not exist.")
    why = _takes_a_file(where)
    if why:
        raise OutputError(f"The {what} cannot be written to {shown} ({why}): choose a folder you can write to.")
    return folder


def atomic(path: str | os.PathLike, writer: Writer) -> Path:
    """``writer(temporary path)``, then moved onto ``path``; raises OSError, leaving nothing behind."""
    out = Path(path)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.stem}-", suffix=out.suffix)
    os.close(fd)
    try:
        writer(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


_kept_folder: Path | None = None


def keep_folder() -> Path:
    """One new private folder (under the system's temporary folder) for whatever this run could not write."""
    global _kept_folder
    if _kept_folder is None or not _kept_folder.is_dir():
        _kept_folder = Path(tempfile.mkdtemp(prefix="movement-check-kept-"))
    return _kept_folder


def keep(name: str, writer: Writer) -> Path:
    """``writer`` into the keep folder under ``name``; the file's path."""
    return atomic(keep_folder() / Path(name).name, writer)


def write_file(path: str | os.PathLike, what: str, writer: Writer) -> Path:
    """``writer`` onto ``path``; when that fails, into the keep folder, and an OutputError names both."""
    try:
        return atomic(path, writer)
    except OSError as exc:
        failure = f"The {what} could not be written to {shorten(str(path))} ({_reason(exc)})"
    try:
        kept = keep(Path(path).name, writer)
    except OSError as exc:
        raise OutputError(f"{failure}, nor kept elsewhere ({_reason(exc)}): free some disk space and run it "
                          "again.") from None
    raise OutputError(f"{failure}; it was kept as {kept}: move it where you want it.")
