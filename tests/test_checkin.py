"""The check-in's answers and red flags (movement_check.checkin)."""

import pytest

from movement_check.checkin import EMERGENCY_ADVICE, IN_PERSON, RED_FLAGS, CheckIn, CheckInError


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
