"""The first page: where each kind of user goes."""

import streamlit as st

from movement_check import __version__

st.title("movement-check")
st.caption(f"Objective movement tests from one camera · version {__version__} · everything stays on this server")
st.page_link("app_pages/therapist.py", label="Therapist: start a live visit", icon=":material/videocam:")
st.page_link("app_pages/upload.py", label="Analyse a clip", icon=":material/upload:")
st.page_link("app_pages/patients.py", label="Therapist: patients, trends, home exercises and reports",
             icon=":material/folder_shared:")
st.write("Patients: open the link your therapist sent you.")
