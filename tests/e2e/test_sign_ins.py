"""A therapist's sign-in that survives a reload: the record's sign-ins (SQLite and PostgreSQL), and the pages
under AppTest with the browser's cookie stood in for (AppTest cannot carry a cookie: ``access.browser_cookie``
is replaced). The real browser's reload is in tests/e2e/test_live_browser.py."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from movement_check.clinic.accounts import hash_password, password_tag
import movement_check.clinic.record.schema as schema
from movement_check.clinic.record import Record, SignInRefused

from tests.fixtures.app import audit_entries_for, open_page, page_text, sign_in_as

AppTest = pytest.importorskip("streamlit.testing.v1").AppTest


def _expire(record: Record, hours: float = -1.0) -> None:
    with record.engine.begin() as conn:
        conn.execute(update(schema.sign_ins).values(
            expires_at=(datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat(timespec="seconds")))


def test_a_sign_in_is_kept_hashed_resumed_until_it_expires_or_ends(record, tmp_path):
    token, kept = record.start_sign_in("jdoe", password_tag="tag1")
    assert len(token) >= 43 and kept.therapist == "jdoe"
    made = datetime.fromisoformat(kept.created_at)
    assert timedelta(hours=11.9) < datetime.fromisoformat(kept.expires_at) - made <= timedelta(hours=12)
    with record.engine.connect() as conn:
        (row,) = conn.execute(select(schema.sign_ins)).mappings().all()
    assert token not in json.dumps(dict(row)) and row["token_hash"] != token          # only its hash is kept
    again = record.resume_sign_in(token)
    assert (again.therapist, again.password_tag, again.expires_at) == ("jdoe", "tag1", kept.expires_at)
    assert record.sign_in_going(token) and not record.sign_in_going(token[:-1])
    # forged, shortened, empty, another server's: unknown, naming nobody
    other = Record(tmp_path / "other.sqlite")
    foreign, _ = other.start_sign_in("jdoe", password_tag="tag1")
    other.close()
    for wrong in (foreign, token[:-1], token + "A", "", "x" * 43):
        with pytest.raises(SignInRefused) as refused:
            record.resume_sign_in(wrong)
        assert refused.value.reason == "unknown" and refused.value.therapist is None
    # ended (signed out): refused, and ending twice says there was nothing left
    second, _ = record.start_sign_in("asmith", password_tag="tag2")
    assert record.end_sign_in(second) is True and record.end_sign_in(second) is False
    with pytest.raises(SignInRefused) as refused:
        record.resume_sign_in(second)
    assert (refused.value.reason, refused.value.therapist) == ("ended", "asmith")
    assert record.resume_sign_in(token).therapist == "jdoe"                # one ended, not the other
    assert not record.sign_in_going(second)
    # signing out everywhere: every sign-in of that therapist still going ends, nobody else's
    third, _ = record.start_sign_in("asmith", password_tag="tag2")
    assert record.end_sign_ins("asmith") == 1 and record.resume_sign_in(token).therapist == "jdoe"
    assert not record.sign_in_going(third)
    # expired
    _expire(record)
    assert not record.sign_in_going(token)
    with pytest.raises(SignInRefused) as refused:
        record.resume_sign_in(token)
    assert (refused.value.reason, refused.value.therapist) == ("expired", "jdoe")
    # sign-ins expired over a week ago are deleted at the next sign-in
    _expire(record, hours=-8 * 24)
    record.start_sign_in("jdoe", password_tag="tag1")
    with record.engine.connect() as conn:
        assert len(conn.execute(select(schema.sign_ins)).all()) == 1


# -- the pages ------------------------------------------------------------------------------------------------
@pytest.fixture
def cookie(live_env, monkeypatch):
    """The browser's sign-in cookie, as the next page load sends it: ``cookie["value"] = token``."""
    from app_pages import access

    access.sign_in_limits.clear()
    jar = {"value": None}
    monkeypatch.setattr(access, "browser_cookie", lambda: jar["value"])
    yield jar
    access.sign_in_limits.clear()


def _script(at) -> str:
    """The page's cookie script (st.html), or ''."""
    return "\n".join(h.proto.body for h in at.get("html") if "document.cookie" in h.proto.body)


def _token_set(at) -> str:
    from app_pages.access import COOKIE

    script = _script(at)
    assert f"{COOKIE}=" in script and "SameSite=Strict" in script and "Path=/" in script, script
    return script.split(f"{COOKIE}=")[1].split(";")[0]


