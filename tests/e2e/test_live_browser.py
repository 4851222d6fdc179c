"""The live visit end to end in a real browser: Debian's Chromium, headless, through Playwright.

The app runs as a real server (``streamlit run app.py`` on a free port). The
patient's browser has a fake camera fed with a y4m file written here from the
shipped side-view walk (``sample_videos/``, followed by a panning crop); the therapist's browser signs in, starts a visit, sends
(reads) the link, runs a gait step, and must see live figures change and then
a gait result with heel strikes on both sides (its findings first; the page and page 1 of the visit's PDF report
are saved as PNGs for a reviewer, tests/fixtures/artifacts.py); a reload of the therapist's tab keeps the sign-in, the
visit and the height typed, and signing out ends it; the server's UDP sockets (the
video) must all be on loopback (the default media addresses). A stranger's browser, without
the code or a sign-in, or with the patient's whole address while the patient's
page is open, must see nothing of the visit. On the home-exercise
page, a patient's webcam recording must reach the check and be filed.

Needs /usr/bin/chromium (apt: chromium) and the playwright package; never
``playwright install`` (no downloads). Skipped when either is missing, unless
MOVEMENT_CHECK_REQUIRE_BROWSER=1 (set by .ci/run), where it fails instead.
"""

import re
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from movement_check.clinic.record import Record
from movement_check.pipeline.video import ClipReader
from app_pages.page_recovery import CRASH
from tests.fixtures.artifacts import is_a_picture, keep
from tests.fixtures.browser import (CHROMIUM, FLAGS, WALKER, missing, open_visit, server,  # noqa: F401 (server
                                    write_y4m_frames)                                       # is a fixture)
from tests.fixtures.sockets import outside_loopback, udp_sockets

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")]


