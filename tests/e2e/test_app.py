"""The Streamlit page's logic, under Streamlit's AppTest (no browser)."""

import json
import tempfile
from pathlib import Path

import pytest

from movement_check.clinic.accounts import hash_password

from tests.fixtures.clips import REPO, SHARED
from tests.fixtures.accounts import PASSWORD
from tests.fixtures.app import analyse_button, clip_page

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest
LUNGE = REPO / "sample_videos" / "lab_lunge_portrait_60fps.mp4"


def _leftover_clips() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("movement-check-*")}


def _app_with(clip: Path, test: str | None = None, therapist: str | None = None):
    """The page with ``clip`` uploaded and ``test`` chosen (the form not yet sent)."""
    at = clip_page(therapist)
    at.file_uploader[0].upload(clip.name, clip.read_bytes(), "video/mp4")
    if test is not None:
        at.selectbox[0].select(test)
    return at


@pytest.fixture
def clinic(monkeypatch, tmp_path):
    """The app's data folder and clinic record in tmp_path (the app's cached settings and record renewed)."""
    from app_pages import state

    monkeypatch.setenv("MOVEMENT_CHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVEMENT_CHECK_CONFIG", "")
    monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({"jdoe": hash_password(PASSWORD, iterations=1000)}))
    monkeypatch.delenv("MOVEMENT_CHECK_RECORD", raising=False)
    state.live_config.clear()
    state.clinic_record.clear()
    yield tmp_path / "data"
    state.live_config.clear()
    state.clinic_record.clear()


def _needs(folder: str):
    return pytest.mark.skipif(not (SHARED / folder).exists(), reason="../shared not beside the checkout")


def test_page_renders_and_asks_for_a_clip():
    at = clip_page()
    assert not at.exception
    assert at.title[0].value == "Analyse a clip"
    assert list(at.selectbox[0].options) == ["Let the tool decide", "Gait (walk for me)", "Single-leg raise",
                                             "Foot rotation"]
    analyse_button(at).click().run()                      # Analyse with no clip
    assert not at.exception
    assert [e.value for e in at.error] == ["Choose a clip first."]


def test_a_file_that_is_not_a_video_gets_one_sentence():
    at = clip_page()
    at.file_uploader[0].upload("notes.mp4", b"this is not a video", "video/mp4")
    analyse_button(at).click().run()
    assert not at.exception
    assert len(at.error) == 1 and "not a video that can be read" in at.error[0].value
    # what the user chose is still there to try again
    assert at.file_uploader[0].value is not None


@pytest.mark.slow
def test_uploaded_clip_is_analysed_and_not_kept(monkeypatch, tmp_path):
    # this process's temporary files in a folder of the test's own (another test run on the machine writes to the
    # system's temporary folder too, and was counted as this upload's leftovers)
    private = tmp_path / "temporary"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    before = _leftover_clips()
    at = _app_with(LUNGE, "foot-rotation")                  # a lunge: nothing to measure, said plainly
    analyse_button(at).click().run()
    assert not at.exception
    assert not at.error
    text = " ".join(m.value for m in at.markdown)
    assert "Following **person 1**" in text
    assert any("no walking was found" in w.value for w in at.warning)
    # nothing to measure: the badge says so in red, and the findings give the reason without numbers
    assert any(m.value.startswith(":red[**Confidence: not usable**]") for m in at.markdown)
    assert at.metric[0].value == "100"                        # frames
    assert len(at.get("download_button")) == 4                # result JSON, metrics CSV, trajectories npz + CSV
    assert _leftover_clips() == before                        # the clip was deleted after analysis
    assert not any(private.iterdir())                         # nothing of the upload left in the temporary folder


@pytest.mark.slow
@_needs("videos")
def test_gait_results_and_figures_are_shown():
    at = _app_with(SHARED / "videos" / "side_walk_home_normal.mp4")
    at.number_input(key="height").set_value(178)
    analyse_button(at).click().run()
    assert not at.exception and not at.error
    # findings first: the confidence badge, then the findings, above the table of all measures
    badges = [b.value for b in (*at.success, *at.warning, *at.error) if b.value.startswith("**Confidence:")]
    assert len(badges) == 1 and ("good" in badges[0] or "limited" in badges[0]), badges
    headers = [s.value for s in at.subheader]
    assert headers.index("Findings") < headers.index("All measures")
    table = at.dataframe[0].value
    assert list(table.columns) == ["Flag", "Measure", "Side", "Value", "Normal range", "Note"]
    assert "Steps per minute" in list(table["Measure"]) and "None" not in table.to_string()
    flagged = list(table["Flag"] != "")
    assert flagged == sorted(flagged, reverse=True)                 # flagged rows first
    assert len(at.get("imgs")) >= 1 or len(at.get("image")) >= 1


