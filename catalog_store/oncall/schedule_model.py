"""The parts of a built-in on-call schedule, once read and checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from catalog_store.model.errors import FieldError

SCHEDULE_API_VERSION = "callboard.dev/v1alpha1"
SCHEDULE_KIND = "Schedule"


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Part of the week, in minutes after Monday 00:00 local time.

    Attributes:
        start: 0 up to (not including) one week.
        end: After ``start`` and at most a week later; past one week it runs into the next.
    """

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Layer:
    """One rotation of a schedule.

    Attributes:
        name: The layer's name.
        members: Lower-case user refs, in turn order.
        rotation: ``"daily"``, ``"weekly"`` or ``"hours"``.
        turn: The length of one turn in wall-clock time.
        first_handoff: The naive local time the first member's first turn starts.
        windows: When the layer is in effect; None for all the time.
    """

    name: str
    members: tuple[str, ...]
    rotation: str
    turn: timedelta
    first_handoff: datetime
    windows: tuple[WeeklyWindow, ...] | None


@dataclass(frozen=True, slots=True)
class Override:
    """Someone on call instead of the layers from ``start`` until ``end`` (UTC instants)."""

    user: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A valid schedule, ready for computing who is on call.

    Attributes:
        owner: Lower-case ref of the owning group or user.
        time_zone: The zone of every local time in the schedule.
        layers: Bottom-up; later layers win where they have someone.
        overrides: Sorted by start; they do not overlap.
    """

    owner: str
    time_zone: ZoneInfo
    layers: tuple[Layer, ...]
    overrides: tuple[Override, ...]


class InvalidScheduleError(ValueError):
    """A schedule spec that cannot be used; ``errors`` name the fields at fault."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        """Keep the errors and summarise them as the message."""
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors[:5]))
