"""Fixtures shared by test modules."""

import json

import pytest

from movement_check.accounts import hash_password

PASSWORD = "a long enough password"


@pytest.fixture
def live_env(monkeypatch, tmp_path):
    """Two therapists configured, data kept in tmp_path, a fresh VisitBook; webrtc_streamer stubbed."""
    import streamlit_webrtc

    from app_pages import state

    hashed = hash_password(PASSWORD, iterations=1000)
    monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({"jdoe": hashed, "asmith": hashed}))
    monkeypatch.setenv("MOVEMENT_CHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVEMENT_CHECK_CONFIG", "")
    monkeypatch.delenv("MOVEMENT_CHECK_ICE_SERVERS", raising=False)
    monkeypatch.delenv("MOVEMENT_CHECK_RECORD", raising=False)        # the record: record.sqlite in tmp_path
    calls = []

    def stub(**kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", stub)
    state.live_config.clear()
    state.visit_book.clear()
    state.clinic_record.clear()
    yield calls
    for visit in list(state.visit_book()._visits.values()):
        state.visit_book().end(visit)
    state.live_config.clear()
    state.visit_book.clear()
    state.clinic_record.clear()
