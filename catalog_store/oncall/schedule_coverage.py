"""Which times of the week a schedule's layers leave without anyone on call."""

from __future__ import annotations

from collections.abc import Sequence

from catalog_store.oncall.schedule_model import Layer
from catalog_store.oncall.wall_clock import (
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    day_name,
    show_minutes,
)

MAX_GAPS_SHOWN = 3


def uncovered_week(layers: Sequence[Layer]) -> list[tuple[int, int]]:
    """The parts of the week (minutes after Monday 00:00 local) no layer is in effect.

    Args:
        layers: Valid layers.

    Returns:
        Sorted, non-overlapping ``(start, end)`` gaps; empty when every minute is covered.
    """
    if any(layer.windows is None for layer in layers):
        return []
    spans: list[tuple[int, int]] = []
    for layer in layers:
        for window in layer.windows or ():
            if window.end > MINUTES_PER_WEEK:
                spans.append((window.start, MINUTES_PER_WEEK))
                spans.append((0, window.end - MINUTES_PER_WEEK))
            else:
                spans.append((window.start, window.end))
    gaps: list[tuple[int, int]] = []
    reached = 0
    for start, end in sorted(spans):
        if start > reached:
            gaps.append((reached, start))
        reached = max(reached, end)
    if reached < MINUTES_PER_WEEK:
        gaps.append((reached, MINUTES_PER_WEEK))
    return gaps


def _show_week_minute(minute: int) -> str:
    day, rest = divmod(minute % MINUTES_PER_WEEK, MINUTES_PER_DAY)
    return f"{day_name(day)} {show_minutes(rest)}"


def describe_gaps(gaps: list[tuple[int, int]]) -> str:
    shown = [f"{_show_week_minute(s)} to {_show_week_minute(e)}" for s, e in gaps[:MAX_GAPS_SHOWN]]
    more = f" and {len(gaps) - MAX_GAPS_SHOWN} more" if len(gaps) > MAX_GAPS_SHOWN else ""
    return ", ".join(shown) + more
