"""The therapist's patient record: visits and home checks over time, trends of the key metrics,
prescriptions with each one's adherence per week, the patient's home-exercise link, and each visit's
report (PDF / HTML)."""

from __future__ import annotations

import streamlit as st

from movement_check.clinic.history import adherence, trends
from movement_check.clinic.home_exercises import EXERCISES, HomeExercise
from movement_check.clinic.record import HOME_LINK_DAYS, KINDS, Record, RecordError, SessionRecord
from movement_check.clinic.report import test_title

from app_pages.access import Staff, audit, opened, therapist_or_sign_in, visible_patients
from app_pages.checkin_form import checkin_summary
from app_pages.findings_view import show_findings, show_metrics_table
from app_pages.results import export_buttons, report_buttons
from app_pages.trend_chart import show_trend
from app_pages.state import config_or_stop, record_or_stop, server_base


def trend_charts(sessions: list[SessionRecord]) -> None:
    series = trends(sessions)
    if not series:
        st.info("No key metric measured yet.")
        return
    cols = st.columns(2)
    for i, s in enumerate(series):
        with cols[i % 2]:
            st.markdown(f"**{s.title}** ({s.unit})")
            show_trend(s)


def prescriptions_panel(record: Record, patient_id: str, sessions: list[SessionRecord], staff: Staff) -> None:
    """The current prescriptions with their weekly adherence, and a form for a new one."""
    for p in record.prescriptions(patient_id):
        cols = st.columns([5, 1])
        cols[0].write(f"**{p.exercise.title}**: {p.exercise.instruction()} {p.exercise.per_week} times a week "
                      f"(since {p.created_at[:10]})")
        if cols[1].button("End", key=f"end-rx-{p.id}"):
            record.end_prescription(p.id)
            audit("prescription changed", who=staff.who, patient_id=patient_id, record=record,
                  detail=f"ended prescription {p.id} ({p.exercise.title})")
            st.rerun()
        weeks = adherence(sessions, p)
        st.dataframe([{"week": w, "checks": n, "adherence %": round(pct)} for w, n, pct in weeks],
                     hide_index=True, key=f"adherence-{p.id}")
    with st.form("prescribe"):
        st.markdown("**Prescribe a home exercise**")
        exercise = st.selectbox("Exercise", list(EXERCISES), format_func=lambda k: EXERCISES[k][0], key="rx-kind")
        cols = st.columns(4)
        reps = cols[0].number_input("Repetitions per side", 1, 50, 10, key="rx-reps")
        hold = cols[1].number_input("Hold (s)", 0.0, 60.0, 5.0, key="rx-hold")
        minutes = cols[2].number_input("Walking (min)", 0.25, 60.0, 2.0, key="rx-minutes")
        per_week = cols[3].number_input("Checks a week", 1, 14, 5, key="rx-week")
        if st.form_submit_button("Prescribe"):
            try:
                rx = HomeExercise(exercise, repetitions_per_side=int(reps), hold_s=float(hold),
                                  minutes=float(minutes), per_week=int(per_week))
            except ValueError as exc:
                st.error(str(exc))
            else:
                try:
                    number = record.prescribe(patient_id, rx, therapist=staff.name)
                except RecordError as exc:
                    st.error(str(exc))
                    return
                audit("prescription changed", who=staff.who, patient_id=patient_id, record=record,
                      detail=f"prescribed {number} ({rx.title})")
                st.rerun()


def home_link_panel(record: Record, patient_id: str, staff: Staff) -> None:
    """Make the patient's home-exercise link (shown once: only its hash is kept; a new one replaces it)."""
    made = st.session_state.get("home-link")
    if made and made[0] == patient_id:
        st.success("Send this link to the patient (it is shown once; it works for "
                   f"{HOME_LINK_DAYS} days, and a new link replaces it):")
        st.code(made[1], language=None)
    if st.button("Make the patient's home-exercise link", key="make-home-link",
                 help="the patient opens it to record or upload an exercise, see the count and feedback, and "
                      "file the check in their record"):
        try:
            token = record.make_home_link(patient_id, therapist=staff.name)
        except RecordError as exc:
            st.error(str(exc))
            return
        audit("home link made", who=staff.who, patient_id=patient_id, record=record)
        st.session_state["home-link"] = (patient_id, f"{server_base()}/exercises?link={token}")
        st.rerun()


