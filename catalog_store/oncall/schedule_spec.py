"""The ``Schedule`` kind: built-in on-call rotations kept in the catalog as YAML.

A schedule is an entity of our own kind::

    apiVersion: callboard.dev/v1alpha1
    kind: Schedule
    metadata:
      name: checkout-primary
    spec:
      owner: checkout-team
      timeZone: Europe/Berlin
      layers:                       # listed bottom-up: a later layer wins where it has someone
        - name: weekly
          members: [carol, dan]     # user refs; the first member takes the first turn
          rotation: weekly          # daily | weekly | {hours: N}
          handoff: "09:00"          # local time of each handoff
          handoffDay: monday        # weekly rotations only
          start: 2024-01-01         # turns start at the first handoff on or after this day
        - name: weekend
          members: [erin]
          rotation: daily
          handoff: "00:00"
          start: 2024-01-01
          restrictions:             # optional: when this layer is in effect (local times)
            - {days: [saturday, sunday], from: "00:00", to: "24:00"}
            - {from: "friday 18:00", to: "monday 09:00"}
      overrides:                    # on top of every layer; they may not overlap
        - {user: dan, start: "2024-03-10T09:00", end: "2024-03-11T09:00"}

The concepts are PagerDuty's: layers stacked on each other, each a rotation of users with
a turn length, a handoff time and optional restrictions; overrides on top. Turns are counted
in local wall-clock time, so a 09:00 handoff stays at 09:00 on both sides of a daylight-saving
change and the turn spanning the change is an hour shorter or longer (see
:mod:`catalog_store.oncall.wall_clock` for handoffs inside a skipped or repeated hour).

A restriction is either a daily window (``from``/``to`` as ``HH:MM``, on the listed ``days``
or every day; a ``to`` at or before ``from`` ends on the next day) or a weekly window (``from``
and ``to`` both as ``<day> HH:MM``). A layer with restrictions has nobody outside them. Every
time of the week must be covered by some layer. Override times are ISO 8601; without an
offset they are local times of the schedule's ``timeZone``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from catalog_store.model.errors import FieldError
from catalog_store.model.refs import DEFAULT_NAMESPACE
from catalog_store.oncall.schedule_coverage import describe_gaps, uncovered_week
from catalog_store.oncall.schedule_model import (
    SCHEDULE_API_VERSION,
    SCHEDULE_KIND,
    InvalidScheduleError,
    Layer,
    Override,
    ScheduleSpec,
    WeeklyWindow,
)
from catalog_store.oncall.schedule_restrictions import RestrictionReader
from catalog_store.oncall.spec_reader import Path, type_name
from catalog_store.oncall.wall_clock import at_minutes, clock_minutes, day_index, to_instant

__all__ = [
    "SCHEDULE_API_VERSION",
    "SCHEDULE_KIND",
    "InvalidScheduleError",
    "Layer",
    "Override",
    "ScheduleSpec",
    "WeeklyWindow",
    "parse_schedule_spec",
    "schedule_spec_errors",
]

MAX_ROTATION_HOURS = 24 * 366

_SPEC_FIELDS = ("owner", "timeZone", "layers", "overrides", "description")
_LAYER_FIELDS = ("name", "members", "rotation", "handoff", "handoffDay", "start", "restrictions")
_OVERRIDE_FIELDS = ("user", "start", "end")


class _Reader(RestrictionReader):
    """Reads a Schedule spec, collecting every error it finds."""

    def time_zone(self, spec: Mapping[str, Any]) -> ZoneInfo | None:
        path: Path = ("spec", "timeZone")
        name = self.required_text(spec, "timeZone", ("spec",))
        if name is None:
            return None
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            self.fail(path, f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")
            return None

    def layer(self, value: Any, path: Path) -> Layer | None:
        obj = self.mapping(value, path, _LAYER_FIELDS)
        if obj is None:
            return None
        before = len(self.errors)
        name = self.required_text(obj, "name", path)
        members = self.members(obj, path)
        rotation, turn = self.rotation(obj, path)
        handoff = self.required_text(obj, "handoff", path)
        handoff_minutes = None if handoff is None else clock_minutes(handoff)
        if handoff is not None and handoff_minutes is None:
            self.fail((*path, "handoff"), f"must be a time of day as HH:MM (got {handoff!r})")
        handoff_day = self.handoff_day(obj, path, rotation)
        start_text = self.required_text(obj, "start", path)
        start = None
        if start_text is not None:
            try:
                start = date.fromisoformat(start_text)
            except ValueError:
                self.fail((*path, "start"), f"must be a date as YYYY-MM-DD (got {start_text!r})")
        windows = self.restrictions(obj, path)
        if (
            len(self.errors) > before
            or name is None
            or members is None
            or rotation is None
            or turn is None
            or handoff_minutes is None
            or start is None
        ):
            return None
        first_day = start
        if handoff_day is not None:
            first_day = start + timedelta(days=(handoff_day - start.weekday()) % 7)
        return Layer(
            name=name,
            members=members,
            rotation=rotation,
            turn=turn,
            first_handoff=at_minutes(first_day, handoff_minutes),
            windows=windows,
        )

    def members(self, obj: Mapping[str, Any], path: Path) -> tuple[str, ...] | None:
        if "members" not in obj:
            self.fail((*path, "members"), "required")
            return None
        items = self.items(obj["members"], (*path, "members"), "user")
        if items is None:
            return None
        refs = [
            self.ref(item, (*path, "members", i), ("user",), "user") for i, item in enumerate(items)
        ]
        return None if None in refs else tuple(r for r in refs if r is not None)

    def rotation(self, obj: Mapping[str, Any], path: Path) -> tuple[str | None, timedelta | None]:
        where = (*path, "rotation")
        if "rotation" not in obj:
            self.fail(where, "required")
            return None, None
        value = obj["rotation"]
        if value == "daily":
            return "daily", timedelta(days=1)
        if value == "weekly":
            return "weekly", timedelta(weeks=1)
        if isinstance(value, Mapping) and set(value) == {"hours"}:
            hours = value["hours"]
            whole = isinstance(hours, int) and not isinstance(hours, bool)
            if whole and 1 <= hours <= MAX_ROTATION_HOURS:
                return "hours", timedelta(hours=hours)
            self.fail(
                (*where, "hours"), f"must be a whole number of hours from 1 to {MAX_ROTATION_HOURS}"
            )
            return None, None
        self.fail(where, "must be daily, weekly or {hours: N}")
        return None, None

    def handoff_day(self, obj: Mapping[str, Any], path: Path, rotation: str | None) -> int | None:
        where = (*path, "handoffDay")
        if rotation != "weekly":
            if "handoffDay" in obj and rotation is not None:
                self.fail(where, "only applies to weekly rotations")
            return None
        if "handoffDay" not in obj:
            self.fail(where, "required for weekly rotations (e.g. monday)")
            return None
        text = self.text(obj["handoffDay"], where)
        index = None if text is None else day_index(text)
        if text is not None and index is None:
            self.fail(where, f"must be a day of the week such as monday (got {text!r})")
        return index

    def overrides(self, spec: Mapping[str, Any], zone: ZoneInfo | None) -> tuple[Override, ...]:
        if "overrides" not in spec:
            return ()
        where: Path = ("spec", "overrides")
        value = spec["overrides"]
        if not isinstance(value, list | tuple):
            self.fail(where, f"must be a list (got {type_name(value)})")
            return ()
        read: list[tuple[int, Override]] = []
        for i, item in enumerate(value):
            override = self.override(item, (*where, i), zone)
            if override is not None:
                read.append((i, override))
        self.check_overlaps(read)
        return tuple(sorted((o for _, o in read), key=lambda o: o.start))

    def override(self, value: Any, path: Path, zone: ZoneInfo | None) -> Override | None:
        obj = self.mapping(value, path, _OVERRIDE_FIELDS)
        if obj is None:
            return None
        user = None
        if "user" in obj:
            user = self.ref(obj["user"], (*path, "user"), ("user",), "user")
        else:
            self.fail((*path, "user"), "required")
        start = self.instant(obj, "start", path, zone)
        end = self.instant(obj, "end", path, zone)
        if start is not None and end is not None and end <= start:
            self.fail((*path, "end"), "must be after start")
            return None
        if user is None or start is None or end is None:
            return None
        return Override(user, start, end)

    def instant(
        self, obj: Mapping[str, Any], field: str, path: Path, zone: ZoneInfo | None
    ) -> datetime | None:
        text = self.required_text(obj, field, path)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                (*path, field), f"must be a date and time such as 2024-03-10T09:00 (got {text!r})"
            )
            return None
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
        return None if zone is None else to_instant(moment, zone)

    def check_overlaps(self, read: list[tuple[int, Override]]) -> None:
        ordered = sorted(read, key=lambda item: (item[1].start, item[0]))
        latest: tuple[int, Override] | None = None
        for index, override in ordered:
            if latest is not None and override.start < latest[1].end:
                other, reaching = latest
                self.fail(
                    ("spec", "overrides", max(index, other)),
                    f"overlaps spec.overrides[{min(index, other)}] "
                    f"({override.start:%Y-%m-%d %H:%M} UTC to "
                    f"{min(override.end, reaching.end):%Y-%m-%d %H:%M} UTC)",
                )
            if latest is None or override.end > latest[1].end:
                latest = (index, override)


def _read(spec: Any, namespace: str) -> tuple[ScheduleSpec | None, list[FieldError]]:
    reader = _Reader(namespace)
    obj = reader.mapping(spec, ("spec",), _SPEC_FIELDS)
    if obj is None:
        return None, reader.errors
    owner = None
    if "owner" in obj:
        owner = reader.ref(obj["owner"], ("spec", "owner"), ("group", "user"), "group")
    else:
        reader.fail(("spec", "owner"), "required")
    if "description" in obj:
        reader.text(obj["description"], ("spec", "description"))
    zone = reader.time_zone(obj)
    layers: list[Layer | None] = []
    if "layers" not in obj:
        reader.fail(("spec", "layers"), "required")
    else:
        for i, item in enumerate(reader.items(obj["layers"], ("spec", "layers"), "layer") or ()):
            layers.append(reader.layer(item, ("spec", "layers", i)))
    names: dict[str, int] = {}
    for i, layer in enumerate(layers):
        if layer is not None and names.setdefault(layer.name, i) != i:
            reader.fail(
                ("spec", "layers", i, "name"),
                f"repeats the name of spec.layers[{names[layer.name]}]",
            )
    valid = [layer for layer in layers if layer is not None]
    if valid and len(valid) == len(layers):
        gaps = uncovered_week(valid)
        if gaps:
            reader.fail(
                ("spec", "layers"),
                "leave times of the week with nobody on call: "
                f"{describe_gaps(gaps)} (add a layer or widen the restrictions)",
            )
    overrides = reader.overrides(obj, zone)
    if reader.errors or owner is None or zone is None:
        return None, reader.errors
    return ScheduleSpec(owner, zone, tuple(valid), overrides), []


def schedule_spec_errors(spec: Any, *, namespace: str = DEFAULT_NAMESPACE) -> list[FieldError]:
    """Check a ``Schedule`` entity's spec.

    Args:
        spec: The ``spec`` value, as parsed from YAML or JSON.
        namespace: The schedule's namespace, for user refs written without one.

    Returns:
        The problems, each naming its field (``spec.layers[0].handoff``); empty when valid.
    """
    return _read(spec, namespace)[1]


def parse_schedule_spec(spec: Any, *, namespace: str = DEFAULT_NAMESPACE) -> ScheduleSpec:
    """Read a ``Schedule`` entity's spec for computing who is on call.

    Args:
        spec: The ``spec`` value, as parsed from YAML or JSON.
        namespace: The schedule's namespace, for user refs written without one.

    Returns:
        The schedule.

    Raises:
        InvalidScheduleError: The spec has errors (see :func:`schedule_spec_errors`).
    """
    parsed, errors = _read(spec, namespace)
    if parsed is None:
        raise InvalidScheduleError(errors)
    return parsed
