"""Reading a schedule layer's ``restrictions``: when the layer is in effect.

A restriction is a daily window (``from``/``to`` as ``HH:MM`` on the listed ``days``, or
every day; a ``to`` at or before ``from`` ends on the next day) or a weekly window (``from``
and ``to`` both as ``<day> HH:MM``). Each becomes one or more :class:`WeeklyWindow`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from catalog_store.oncall.schedule_model import WeeklyWindow
from catalog_store.oncall.spec_reader import Path, SpecReader
from catalog_store.oncall.wall_clock import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    clock_minutes,
    day_index,
)

RESTRICTION_FIELDS = ("days", "from", "to")


class RestrictionReader(SpecReader):
    """A spec reader that also reads layer restrictions."""

    def restrictions(self, obj: Mapping[str, Any], path: Path) -> tuple[WeeklyWindow, ...] | None:
        """The windows of a layer's ``restrictions``; None when it has none (always on)."""
        if "restrictions" not in obj:
            return None
        where = (*path, "restrictions")
        items = self.items(obj["restrictions"], where, "restriction")
        windows: list[WeeklyWindow] = []
        for i, item in enumerate(items or ()):
            windows.extend(self._restriction(item, (*where, i)))
        return tuple(windows)

    def _restriction(self, value: Any, path: Path) -> list[WeeklyWindow]:
        obj = self.mapping(value, path, RESTRICTION_FIELDS)
        if obj is None:
            return []
        start = self._day_time(obj, "from", path)
        end = self._day_time(obj, "to", path, allow_end_of_day=True)
        if start is None or end is None:
            return []
        (start_day, start_min), (end_day, end_min) = start, end
        if (start_day is None) != (end_day is None):
            self.fail(path, "give a day on both from and to (a weekly window), or on neither")
            return []
        if start_day is not None and end_day is not None:
            if "days" in obj:
                self.fail((*path, "days"), "cannot be combined with days in from and to")
                return []
            begin = start_day * MINUTES_PER_DAY + start_min
            finish = end_day * MINUTES_PER_DAY + end_min
            if finish % MINUTES_PER_WEEK == begin:
                self.fail((*path, "to"), "must differ from from")
                return []
            if finish <= begin:
                finish += MINUTES_PER_WEEK
            return [WeeklyWindow(begin, finish)]
        if end_min == start_min:
            self.fail((*path, "to"), "must differ from from (use 00:00 to 24:00 for a whole day)")
            return []
        length = (
            end_min - start_min if end_min > start_min else end_min + MINUTES_PER_DAY - start_min
        )
        days = self._days(obj, path)
        if days is None:
            return []
        return [
            WeeklyWindow(
                day * MINUTES_PER_DAY + start_min, day * MINUTES_PER_DAY + start_min + length
            )
            for day in days
        ]

    def _day_time(
        self, obj: Mapping[str, Any], field: str, path: Path, *, allow_end_of_day: bool = False
    ) -> tuple[int | None, int] | None:
        text = self.required_text(obj, field, path)
        if text is None:
            return None
        parts = text.split()
        day: int | None = None
        if len(parts) == 2:
            day = day_index(parts[0])
        minutes = clock_minutes(parts[-1], allow_end_of_day=allow_end_of_day)
        if len(parts) not in (1, 2) or (len(parts) == 2 and day is None) or minutes is None:
            self.fail((*path, field), f"must be HH:MM or '<day> HH:MM' (got {text!r})")
            return None
        return day, minutes

    def _days(self, obj: Mapping[str, Any], path: Path) -> list[int] | None:
        if "days" not in obj:
            return list(range(7))
        where = (*path, "days")
        items = self.items(obj["days"], where, "day")
        if items is None:
            return None
        found: list[int] = []
        for i, item in enumerate(items):
            text = self.text(item, (*where, i))
            index = None if text is None else day_index(text)
            if text is not None and index is None:
                self.fail((*where, i), f"must be a day of the week such as monday (got {text!r})")
            if index is None:
                return None
            if index not in found:
                found.append(index)
        return found
