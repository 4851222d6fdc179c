"""What every page of this server shares: the settings, the clinic record, the live visits.

Who may see what is :mod:`app_pages.access`.

One Streamlit server process serves the therapist's and the patient's pages:
``st.cache_resource`` gives both the same :class:`VisitBook`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from movement_check.config import LiveConfig, load_config
from movement_check.errors import InputError
from movement_check.clinic.record import Record, RecordError
from movement_check.live.visits import VisitBook


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
                     record=record_or_stop(), scheduler=config.scheduler)


def config_or_stop() -> LiveConfig:
    """The settings; a settings file that cannot be read stops the page with the reason."""
    try:
        return live_config()
    except InputError as exc:
        st.error(str(exc))
        st.stop()


def server_base() -> str:
    """This server's address as the browser reached it (``http://host:port``), for links to send patients."""
    url = urlsplit(st.context.url or "")
    return f"{url.scheme}://{url.netloc}" if url.netloc else ""

