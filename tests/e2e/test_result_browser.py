"""The clip page's result as a person sees it, in a real browser (Debian's Chromium through Playwright):
the confidence badge and the findings above the table of all measures. The page is saved as a PNG under
the test's folder for a reviewer to look at (``clip_result.png``, copied into test-artifacts/ by
tests/fixtures/artifacts.py). Skipped like tests/e2e/test_live_browser.py when the browser is missing."""

import re

import pytest

from tests.fixtures.artifacts import is_a_picture, keep
from tests.fixtures.clips import REPO
from tests.fixtures.browser import CHROMIUM, FLAGS, missing, server  # noqa: F401 (server is a fixture)

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")]

GAIT = REPO / "sample_videos" / "side_walk_outdoor_two_people.mp4"


def test_the_clip_pages_result_opens_with_the_confidence_and_the_findings(server, tmp_path):  # noqa: F811
    base, *_ = server
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 3600})
            page.goto(f"{base}/clip")
            page.wait_for_selector("input[type=file]", state="attached", timeout=60_000)
            page.set_input_files("input[type=file]", str(GAIT))
            page.get_by_role("button", name="Analyse").click()
            badge = page.get_by_text(re.compile(r"^Confidence: (good|limited|not usable)")).first
            badge.wait_for(timeout=300_000)
            # the whole result drawn before the picture (under load the table was still a grey placeholder 2 s
            # after the badge): the table, the figures and the downloads at its end
            page.locator("[data-testid=stDataFrame]").first.wait_for(timeout=60_000)
            page.get_by_role("button", name="Download result (JSON)").wait_for(timeout=60_000)
            page.wait_for_timeout(2000)
            page.screenshot(path=str(tmp_path / "clip_result.png"))
            findings = page.get_by_role("heading", name="Findings").first.bounding_box()
            measures = page.get_by_role("heading", name="All measures").first.bounding_box()
            assert findings["y"] < badge.bounding_box()["y"] < measures["y"]
            items = page.locator("li").filter(has_text=re.compile(
                r"^\s*(abnormal|check|normal|reading|not measured|not usable)\s"))
            assert 1 <= items.count() <= 6
            text = page.locator("body").inner_text()
            assert "None" not in text and "step_time_symmetry_index" not in text
        finally:
            browser.close()
    assert (tmp_path / "clip_result.png").stat().st_size > 50_000 and is_a_picture(tmp_path / "clip_result.png")
    keep(tmp_path / "clip_result.png")
