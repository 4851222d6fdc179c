"""Settings that check themselves: each test's settings dataclass refuses, when it is made, a value out of range
or of the wrong kind, and :func:`settings_from` refuses an option nobody takes, every problem in one
:class:`~movement_check.errors.SettingsError`. The numeric limits are :data:`movement_check.assessments.option_ranges.RANGES`,
the one place the command line, the app, a live step and a program all take them from.

    @dataclass(frozen=True)
    @checked(view=one_of("side", "front"), height_cm=in_range("height_cm"))
    class GaitSettings: ...

(``checked`` goes below ``dataclass``: the check runs from the generated ``__init__``.)
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import fields
from typing import Any, Callable, Collection, TypeVar

from movement_check.errors import SettingsError
from movement_check.body.landmarks import SIDES
from movement_check.assessments.option_ranges import RANGES, shown

#: a check: the value -> what to give instead (None: the value is fine)
Check = Callable[[Any], "str | None"]
S = TypeVar("S")


def _number(value, whole: bool) -> bool:
    kind = numbers.Integral if whole else numbers.Real
    return isinstance(value, kind) and not isinstance(value, bool)


def in_range(name: str, *, whole: bool = False) -> Check:
    """A finite number (a whole one if ``whole``) within the range :data:`RANGES` gives ``name``."""
    lo, hi, what = RANGES[name]
    advice = f"give {what}, {'a whole number ' if whole else ''}{lo:g} to {hi:g}"

    def check(value) -> str | None:
        ok = _number(value, whole) and math.isfinite(value) and lo <= value <= hi
        return None if ok else advice
    return check


def one_of(*choices: str) -> Check:
    """One of ``choices``, spelt as they are (``"Side"`` is not ``"side"``)."""
    def check(value) -> str | None:
        return None if isinstance(value, str) and value in choices else f"give {' or '.join(choices)}"
    return check


def yes_or_no(value) -> str | None:
    return None if isinstance(value, bool) else "give True or False"


def times_s(value) -> str | None:
    """Moments in seconds from the start: a list of finite numbers, none negative."""
    ok = (isinstance(value, (tuple, list)) and
          all(_number(t, False) and math.isfinite(t) and t >= 0 for t in value))
    return None if ok else "give times in seconds from the start of the clip (0 or more)"


def sides(value) -> str | None:
    """Legs: one or both of left and right."""
    ok = isinstance(value, (tuple, list)) and value and all(s in SIDES for s in value)
    return None if ok else "give left, right, or both"


def checked(**checks: Check) -> Callable[[type], type]:
    """A class decorator: the settings refuse, when made, every value its check finds wrong (None, for a
    setting whose default is None, means not given and is not checked)."""
    def decorate(cls: type) -> type:
        cls.__post_init__ = lambda self: check_fields(self, checks)
        cls.CHECKS = checks
        return cls
    return decorate


def check_fields(settings, checks: dict[str, Check]) -> None:
    """:class:`SettingsError` listing each of ``settings``' values that its check refuses."""
    problems = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        check = checks.get(f.name)
        if check is None or (value is None and f.default is None):
            continue
        advice = check(value)
        if advice:
            problems.append((f.name, shown(value), advice))
    if problems:
        raise SettingsError(problems)


def unknown(options: dict[str, Any], known: Collection[str]) -> list[tuple[str, None, str]]:
    """A problem for each option not in ``known``, with the nearest known name when one is close."""
    problems = []
    for key in options:
        if key in known:
            continue
        near = difflib.get_close_matches(str(key), sorted(known), n=1)
        hint = f" (did you mean {near[0]}?)" if near else f" (settings: {', '.join(sorted(known))})"
        problems.append((str(key), None, f"no test takes this setting{hint}"))
    return problems


def settings_from(settings_cls: type[S], options: dict[str, Any], *, others: Collection[str] = ()) -> S:
    """A test's settings from loose options (command line, app, a live step, a program), checked.

    Options left None are not given. ``others``: options another test takes, passed along a shared path (the
    command line gives every test all it has): not this test's, so left out, but not refused. Any other
    option is refused, with the values the settings refuse, in one :class:`SettingsError`.
    """
    own = {f.name for f in fields(settings_cls)}
    problems = unknown(options, own | set(others))
    try:
        settings = settings_cls(**{k: v for k, v in options.items() if k in own and v is not None})
    except SettingsError as exc:
        problems += exc.problems
    if problems:
        raise SettingsError(problems)
    return settings
