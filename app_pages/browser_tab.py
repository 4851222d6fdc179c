"""Which browser tab a page run belongs to, and whether a tab is still open: for one browser per visit
(:mod:`movement_check.live.visits`).

A tab is a Streamlit session: its id is made by the server, and a reload
makes a new one. A tab counts as open while its session is connected: the
server sees a tab close (or reload) as soon as its connection closes. A tab
whose connection dropped counts as closed until it reconnects to the same
session, which then holds the visit again unless another tab took it meanwhile.
"""

from __future__ import annotations

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx


def this_tab() -> str:
    """The id of the browser tab this page run is for."""
    ctx = get_script_run_ctx()
    if ctx is None:                                  # not in a page run (never the case in a page)
        raise RuntimeError("this_tab() is called from a page run only")
    return ctx.session_id


def tab_closed(tab: str) -> bool:
    """The tab ``tab`` is known to have closed (or reloaded). False when this server cannot tell (no
    Streamlit runtime, as under AppTest): the visit's heartbeat rule decides then."""
    if not Runtime.exists():
        return False
    return not Runtime.instance().is_active_session(tab)
