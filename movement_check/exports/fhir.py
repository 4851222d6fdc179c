"""FHIR R4 (4.0.1): one session's measured metrics as a ``Bundle`` (type ``collection``) of ``Observation``\\ s.

Each metric with a value becomes one Observation (https://hl7.org/fhir/R4/observation.html):

- ``code``: this project's code system :data:`CODE_SYSTEM`, code = the metric's stable name in the result JSON
  (``cadence``, ``knee_flexion_swing_peak``, ...), display = its plain name (:mod:`movement_check.assessments.metric_names`).
  No LOINC code is given: the one suggested for gait speed, LOINC 41956-4, is "Walking speed 24 hour maximum
  Calculated" (a day's activity monitoring), not the speed of a filmed walk; no LOINC term we know of matches a
  video gait analysis's metrics.
- ``valueQuantity``: the value with its unit in UCUM (``system`` http://unitsofmeasure.org, :data:`UCUM`); the
  ``unit`` text is the one a person reads.
- ``bodySite``: the side (SNOMED CT 7771000 Left / 24028007 Right) for a per-side metric.
- ``referenceRange`` from the result's normal range, ``interpretation`` (HL7 v3 ObservationInterpretation: L, H,
  or A for any other flag such as "asymmetric") from its flag, ``note`` from its note.
- ``subject``: the patient as a pseudonymous identifier (the clinic record's patient ID, system
  :data:`PATIENT_SYSTEM`), with a literal ``Patient/<id>`` reference when the ID is a valid FHIR id. Never a name
  or initials. No subject when the data are not a patient's (the command line without ``--patient``).
- ``effectiveDateTime``: when the session started (omitted when unknown), ``issued``: when the bundle was made.

Metrics that could not be measured are left out (the result JSON says why). Only standard R4 elements are
used; ``tests/integration/test_exports.py`` validates the bundle with ``fhir.resources``' R4B models (R4B changed neither
Observation nor Bundle).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

from movement_check import __version__
from movement_check.assessments.metric_names import label
from movement_check.assessments.metric_names import unit as unit_text

#: this project's code system for its metrics (codes: the metric names of the result JSON; README, Exports)
CODE_SYSTEM = "urn:movement-check:metric"
#: the system of the pseudonymous patient identifiers (the clinic record's patient IDs)
PATIENT_SYSTEM = "urn:movement-check:patient"
UCUM_SYSTEM = "http://unitsofmeasure.org"
#: our unit -> UCUM code (curly braces: UCUM annotations, dimensionless)
UCUM = {
    "s": "s", "m": "m", "m/s": "m/s", "deg": "deg", "%": "%", "steps/min": "{steps}/min", "count": "{count}",
    "leg lengths": "{leg_lengths}", "%height/s": "%{height}/s", "/10": "{score}",
}
#: SNOMED CT laterality codes of the legs
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}
INTERPRETATION = {"low": ("L", "Low"), "high": ("H", "High")}
_FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")


def quantity(value: float, unit: str | None) -> dict[str, Any]:
    """A FHIR Quantity: the value, the unit as a person writes it, and its UCUM code where there is one."""
    out: dict[str, Any] = {"value": value}
    if unit:
        out["unit"] = unit_text(unit) or unit
        if unit in UCUM:
            out["system"] = UCUM_SYSTEM
            out["code"] = UCUM[unit]
    return out


def subject(patient_id: str) -> dict[str, Any]:
    """The pseudonymous reference to the patient: their record ID, never a name."""
    ref: dict[str, Any] = {"identifier": {"system": PATIENT_SYSTEM, "value": patient_id}}
    if _FHIR_ID.match(patient_id):
        ref["reference"] = f"Patient/{patient_id}"
    return ref


def observation(metric: dict, *, test: str, patient_id: str | None = None, effective: str | None = None,
                issued: str) -> dict[str, Any]:
    """One measured metric of a result (its JSON dict) as an Observation (see the module notes)."""
    name, side, unit = metric["name"], metric.get("side"), metric.get("unit")
    shown = label(name) + (f", {side}" if side else "")
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                  "code": "exam", "display": "Exam"}]}],
        "code": {"coding": [{"system": CODE_SYSTEM, "code": name, "display": label(name)}], "text": shown},
    }
    if patient_id:
        obs["subject"] = subject(patient_id)
    if effective:
        obs["effectiveDateTime"] = effective
    obs["issued"] = issued
    obs["valueQuantity"] = quantity(metric["value"], unit)
    if side in LATERALITY:
        code, display = LATERALITY[side]
        obs["bodySite"] = {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}],
                           "text": side}
    flag = metric.get("flag")
    if flag:
        code, display = INTERPRETATION.get(flag, ("A", "Abnormal"))
        obs["interpretation"] = [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
            "code": code, "display": display}], "text": flag}]
    if metric.get("note"):
        obs["note"] = [{"text": metric["note"]}]
    obs["method"] = {"text": f"{test}: single-camera video, pose estimation (MediaPipe), movement-check "
                             f"{__version__}"}
    low, high = metric.get("normal_range") or (None, None)
    if low is not None or high is not None:
        obs["referenceRange"] = [{**({"low": quantity(low, unit)} if low is not None else {}),
                                  **({"high": quantity(high, unit)} if high is not None else {})}]
    return obs


def bundle(results: Iterable[dict], *, patient_id: str | None = None, effective: str | None = None,
           now: datetime | None = None) -> dict[str, Any]:
    """A ``collection`` Bundle with one Observation per measured metric of each result (their JSON dicts), e.g.
    every test of one session. ``effective``: when the session started (ISO 8601 with its time zone)."""
    now = now or datetime.now(timezone.utc)
    issued = now.astimezone(timezone.utc).isoformat(timespec="seconds")
    entries = []
    for result in results:
        for metric in result.get("metrics", []):
            if metric.get("value") is None:
                continue
            entries.append({"fullUrl": f"urn:uuid:{uuid.uuid4()}",
                            "resource": observation(metric, test=result.get("test", ""), patient_id=patient_id,
                                                    effective=effective, issued=issued)})
    out: dict[str, Any] = {"resourceType": "Bundle", "type": "collection", "timestamp": issued}
    if entries:                                   # FHIR JSON has no empty arrays
        out["entry"] = entries
    return out
