"""Dates given on the command line: YYYY-MM-DD, ``today`` or ``yesterday``."""

from __future__ import annotations

from datetime import date, timedelta

from studyplan.domain.limits import check_date, clip
from studyplan.errors import InputError


def parse_date(value: str | None, option: str, *, past_only: bool = False) -> date | None:
    """The date an option names; ``past_only`` refuses the future (progress is recorded
    as it happens, plans may start or end later)."""
    if value is None:
        return None
    today = date.today()
    words = {"today": today, "yesterday": today - timedelta(days=1)}
    try:
        day = words.get(value.lower()) or date.fromisoformat(value)
    except ValueError:
        raise InputError(
            f"{option}: '{clip(value)}' is not a date", "use YYYY-MM-DD, today or yesterday"
        ) from None
    check_date(day, option)
    if past_only and day > today:
        raise InputError(f"{option}: {day} is in the future", "progress is recorded as it happens")
    return day
