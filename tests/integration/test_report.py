"""The visit report (PDF and HTML) and the history it compares with: two visits of one patient."""

import re

import pytest

from movement_check.clinic.checkin import CheckIn
from movement_check.cli.main import main
from movement_check.clinic.history import changes, previous_visit, trends
from movement_check.clinic.record import Record
from tests.fixtures.results import gait_result


@pytest.fixture
def two_visits(tmp_path):
    """P-0042: a visit on 1 Oct (pain 6, cadence 96) and one on 1 Nov (pain 3, cadence 116), a home check
    between them; returns (record path, first visit, second visit)."""
    path = tmp_path / "record.sqlite"
    record = Record(path)
    record.add_patient("P-0042", initials="JD", therapist="jdoe")
    first = record.start_session("P-0042", "visit", therapist="jdoe", started_at="2026-10-01T10:00:00+00:00")
    record.save_checkin(first, CheckIn(pain_now=6, since_last="worse", leg_pain=True))
    slow, poses = gait_result(96.0)
    record.add_test(first, slow, trajectory=poses.npz_bytes(), step="walk-side")
    home = record.start_session("P-0042", "home", started_at="2026-10-15T18:00:00+00:00")
    record.add_test(home, gait_result(100.0)[0])
    second = record.start_session("P-0042", "visit", therapist="jdoe", started_at="2026-11-01T10:00:00+00:00")
    record.save_checkin(second, CheckIn(pain_now=3, since_last="better"))
    quick, poses = gait_result(116.0)
    record.add_test(second, quick, trajectory=poses.npz_bytes(), step="walk-side")
    record.close()
    return path, first, second


def test_history_gives_each_key_metric_over_time_and_the_change_since_the_last_visit(two_visits):
    path, first, second = two_visits
    sessions = Record(path).sessions("P-0042")
    series = {(s.metric, s.side): s for s in trends(sessions)}
    assert [p.value for p in series[("pain_now", None)].points] == [6, 3]
    assert [round(p.value) for p in series[("cadence", None)].points] == [96, 100, 116]
    assert {("knee_flexion_swing_peak", "left"), ("knee_flexion_swing_peak", "right")} <= set(series)
    assert previous_visit(sessions, second).id == first               # the home check is not a visit
    found = {(c.label, c.side): c for c in changes(sessions[-1], sessions[0])}
    assert found[("Steps per minute", None)].difference == pytest.approx(20.0, abs=1.0)
    assert found[("Pain now (0-10)", None)].difference == -3


