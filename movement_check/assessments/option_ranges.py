"""Every numeric setting's range, checked in one place: the command line (before any work), the app and the live
visit (through :mod:`movement_check.analysis`, which every analysis goes through) refuse the same values with the
same sentence. NaN and infinity are refused too (``nan`` would silently turn a limit off)."""

from __future__ import annotations

import math

from movement_check.errors import InputError, shorten

# name -> (lowest, highest, what to give); the name is the test option's, or the command line's in snake case
RANGES: dict[str, tuple[float, float, str]] = {
    "height_cm": (50, 250, "the patient's height in centimetres"),
    "fov_deg": (20, 120, "the camera's field of view in degrees"),
    "camera_tilt_deg": (-45, 80, "how far the camera looks down, in degrees"),
    "prescribed_repetitions": (1, 200, "the raises per side"),
    "prescribed_hold_s": (0, 300, "the hold in seconds"),
    "target_angle_deg": (0, 180, "the target raise in degrees"),
    "max_people": (1, 10, "how many people to look for"),
    "max_gap_ms": (0, 5000, "the longest gap to fill, in milliseconds"),
    "cutoff_hz": (0, 50, "the filter's cut-off in Hz (0: no filter)"),
    "max_duration_s": (1, 86400, "the longest clip in seconds"),
    "max_size_mb": (0.001, 1e6, "the largest file in MB"),
    # test settings the command line does not offer (a program's or a step's own)
    "min_bout_s": (0.1, 600, "the shortest walking bout in seconds"),
    "hold_tolerance_deg": (0.1, 45, "how far a held leg may sink, in degrees"),
    "min_steps": (1, 1000, "the fewest stance phases of each foot"),
    "max_obliqueness_deg": (0, 90, "the most oblique view of the walking line, in degrees"),
    "tilt_error_found_deg": (0, 90, "the tilt's uncertainty in degrees"),
    "tilt_error_assumed_deg": (0, 90, "the tilt's uncertainty in degrees"),
    "fov_error_deg": (0, 90, "the field of view's uncertainty in degrees"),
    "foot_length_error": (0, 1, "the foot length's uncertainty as a share"),
    "placement_px": (0, 100, "the heel and toe's placement error in pixels"),
}
FLAGS = {"prescribed_repetitions": "--prescribed-reps", "target_angle_deg": "--target-deg"}


def flag(name: str) -> str:
    return FLAGS.get(name, "--" + name.replace("_", "-"))


def check_number(name: str, value) -> None:
    """Refuse ``value`` for the setting ``name`` unless it is a finite number in its range (None: not given)."""
    if value is None:
        return
    lo, hi, what = RANGES[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not lo <= number <= hi:
        raise InputError(f"{flag(name)} {shown(value)}: give {what}, {lo:g} to {hi:g}.")


def shown(value) -> str:
    """A value as a message echoes it: numbers short, text quoted, a long value cut."""
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return shorten(repr(value) if isinstance(value, str) else str(value), 30)


def check_numbers(values: dict) -> None:
    """Every known numeric setting among ``values`` (others are left to their owners)."""
    for name, value in values.items():
        if name in RANGES:
            check_number(name, value)


def check_analysis_settings(settings, cleaning) -> None:
    """An ExtractionSettings and CleaningSettings (or None) as the analysis receives them."""
    limits = settings.limits
    check_number("max_duration_s", limits.max_duration_s)
    check_number("max_size_mb", limits.max_file_bytes / 1e6)
    check_number("max_people", settings.estimator.max_people)
    if cleaning is not None:
        check_number("max_gap_ms", cleaning.max_gap_s * 1000.0)
        check_number("cutoff_hz", 0.0 if cleaning.cutoff_hz is None else cleaning.cutoff_hz)
