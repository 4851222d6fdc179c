"""Home-exercise form check: what the patient did against what the therapist prescribed.

A repetition **meets the prescription** when it was held at least the
prescribed time and, where set and visible, reached the target angle, kept
the knee straight (straight-leg raise) and kept the trunk upright. Each
repetition gets plain-language feedback for the patient. Adherence =
repetitions meeting the prescription (at most the prescribed number per
side) / repetitions prescribed, in %.

The tolerances are coaching settings chosen by the therapist, not clinical
cut-offs: no study gives a validated limit for a home exercise's knee bend or
trunk lean. A quantity the camera could not see (e.g. knee bend from the
front) is not held against the patient; the feedback says it was not seen.
"""

from __future__ import annotations

from dataclasses import dataclass

from movement_check.body.landmarks import SIDES
from movement_check.assessments.leg_raise.measures import RepMeasure


@dataclass(frozen=True)
class Prescription:
    """What the patient was asked to do, per side."""

    repetitions_per_side: int = 10
    hold_s: float = 5.0
    sides: tuple[str, ...] = SIDES
    straight_knee: bool = False          # straight-leg raise: the knee must stay straight
    target_angle_deg: float | None = None   # raise at least this high (thigh or leg angle)
    knee_tolerance_deg: float = 10.0     # coaching tolerance for "straight"
    trunk_tolerance_deg: float = 5.0     # coaching tolerance for trunk lean

    def __post_init__(self) -> None:
        if self.repetitions_per_side < 1:
            raise ValueError("the prescription needs at least 1 repetition per side")
        if self.hold_s < 0:
            raise ValueError("the prescribed hold cannot be negative")
        if not self.sides or any(s not in SIDES for s in self.sides):
            raise ValueError("the prescription's sides are left and/or right")


@dataclass(frozen=True)
class RepFeedback:
    side: str
    number: int            # 1-based, per side
    start_s: float
    meets: bool
    feedback: list[str]

    def to_dict(self) -> dict:
        return {"side": self.side, "number": self.number, "start_s": round(self.start_s, 2),
                "meets_prescription": self.meets, "feedback": list(self.feedback)}


@dataclass(frozen=True)
class FormCheck:
    prescription: Prescription
    repetitions: list[RepFeedback]
    done: dict[str, int]          # repetitions done per side
    meeting: dict[str, int]       # of which meeting the prescription
    adherence_pct: float
    summary: list[str]

    def to_dict(self) -> dict:
        p = self.prescription
        return {"prescription": {"repetitions_per_side": p.repetitions_per_side, "hold_s": p.hold_s,
                                 "sides": list(p.sides), "straight_knee": p.straight_knee,
                                 "target_angle_deg": p.target_angle_deg,
                                 "knee_tolerance_deg": p.knee_tolerance_deg,
                                 "trunk_tolerance_deg": p.trunk_tolerance_deg},
                "repetitions": [r.to_dict() for r in self.repetitions], "done": dict(self.done),
                "meeting_prescription": dict(self.meeting), "adherence_pct": round(self.adherence_pct, 1),
                "summary": list(self.summary)}


def _side_word(side: str) -> str:
    return "Left" if side == "left" else "Right"


def rep_feedback(m: RepMeasure, p: Prescription, number: int, *, angle_name: str = "raised") -> RepFeedback:
    """Plain-language feedback on one repetition against the prescription."""
    rep = m.rep
    notes: list[str] = []
    meets = True
    if rep.hold_s + 0.05 < p.hold_s:
        meets = False
        notes.append(f"hold {rep.hold_s:.1f} s of {p.hold_s:g} s")
    else:
        notes.append(f"held {rep.hold_s:.1f} s (goal {p.hold_s:g} s)")
    if p.target_angle_deg is not None and rep.peak_angle is not None and rep.peak_angle < p.target_angle_deg:
        meets = False
        notes.append(f"{angle_name} to {rep.peak_angle:.0f} deg of {p.target_angle_deg:.0f} deg — lift a little higher")
    if p.straight_knee:
        if m.raised_knee_flexion is None:
            notes.append("knee bend not seen from this camera angle — film from the side to check it")
        elif m.raised_knee_flexion > p.knee_tolerance_deg:
            meets = False
            notes.append(f"knee bent {m.raised_knee_flexion:.0f} deg — keep it straight")
    if m.trunk_lateral_lean is not None and m.trunk_lateral_lean > p.trunk_tolerance_deg:
        meets = False
        notes.append(f"trunk leaned {m.trunk_lateral_lean:.0f} deg toward the standing leg — stay upright")
    if m.trunk_backward_lean is not None and m.trunk_backward_lean > p.trunk_tolerance_deg:
        meets = False
        notes.append(f"trunk leaned back {m.trunk_backward_lean:.0f} deg — stay upright")
    if rep.touch_downs:
        meets = False
        notes.append(f"foot touched down {rep.touch_downs} time{'s' if rep.touch_downs > 1 else ''} during the hold")
    if meets:
        notes.append("well done")
    return RepFeedback(side=rep.side, number=number, start_s=rep.start_s, meets=meets, feedback=notes)


def check_form(measures: list[RepMeasure], p: Prescription, *, angle_name: str = "raised") -> FormCheck:
    """Count, per-repetition feedback and adherence for a home exercise."""
    feedback: list[RepFeedback] = []
    count = {s: 0 for s in SIDES}
    for m in sorted(measures, key=lambda m: m.rep.start_s):
        count[m.rep.side] += 1
        feedback.append(rep_feedback(m, p, count[m.rep.side], angle_name=angle_name))
    done = {s: count[s] for s in SIDES}
    meeting = {s: sum(1 for f in feedback if f.side == s and f.meets) for s in SIDES}
    prescribed = p.repetitions_per_side * len(p.sides)
    credited = sum(min(meeting[s], p.repetitions_per_side) for s in p.sides)
    adherence = 100.0 * credited / prescribed
    summary = []
    for s in p.sides:
        line = f"{_side_word(s)} leg: {done[s]} of {p.repetitions_per_side} raises done, {meeting[s]} as prescribed"
        if done[s] > p.repetitions_per_side:
            line += f" ({done[s] - p.repetitions_per_side} extra)"
        summary.append(line)
    for s in SIDES:
        if s not in p.sides and done[s]:
            summary.append(f"{_side_word(s)} leg: {done[s]} raises done, not prescribed")
    return FormCheck(prescription=p, repetitions=feedback, done=done, meeting=meeting,
                     adherence_pct=adherence, summary=summary)
