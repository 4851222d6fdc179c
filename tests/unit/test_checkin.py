"""The check-in's answers and red flags (movement_check.clinic.checkin)."""

import re

import pytest

from movement_check.clinic.checkin import EMERGENCY_ADVICE, IN_PERSON, RED_FLAGS, CheckIn, CheckInError


def test_no_red_flag_lets_the_tests_go_ahead():
    answers = CheckIn(pain_now=4, since_last="better", areas=("lower back",))
    assert not answers.stops_tests and answers.advice() == []
    assert CheckIn.from_dict(answers.to_dict()) == answers


@pytest.mark.parametrize("flag", sorted(RED_FLAGS))
def test_any_red_flag_stops_the_tests_and_says_to_arrange_in_person_care(flag):
    answers = CheckIn(pain_now=3, red_flags=(flag,))
    assert answers.stops_tests
    advice = answers.advice()
    assert advice[0] == IN_PERSON and RED_FLAGS[flag] in advice[1]
    # saddle numbness, bladder/bowel, progressing weakness: cauda equina signs, an emergency
    assert (EMERGENCY_ADVICE in advice) == (flag in ("saddle_numbness", "bladder_bowel", "leg_weakness"))


def test_answers_out_of_range_are_all_named():
    with pytest.raises(CheckInError) as err:
        CheckIn(pain_now=11, since_last="much better", areas=("elbow",), red_flags=("headache",))
    message = str(err.value)
    for part in ("0 to 10", "since last", "elbow", "headache"):
        assert part in message
    with pytest.raises(CheckInError, match="0 to 10"):
        CheckIn(pain_now=True)


def test_the_summary_lists_every_question_with_red_flags_last():
    lines = CheckIn(pain_now=7, leg_numbness=True, red_flags=("night_pain",)).summary()
    assert lines[0] == ("Pain now (0-10)", "7")
    assert ("Leg pain / numbness / weakness", "no / yes / no") in lines
    assert lines[-1] == ("Red flags", RED_FLAGS["night_pain"])


#: what Markdown (st.table draws each cell as Markdown) turns into a list item, an empty one for a lone "-"
LIST_ITEM = re.compile(r"^\s*([-+*]|\d+[.)])(\s|$)", re.MULTILINE)


def test_a_question_left_empty_reads_not_answered_never_a_blank_or_a_dash():
    # the free-text answers left empty read "-", which the therapist's and the Patients page's table drew as an
    # empty bullet
    lines = dict(CheckIn(pain_now=3).summary())
    assert lines["Activities affected"] == "not answered" and lines["Medication side effects"] == "not answered"
    assert all(answer.strip() and not LIST_ITEM.match(answer) for answer in lines.values()), lines


def test_the_check_in_table_shows_no_empty_bullet_and_the_patients_words_as_typed():
    from streamlit.testing.v1 import AppTest

    def page():
        from app_pages.checkin_form import checkin_summary
        from movement_check.clinic.checkin import CheckIn

        checkin_summary(CheckIn(pain_now=3, activities_affected="- sitting at work, 1. lifting",
                                side_effects="1. **dizzy** :red[sometimes]"))

    app = AppTest.from_function(page).run(timeout=60)
    assert not app.exception
    table = app.table[0].value
    cells = list(table["Question"]) + list(table["Answer"])
    assert all(c.strip() and not LIST_ITEM.search(c) for c in cells), cells
    answers = dict(zip(table["Question"], table["Answer"]))
    assert answers["Since last time"] == "not answered"
    # escaped, so the Markdown shows the text as typed: no bullet, no bold, no colour
    assert answers["Activities affected"] == r"\- sitting at work, 1. lifting"
    assert answers["Medication side effects"] == r"1\. \*\*dizzy\*\* \:red\[sometimes\]"