# The gait step's camera is the same walker seen through a window that pans with him (follow_walker): letterboxed
# whole, he crosses the frame once per 7.7 s loop, small and behind a bystander, and where Chrome lowers the
# resolution (on a loaded 2-core CI machine, 480x360) his one pass broke into two tracks with no heel strikes.
def follow_walker(clip: Path = WALKER, *, size=(640, 480)) -> list[np.ndarray]:
    """The clip's walker as a camera panning with him would see him: the frames where he is wholly in view,
    cropped to a ``size``-shaped window 1.3 times his height, centred on his hip midpoint (smoothed over about a
    stride, so the window moves steadily while his legs swing). Played in a loop he walks on the spot, without a
    jump at the loop's seam. His track comes from the pose model itself (the analysis's own walker rule)."""
    from numpy.lib.stride_tricks import sliding_window_view

    from movement_check.analysis import prepare
    from movement_check.body.landmarks import Landmark

    poses = prepare(clip, subject="walker").poses
    width, height = poses.frame_size
    xy = poses.image[:, :, :2]
    seen = np.isfinite(xy).all(axis=(1, 2))
    xs = np.where(seen[:, None], xy[:, :, 0], np.nan)
    whole = seen & (np.nanmin(np.where(seen[:, None], xs, np.inf), axis=1) > 10) \
        & (np.nanmax(np.where(seen[:, None], xs, -np.inf), axis=1) < width - 10)
    used = np.flatnonzero(whole)
    assert len(used) >= 90, "the walker is wholly in view for under 3 s"
    hip = (xy[:, Landmark.LEFT_HIP, 0] + xy[:, Landmark.RIGHT_HIP, 0]) / 2
    line = np.polyfit(poses.times[used], hip[used], 1)               # his steady walk across
    off_line = np.where(whole, hip - np.polyval(line, poses.times), np.nan)
    k = 31
    windows = sliding_window_view(np.pad(off_line, k // 2, mode="edge"), k)
    counted = np.isfinite(windows).sum(axis=1)
    mean_off = np.where(counted > 0, np.nansum(windows, axis=1) / np.maximum(counted, 1), 0.0)
    centre = np.polyval(line, poses.times) + mean_off
    top, bottom = np.nanmin(xy[used, :, 1]), np.nanmax(xy[used, :, 1])
    crop_h = min(height, int(1.3 * (bottom - top)))
    crop_w = crop_h * size[0] // size[1]
    y0 = int(min(height - crop_h, max(0, (top + bottom) / 2 - crop_h / 2)))
    frames = []
    for frame in ClipReader(clip):
        if frame.index < used[0] or frame.index > used[-1]:
            continue
        padded = cv2.copyMakeBorder(frame.bgr, 0, 0, crop_w, crop_w, cv2.BORDER_CONSTANT)   # room to centre him
        x0 = int(round(centre[frame.index] - crop_w / 2)) + crop_w
        frames.append(cv2.resize(padded[y0:y0 + crop_h, x0:x0 + crop_w], size, interpolation=cv2.INTER_AREA))
    return frames


@pytest.fixture(scope="module")
def walker_camera(tmp_path_factory) -> Path:
    """The fake camera's y4m: the sample clip's walker, followed (made once for the module's tests)."""
    return write_y4m_frames(follow_walker(), tmp_path_factory.mktemp("camera") / "walker.y4m")


def _frames_received(page) -> int:
    text = page.get_by_text(re.compile(r"Frames received \d+")).first.inner_text()
    return int(re.search(r"Frames received (\d+)", text).group(1))


def therapist_video_fps(page, *, seconds: float) -> tuple[float, float]:
    """Over the same ``seconds``: frames per second the therapist's browser decoded from the patient's video
    (``getVideoPlaybackQuality().totalVideoFrames`` of the video in the therapist's webrtc component), and
    frames per second the server analysed (the page's "analysed live" count)."""
    video = page.frame_locator('iframe[title*="webrtc"]').locator("body video")
    count = "v => v.getVideoPlaybackQuality().totalVideoFrames"
    decoded, analysed, t0 = video.evaluate(count), _frames_analysed(page), time.monotonic()
    time.sleep(seconds)
    decoded, analysed = video.evaluate(count) - decoded, _frames_analysed(page) - analysed
    span = time.monotonic() - t0
    return decoded / span, analysed / span


def _keeps_changing(changed, *, within_s: float = 20.0) -> bool:
    """True once ``changed()`` is, looked at every half second for up to ``within_s`` (the page refreshes its
    live panel every second or so; on a loaded machine the first refreshes come later: two test runs side by
    side once saw no new frame within a fixed 2 s)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if changed():
            return True
        time.sleep(0.5)
    return bool(changed())


def _frames_analysed(page) -> int:
    text = page.get_by_text(re.compile(r"analysed live \d+")).first.inner_text()
    return int(re.search(r"analysed live (\d+)", text).group(1))


def test_patient_streams_therapist_watches_runs_a_gait_step_and_a_stranger_sees_nothing(server, walker_camera,  # noqa: F811
                                                                                        tmp_path):
    base, data, pid = server
    y4m = walker_camera
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=FLAGS + [f"--use-file-for-fake-video-capture={y4m}"])
        try:
            therapist, patient, link = open_visit(browser, base, patient_id="P-0042")
            code = link.split("code=")[1]

            # the therapist's live panel: the patient's processed video, and figures that keep changing
            first = _frames_received(therapist)
            src = therapist.locator("img[src*='media']").first.get_attribute("src")
            assert _keeps_changing(lambda: _frames_received(therapist) > first
                                   and therapist.locator("img[src*='media']").first.get_attribute("src") != src)
            # the patient's analysed video reaches the therapist as moving video (WebRTC, relayed by the server),
            # not still pictures: frames decoded by the therapist's browser over 5 s
            try:
                expect(therapist.get_by_text(re.compile("^Moving video of the patient's camera"))).to_be_visible(
                    timeout=30_000)
            except AssertionError:
                player = therapist.frame_locator('iframe[title*="webrtc"]').locator("body").inner_text()
                raise AssertionError(f"no moving video; the player reads {player!r}: "
                                     + therapist.locator("main").inner_text()[-2000:])
            fps, analysed = therapist_video_fps(therapist, seconds=5.0)
            print(f"\ntherapist's video: {fps:.1f} frames a second decoded over 5 s "
                  f"(the server analysed {analysed:.1f} a second)")
            # the video carries every picture the server analysed (and no other): 10 a second, or, when a loaded
            # machine analyses fewer, most of those it did
            assert fps > 0 and fps >= min(10.0, 0.7 * analysed), (fps, analysed)
            assert therapist.get_by_text(re.compile("^Still pictures")).count() == 0
            # the video reached the server on loopback only (the default media_addresses): no UDP socket of the
            # server's is bound to this machine's outside addresses, or to all of them
            sockets = udp_sockets(pid)
            assert sockets and not outside_loopback(sockets), sockets

            # the therapist reloads their tab mid-visit: still signed in (the sign-in cookie), the same visit with
            # its patient ID, the height typed before, and the patient's video still coming
            height = therapist.get_by_role("spinbutton", name=re.compile("height"))
            height.fill("178")
            height.press("Enter")
            expect(therapist.get_by_text("Frames received")).to_be_visible(timeout=30_000)
            time.sleep(1.0)                              # the height's rerun reaches the server
            cookie = next(c for c in therapist.context.cookies() if c["name"] == "movement_check_sign_in")
            assert cookie["sameSite"] == "Strict" and cookie["path"] == "/" and cookie["expires"] > time.time()
            therapist.reload()
            expect(therapist.get_by_text("Signed in as")).to_be_visible(timeout=30_000)
            expect(therapist.get_by_role("spinbutton", name=re.compile("height"))).to_have_value("178",
                                                                                                timeout=15_000)
            expect(therapist.get_by_role("combobox", name="Visit")).to_have_value(re.compile("patient P-0042"),
                                                                                 timeout=15_000)
            expect(therapist.get_by_text(re.compile(r"Frames received [1-9]"))).to_be_visible(timeout=30_000)
            assert therapist.get_by_role("button", name="Sign in").count() == 0
            # the page is settled (the moving video connected again: streamlit-webrtc holds the page's script while
            # it sets up the connection) before the step is started
            expect(therapist.get_by_text(re.compile("^Moving video of the patient's camera"))).to_be_visible(
                timeout=30_000)
            therapist.wait_for_timeout(1000)             # a fragment run or two: the player shown again
            assert (therapist.locator("iframe[title*='webrtc']").bounding_box() or {"height": 0})["height"] > 100

            # a gait step (the first test in the list): two loops of the clip, then stop and analyse
            therapist.get_by_role("button", name="Start", exact=True).click()
            expect(patient.get_by_text("Walk across the room")).to_be_visible(timeout=30_000)
            expect(therapist.get_by_text(re.compile(r"Recording: .* 1[5-9] s"))).to_be_visible(timeout=60_000)
            therapist.get_by_role("button", name="Stop and analyse").click()
            # the page while the therapist waits (the preview resting, its video slowed), for a reviewer: not
            # asserted, as on a quiet machine the result may be in before it is drawn
            therapist.wait_for_timeout(1500)
            therapist.screenshot(path=str(tmp_path / "therapist_waiting.png"))
            keep(tmp_path / "therapist_waiting.png")
            expect(therapist.get_by_role("heading", name=re.compile(r"1\. Walk across"))).to_be_visible(
                timeout=300_000)
            try:
                expect(therapist.get_by_text(re.compile(r"^Events: ")).first).to_be_visible(timeout=30_000)
            except AssertionError:
                raise AssertionError("no gait events shown: " + therapist.locator("main").inner_text()[-3000:])
            shown = therapist.locator("main").inner_text()
            # 15 s of the followed walker (a 4.5 s loop, walking all through): 12 or more heel strikes per side
            # offline at 640x480 and at 480x360; 3 a side leaves room for frames the browser drops. Under a heavy
            # load Chrome lowers the camera's resolution and frame rate, and the pose model's left/right labels
            # may then agree with the alternation of steps too rarely to name sides: the result then withholds
            # them and says so (seen once, CI-like run with other tests beside it: 13 strikes, "7 of 13")
            strikes = re.search(r"heel strike (?:left (\d+), right (\d+)|both (\d+))", shown)
            assert strikes, shown[-3000:]
            if strikes.group(3) is None:
                assert int(strikes.group(1)) >= 3 and int(strikes.group(2)) >= 3, shown[-3000:]
            else:
                assert int(strikes.group(3)) >= 6 and "left and right are not told apart" in shown, shown[-3000:]
            expect(therapist.get_by_text("Steps per minute").first).to_be_attached(timeout=30_000)   # the measures
            save_the_result(therapist, tmp_path / "therapist_result.png")

            # a stranger: a wrong code, the real link (already taken), the patient's whole address with its token
            # (open in the patient's browser: one browser at a time), the therapist's page unsigned
            stranger = browser.new_context().new_page()
            stranger.goto(f"{base}/patient?code=not-the-code")
            expect(stranger.get_by_text("This link is not valid")).to_be_visible(timeout=30_000)
            stranger.goto(link)
            expect(stranger.get_by_text("Someone has already joined this visit")).to_be_visible(timeout=30_000)
            assert stranger.locator("iframe[title*='webrtc']").count() == 0
            assert "t=" in patient.url
            stranger.goto(patient.url)
            expect(stranger.get_by_text("already open in another window")).to_be_visible(timeout=30_000)
            assert stranger.locator("iframe[title*='webrtc']").count() == 0
            stranger.goto(f"{base}/therapist")
            expect(stranger.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
            body = stranger.locator("body").inner_text()
            assert code not in body and "Frames received" not in body and "Steps per minute" not in body
            # nor the record, nor filing: /patients asks for a sign-in; /clip is a labelled demo
            stranger.goto(f"{base}/patients")
            expect(stranger.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
            assert "P-0042" not in stranger.locator("body").inner_text()
            stranger.goto(f"{base}/clip")
            expect(stranger.get_by_text("Nothing is filed and no patient's record is shown")).to_be_visible(
                timeout=30_000)
            assert stranger.get_by_label("Patient ID", exact=False).count() == 0

            # the patient's PAIN press reaches the therapist's page, with its moment; then the patient's page
            # closes mid-step and the therapist is told the camera stopped (times printed for the note)
            therapist.get_by_role("combobox", name="Test").click()
            therapist.get_by_role("option", name="Straight-leg raise, left (lying)").click()
            expect(therapist.get_by_text("Keep your LEFT knee straight", exact=False).first).to_be_visible(
                timeout=30_000)
            therapist.get_by_role("button", name="Start", exact=True).click()
            pain = patient.get_by_role("button", name="PAIN: it hurts now")
            pain.click(timeout=30_000)
            pressed = time.monotonic()
            expect(therapist.get_by_text(re.compile(r"PAIN reported at \d+\.\d s into this step"))).to_be_visible(
                timeout=10_000)
            print(f"\npain shown on the therapist's page {time.monotonic() - pressed:.1f} s after the press")
            patient.context.close()
            closed = time.monotonic()
            expect(therapist.get_by_text("The patient's camera stopped")).to_be_visible(timeout=15_000)
            expect(therapist.get_by_text("Recording paused, no picture")).to_be_visible(timeout=5_000)
            print(f"camera stopped shown {time.monotonic() - closed:.1f} s after the patient's page closed")
            # the still picture stands in for the moving video, whose empty player is hidden (not removed)
            expect(therapist.get_by_text(re.compile(r"^The last picture, \d+ s ago"))).to_be_visible(timeout=10_000)
            player = therapist.locator("iframe[title*='webrtc']")
            assert player.count() == 1 and (player.bounding_box() or {"height": 0})["height"] < 1
            therapist.screenshot(path=str(tmp_path / "therapist_camera_stopped.png"))
            keep(tmp_path / "therapist_camera_stopped.png")

            # signing out ends the sign-in: the cookie goes, and a reload asks for the password
            page_errors: list[str] = []
            therapist.on("pageerror", lambda error: page_errors.append(str(error)))
            therapist.on("console", lambda m: page_errors.append(f"console {m.type}: {m.text}"[:300])
                         if m.type in ("error", "warning") else None)
            therapist.get_by_role("button", name="Sign out").click()
            signed_out_page(therapist, page_errors)
            time.sleep(1.0)
            assert not [c for c in therapist.context.cookies() if c["name"] == "movement_check_sign_in"]
            therapist.reload()
            expect(therapist.get_by_role("button", name="Sign in")).to_be_visible(timeout=30_000)
            assert "P-0042" not in therapist.locator("body").inner_text()
        finally:
            browser.close()
    saved = [p.name for p in data.rglob("*")]
    assert any(n.endswith("walk-side.json") for n in saved)
    assert not any(n.endswith((".mp4", ".webm", ".y4m", ".jpg")) for n in saved)           # no video kept
    record = Record(data / "record.sqlite")
    (session,) = record.sessions("P-0042")                                                # the clinic record
    assert session.checkin is not None and [t.step for t in session.tests] == ["walk-side"]
    save_the_reports_first_page(record, session.id, tmp_path / "report_page1.png")


def signed_out_page(therapist, page_errors: list[str]) -> None:
    """After "Sign out": the sign-in. Streamlit's frontend sometimes crashes into a blank page on the way (a
    rerun that stops drawing the self-refreshing live panel mid-refresh); the page then reloads itself
    (app_pages/page_recovery.py) and shows the sign-in all the same: said in the output when it happened. A click
    Streamlit dropped (the page still signed in 15 s later with no error: about 1 in 30 sign-outs in a 30-line app
    with a self-refreshing fragment, with or without the recovery) is clicked once more, as a person would, and said."""
    sign_in, sign_out = therapist.get_by_role("button", name="Sign in"), therapist.get_by_role("button", name="Sign out")
    try:
        expect(sign_in).to_be_visible(timeout=15_000)
    except AssertionError:                    # a slow page still gets its 30 s below
        if sign_out.count() == 1 and sign_out.is_visible():
            print("\nthe Sign out click was dropped (still signed in 15 s later); clicked again")
            sign_out.click()
    try:
        expect(sign_in).to_be_visible(timeout=30_000)
    except AssertionError as exc:             # what the browser said, for whoever looks into it
        raise AssertionError(f"{exc}\nthe page's errors and console warnings since Sign out: {page_errors[-20:]}; "
                             f"the page reads: {therapist.locator('body').inner_text()[-500:]!r}") from None
    if any(CRASH in e for e in page_errors):
        print(f"\nafter Sign out Streamlit's frontend crashed ({CRASH!r}); the page reloaded itself")


def save_the_result(therapist, path: Path) -> None:
    """The therapist's page with the step's result, whole (a tall window: Streamlit scrolls inside the page, so
    a full-page screenshot of a short window would cut it), saved for a reviewer (tests/fixtures/artifacts.py). The
    result must open with its confidence badge and findings, above the table of all measures, with nothing
    reading "None" or "nan"."""
    badge = therapist.get_by_text(re.compile(r"^Confidence: (good|limited|not usable)")).first
    expect(badge).to_be_visible(timeout=30_000)
    expect(therapist.locator("[data-testid=stDataFrame]").first).to_be_visible(timeout=30_000)   # drawn whole
    expect(therapist.get_by_role("button", name="Download result (JSON)").first).to_be_visible(timeout=30_000)
    result = therapist.locator("[data-testid=stVerticalBlock]").filter(
        has=therapist.get_by_role("heading", name=re.compile(r"1\. Walk across"))).last
    shown = result.inner_text()
    assert shown.index("Findings") < shown.index("Confidence: ") < shown.index("All measures"), shown[:2000]
    assert not re.search(r"\b(None|nan|NaN)\b", shown), shown[:3000]
    assert "step_time_symmetry_index" not in shown and "stride_time_cv" not in shown
    tall = therapist.evaluate("Math.max(...Array.from(document.querySelectorAll("
                              "'body, [data-testid=stMain], [data-testid=stAppViewContainer]'), e => e.scrollHeight))")
    size = therapist.viewport_size
    therapist.set_viewport_size({"width": 1300, "height": min(int(tall) + 200, 8000)})
    try:
        therapist.wait_for_timeout(1500)
        therapist.screenshot(path=str(path), full_page=True)
    finally:
        therapist.set_viewport_size(size)
    assert is_a_picture(path, min_size=(1200, 1500))
    keep(path)


def save_the_reports_first_page(record: Record, session_id: int, path: Path) -> None:
    """Page 1 of the session's PDF report (made as the app's "Make the report" makes it), drawn with pypdfium2
    and saved for a reviewer; its text read back: the patient, the findings of the gait step with their
    confidence."""
    import pypdfium2

    from movement_check.clinic.report import to_pdf, visit_report

    pdf_path = path.with_suffix(".pdf")
    to_pdf(visit_report(record, session_id), pdf_path)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = pdf[0]
        page.render(scale=1.5).to_pil().save(path)                      # A4 at 108 dpi: 893 x 1263 pixels
        text = page.get_textpage().get_text_range()
    finally:
        pdf.close()
    order = [text.index(t) for t in ("Patient P-0042", "Findings", "Gait: Walk across the room (side view)",
                                     "Confidence: ", "Check-in")]
    assert order == sorted(order), text[:1500]
    assert not re.search(r"\b(None|nan|NaN)\b", text), text[:3000]
    assert is_a_picture(path, min_size=(850, 1200))
    keep(path)


def test_a_patient_records_a_home_walk_with_the_webcam_and_it_is_saved(server, walker_camera):  # noqa: F811
    """The home-exercise page's camera in a real browser: frames reach the recording, the check is filed."""
    from movement_check.clinic.home_exercises import HomeExercise

    base, data, pid = server
    record = Record(data / "record.sqlite")
    record.add_patient("P-0042")
    rx = record.prescribe("P-0042", HomeExercise("walk", minutes=0.25))
    token = record.make_home_link("P-0042")
    y4m = walker_camera
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=FLAGS + [f"--use-file-for-fake-video-capture={y4m}"])
        try:
            patient = browser.new_context().new_page()
            patient.goto(f"{base}/exercises?link={token}")
            expect(patient.get_by_text("Walk for 0.25 minutes")).to_be_visible(timeout=30_000)
            patient.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="START").click(timeout=30_000)
            expect(patient.frame_locator('iframe[title*="webrtc"]').get_by_role("button", name="STOP")).to_be_visible(
                timeout=30_000)
            time.sleep(2.0)
            sockets = udp_sockets(pid)
            assert sockets and not outside_loopback(sockets), sockets          # the video on loopback only
            patient.get_by_role("button", name="Start recording").click()
            expect(patient.get_by_text("Recording: do the exercise now")).to_be_visible(timeout=30_000)
            time.sleep(10.0)
            patient.get_by_role("button", name="Stop and check").click()
            try:
                expect(patient.get_by_text("Saved to your record")).to_be_visible(timeout=180_000)
            except AssertionError:
                raise AssertionError("not saved: " + patient.locator("main").inner_text()[-3000:])
            # the count is a metric, which can be drawn after the "Saved" line has appeared: wait for it
            count = patient.get_by_text(re.compile(r"\d+:\d\d of 0:15 min:s"))
            try:
                expect(count.first).to_be_visible(timeout=30_000)
            except AssertionError:
                raise AssertionError("no count: " + patient.locator("main").inner_text()[-3000:])
            shown = patient.locator("main").inner_text()
            walked = re.search(r"(\d+):(\d\d) of 0:15 min:s", shown)
            assert walked and int(walked.group(1)) * 60 + int(walked.group(2)) >= 3, shown[-3000:]
        finally:
            browser.close()
    (session,) = record.sessions("P-0042")
    assert session.kind == "home" and session.prescription_id == rx and session.tests[0].test == "gait"
    assert not any(p.name.endswith((".mp4", ".webm", ".y4m", ".jpg")) for p in data.rglob("*"))   # no video kept
