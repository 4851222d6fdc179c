"""The audit trail's vocabulary: what is logged, and how an entry reads.

Every entry says who did what, to which patient, when and from where (see ``audit_log`` in
:mod:`movement_check.clinic.record.schema`). The app and the command line only add entries; reading them is
``movement-check audit`` or an administrator's view on the Patients page.

Who: ``therapist NAME``, ``patient (visit link)``, ``patient (home link)``, ``command line (USER)``, or
``someone`` for a sign-in attempt under a name that is not an account (the name tried is in the detail).
"""

from __future__ import annotations

from dataclasses import dataclass

#: action -> what it means (each is written exactly once per event)
ACTIONS = {
    "sign-in": "a therapist signed in (ok) or a sign-in was refused (not ok: wrong password or locked)",
    "sign-in resumed": "a reloaded page was signed in again by the browser's sign-in cookie (ok), or the cookie "
                       "was refused (not ok: expired, signed out, or the account's password changed)",
    "sign-out": "a therapist signed out, and every browser's kept sign-in of theirs was ended (not ok: the "
                "record could not end them)",
    "patient opened": "a patient's record (trends, sessions, prescriptions) was shown",
    "result filed": "a test's result was filed in a patient's record",
    "report downloaded": "a session's report was made for download",
    "trajectory downloaded": "a test's result or landmark trajectories were downloaded",
    "home link made": "a patient's home-exercise link was made (it replaces the one before)",
    "care team changed": "a therapist was added to or removed from a patient's care team",
    "prescription changed": "a home exercise was prescribed or ended",
    "visit started": "a therapist started a live visit",
    "visit joined": "a patient's browser joined a live visit (or took it over from another)",
    "visit refused": "a browser was refused at a visit's link (wrong, used, expired or held elsewhere)",
    "visit ended": "a live visit was ended",
    "home link used": "a patient opened their home-exercise page",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    who: str
    action: str
    ok: bool
    patient_id: str | None
    session_id: int | None
    detail: str | None
    client: str | None

    def line(self) -> str:
        """One line for a terminal or a log reader."""
        parts = [self.at, self.who, self.action + ("" if self.ok else " (refused)")]
        if self.patient_id:
            parts.append(f"patient {self.patient_id}")
        if self.session_id is not None:
            parts.append(f"session {self.session_id}")
        if self.client:
            parts.append(f"from {self.client}")
        if self.detail:
            parts.append(self.detail)
        return " | ".join(parts)
