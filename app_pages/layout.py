"""The live visit's pages made to fit one screen: less empty space above the page, smaller headings, and on a
phone smaller still, so that the therapist sees the picture, cues, counters and step controls on a 1440x900
screen without scrolling, and the patient sees their own picture, whole, on a laptop or a phone.

Style only (``st.html`` with a ``<style>`` takes no room on the page). Measured with screenshots in headless
Chromium during a live visit (therapist 1440x900; patient 1280x800 and 390x844)."""

from __future__ import annotations

import streamlit as st

_PAGE = """
[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; padding-bottom: 3rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding-top: 0; padding-bottom: 0.5rem; }
"""
# the patient's instruction is a level-2 heading: two lines on a laptop, four or five on a phone
_PATIENT = """
[data-testid="stMainBlockContainer"] h2 { font-size: 1.75rem; padding-top: 0.25rem; padding-bottom: 0.25rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 1rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.4rem; }
  [data-testid="stMainBlockContainer"] h2 { font-size: 1.2rem; }
}
"""


def fit_the_screen(*, patient: bool = False) -> None:
    st.html(f"<style>{_PAGE}{_PATIENT if patient else ''}</style>")