@pytest.mark.slow
@_needs("synthetic_videos")
def test_leg_raise_with_a_prescription_shows_the_form_check():
    at = _app_with(SHARED / "synthetic_videos" / "legraise_front_15fps.mp4", "leg-raise")
    at.text_input(key="pain").input("1.5")                 # pain marked at 1.5 s
    at.number_input(key="reps").set_value(1)       # 1 raise per side
    at.number_input(key="hold").set_value(1.5)     # held 1.5 s
    analyse_button(at).click().run()
    assert not at.exception and not at.error
    names = list(at.dataframe[0].value["Measure"])
    assert "Leg raise height (hip bend)" in names and "Leg raise angle at pain" in names
    assert any(s.value == "Home exercise check" for s in at.subheader)
    feedback = at.dataframe[1].value
    assert list(feedback["leg"]) == ["right", "left"]
    assert feedback["feedback"][1].startswith("held 1.7 s")


def test_pain_times_that_are_not_times_get_one_sentence():
    at = clip_page()
    at.file_uploader[0].upload("clip.mp4", b"not read before the times are checked", "video/mp4")
    at.selectbox[0].select("leg-raise")
    at.text_input(key="pain").input("soon")
    analyse_button(at).click().run()
    assert not at.exception
    assert len(at.error) == 1 and "Pain times" in at.error[0].value


@pytest.mark.slow
@_needs("synthetic_videos")
def test_foot_rotation_shows_angles_with_uncertainties_and_both_figures():
    at = _app_with(SHARED / "synthetic_videos" / "walk_front_tracking_30fps.mp4", "foot-rotation")
    at.number_input(key="fov").set_value(54.4)         # the rendering camera's lens
    analyse_button(at).click().run()
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    rows = table[table["Measure"] == "Foot turn-out while walking"]
    assert list(rows["Side"]) == ["left", "right"] and rows["Value"].str.contains(" ± ").all()
    assert len(at.get("image")) == 2 + 3               # step angles over time, footprints from above; 3 stills


@pytest.mark.slow
def test_an_upload_with_a_patient_id_is_filed_with_its_report_and_the_video_only_when_asked(clinic):
    from movement_check.clinic.record import Record

    at = _app_with(LUNGE, therapist="jdoe")                    # the test left to the tool
    at.text_input(key="upload-patient").input("Jane Doe")      # a name, not a pseudonym: refused before work
    analyse_button(at).click().run()
    assert len(at.error) == 1 and "pseudonym" in at.error[0].value
    at.text_input(key="upload-patient").input("P-0042")
    at.text_input(key="upload-initials").input("JD")
    at.checkbox(key="keep-video").check()
    analyse_button(at).click().run()
    assert not at.exception and not at.error
    assert any("Test found from the clip: **leg-raise**" in i.value for i in at.info)
    assert any("patient P-0042, session 1 (annotated clip kept, faces blurred)" in s.value for s in at.success)
    assert any(s.value == "Preview (faces blurred)" for s in at.subheader)
    (session,) = Record(clinic / "record.sqlite").sessions("P-0042")
    (test,) = session.tests
    assert session.kind == "upload" and test.test == "leg-raise" and test.has_trajectory
    kept = Path(test.video)
    assert kept.parent == clinic / "videos" and kept.name.endswith("-leg-raise.mp4") and kept.stat().st_size > 10_000
    at.button(key=f"report-{session.id}").click().run()
    labels = [b.label for b in at.get("download_button")]
    assert {"Report (PDF)", "Report (HTML)", "Download metrics (CSV)"} <= set(labels), labels

    # a bad file for the same patient: refused with its reason; the record and the result on screen stay
    at.file_uploader[0].upload("notes.mp4", b"this is not a video", "video/mp4")
    at.checkbox(key="keep-video").uncheck()
    analyse_button(at).click().run()
    assert len(at.error) == 1 and "not a video" in at.error[0].value
    assert [s.id for s in Record(clinic / "record.sqlite").sessions("P-0042")] == [session.id]
    assert any("session 1" in s.value for s in at.success)
    assert len(list((clinic / "videos").iterdir())) == 1


def test_keeping_the_video_needs_a_patient_id(clinic):
    at = _app_with(LUNGE, therapist="jdoe")
    at.checkbox(key="keep-video").check()
    analyse_button(at).click().run()
    assert len(at.error) == 1 and "patient's ID" in at.error[0].value
    assert not (clinic / "videos").exists()


@pytest.mark.slow
def test_an_upload_filed_when_the_audit_log_cannot_be_written_is_filed_and_the_page_warns(clinic):
    from sqlalchemy import text

    from app_pages import state

    at = _app_with(LUNGE, test="leg-raise", therapist="jdoe")
    record = state.clinic_record()
    with record.engine.begin() as conn:                       # the audit table lost under the running app
        conn.execute(text("DROP TABLE audit_log"))
    at.text_input(key="upload-patient").input("P-0042")
    analyse_button(at).click().run()
    assert not at.exception and not at.error
    assert any(w.value.startswith("The audit log could not be written: ") for w in at.warning)
    assert any("Filed in the clinic record: patient P-0042, session 1" in s.value for s in at.success)
    (session,) = record.sessions("P-0042")
    assert session.kind == "upload" and [t.test for t in session.tests] == ["leg-raise"]
