"""Leg raise: its settings (checked as made), the pain moments typed by a user, and the shape of one clip's
analysis (what the metrics and the figures read)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from movement_check.errors import InputError
from movement_check.body.kinematics import DEFAULT_FOV_DEG
from movement_check.body.posture import STANDING, SUPINE
from movement_check.body.landmarks import SIDES
from movement_check.assessments.leg_raise.raises import FrontThigh, Repetition
from movement_check.body.views import FRONT, SIDE
from movement_check.assessments.leg_raise.form_check import Prescription
from movement_check.assessments.leg_raise.measures import RepMeasure
from movement_check.assessments.settings import checked, in_range, one_of, sides, times_s, yes_or_no


def parse_times(text: str) -> tuple[float, ...]:
    """Pain moments as typed by a user, "3.5, 7.2" (commas, semicolons or spaces) -> (3.5, 7.2).

    Raises InputError with a sentence the user can act on. Empty text: no marks.
    """
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        raise InputError(f"Pain times {text!r} are not a list of times in seconds from the start of the clip, "
                         "e.g. 3.5, 7.2.") from None
    if any(not np.isfinite(v) or v < 0 for v in values):
        raise InputError("Pain times are seconds from the start of the clip, so none can be negative.")
    return values


@dataclass(frozen=True)
@checked(posture=one_of(STANDING, SUPINE), view=one_of(SIDE, FRONT), pain_at_s=times_s, stance_test=yes_or_no,
         hold_tolerance_deg=in_range("hold_tolerance_deg"), prescribed_repetitions=in_range("prescribed_repetitions",
         whole=True), prescribed_hold_s=in_range("prescribed_hold_s"), prescribed_sides=sides,
         straight_knee=yes_or_no, target_angle_deg=in_range("target_angle_deg"), fov_deg=in_range("fov_deg"))
class LegRaiseSettings:
    """``posture`` "standing"/"supine" and ``view`` "side"/"front" override what the data says.
    ``pain_at_s``: times (s) the therapist marked pain. ``stance_test``: the patient was asked to
    stand on one leg as long as possible (then a stance under 5 s is flagged). The ``prescribed_*``
    options describe a home exercise and turn on the form check."""

    posture: str | None = None
    view: str | None = None
    pain_at_s: tuple[float, ...] = ()
    stance_test: bool = False
    hold_tolerance_deg: float = 5.0
    prescribed_repetitions: int | None = None
    prescribed_hold_s: float | None = None
    prescribed_sides: tuple[str, ...] = SIDES
    straight_knee: bool = False
    target_angle_deg: float | None = None
    fov_deg: float = DEFAULT_FOV_DEG

    def prescription(self) -> Prescription | None:
        if self.prescribed_repetitions is None and self.prescribed_hold_s is None:
            return None
        return Prescription(repetitions_per_side=self.prescribed_repetitions or 10,
                            hold_s=self.prescribed_hold_s if self.prescribed_hold_s is not None else 5.0,
                            sides=tuple(self.prescribed_sides), straight_knee=self.straight_knee,
                            target_angle_deg=self.target_angle_deg)


@dataclass
class LegRaiseAnalysis:
    """Everything found in one clip, for the metrics and the figures."""

    posture: str
    view: str
    angles: dict[str, np.ndarray]
    up: dict[str, np.ndarray]
    repetitions: list[Repetition]
    measures: list[RepMeasure]
    why_posture: str
    why_view: str
    front: FrontThigh | None = None     # front view, standing: the blind angle and the knee's visible rise
    from_rest: bool = True              # leans and pelvic drop are changes from standing still (else absolute)
