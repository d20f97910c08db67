"""The ranges every value must be in where it enters studyplan (command line, backups).

One definition, so that a value refused on the command line is refused the same way in
a backup, and nothing the commands would not have written can get into the store (a
mark dated year 1, a 10**30-minute session, a 1e300-hour week). Pure: no I/O.
"""

from __future__ import annotations

import math
from datetime import date

from studyplan.errors import ECHO, InputError, clip

MIN_YEAR = 1900
MAX_YEAR = 2199
MAX_HOURS_PER_WEEK = 168.0  # the hours a week has
MAX_MINUTES = 100_000  # about ten weeks without sleep: more is a typo
MAX_NAME = 200  # plan names, as typed and as stored
PACE_LIMIT = 10.0  # a fixed --pace, either way
__all__ = ["ECHO", "clip"]  # re-exported: the one clip lives in studyplan.errors


def check_date(day: date, what: str) -> date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InputError(
            f"{what}: {day.isoformat()} is out of range",
            f"give a date between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31",
        )
    return day


def check_hours_per_week(hours: float, what: str = "--hours-per-week") -> float:
    if not (math.isfinite(hours) and 0 < hours <= MAX_HOURS_PER_WEEK):
        raise InputError(
            f"{what} must be more than 0 and at most {MAX_HOURS_PER_WEEK:g} (got {hours:g})",
            "e.g. --hours-per-week 6",
        )
    return hours


def check_minutes(minutes: int, what: str = "--minutes") -> int:
    if isinstance(minutes, bool) or not 0 <= minutes <= MAX_MINUTES:
        raise InputError(
            f"{what} must be a whole number from 0 to {MAX_MINUTES:,} (got {clip(str(minutes))})"
        )
    return minutes


def check_finish(start: date, weeks: float, hours_per_week: float) -> None:
    """A schedule of ``weeks`` from ``start`` must end by the last date studyplan takes."""
    last = date(MAX_YEAR, 12, 31)
    if not weeks * 7 <= (last - start).days + 1:  # inf and nan fail too
        raise InputError(
            f"at {hours_per_week:g} h/week the plan would end after {last}",
            "give more hours per week or an earlier --start",
        )


def check_pace(factor: float, what: str = "--pace") -> float:
    """A fixed pace factor: scheduled hours = estimated hours × factor."""
    low, high = 1 / PACE_LIMIT, PACE_LIMIT
    if not (math.isfinite(factor) and low <= factor <= high):
        raise InputError(
            f"{what} must be from {low:g} to {high:g} (got {factor:g})",
            "--pace 1 schedules by the curricula's estimates; --pace 1.5 takes half as long again",
        )
    return factor


def check_count(count: int, what: str) -> int:
    if count < 1:
        raise InputError(f"{what} must be at least 1 (got {count})")
    return count


def check_plan_name(name: str, what: str = "--save") -> str:
    if not name.strip():
        raise InputError(f"{what}: a plan name cannot be empty", "e.g. --save bitdelta")
    if len(name) > MAX_NAME or any(ord(c) < 32 for c in name):
        raise InputError(
            f"{what}: '{clip(name)}' is not a usable plan name",
            f"use at most {MAX_NAME} printable characters",
        )
    if what == "--save" and name.startswith("@"):
        raise InputError(
            f"{what}: '{clip(name)}' starts with '@', which names a cohort's assigned plan",
            "choose a name without the leading '@'",
        )
    return name
