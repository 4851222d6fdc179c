"""Exports to other tools' formats, one module per format (pure functions from trajectories and results to text):

- :mod:`.trc`: OpenSim markers (``.trc``), the world landmarks, Y up, metres;
- :mod:`.mot`: OpenSim coordinates (``.mot``), the sagittal joint angles under OpenSim's names, in degrees;
- :mod:`.fhir`: a FHIR R4 ``Bundle`` of ``Observation``\\ s, one per measured metric;
- :mod:`.bids`: BIDS-Motion files for research datasets.

:func:`texts` gives the files as text (the app's downloads); :func:`write_exports` writes them (the command line
and ``batch --export``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from movement_check.errors import InputError
from movement_check.body.poses import Poses
from movement_check.exports import bids, fhir, mot, trc

KINDS = ("trc", "mot", "fhir", "bids")
SUFFIX = {"trc": ".trc", "mot": ".mot", "fhir": ".fhir.json"}


def parse_kinds(text: str) -> tuple[str, ...]:
    """"trc,fhir" -> ("trc", "fhir"); an unknown kind is an InputError naming the known ones."""
    kinds = tuple(dict.fromkeys(k.strip().lower() for k in str(text).split(",") if k.strip()))
    unknown = [k for k in kinds if k not in KINDS]
    if unknown or not kinds:
        raise InputError(f"--export takes one or more of {', '.join(KINDS)}, separated by commas; got "
                         f"{text!r}.")
    return kinds


def texts(kinds, result: dict | None, poses: Poses | None, stem: str, *, patient_id: str | None = None,
          session: int | None = None, effective: str | None = None,
          knee: str = "gait2392") -> tuple[dict[str, str], dict[str, str]]:
    """({file name: text}, {kind: why it was not made}) for ``kinds``; the BIDS files' names are their paths in
    a dataset folder ``bids/``.

    ``result``: the test's result as its JSON dict (FHIR and the BIDS task name need it); ``poses``: its
    trajectories (TRC, MOT and BIDS need them); ``stem``: the files' name without suffix; ``patient_id``: the
    record's pseudonymous ID (FHIR subject, BIDS ``sub-``), never a name; ``effective``: when the session started.
    """
    made: dict[str, str] = {}
    skipped: dict[str, str] = {}
    test = (result or {}).get("test") or "movement"
    for kind in kinds:
        if kind in ("trc", "mot", "bids") and poses is None:
            skipped[kind] = "no landmark trajectories were kept"
            continue
        if kind == "fhir" and result is None:
            skipped[kind] = "no result"
            continue
        try:
            if kind == "trc":
                made[stem + SUFFIX[kind]] = trc.trc_text(poses, file_name=stem + SUFFIX[kind])
            elif kind == "mot":
                made[stem + SUFFIX[kind]] = mot.poses_mot_text(poses, model=knee, name=stem)
            elif kind == "fhir":
                made[stem + SUFFIX[kind]] = json.dumps(fhir.bundle([result], patient_id=patient_id,
                                                                   effective=effective), indent=2) + "\n"
            elif kind == "bids":
                made.update({f"bids/{path}": text for path, text in
                             bids.files(poses, subject=patient_id or stem, task=test, session=session).items()})
        except mot.NoAngles as exc:
            skipped[kind] = str(exc)
    return made, skipped


def write_exports(result: Any, poses: Poses | None, kinds, out_dir: str | Path, stem: str, *,
                  patient_id: str | None = None, session: int | None = None, effective: str | None = None,
                  knee: str = "gait2392") -> tuple[list[Path], dict[str, str]]:
    """Write ``kinds`` for one test into ``out_dir`` as ``<stem>.trc``, ``<stem>.mot``, ``<stem>.fhir.json`` and a
    BIDS dataset under ``<out_dir>/bids``; each file written whole or not at all. ``result``: a
    :class:`movement_check.assessments.result.Result` or its JSON dict. The paths written and {kind: why not made}."""
    from movement_check.outputs import atomic

    if result is not None and not isinstance(result, dict):
        result = result.to_dict()
    made, skipped = texts(kinds, result, poses, stem, patient_id=patient_id, session=session, effective=effective,
                          knee=knee)
    out_dir = Path(out_dir)
    written = []
    for name, text in made.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(atomic(path, lambda tmp, text=text: Path(tmp).write_text(text, encoding="utf-8")))
    return written, skipped
