"""The command's one spelling: ``analyse``, with ``analyze`` still taken as the same command."""

import pytest

from movement_check.cli.parser import build_parser


@pytest.mark.parametrize("typed", ["analyse", "analyze"])
def test_both_spellings_are_the_one_analyse_command(typed):
    args = build_parser().parse_args([typed, "walk.mp4", "--test", "gait"])
    assert args.command == "analyse"
    assert args.test == "gait"


def test_a_misspelt_command_is_refused():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["analise", "walk.mp4", "--test", "gait"])
