"""The check-in a patient fills in before the on-camera tests of a back-pain visit, and its red flags.

The questions are what a patient is asked to prepare for a low-back-pain
video visit: pain now (0-10 numeric rating), better / same / worse since last
time, where it hurts and whether it spreads, leg pain / numbness / weakness,
balance, sleep, activities affected, the response to medication and to
physical therapy, whether the home exercises are comfortable or painful, and
medication side effects.

Red flags (``RED_FLAGS``) need in-person care, not a video test: any one
ticked stops the on-camera tests (``CheckIn.stops_tests``), and both the
patient and the therapist are told to arrange in-person care. The list is the
one in the project's CLINICAL.md, after the AHCPR acute low back problems
guideline (Bigos et al. 1994, Agency for Health Care Policy and Research;
NCBI Bookshelf NBK52120). Suspected cauda equina syndrome (saddle numbness,
new bladder or bowel problems, progressing leg weakness) is an emergency.

Pure data and checks; nothing here stores or shows anything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

RED_FLAGS: dict[str, str] = {
    "saddle_numbness": "New numbness in the saddle area (between the legs, around the back passage)",
    "bladder_bowel": "New problems controlling the bladder or bowel (cannot pass urine, leaking, soiling)",
    "leg_weakness": "Severe or getting-worse weakness in a leg, or a foot that drops or catches when walking",
    "fever_weight_loss": "Fever, or weight loss you cannot explain",
    "cancer_history": "Cancer now or in the past",
    "trauma": "A recent fall, accident or injury to the back",
    "iv_drugs_immunosuppression": "Injecting drugs, or a weakened immune system (e.g. steroids, transplant "
                                  "medicines, HIV)",
    "night_pain": "Pain at night that does not ease when you lie still",
    "age_new_pain": "You are over 50 or under 20 and this back pain is new",
}
# these three together are the signs of cauda equina syndrome: an emergency, not an appointment
EMERGENCY = ("saddle_numbness", "bladder_bowel", "leg_weakness")

IN_PERSON = ("Please do not do the movement tests today. What you ticked needs to be checked in person: "
             "your therapist will help you arrange it.")
EMERGENCY_ADVICE = ("What you ticked can be a sign of a nerve emergency (cauda equina syndrome). "
                    "Go to an emergency department or call your emergency number now.")

SINCE_LAST = ("better", "same", "worse")
AREAS = ("lower back", "buttock", "thigh", "below the knee", "foot")
#: where the pain is, as the patient answers: one leg, or both
PAIN_SIDES = ("left", "right", "both")
RESPONSES = ("helps", "no change", "worse", "not taking / not having")
EXERCISES = ("comfortable", "a little painful", "too painful", "not doing them")
SLEEP = ("normal", "wakes me sometimes", "wakes me most nights")


class CheckInError(ValueError):
    """A check-in answer out of range; the message lists every problem."""


@dataclass(frozen=True)
class CheckIn:
    """One patient's answers before the tests. Every field but ``pain_now`` may be left empty (None or
    empty); ``red_flags`` holds the keys of ``RED_FLAGS`` ticked."""

    pain_now: int                                    # 0 = no pain .. 10 = worst imaginable (NRS)
    since_last: str | None = None                    # SINCE_LAST
    areas: tuple[str, ...] = ()                      # AREAS
    pain_side: str | None = None                     # PAIN_SIDES
    spreads_below_knee: bool | None = None
    leg_pain: bool = False
    leg_numbness: bool = False
    leg_weakness: bool = False
    balance_problems: bool = False
    sleep: str | None = None                         # SLEEP
    activities_affected: str = ""                    # free text: "sitting at work, lifting my child"
    medication_response: str | None = None           # RESPONSES
    therapy_response: str | None = None              # RESPONSES
    home_exercises: str | None = None                # EXERCISES
    side_effects: str = ""                           # free text
    red_flags: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        problems = []
        if not isinstance(self.pain_now, int) or isinstance(self.pain_now, bool) or not 0 <= self.pain_now <= 10:
            problems.append(f"pain now must be a whole number from 0 to 10, got {self.pain_now!r}")
        for name, allowed in (("since_last", SINCE_LAST), ("pain_side", PAIN_SIDES), ("sleep", SLEEP),
                              ("medication_response", RESPONSES), ("therapy_response", RESPONSES),
                              ("home_exercises", EXERCISES)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                problems.append(f"{name.replace('_', ' ')} must be one of {', '.join(allowed)}; got {value!r}")
        unknown = [a for a in self.areas if a not in AREAS]
        if unknown:
            problems.append(f"unknown body areas {unknown}; choose from {', '.join(AREAS)}")
        unknown = [f for f in self.red_flags if f not in RED_FLAGS]
        if unknown:
            problems.append(f"unknown red flags {unknown}")
        if problems:
            raise CheckInError("; ".join(problems))

    @property
    def stops_tests(self) -> bool:
        """Any red flag ticked: no on-camera tests today."""
        return bool(self.red_flags)

    @property
    def emergency(self) -> bool:
        return any(f in EMERGENCY for f in self.red_flags)

    def advice(self) -> list[str]:
        """What to tell the patient and the therapist (empty when the tests can go ahead)."""
        if not self.red_flags:
            return []
        out = [IN_PERSON] + [f"Red flag: {RED_FLAGS[f]}." for f in self.red_flags]
        return out + [EMERGENCY_ADVICE] if self.emergency else out

    def to_dict(self) -> dict:
        d = asdict(self)
        d["areas"], d["red_flags"] = list(self.areas), list(self.red_flags)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "CheckIn":
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        for k in ("areas", "red_flags"):
            kw[k] = tuple(kw.get(k, ()))
        return cls(**kw)

    def summary(self) -> list[tuple[str, str]]:
        """(question, answer) lines for the therapist's page and the report, in the order asked; a question
        left empty reads "not answered" (never a blank or a lone "-", which a Markdown table draws as an empty
        bullet)."""
        yes = lambda b: "yes" if b else "no"  # noqa: E731
        lines = [("Pain now (0-10)", str(self.pain_now)),
                 ("Since last time", self.since_last or "not answered"),
                 ("Where it hurts", ", ".join(self.areas) or "not answered"),
                 ("Side", self.pain_side or "not answered"),
                 ("Spreads below the knee", "not answered" if self.spreads_below_knee is None
                  else yes(self.spreads_below_knee)),
                 ("Leg pain / numbness / weakness",
                  f"{yes(self.leg_pain)} / {yes(self.leg_numbness)} / {yes(self.leg_weakness)}"),
                 ("Balance problems", yes(self.balance_problems)),
                 ("Sleep", self.sleep or "not answered"),
                 ("Activities affected", self.activities_affected or "not answered"),
                 ("Medication", self.medication_response or "not answered"),
                 ("Physical therapy", self.therapy_response or "not answered"),
                 ("Home exercises", self.home_exercises or "not answered"),
                 ("Medication side effects", self.side_effects or "not answered"),
                 ("Red flags", "; ".join(RED_FLAGS[f] for f in self.red_flags) or "none")]
        return lines