def test_a_reload_keeps_the_sign_in_and_the_visits_inputs(cookie):
    from app_pages import state

    at = sign_in_as(open_page("therapist"), "jdoe")
    assert not at.exception
    token = _token_set(at)                            # the page sets the cookie
    assert token and state.clinic_record().resume_sign_in(token).therapist == "jdoe"
    at.text_input(key="patient-id").input("P-0042")
    at.button(key="new-visit").click().run()
    at.selectbox(key="step").select("slr-left")
    at.number_input(key="height").set_value(178).run()
    assert not at.exception

    cookie["value"] = token                            # a reload: a new browser session with the cookie
    again = open_page("therapist")
    assert not again.exception
    assert "user" not in {w.key for w in again.text_input}
    assert any("Signed in as **jdoe**" in m.value for m in again.sidebar.markdown)
    assert again.number_input(key="height").value == 178
    assert again.selectbox(key="step").value == "slr-left"
    assert any("P-0042" in str(o) for o in again.selectbox(key="visit-choice").options)
    assert _token_set(again) == token                  # kept, not replaced
    record = state.clinic_record()
    resumed = audit_entries_for(record, "sign-in resumed", ok=True)
    assert len(resumed) == 1 and resumed[0].who == "therapist jdoe"
    again.run()                                        # later runs of the same session: not audited again
    assert len(audit_entries_for(record, "sign-in resumed")) == 1
    # the other therapist pages take the same cookie (each a new session here, as a new tab would be)
    clip = open_page("upload")
    assert "upload-patient" in {w.key for w in clip.text_input} and "user" not in {w.key for w in clip.text_input}
    patients = open_page("patients")
    assert "user" not in {w.key for w in patients.text_input} and "P-0042" in page_text(patients)
    assert len(audit_entries_for(record, "sign-in resumed", ok=True)) == 3

    # signing out ends it: the row, the cookie (cleared by the page), a reload with the old cookie, and the
    # other tab (the first session, signed in by password) at its next run
    out = next(b for b in again.sidebar.button if b.label == "Sign out").click().run()
    assert "1 kept sign-in(s) ended" in audit_entries_for(record, "sign-out")[0].detail
    at.run()
    assert "user" in {w.key for w in at.text_input} and "P-0042" not in page_text(at)
    assert any("You were signed out" in i.value for i in at.info)
    assert "user" in {w.key for w in out.text_input}
    assert "Expires=Thu, 01 Jan 1970" in _script(out) and token not in _script(out)
    assert len(audit_entries_for(record, "sign-in resumed")) == 3       # the old cookie is not tried in this session
    stale = open_page("therapist")
    assert "user" in {w.key for w in stale.text_input} and "P-0042" not in page_text(stale)
    (refused,) = audit_entries_for(record, "sign-in resumed", ok=False)
    assert refused.who == "therapist jdoe" and "signed out" in refused.detail
    assert "Expires=Thu, 01 Jan 1970" in _script(stale)


@pytest.mark.parametrize("case", ["expired", "forged", "another server's", "password changed", "none"])
def test_a_cookie_that_is_expired_forged_foreign_or_of_an_old_password_signs_nobody_in(cookie, case, monkeypatch,
                                                                                         tmp_path):
    from app_pages import state

    at = sign_in_as(open_page("therapist"), "jdoe")
    at.text_input(key="patient-id").input("P-0042")
    at.button(key="new-visit").click().run()
    token = _token_set(at)
    record = state.clinic_record()
    if case == "expired":
        _expire(record)
    elif case == "forged":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif case == "another server's":
        other = Record(tmp_path / "other.sqlite")
        token, _ = other.start_sign_in("jdoe", password_tag=password_tag(json.loads(
            __import__("os").environ["MOVEMENT_CHECK_THERAPISTS"])["jdoe"]))
        other.close()
    elif case == "password changed":
        monkeypatch.setenv("MOVEMENT_CHECK_THERAPISTS", json.dumps({
            "jdoe": hash_password("a new long password", iterations=1000)}))
        state.live_config.clear()
    elif case == "none":
        token = None
    cookie["value"] = token
    stranger = open_page("therapist")
    assert not stranger.exception
    assert "user" in {w.key for w in stranger.text_input}              # the sign-in form, nothing else
    shown = page_text(stranger)
    assert "P-0042" not in shown and "/patient?code=" not in shown and not stranger.get("number_input")
    assert not audit_entries_for(record, "sign-in resumed", ok=True)
    refused = audit_entries_for(record, "sign-in resumed", ok=False)
    if case in ("expired", "password changed"):
        assert len(refused) == 1 and refused[0].who == "therapist jdoe"
    else:
        assert not refused                              # a secret unknown here names nobody
    if token is not None:
        assert "Expires=Thu, 01 Jan 1970" in _script(stranger)       # the browser forgets it
    if case == "password changed":                     # and the old sign-in is ended for good
        with pytest.raises(SignInRefused):
            record.resume_sign_in(token)
