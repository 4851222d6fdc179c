"""Command-line values shared by the commands (``analyse``, ``export``, ``batch``): checked as they are read.

Its own module so that the commands' modules (:mod:`.record`, :mod:`.export`) and :mod:`.parser`, which
builds the parser from them, do not import each other.
"""

from __future__ import annotations

import argparse

from movement_check.assessments import check_options
from movement_check.assessments.option_ranges import flag
from movement_check.pipeline.tracking import RULES


def subject_rule(value: str) -> str | int:
    """``--subject``: a rule for whom to follow (see :mod:`tracking`) or a person's number."""
    if value.isdigit():
        return int(value)
    if value not in RULES:
        raise argparse.ArgumentTypeError(f"use one of {', '.join(RULES)} or a person's number")
    return value


def check_height_cm(height_cm: float | None) -> None:
    """--height-cm must be a person's height (``analyse`` and ``batch``)."""
    check_options({"height_cm": height_cm}, name=flag)
