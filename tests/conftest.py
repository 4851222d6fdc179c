"""Fixtures shared by test modules."""

import json
import os
from types import SimpleNamespace

import pytest

from movement_check.clinic.accounts import hash_password

from tests.fixtures.accounts import PASSWORD
from tests.fixtures.records import KINDS, database_url


class _Calls(list):
    """The stubbed webrtc_streamer's camera calls; its video players in ``viewers``."""

    def __init__(self):
        super().__init__()
        self.viewers: list[dict] = []
        self.playing = False


@pytest.fixture
def live_env(monkeypatch, tmp_path):
    """Two therapists configured, data kept in tmp_path, a fresh VisitBook; webrtc_streamer stubbed.

    Yields the cameras asked for (each call's arguments); the therapist's video players (RECVONLY) are kept
    apart in ``.viewers``. The stub's context says the connection is playing when ``.playing`` is set."""
    import streamlit_webrtc

    from app_pages import state

    hashed = hash_password(PASSWORD, iterations=1000)
    monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({"jdoe": hashed, "asmith": hashed}))
    monkeypatch.setenv("MOVEMENT_CHECK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("MOVEMENT_CHECK_CONFIG", "")
    monkeypatch.delenv("MOVEMENT_CHECK_ICE_SERVERS", raising=False)
    monkeypatch.delenv("MOVEMENT_CHECK_MEDIA_ADDRESSES", raising=False)
    monkeypatch.delenv("MOVEMENT_CHECK_RECORD", raising=False)        # the record: record.sqlite in tmp_path
    calls = _Calls()

    def stub(**kwargs):
        (calls.viewers if kwargs.get("mode") is streamlit_webrtc.WebRtcMode.RECVONLY else calls).append(kwargs)
        return SimpleNamespace(state=SimpleNamespace(playing=calls.playing, signalling=False))

    monkeypatch.setattr(streamlit_webrtc, "webrtc_streamer", stub)
    try:  # the patient pages keep the media on the configured addresses (process-wide): undone after the test
        import aioice.ice
        for name in ("get_host_addresses", "get_or_create_mdns_protocol"):
            monkeypatch.setattr(aioice.ice, name, getattr(aioice.ice, name))
    except ImportError:
        pass
    state.live_config.clear()
    state.visit_book.clear()
    state.clinic_record.clear()
    yield calls
    for visit in list(state.visit_book()._visits.values()):
        state.visit_book().end(visit)
    state.live_config.clear()
    state.visit_book.clear()
    state.clinic_record.clear()


# -- tests that need ../shared (real clips, rendered clips, the lite model) ----------------------------------
# They skip with a reason naming ../shared when it is not beside the checkout, and are counted in ONE line at the
# end. MOVEMENT_CHECK_REQUIRE_SHARED=1 (set by .ci/run) turns each such skip into a failure, as
# MOVEMENT_CHECK_REQUIRE_POSTGRES / MOVEMENT_CHECK_REQUIRE_BROWSER do for theirs.
SHARED_MARK = "../shared"
REQUIRE_SHARED = os.environ.get("MOVEMENT_CHECK_REQUIRE_SHARED") == "1"


def _skip_reason(report) -> str:
    if isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        return str(report.longrepr[2])
    return str(report.longrepr or "")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and SHARED_MARK in _skip_reason(report) and not hasattr(report, "wasxfail"):
        if REQUIRE_SHARED:
            report.outcome = "failed"
            report.longrepr = (f"{_skip_reason(report).removeprefix('Skipped: ')}, and "
                               "MOVEMENT_CHECK_REQUIRE_SHARED=1 makes this test required")
        else:
            report.needs_shared = True


def pytest_report_teststatus(report, config):
    if getattr(report, "needs_shared", False):
        return "needs-shared", "s", "SKIPPED (needs ../shared)"
    return None


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.fixtures.artifacts import kept

    if kept:   # the screenshots and report pages this run saved for a reviewer (tests/fixtures/artifacts.py)
        terminalreporter.write_line("saved for a reviewer to look at: " + ", ".join(str(p) for p in kept))
    reports = terminalreporter.stats.get("needs-shared", [])
    if reports:
        terminalreporter.write_line(
            f"{len(reports)} test{'s' if len(reports) != 1 else ''} need{'' if len(reports) != 1 else 's'} the clips and models in ../shared, which is not beside this checkout: "
            "not run (MOVEMENT_CHECK_REQUIRE_SHARED=1 makes them required)", yellow=True)


@pytest.fixture(params=KINDS)
def record(request, tmp_path):
    """An empty clinic record on SQLite and on PostgreSQL (tests/fixtures/records.py), closed afterwards."""
    from movement_check.clinic.record import Record

    for where in database_url(request.param, tmp_path):
        rec = Record(where)
        yield rec
        rec.close()