def care_team_panel(record: Record, patient_id: str, staff: Staff) -> None:
    """An administrator's view: who the patient belongs to, changed here (each change audited)."""
    team = record.care_team(patient_id)
    therapists = sorted(set(config_or_stop().therapists) | set(team))
    with st.expander(f"Care team: {', '.join(team) or 'nobody yet'}"):
        chosen = st.multiselect("Therapists who see and file for this patient", therapists, default=team,
                                key=f"team-{patient_id}")
        if st.button("Save the care team", key=f"save-team-{patient_id}"):
            for name in sorted(set(chosen) - set(team)):
                record.assign(patient_id, name, by=staff.name)
                audit("care team changed", who=staff.who, patient_id=patient_id, record=record,
                      detail=f"added {name}")
            for name in sorted(set(team) - set(chosen)):
                record.unassign(patient_id, name)
                audit("care team changed", who=staff.who, patient_id=patient_id, record=record,
                      detail=f"removed {name}")
            st.rerun()


def audit_panel(record: Record) -> None:
    """An administrator's view of the audit log (also ``movement-check audit``)."""
    with st.expander("Audit log (newest 200 entries)"):
        st.dataframe([{"when (UTC)": e.at.replace("T", " ")[:19], "who": e.who, "action": e.action,
                       "ok": e.ok, "patient": e.patient_id, "session": e.session_id, "from": e.client,
                       "detail": e.detail} for e in record.audit_entries(limit=200)],
                     hide_index=True, key="audit-log")


def main() -> None:
    st.title("Patients")
    staff = therapist_or_sign_in()
    record = record_or_stop()
    if staff.admin:
        audit_panel(record)
    patients = visible_patients(record, staff)
    if not patients:
        st.info("No patient in the record yet: start a live visit with a patient ID, or analyse a clip for one."
                if staff.admin else
                "No patient in your care yet: start a live visit with a new patient ID, or analyse a clip for "
                "one. An administrator adds you to an existing patient's care team.")
        return
    ids = [p for p, _ in patients]
    initials = dict(patients)
    patient_id = st.selectbox("Patient", ids, key="patient",
                              format_func=lambda p: p + (f" ({initials[p]})" if initials[p] else ""))
    if staff.admin:
        care_team_panel(record, patient_id, staff)
        if not record.in_care_of(patient_id, staff.name):
            st.info("You administer this patient's care team. Their trends, sessions and home exercises are "
                    "shown to the therapists in it: add yourself to see them.")
            return
    opened(staff, patient_id, record=record)
    sessions = record.sessions(patient_id)
    st.header("Trends")
    trend_charts(sessions)
    st.header("Home exercises")
    prescriptions_panel(record, patient_id, sessions, staff)
    home_link_panel(record, patient_id, staff)
    st.header("Sessions")
    for s in reversed(sessions):
        with st.expander(f"{KINDS[s.kind]} · {s.started_at[:16].replace('T', ' ')} UTC · session {s.id}"
                         + (" · RED FLAG" if s.checkin is not None and s.checkin.stops_tests else "")):
            if s.kind == "visit":
                checkin_summary(s.checkin)
            for t in s.tests:
                st.markdown(f"**{test_title(t)}**")
                show_findings(t.result)
                show_metrics_table(t.result, notes=False)       # no expander inside the session's expander
            report_buttons(record, s, who=staff.who)
            export_buttons(record, s, therapist=staff.name, who=staff.who)


main()
