"""The Patients page's exports of a session (OpenSim, FHIR, BIDS), under Streamlit's AppTest: made only for a
therapist in the patient's care, each download audited once through the same path as the report's."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from movement_check.clinic.accounts import hash_password
from movement_check.analysis import Prepared, assess
from movement_check.pipeline.cleaning import CleaningReport

from tests.fixtures.accounts import PASSWORD
from tests.fixtures.synthetic import walking_poses
from tests.fixtures.app import open_page

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest


@pytest.fixture
def clinic(live_env, monkeypatch):
    """jdoe and asmith (therapists), boss (administrator); P-A in jdoe's care with one session holding a gait
    test of a synthetic walk and its trajectory. (record, session ID)"""
    from app_pages import access, state

    hashed = hash_password(PASSWORD, iterations=1000)
    monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({"jdoe": hashed, "asmith": hashed, "boss": hashed}))
    monkeypatch.setenv("MOVEMENT_CHECK_ADMINS", "boss")
    state.live_config.clear()
    access.sign_in_limits.clear()
    poses = walking_poses(seconds=6.0)
    result = assess("gait", Prepared(extraction=None, poses=poses, cleaning=CleaningReport(), quality={},
                                     warnings=[])).to_dict()
    record = state.clinic_record()
    record.add_patient("P-A", initials="AA", therapist="jdoe")
    session_id = record.start_session("P-A", "upload", therapist="jdoe")
    record.add_test(session_id, result, trajectory=poses.npz_bytes())
    yield record, session_id
    access.sign_in_limits.clear()


def _sign_in(at, name: str):
    at.text_input(key="user").input(name)
    at.text_input(key="password").input(PASSWORD)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def _downloads(record) -> list:
    return [e for e in record.audit_entries() if e.action == "trajectory downloaded"]


def _export_button(at, session_id):
    return [b for b in at.button if b.key == f"exports-{session_id}"]


def test_a_therapist_in_the_patients_care_downloads_each_export_audited_once(clinic):
    record, session_id = clinic
    at = _sign_in(open_page("patients"), "jdoe")
    assert not at.exception
    at = at.button(key=f"exports-{session_id}").click().run()
    assert not at.exception and not at.error
    labels = [b.label for b in at.get("download_button")]
    assert "FHIR R4 (JSON)" in labels
    assert any(label.startswith("OpenSim markers (.trc)") for label in labels)
    assert any(label.startswith("OpenSim angles (.mot)") for label in labels)
    assert any(label.startswith("BIDS-Motion (.zip)") for label in labels)
    assert not _downloads(record)                                         # made, not yet downloaded
    fhir_button = next(b for b in at.get("download_button") if b.label == "FHIR R4 (JSON)")
    at = fhir_button.click().run()
    (entry,) = _downloads(record)
    assert entry.who == "therapist jdoe" and entry.patient_id == "P-A" and entry.session_id == session_id
    assert entry.detail.startswith("FHIR R4 (JSON): P-A-") and entry.ok
    at.run()                                                              # a rerun does not log it again
    assert len(_downloads(record)) == 1


def test_the_session_exports_hold_the_patients_pseudonym_only(clinic):
    from app_pages.results import export_files

    models = pytest.importorskip("fhir.resources.R4B.bundle")
    record, session_id = clinic
    files, missing = export_files(record, record.session(session_id))
    assert missing == []
    by_label = {label.split(",")[0]: (name, data) for label, name, data, _ in files}
    bundle = json.loads(by_label["FHIR R4 (JSON)"][1])
    models.Bundle.model_validate(bundle)
    assert bundle["entry"] and all(e["resource"]["subject"]["identifier"]["value"] == "P-A" for e in bundle["entry"])
    assert all(e["resource"]["effectiveDateTime"] == record.session(session_id).started_at for e in bundle["entry"])
    assert "AA" not in by_label["FHIR R4 (JSON)"][1].decode()                  # never the initials
    with zipfile.ZipFile(io.BytesIO(by_label["BIDS-Motion (.zip)"][1])) as archive:
        names = archive.namelist()
    assert f"bids/sub-PA/ses-{session_id}/motion/sub-PA_ses-{session_id}_task-gait_tracksys-mediapipe_motion.tsv" in names
    assert by_label["OpenSim markers (.trc)"][1].startswith(b"PathFileType\t4\t(X/Y/Z)")


def test_a_therapist_not_in_the_patients_care_gets_no_export(clinic):
    record, session_id = clinic
    other = _sign_in(open_page("patients"), "asmith")                         # P-A is not in asmith's care
    assert not other.exception and not _export_button(other, session_id) and not other.get("download_button")
    admin = _sign_in(open_page("patients"), "boss")                           # an administrator outside the care team
    assert not admin.exception and not _export_button(admin, session_id) and not admin.get("download_button")
    # jdoe had the exports made when taken off the care team: at the next run they are gone, nothing is logged
    at = _sign_in(open_page("patients"), "jdoe")
    at = at.button(key=f"exports-{session_id}").click().run()
    assert len(at.get("download_button")) > 1
    record.unassign("P-A", "jdoe")
    at.run()
    assert not at.get("download_button") and not _export_button(at, session_id) and not _downloads(record)


def test_exports_asked_for_after_leaving_the_care_team_are_refused_and_audited_once(clinic, monkeypatch):
    """The page was drawn while jdoe was in the care team; the record says otherwise when the button is pressed
    (taken off the team in between): nothing is made, the refusal is logged once."""
    from movement_check.clinic.record import Record

    record, session_id = clinic
    at = _sign_in(open_page("patients"), "jdoe")
    monkeypatch.setattr(Record, "in_care_of", lambda self, patient_id, therapist: False)
    at = at.button(key=f"exports-{session_id}").click().run()
    assert [e.value for e in at.error] == ["Only a therapist in the patient's care may export their data."]
    assert not at.get("download_button")
    (refused,) = _downloads(record)
    assert not refused.ok and refused.who == "therapist jdoe" and refused.session_id == session_id
    at.run()
    assert len(_downloads(record)) == 1
