"""movement-check in the browser (Streamlit). Streamlit lives here and in app_pages/ only.

Pages: home (/), the therapist's live visit (/therapist), the patient's page
(/patient, opened from the therapist's link), clip analysis (/clip), the patient
record with trends, prescriptions and reports (/patients), and the patient's
home-exercise checks (/exercises, opened from the link made on /patients).
"""

import streamlit as st

from app_pages.page_recovery import reload_a_crashed_page

st.set_page_config(page_title="movement-check", layout="wide")
reload_a_crashed_page()             # a page Streamlit's frontend crashed reloads instead of staying blank
pages = [
    st.Page("app_pages/home.py", title="Home", default=True),
    st.Page("app_pages/therapist.py", title="Live visit (therapist)", url_path="therapist"),
    st.Page("app_pages/patient.py", title="Patient", url_path="patient"),
    st.Page("app_pages/upload.py", title="Analyse a clip", url_path="clip"),
    st.Page("app_pages/patients.py", title="Patients (therapist)", url_path="patients"),
    st.Page("app_pages/exercises.py", title="Home exercises (patient)", url_path="exercises"),
]
patient_link = st.query_params.get("code") or st.query_params.get("link")
st.navigation(pages, position="hidden" if patient_link else "sidebar").run()
