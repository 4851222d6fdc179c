"""A page that Streamlit's own frontend crashed reloads itself instead of staying blank.

Streamlit 1.67's page crashes (an error about a "delta path", the whole page blank until reloaded) when a
rerun stops drawing a fragment that refreshes itself (``run_every``) while that fragment is being refreshed: the
therapist's live panel when "Sign out" draws only the sign-in, the patient's cues when a visit ends. Reproduced
with a 30-line app (a 0.25 s fragment in a column, a sign-out that stops before it): 4-9 of 30 sign-outs left the
page blank, whether the sign-out reran the page, ran as a callback, or the fragment reran the app itself. With the
same handler in the sidebar and no limit, 0 of 30 (5 crashes, each reloaded); with this one, in the same app, a
sign-out every 1-3 s: 8 crashes in 30, 6 reloaded, the 4th and 5th within a minute left blank (the limit). A reload
loses nothing the server keeps: the sign-in is kept in a cookie, the visit's inputs on the server, and a patient's
tab takes its visit back (:mod:`app_pages.browser_tab`), its camera off until they press START again (their page
says so; a step recording meanwhile reads "paused"). At most ``MAX_RELOADS`` a minute, so a page that crashes on
every load is not reloaded for ever.
"""

from __future__ import annotations

import streamlit as st

#: what the errors Streamlit's frontend throws when it is sent an element for a place its page no longer has share:
#: "Cannot set a node at a delta path" (the 30-line app) and "Bad delta path index 6 (should be between [0, 3])"
#: (the therapist's page at Sign out, in the live browser test)
CRASH = "delta path"
MAX_RELOADS = 3

_SCRIPT = """<script>
(function () {
  if (window.movementCheckRecovery) { return; }
  window.movementCheckRecovery = true;
  window.addEventListener("error", function (event) {
    if (String((event && event.message) || "").indexOf("%(crash)s") < 0) { return; }
    var now = Date.now(), key = "movement-check-reloads", recent = [];
    try { recent = JSON.parse(window.sessionStorage.getItem(key) || "[]"); } catch (e) { recent = []; }
    recent = recent.filter(function (t) { return now - t < 60000; });
    if (recent.length >= %(most)d) { return; }
    recent.push(now);
    try { window.sessionStorage.setItem(key, JSON.stringify(recent)); } catch (e) { return; }
    window.location.reload();
  });
})();
</script>"""


#: the script's own element takes no room: hidden (a style alone takes none), so the page's first line stays put
#: (two rules: a browser without ``:has()``, Firefox before 121 or Safari before 15.4, drops only the second, and its
#: empty wrapper then leaves a 16 px gap above the page's title; nothing is shown)
_HIDDEN = ("<style>.st-key-page-recovery {display: none;} "
           "div[data-testid='stLayoutWrapper']:has(> .st-key-page-recovery) {display: none;}</style>")


def reload_a_crashed_page() -> None:
    """Installs, once per browser tab, the handler that reloads the page when Streamlit's frontend crashed
    (``CRASH``); drawn on every run, it shows nothing and takes no room."""
    st.html(_HIDDEN)
    with st.container(key="page-recovery"):
        st.html(_SCRIPT % {"crash": CRASH, "most": MAX_RELOADS}, unsafe_allow_javascript=True)
