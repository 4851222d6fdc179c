"""The check-in form (the patient's page before the camera) and its summary (the therapist's page).

The questions and red flags are :mod:`movement_check.clinic.checkin`'s; this file only asks and shows them.
"""

from __future__ import annotations

import streamlit as st

from movement_check.clinic.checkin import (AREAS, EXERCISES, RED_FLAGS, RESPONSES, PAIN_SIDES, SINCE_LAST, SLEEP, CheckIn,
                                    CheckInError)

from app_pages.findings_view import escape_markdown

NOT_SURE = "not sure / first visit"


def _choice(label: str, options: tuple[str, ...], key: str, *, none: str = "not answered") -> str | None:
    picked = st.radio(label, (none,) + options, key=key, horizontal=True)
    return None if picked == none else picked


def checkin_form(key: str) -> CheckIn | None:
    """The form; the answers once sent (None before). What was typed stays in the form if it is refused."""
    with st.form(f"{key}-form"):
        st.subheader("Before the tests: how are you today?")
        pain = st.slider("Pain now (0 = none, 10 = worst imaginable)", 0, 10, 0, key=f"{key}-pain")
        since = _choice("Since last time, your back is", SINCE_LAST, f"{key}-since", none=NOT_SURE)
        areas = st.multiselect("Where does it hurt?", AREAS, key=f"{key}-areas")
        side = _choice("Which side?", PAIN_SIDES, f"{key}-side")
        spreads = st.radio("Does the pain spread below the knee?", ("not answered", "yes", "no"),
                           key=f"{key}-spreads", horizontal=True)
        cols = st.columns(4)
        leg_pain = cols[0].checkbox("Leg pain", key=f"{key}-leg-pain")
        numb = cols[1].checkbox("Leg numbness or tingling", key=f"{key}-numb")
        weak = cols[2].checkbox("Leg weakness", key=f"{key}-weak")
        balance = cols[3].checkbox("Balance problems", key=f"{key}-balance")
        sleep = _choice("Sleep", SLEEP, f"{key}-sleep")
        activities = st.text_input("Activities the pain stops or makes hard (e.g. sitting at work, lifting)",
                                   key=f"{key}-activities")
        medication = _choice("Your medication", RESPONSES, f"{key}-medication")
        therapy = _choice("Physical therapy so far", RESPONSES, f"{key}-therapy")
        exercises = _choice("Your home exercises are", EXERCISES, f"{key}-exercises")
        side_effects = st.text_input("Side effects of medication, if any", key=f"{key}-side-effects")
        st.markdown("**Do any of these apply to you now?** Tick every one that does.")
        flags = tuple(k for k, text in RED_FLAGS.items() if st.checkbox(text, key=f"{key}-flag-{k}"))
        sent = st.form_submit_button("Send my answers", type="primary")
    if not sent:
        return None
    try:
        return CheckIn(pain_now=int(pain), since_last=since, areas=tuple(areas), pain_side=side,
                       spreads_below_knee=None if spreads == "not answered" else spreads == "yes",
                       leg_pain=leg_pain, leg_numbness=numb, leg_weakness=weak, balance_problems=balance,
                       sleep=sleep, activities_affected=activities.strip(), medication_response=medication,
                       therapy_response=therapy, home_exercises=exercises, side_effects=side_effects.strip(),
                       red_flags=flags)
    except CheckInError as exc:
        st.error(f"Please check your answers: {exc}")
        return None


def red_flag_notice(checkin: CheckIn) -> None:
    """Stop-the-tests advice, in red, for the patient's and the therapist's page."""
    advice = checkin.advice()
    st.error("\n\n".join(advice))


def checkin_summary(checkin: CheckIn | None) -> None:
    """The answers as a small table, red flags first (the therapist's page, the history)."""
    if checkin is None:
        st.info("The patient has not sent the check-in yet.")
        return
    if checkin.stops_tests:
        red_flag_notice(checkin)
    lines = checkin.summary()
    # st.table draws each cell as Markdown: the patient's own words are shown as typed ("- sitting" is not a
    # bullet, "**" not bold)
    st.table({"Question": [escape_markdown(q) for q, _ in lines], "Answer": [escape_markdown(a) for _, a in lines]})
