"""Local wall-clock time: day names, ``HH:MM`` times and turning local times into instants.

Schedules are written in the wall-clock time of their ``timeZone``. A local time that does
not exist (inside the hour skipped when clocks go forward) is read as the same length of time
after the last valid moment before the jump, so ``02:30`` on the day Berlin goes from 02:00 to
03:00 is the instant shown as ``03:30`` afterwards. A local time that happens twice (inside
the hour repeated when clocks go back) means its first occurrence. These are the rules of
iCalendar (RFC 5545) and of Python's ``zoneinfo`` with ``fold=0``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Day names, Monday first (``date.weekday()`` order)."""

_DAY_INDEX = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{n[:3]: i for i, n in enumerate(WEEKDAYS)},
}
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")


def day_index(name: str) -> int | None:
    """The weekday number (Monday 0) of a day name such as ``monday`` or ``Mon``, or None."""
    return _DAY_INDEX.get(name.strip().lower())


def day_name(index: int) -> str:
    """The capitalised name of a weekday number (Monday 0)."""
    return WEEKDAYS[index % 7].capitalize()


def clock_minutes(value: str, *, allow_end_of_day: bool = False) -> int | None:
    """Minutes after midnight of an ``HH:MM`` time, or None when it is not one.

    Args:
        value: The text, e.g. ``"09:00"``.
        allow_end_of_day: Whether ``"24:00"`` (the end of the day) is accepted.

    Returns:
        0 to 1439 (1440 for ``24:00`` when allowed), or None.
    """
    match = _CLOCK.fullmatch(value.strip())
    if match is None:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59:
        return None
    total = hours * 60 + minutes
    if total < MINUTES_PER_DAY or (allow_end_of_day and total == MINUTES_PER_DAY):
        return total
    return None


def show_minutes(minutes: int) -> str:
    """Render minutes after midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def to_instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a naive local wall-clock time in ``zone`` (see the module rules)."""
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of an aware instant in ``zone``."""
    return instant.astimezone(zone).replace(tzinfo=None)


def at_minutes(day: date, minutes: int) -> datetime:
    """The naive local time ``minutes`` after midnight of ``day`` (may run into later days)."""
    return datetime.combine(day, time()) + timedelta(minutes=minutes)


def week_start(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())
