"""A leg-raise clip held in more than one posture: each part measured in its own posture.

A visit filmed in one go may hold standing knee raises and then the lying straight-leg raise. The test's
posture (given, else the one held longest: :func:`.own_posture.in_posture`) gives the result's
metrics, as before. When the posture was not given, each other posture held in the clip (standing or
lying on the back, at least ``MIN_POSTURE_S``) is measured on its own, exactly as if that posture had been
chosen (the frames in other postures left out), and reported beside the test's metrics, never merged
with them: a standing knee raise and a lying straight-leg raise are different tests, each compared with
itself from visit to visit. A part with no raise in it adds nothing (the left-out note says it was left
out).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from movement_check.body.poses import Poses
from movement_check.body.posture import STANDING, SUPINE, posture_parts
from movement_check.assessments.base import Assessment

RAISE_POSTURES = (STANDING, SUPINE)
_WORDS = {STANDING: "standing", SUPINE: "lying down"}


def held(poses: Poses) -> dict[str, tuple[float, float, float]]:
    """Per posture of :data:`RAISE_POSTURES` held in the clip: (seconds held, first and last time held)."""
    out: dict[str, tuple[float, float, float]] = {}
    for a, b, posture in posture_parts(poses):
        if posture not in RAISE_POSTURES:
            continue
        seconds, first, last = out.get(posture, (0.0, float("inf"), float("-inf")))
        t0, t1 = float(poses.times[a]), float(poses.times[b - 1])
        out[posture] = (seconds + t1 - t0, min(first, t0), max(last, t1))
    return out


def other_postures(poses: Poses, measured: str, assess_in: Callable[[str], Assessment]
                   ) -> tuple[list[dict], list[str]]:
    """Each posture other than ``measured`` held in ``poses`` with raises in it, measured on its own by
    ``assess_in(posture)``: its report (for ``quality.other_postures``) and a warning naming it."""
    reports, warnings = [], []
    for posture, (seconds, first, last) in held(poses).items():
        if posture == measured:
            continue
        found = assess_in(posture)
        reps = found.quality.get("repetitions") or []
        if not reps:
            continue
        reports.append({
            "posture": posture, "held_s": round(seconds, 2), "from_s": round(first, 2), "to_s": round(last, 2),
            "view": found.quality.get("view"), "repetitions": reps,
            "metrics": [m.to_dict() for m in found.metrics], "events": [e.to_dict() for e in found.events],
            "warnings": [w for w in found.warnings if w != found.quality.get("posture_parts_left_out")],
        })
        sides = " and ".join(sorted({r["side"] for r in reps}))
        warnings.append(f"{len(reps)} raise(s) of the {sides} leg made {_WORDS[posture]} ({first:.1f}-{last:.1f} s) "
                        f"are measured on their own, in their own posture (quality: other_postures); the figures "
                        f"here are the raises made {_WORDS[measured]}")
    return reports, warnings


def in_each_posture(poses: Poses, settings, assess_in: Callable[[Poses, object], Assessment]) -> Assessment:
    """``assess_in(poses, settings)`` (one posture: ``settings.posture``, else the one held longest) with,
    when no posture was given, the raises made in each other posture beside it (:func:`other_postures`);
    when every raise was made in another posture, that posture is the test's."""
    found = assess_in(poses, settings)
    if settings.posture is not None or found.quality.get("posture") is None:
        return found
    others, notes = other_postures(poses, found.quality["posture"],
                                   lambda other: assess_in(poses, replace(settings, posture=other)))
    if not others:
        return found
    if not found.quality.get("repetitions"):
        instead = assess_in(poses, replace(settings, posture=others[0]["posture"]))
        instead.quality["posture_from"] = "where the raises were made (the clip was held longer in another posture)"
        return instead
    found.quality["other_postures"] = others
    found.warnings.extend(notes)
    return found

