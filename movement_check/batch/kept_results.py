"""A batch's results kept as they finish (:class:`ResultStore`): one JSON per clip in a folder beside the CSV
(``results.clips/`` for ``results.csv``): the clip's sha256, the settings, its row and its whole result. A rerun
with the same settings keeps every clip whose file has the same sha256 and analyses only the rest (``--redo``: all
again). Rows that say a worker was lost, an internal error or a stop are not kept (``ClipRow.final``): a rerun
tries those clips again.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from movement_check.batch.run import ClipRow, file_sha256


class ResultStore:
    """``results.clips/`` beside ``results.csv``: one JSON per finished clip (its sha256, the settings, the row and
    the whole result), written (atomically) as soon as the clip is done."""

    def __init__(self, csv_path: str | Path, settings: dict):
        csv_path = Path(csv_path)
        self.folder = csv_path.with_name(csv_path.stem + ".clips")
        self.settings = settings

    def _file(self, clip: str) -> Path:
        return self.folder / f"{clip}.json"

    def kept(self, clips: list[Path]) -> tuple[dict[int, ClipRow], dict[int, str]]:
        """The rows kept from an earlier run for these clips (same sha256, same settings), by index, and the
        sha256 of every clip looked at."""
        rows: dict[int, ClipRow] = {}
        hashes: dict[int, str] = {}
        for i, clip in enumerate(clips):
            try:
                saved = json.loads(self._file(clip.name).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if saved.get("settings") != self.settings:
                continue
            hashes[i] = file_sha256(clip)
            if saved.get("sha256") == hashes[i]:
                try:
                    rows[i] = ClipRow(**saved["row"])
                except (KeyError, TypeError):
                    continue
        return rows, hashes

    def save(self, row: ClipRow, sha256: str, result: dict | None) -> None:
        from movement_check.outputs import atomic

        self.folder.mkdir(exist_ok=True)
        text = json.dumps({"clip": row.clip, "sha256": sha256, "settings": self.settings, "row": asdict(row),
                           "result": result}, indent=1, allow_nan=True)
        atomic(self._file(row.clip), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
