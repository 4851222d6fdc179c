"""Who may see what: the one access check every page uses, the sign-in (with its limits) and the audit trail.

- A therapist's page (the live visit, Patients, filing a clip, every download of a patient's data) needs a
  therapist's sign-in, wherever the server listens (behind a reverse proxy it listens on 127.0.0.1 too).
- A therapist sees and files only for the patients in their care (``care_team`` in the record); an
  administrator (``MOVEMENT_CHECK_ADMINS``) sees every patient and assigns them.
- A patient's pages need the patient's own link (visit code, home-exercise link): those pages check it.
- Failed sign-ins cost growing waits, then a lock (:mod:`movement_check.clinic.sign_in_limits`).
- A sign-in survives a reload of the page for ``SIGN_IN_HOURS``: the browser keeps a random secret in a cookie
  (set by the page's JavaScript: Streamlit cannot send a Set-Cookie header, so it cannot be HttpOnly), the
  record keeps only its hash (``sign_ins``); a new browser session with the cookie is signed in again once
  the record finds the secret there, not expired, not signed out, made under the account's current password.
  Signing out ends every kept sign-in of the therapist (every browser: each page run checks its own) and
  clears the cookie.
- Each of these acts is written once to the record's audit log (:mod:`movement_check.clinic.audit`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

import streamlit as st

from movement_check.clinic.accounts import password_tag, sign_in
from movement_check.config import HOW_TO_ADD_A_THERAPIST, LiveConfig
from movement_check.clinic.record import SIGN_IN_HOURS, Record, RecordError, SignInRefused
from movement_check.clinic.sign_in_limits import CHECKING, SignInLimits, in_words

from app_pages.state import clinic_record, config_or_stop


@dataclass(frozen=True)
class Staff:
    """A signed-in therapist."""

    name: str
    admin: bool = False

    @property
    def who(self) -> str:
        return f"therapist {self.name}"


@st.cache_resource
def sign_in_limits() -> SignInLimits:
    """One count of failed sign-ins for the whole server (every browser session shares it)."""
    return SignInLimits()


def client_address() -> str | None:
    """The browser's address as this server saw it (behind a reverse proxy: the proxy's); Streamlit gives
    none for a browser on this computer."""
    try:
        address = st.context.ip_address
    except Exception:                          # noqa: BLE001 - no browser: no address
        return None
    if address is None:
        return "this computer"
    return address if isinstance(address, str) else None       # AppTest gives a stand-in object


def audit(action: str, *, who: str, ok: bool = True, patient_id: str | None = None,
          session_id: int | None = None, detail: str | None = None, record: Record | None = None) -> None:
    """Write one audit entry; a record that cannot take it is shown as a warning (the act itself stands, and
    a page that needs no record, such as the patient's, goes on)."""
    try:
        (record or clinic_record()).audit(action, who=who, ok=ok, patient_id=patient_id, session_id=session_id,
                                          detail=detail, client=client_address())
    except (RecordError, RuntimeError) as exc:
        st.warning(f"The audit log could not be written: {exc}")


COOKIE = "movement_check_sign_in"
# what a refused sign-in cookie had become, for the audit log
CAME_TO = {"expired": "it had expired", "ended": "it had been signed out"}


def signed_in() -> Staff | None:
    """The therapist signed in in this browser session (or, on a new session, by the browser's sign-in cookie),
    or None (a name no longer configured is signed out)."""
    config = config_or_stop()
    if not still_going():
        signed_out()
        st.info("You were signed out: in another tab or browser, or your sign-in's "
                f"{SIGN_IN_HOURS:g} hours are over. Sign in again to go on.")
    name = st.session_state.get("therapist") or resumed(config)
    cookie_script()
    if name and name in config.therapists:
        return Staff(name, admin=name in config.admins)
    return None


def browser_cookie() -> str | None:
    """The sign-in cookie the browser sent when it opened this page (Streamlit reads cookies then only)."""
    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:                          # noqa: BLE001 - no browser: no cookie
        return None
    return value if isinstance(value, str) and value else None


def resumed(config: LiveConfig) -> str | None:
    """The therapist whose sign-in the browser's cookie holds, signed in again in this new browser session
    (audited once); None without a cookie, or with one the record refuses (unknown to it, expired, signed
    out, made under another password): the cookie is then cleared. Each cookie is tried once per session."""
    token = browser_cookie()
    if token is None or st.session_state.get("cookie-tried") == token:
        return None
    st.session_state["cookie-tried"] = token
    try:
        record = clinic_record()
        found = record.resume_sign_in(token)
        stored = config.therapists.get(found.therapist)
        if stored is None or not hmac.compare_digest(password_tag(stored), found.password_tag):
            record.end_sign_in(token)
            raise SignInRefused("made under a password or account that has changed since", found.therapist)
    except SignInRefused as exc:
        st.session_state["cookie-forget"] = True
        if exc.therapist is not None:     # a secret unknown here names nobody: nothing to tell the log
            audit("sign-in resumed", who=f"therapist {exc.therapist}", ok=False,
                  detail="the browser's sign-in was refused: " + CAME_TO.get(exc.reason, f"it was {exc.reason}"))
        return None
    except (RecordError, RuntimeError) as exc:
        st.warning(f"Your earlier sign-in could not be checked, please sign in: {exc}")
        return None
    keep_signed_in(found.therapist, token, found.expires_at)
    audit("sign-in resumed", who=f"therapist {found.therapist}",
          detail=f"signed in at {found.created_at}, until {found.expires_at}")
    return found.therapist


def still_going() -> bool:
    """False once this browser session's kept sign-in has been ended (signed out in another tab or browser) or
    has expired; True without one, or when the record cannot be read (the session's sign-in stands)."""
    token = st.session_state.get("sign-in-token")
    if not token:
        return True
    try:
        return clinic_record().sign_in_going(token)
    except (RecordError, RuntimeError):
        return True


def signed_out() -> None:
    """Everything this browser session holds goes: results on screen, a home link shown once, reports made, the
    patient last opened; the next person at this browser starts clean. The cookie this page was opened with is
    not tried again, and the browser forgets it."""
    for key in [k for k, v in st.session_state.items() if not video_component_state(k, v)]:
        del st.session_state[key]
    st.session_state.update({"cookie-tried": browser_cookie(), "cookie-forget": True})


def video_component_state(key: str, value) -> bool:
    """A live video player's own state (streamlit-webrtc: its context and the frontend's value), kept over a
    sign-out: its callback can run on the very rerun that signs out, and reads both (without them the page
    showed a KeyError instead of the sign-in). They hold no patient data; the player is not drawn again."""
    return ":frontend" in str(key) or type(value).__name__ == "WebRtcStreamerContext"


def keep_signed_in(name: str, token: str, expires_at: str) -> None:
    st.session_state.update({"therapist": name, "sign-in-token": token, "sign-in-expires": expires_at})
    st.session_state.pop("cookie-forget", None)


def cookie_script() -> None:
    """The browser keeps this session's sign-in secret in a cookie until it expires, or forgets it after a sign-out
    or a refusal. Set by script on every run (the same value each time): Streamlit sends no Set-Cookie header.
    SameSite=Strict: never sent with a request another site starts; Secure on https."""
    token = st.session_state.get("sign-in-token")
    if token:
        value, expires = token, format_datetime(datetime.fromisoformat(st.session_state["sign-in-expires"]),
                                                usegmt=True)
    elif st.session_state.get("cookie-forget"):
        value, expires = "", "Thu, 01 Jan 1970 00:00:00 GMT"
    else:
        return
    with st.sidebar:
        st.html(f"<script>document.cookie = '{COOKIE}={value}; Path=/; Expires={expires}; SameSite=Strict' + "
                "(location.protocol === 'https:' ? '; Secure' : '');</script>", unsafe_allow_javascript=True)


def therapist_or_sign_in() -> Staff:
    """The signed-in therapist; otherwise the sign-in form, and the page stops there."""
    staff = signed_in()
    if staff is not None:
        sign_out_button(staff)
        return staff
    sign_in_form()
    st.stop()


def sign_in_form(*, title: str = "Therapist sign-in", required: bool = True) -> None:
    """The sign-in form; a success reruns the page signed in. Each attempt is audited; repeated failures
    cost growing waits, shown with the time left. With no therapist configured, how to add one (an error
    where the page needs it, a note where it does not)."""
    config = config_or_stop()
    if not config.therapists:
        (st.error if required else st.caption)(HOW_TO_ADD_A_THERAPIST)
        return
    with st.form("sign-in"):
        st.subheader(title)
        user = st.text_input("Name", key="user")
        password = st.text_input("Password", type="password", key="password")
        sent = st.form_submit_button("Sign in")
    if not sent:
        return
    name, client, limits = user.strip()[:64], client_address(), sign_in_limits()
    known = name in config.therapists
    # a name that is no account is not logged as typed: people type their password into the name box
    who, tried = (f"therapist {name}", "") if known else ("someone", f"; a name that is no account "
                                                                      f"({len(name)} characters)")
    wait = limits.attempt(name, client)
    if wait > 0:
        if limits.first_refusal(name, client):      # one entry per wait, however often it is tried
            audit("sign-in", who=who, ok=False,
                  detail=f"refused unchecked: locked for {in_words(wait)} more (further tries in this wait "
                         "are not logged)" + tried)
        st.error(f"Too many failed sign-ins: try again in {in_words(wait)}.")
        return
    if not CHECKING.acquire(timeout=10):
        st.error("The server is busy checking other sign-ins: try again in a few seconds.")
        return
    try:
        matched = sign_in(config.therapists, name, password)
    finally:
        CHECKING.release()
    if matched:
        limits.succeeded(name, client)
        st.session_state["therapist"] = name
        try:                                   # kept in the record so that a reload keeps it
            token, kept = clinic_record().start_sign_in(name, password_tag=password_tag(config.therapists[name]))
            keep_signed_in(name, token, kept.expires_at)
        except (RecordError, RuntimeError) as exc:
            st.session_state["sign-in-not-kept"] = str(exc)
        audit("sign-in", who=who)
        st.rerun()
    wait = limits.wait_s(name, client)           # the failure was counted before the check
    audit("sign-in", who=who, ok=False, detail="wrong name or password" + tried)
    st.error("That name and password do not match a therapist account."
             + (f" Too many failed sign-ins: try again in {in_words(wait)}." if wait > 0 else ""))


def sign_out_button(staff: Staff) -> None:
    with st.sidebar:
        st.write(f"Signed in as **{staff.name}**" + (" (administrator)" if staff.admin else ""))
        if "sign-in-not-kept" in st.session_state:
            st.caption("A reload of this page will ask for your password again: the sign-in could not be kept "
                       f"in the clinic record ({st.session_state['sign-in-not-kept']}).")
        if st.button("Sign out", key="sign-out"):
            try:        # every browser and tab of this therapist: their next page run asks for the password
                ended = clinic_record().end_sign_ins(staff.name)
            except (RecordError, RuntimeError) as exc:
                ended, problem = 0, str(exc)
            else:
                problem = None
            audit("sign-out", who=staff.who, ok=problem is None,
                  detail=f"{ended} kept sign-in(s) ended" if problem is None
                  else f"the kept sign-ins could not be ended: {problem}")
            signed_out()
            st.rerun()


def visible_patients(record: Record, staff: Staff) -> list[tuple[str, str | None]]:
    """The patients this therapist may see: those in their care; an administrator, every one."""
    return record.patients() if staff.admin else record.patients(therapist=staff.name)


def opened(staff: Staff, patient_id: str, *, record: Record | None = None) -> None:
    """Audit 'patient opened' once each time a therapist turns to a patient (not on every rerun)."""
    if st.session_state.get("opened-patient") != (staff.name, patient_id):
        st.session_state["opened-patient"] = (staff.name, patient_id)
        audit("patient opened", who=staff.who, patient_id=patient_id, record=record)
