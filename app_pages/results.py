"""Showing one test's result: its confidence and findings first, then metrics with normal ranges and flags,
figures, warnings, downloads.

Used by the clip page and by the therapist's page for each live step.
"""

from __future__ import annotations

import io
import json
from typing import Callable

import streamlit as st

from movement_check.findings.metric_table import other_posture_tables
from movement_check.clinic.record import Record, SessionRecord
from movement_check.clinic.report import to_html, to_pdf, visit_report
from movement_check.assessments.result import metrics_csv

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
    for heading, part in other_posture_tables(result):
        st.subheader(heading)
        show_metrics_table(part)
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


def export_files(record: Record, session: SessionRecord) -> tuple[list[tuple[str, str, bytes, str]], list[str]]:
    """One session's exports (:mod:`movement_check.exports`): its FHIR R4 bundle, and for each test with a
    trajectory its OpenSim markers (.trc) and angles (.mot) and a BIDS-Motion zip. ([(label, file name, data,
    mime)], [what could not be made, in words])."""
    import zipfile

    from movement_check.exports import fhir, texts
    from movement_check.body.poses import Poses

    name = f"{session.patient_id}-{session.started_at[:10]}-session-{session.id}"
    files = [("FHIR R4 (JSON)", f"{name}.fhir.json",
              json.dumps(fhir.bundle([t.result for t in session.tests], patient_id=session.patient_id,
                                     effective=session.started_at), indent=2).encode(), "application/fhir+json")]
    missing = []
    for t in session.tests:
        data = record.trajectory(t.id) if t.has_trajectory else None
        if not data:
            missing.append(f"test {t.id} ({t.test}): no trajectory was kept, so no OpenSim or BIDS files")
            continue
        stem = f"{name}-test-{t.id}-{t.test}"
        made, skipped = texts(("trc", "mot", "bids"), t.result, Poses.from_npz_bytes(data), stem,
                              patient_id=session.patient_id, session=session.id, effective=session.started_at)
        for kind, suffix, label, mime in (("trc", ".trc", "OpenSim markers (.trc)", "text/plain"),
                                          ("mot", ".mot", "OpenSim angles (.mot)", "text/plain")):
            if stem + suffix in made:
                files.append((f"{label}, test {t.id}", stem + suffix, made[stem + suffix].encode(), mime))
        bids = {path: text for path, text in made.items() if path.startswith("bids/")}
        if bids:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path, text in bids.items():
                    archive.writestr(path, text)
            files.append((f"BIDS-Motion (.zip), test {t.id}", f"{stem}-bids.zip", buffer.getvalue(),
                          "application/zip"))
        missing += [f"test {t.id} ({t.test}), {kind}: {why}" for kind, why in skipped.items()]
    return files, missing


def export_buttons(record: Record, session: SessionRecord, *, therapist: str, who: str) -> None:
    """Make one session's exports on request (for a therapist in the patient's care only), then offer each for
    download; each download is audited as ``who``'s, like the report's."""
    if not session.tests:
        return
    key = f"exports-{session.id}-files"
    if st.button("Make the exports (OpenSim, FHIR, BIDS)", key=f"exports-{session.id}"):
        if not record.in_care_of(session.patient_id, therapist):
            st.session_state.pop(key, None)
            audit("trajectory downloaded", who=who, ok=False, patient_id=session.patient_id, session_id=session.id,
                  detail="exports refused: not in the patient's care", record=record)
            st.error("Only a therapist in the patient's care may export their data.")
            return
        st.session_state[key] = export_files(record, session)
    made = st.session_state.get(key)
    if not made:
        return
    files, missing = made
    cols = st.columns(3)
    for i, (label, name, data, mime) in enumerate(files):
        cols[i % 3].download_button(label, data, name, mime, key=f"export-{session.id}-{i}", on_click=_audit_export,
                                    args=(record, who, session, f"{label}: {name}"))
    for line in missing:
        st.caption(line)


def _audit_export(record: Record, who: str, session: SessionRecord, detail: str) -> None:
    audit("trajectory downloaded", who=who, patient_id=session.patient_id, session_id=session.id,
          detail=detail[:200], record=record)


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