def test_the_pdf_report_renders_and_shows_the_check_in_metrics_flags_and_the_change(two_visits, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    path, first, second = two_visits
    out = tmp_path / "visit.pdf"
    assert main(["report", str(second), "-o", str(out), "--record", str(path)]) == 0
    pdf = pdfium.PdfDocument(str(out))
    text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pixels = pdf[0].render(scale=1.5).to_numpy()                # the first page drawn, as a picture
    assert pixels.shape[0] > 1000 and (pixels[..., :3] < 100).mean() > 0.005    # ink on the page
    for expected in ("Patient P-0042 (JD)", "Video visit, 2026-11-01 10:00 UTC", "Check-in", "Pain now (0-10)",
                     "Gait: Walk across the room (side view)", "Steps per minute",
                     "Compared with the previous visit", "Previous visit: 2026-10-01",
                     "What one camera can and cannot measure"):
        assert expected in text, expected
    cadence_now = re.search(r"Steps per minute\s+([\d.]+) steps/min", text)
    assert cadence_now and float(cadence_now.group(1)) == pytest.approx(116, rel=0.01)
    change = re.search(r"Steps per minute\s+([\d.]+) steps/min\s+([\d.]+) steps/min\s+([+-][\d.]+) steps/min", text)
    assert change, text[-1500:]
    assert float(change.group(1)) == pytest.approx(96, rel=0.01) and float(change.group(2)) == pytest.approx(116, rel=0.01)
    assert float(change.group(3)) == pytest.approx(20, abs=1)
    assert re.search(r"Pain now \(0-10\)\s+6\.0/10\s+3\.0/10\s+-3\.0/10", text)
    assert len(pdf) >= 2                                        # figures take pages of their own
    images = sum(1 for i in range(len(pdf)) for obj in pdf[i].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    assert images >= 2                                          # gait cycle and foot paths


def test_the_html_report_holds_the_same_and_a_first_visit_says_there_is_nothing_to_compare(two_visits, tmp_path):
    path, first, second = two_visits
    out = tmp_path / "first.html"
    assert main(["report", str(first), "-o", str(out), "--record", str(path)]) == 0
    page = out.read_text()
    assert "Patient P-0042 (JD)" in page and "No earlier visit of this patient" in page
    assert page.count("data:image/png;base64,") >= 2 and "<td>Steps per minute</td>" in page
    # the findings come first, before the check-in's answers and the table of all measures
    assert page.index("<h2>Findings</h2>") < page.index("<h2>Check-in</h2>") < page.index("all measures</h2>")
    assert "Confidence: " in page


def test_report_errors_are_one_line_with_what_to_do(two_visits, tmp_path, capsys):
    path, _, _ = two_visits
    assert main(["report", "999", "-o", str(tmp_path / "x.pdf"), "--record", str(path)]) == 2
    assert "no session 999" in capsys.readouterr().err
    assert main(["report", "1", "-o", str(tmp_path / "x.docx"), "--record", str(path)]) == 2
    assert ".pdf or .html" in capsys.readouterr().err
    assert main(["report", "1", "-o", str(tmp_path / "x.pdf"), "--record", str(tmp_path / "none.sqlite")]) == 2
    assert "no clinic record" in capsys.readouterr().err.lower()
    assert not (tmp_path / "none.sqlite").exists()


def test_a_change_in_seconds_keeps_its_sign_and_precision():
    from movement_check.clinic.history import Change
    from movement_check.clinic.report import VisitReport, change_rows

    report = VisitReport(session=None, initials=None, previous=None,
                         changes=[Change("Leg raise: hold", "s", "left", 5.25, 5.2)])
    assert change_rows(report) == [("Leg raise: hold", "left", "5.25 s", "5.20 s", "-0.05 s")]


def test_a_change_shows_its_unit_as_written_not_the_results_code():
    # the comparison with the previous visit read "52.2 deg", where the findings and the table read "52.2°"
    from movement_check.clinic.history import Change
    from movement_check.clinic.report import VisitReport, change_rows

    report = VisitReport(session=None, initials=None, previous=None,
                         changes=[Change("Knee bend in swing", "deg", "left", 52.2, 48.0),
                                  Change("Stride-time variability", "%", None, 4.0, 7.5),
                                  Change("Steps counted", "count", None, 12, 14)])
    assert change_rows(report) == [("Knee bend in swing", "left", "52.2°", "48.0°", "-4.2°"),
                                   ("Stride-time variability", "", "4.0%", "7.5%", "+3.5%"),
                                   ("Steps counted", "", "12", "14", "+2")]


def test_the_first_page_opens_with_the_red_flags_and_each_tests_confidence_and_findings(two_visits, tmp_path):
    """Page 1 drawn to an image and its text read back: patient, date, red flags, then the findings."""
    pdfium = pytest.importorskip("pypdfium2")
    path, first, second = two_visits
    record = Record(path)
    flagged = record.start_session("P-0042", "visit", therapist="jdoe", started_at="2026-11-08T10:00:00+00:00")
    record.save_checkin(flagged, CheckIn(pain_now=7, red_flags=("leg_weakness",)))
    record.add_test(flagged, gait_result(96.0)[0], step="walk-side")
    record.close()
    out = tmp_path / "flagged.pdf"
    assert main(["report", str(flagged), "-o", str(out), "--record", str(path)]) == 0
    pdf = pdfium.PdfDocument(str(out))
    page = pdf[0]
    image = page.render(scale=1.5).to_pil()
    image.save(tmp_path / "report_page1.png")                           # for a reviewer to look at
    assert image.size[1] > 1000
    text = page.get_textpage().get_text_range()
    order = [text.index(t) for t in ("Patient P-0042 (JD)", "Video visit, 2026-11-08", "Red flag: Severe",
                                     "Findings", "Gait: Walk across the room (side view)", "Confidence: ", "Check-in")]
    assert order == sorted(order), text[:1500]
    # the walker at 96 steps/min: 8 s, well seen, its cadence below the normal 100-120 is a finding
    findings_part = text[text.index("Findings"):text.index("Check-in")]
    assert re.search(r"Confidence: (good|limited)", findings_part)
    assert "Steps per minute" in findings_part and "100-120 steps/min" in findings_part


def test_a_trend_of_one_or_two_points_says_something_and_carries_its_normal_range(two_visits):
    from movement_check.clinic.history import Point, Series, trend_caption

    path, _, _ = two_visits
    series = {(s.metric, s.side): s for s in trends(Record(path).sessions("P-0042"))}
    cadence = series[("cadence", None)]
    assert cadence.normal == (100.0, 120.0)                          # as the results state it
    assert series[("pain_now", None)].normal is None
    caption = re.fullmatch(r"([\d.]+) steps/min on 2026-10-01 to ([\d.]+) steps/min on 2026-11-01 "
                           r"\(\+([\d.]+) steps/min over 3 measurements\)\.", trend_caption(cadence))
    assert caption, trend_caption(cadence)
    assert [float(g) for g in caption.groups()] == pytest.approx([96, 116, 20], abs=0.5)
    one = Series("gait", "knee_flexion_swing_peak", "Knee bend in swing", "deg", "left",
                 (Point(1, "2026-10-01T10:00:00+00:00", "visit", 52.25),))
    assert trend_caption(one) == "First measurement (2026-10-01): 52.2°; nothing to compare yet."


def test_raises_made_in_another_posture_have_their_own_table(tmp_path):
    # a leg-raise clip held standing and lying (movement_check.assessments.leg_raise.parts): the lying
    # raises are shown under their own heading, in the HTML and in the PDF, never in the test's own table
    path = tmp_path / "record.sqlite"
    record = Record(path)
    record.add_patient("P-0043", therapist="jdoe")
    session = record.start_session("P-0043", "visit", therapist="jdoe", started_at="2026-11-01T10:00:00+00:00")
    result, _ = gait_result(110.0)
    elevation = {"name": "leg_elevation_peak", "value": 61.5, "unit": "deg", "side": "right", "normal_range": None,
                 "flag": None, "note": None, "uncertainty": None}
    result["quality"].setdefault("assessment", {})["other_postures"] = [
        {"posture": "supine", "held_s": 9.0, "from_s": 10.5, "to_s": 19.5, "view": "side", "repetitions": [{}],
         "metrics": [elevation], "events": [], "warnings": []}]
    record.add_test(session, result)
    record.close()
    out = tmp_path / "report.html"
    assert main(["report", str(session), "-o", str(out), "--record", str(path)]) == 0
    page = out.read_text()
    heading = "Raises made lying on the back (10.5-19.5 s), measured on their own"
    assert f"<h3>{heading}</h3>" in page
    own_table, other_table = page.split(f"<h3>{heading}</h3>")
    assert "61.5" in other_table.split("</table>")[0] and "61.5" not in own_table
    pdf = tmp_path / "report.pdf"
    assert main(["report", str(session), "-o", str(pdf), "--record", str(path)]) == 0
    assert pdf.stat().st_size > 1000
