"""The Streamlit page's logic, under Streamlit's AppTest (no browser)."""

import pytest

from .clips import REPO

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest


def test_page_renders_and_asks_for_a_clip():
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "movement-check"
    assert list(at.selectbox[0].options) == ["Gait (walk for me)", "Single-leg raise", "Foot rotation"]
    at.button[0].click().run()                      # Analyse with no clip
    assert not at.exception
    assert [e.value for e in at.error] == ["Choose a clip first."]
