"""What every page of this server shares: the settings, the live visits, the therapist's sign-in.

One Streamlit server process serves the therapist's and the patient's pages:
``st.cache_resource`` gives both the same :class:`VisitBook`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from movement_check.accounts import sign_in
from movement_check.config import HOW_TO_ADD_A_THERAPIST, LiveConfig, load_config
from movement_check.errors import InputError
from movement_check.record import Record, RecordError
from movement_check.visits import VisitBook

LOCAL_ADDRESSES = ("", "127.0.0.1", "localhost", "::1")


@st.cache_resource
def live_config() -> LiveConfig:
    return load_config()


@st.cache_resource
def clinic_record() -> Record:
    """The clinic record (settings: ``record``; default record.sqlite in the data folder)."""
    return Record(live_config().record_location)


def record_or_stop() -> Record:
    """The clinic record; one that cannot be opened stops the page with the reason."""
    try:
        return clinic_record()
    except (RecordError, RuntimeError) as exc:
        st.error(f"The clinic record cannot be opened: {exc}")
        st.stop()


@st.cache_resource
def visit_book() -> VisitBook:
    config = live_config()
    return VisitBook(code_minutes=config.code_minutes, model=config.model, data_dir=config.data_dir,
                     record=record_or_stop())


def config_or_stop() -> LiveConfig:
    """The settings; a settings file that cannot be read stops the page with the reason."""
    try:
        return live_config()
    except InputError as exc:
        st.error(str(exc))
        st.stop()


def therapist_or_sign_in() -> str:
    """The signed-in therapist's name; otherwise the sign-in form, and the page stops there."""
    config = config_or_stop()
    name = st.session_state.get("therapist")
    if name and name in config.therapists:
        with st.sidebar:
            st.write(f"Signed in as **{name}**")
            if st.button("Sign out", key="sign-out"):
                st.session_state.pop("therapist", None)
                st.rerun()
        return name
    if not config.therapists:
        st.error(HOW_TO_ADD_A_THERAPIST)
        st.stop()
    with st.form("sign-in"):
        st.subheader("Therapist sign-in")
        user = st.text_input("Name", key="user")
        password = st.text_input("Password", type="password", key="password")
        sent = st.form_submit_button("Sign in")
    if sent:
        if sign_in(config.therapists, user, password):
            st.session_state["therapist"] = user.strip()
            st.rerun()
        st.error("That name and password do not match a therapist account.")
    st.stop()


def server_base() -> str:
    """This server's address as the browser reached it (``http://host:port``), for links to send patients."""
    url = urlsplit(st.context.url or "")
    return f"{url.scheme}://{url.netloc}" if url.netloc else ""


def require_sign_in_off_this_computer() -> None:
    """A server open to the network asks for the therapist's sign-in; one on this computer only does not."""
    if str(st.get_option("server.address") or "") not in LOCAL_ADDRESSES:
        therapist_or_sign_in()
