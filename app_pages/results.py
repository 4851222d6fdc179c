"""Showing one test's result: its confidence and findings first, then metrics with normal ranges and flags,
figures, warnings, downloads.

Used by the clip page and by the therapist's page for each live step.
"""

from __future__ import annotations

import io
import json
from typing import Callable

import streamlit as st

from movement_check.record import Record, SessionRecord
from movement_check.report import to_html, to_pdf, visit_report
from movement_check.results import metrics_csv

from app_pages.access import audit
from app_pages.findings_view import show_findings, show_metrics_table


def show(outcome: dict, *, key: str = "clip", downloaded: Callable[[str], None] | None = None) -> None:
    """One analysed clip or step (plain values: see the clip page's ``run_analysis``). ``downloaded``: called
    with the file's name when one of its downloads is clicked (the audit trail of a patient's data)."""
    result = outcome["result"]
    quality = result["quality"]
    if quality.get("test_detected"):
        st.info(f"Test found from the clip: **{result['test']}** ({quality['test_detected']}). "
                "If that is wrong, choose the test and analyse again.")
    subject = quality["subject"]
    source = result["source"]
    st.subheader("Findings")
    show_findings(result)
    st.subheader("What was analysed")
    cols = st.columns(4)
    cols[0].metric("Frames", quality["frames"])
    cols[1].metric("Person found in", f"{quality['person_seen_share']:.0%}")
    cols[2].metric("Frame rate", f"{source['measured_fps']:.1f} fps" if source.get("measured_fps") else "unknown")
    cols[3].metric("People in view", subject["people_seen"])
    st.write(f"Following **person {subject['person']}**: {subject['reason']}.")
    for warning in result["warnings"]:
        st.warning(warning)
    if result["metrics"]:
        st.subheader("All measures")
        show_metrics_table(result)
    events = events_line(result["events"])
    if events:
        st.caption(events)
    for png in outcome.get("figures", {}).values():
        st.image(png)
    if outcome.get("preview"):
        st.subheader("Preview (faces blurred)")
        for col, jpg in zip(st.columns(len(outcome["preview"])), outcome["preview"]):
            col.image(jpg)
    assessment = quality.get("assessment", {})
    if assessment.get("form_check"):
        show_form_check(assessment["form_check"])
    if assessment.get("repetitions"):
        with st.expander("Each repetition"):
            st.dataframe(assessment["repetitions"], hide_index=True)
    with st.expander("People seen"):
        st.dataframe(subject["people"], hide_index=True)
    with st.expander("How well each landmark was seen"):
        st.dataframe([{"landmark": name, **q} for name, q in quality["landmarks"].items()], hide_index=True)
    files = [("Download result (JSON)", json.dumps(result, indent=2), f"{outcome['name']}_{result['test']}.json",
              "application/json", "json"),
             ("Download metrics (CSV)", metrics_csv(result), f"{outcome['name']}_{result['test']}_metrics.csv",
              "text/csv", "metrics"),
             ("Download trajectories (.npz)", outcome["npz"], f"{outcome['name']}_poses.npz", None, "npz")]
    if outcome.get("csv"):
        files.append(("Download trajectories (CSV)", outcome["csv"], f"{outcome['name']}_poses.csv", "text/csv",
                      "csv"))
    for label, data, name, mime, suffix in files:
        st.download_button(label, data, file_name=name, mime=mime, key=f"{key}-{suffix}",
                           **({} if downloaded is None else {"on_click": downloaded, "args": (name,)}))


def report_buttons(record: Record, session: SessionRecord, *, who: str) -> None:
    """Make one session's report on request, then offer it as PDF and HTML; each download is audited as
    ``who``'s."""
    cols = st.columns(2)
    if cols[0].button("Make the report", key=f"report-{session.id}"):
        report = visit_report(record, session.id)
        pdf = io.BytesIO()
        to_pdf(report, pdf)
        st.session_state[f"report-{session.id}-files"] = (pdf.getvalue(), to_html(report))
    files = st.session_state.get(f"report-{session.id}-files")
    if files:
        name = f"{session.patient_id}-{session.started_at[:10]}-session-{session.id}"
        for col, data, suffix, mime in ((cols[0], files[0], "pdf", "application/pdf"),
                                        (cols[1], files[1], "html", "text/html")):
            col.download_button(f"Report ({suffix.upper()})", data, f"{name}.{suffix}", mime,
                                key=f"{suffix}-{session.id}", on_click=_audit_report,
                                args=(record, who, session, suffix))


def _audit_report(record: Record, who: str, session: SessionRecord, kind: str) -> None:
    audit("report downloaded", who=who, patient_id=session.patient_id, session_id=session.id,
          detail=kind.upper(), record=record)


def show_form_check(form: dict) -> None:
    """The home-exercise check in the patient's words."""
    st.subheader("Home exercise check")
    st.metric("Done as prescribed", f"{form['adherence_pct']:.0f} %")
    for line in form["summary"]:
        st.write(line)
    st.dataframe([{"leg": r["side"], "raise": r["number"], "at (s)": r["start_s"],
                   "as prescribed": "yes" if r["meets_prescription"] else "no",
                   "feedback": "; ".join(r["feedback"])} for r in form["repetitions"]], hide_index=True)


def events_line(events: list[dict]) -> str:
    """'Events: heel strike left 5, right 4; toe off ...' (counts per kind and side)."""
    counts: dict[str, dict[str, int]] = {}
    for e in events:
        per_side = counts.setdefault(e["name"].replace("_", " "), {})
        side = e.get("side") or "both"
        per_side[side] = per_side.get(side, 0) + 1
    parts = [f"{name} " + ", ".join(f"{side} {n}" for side, n in sorted(sides.items()))
             for name, sides in counts.items()]
    return ("Events: " + "; ".join(parts)) if parts else ""
