"""Who a built-in schedule puts on call, and when.

Each layer's turns are laid out in local wall-clock time (so handoffs keep their local time
across daylight-saving changes), cut to the layer's restrictions, then stacked: overrides
first, then the layers from the last (highest) down; the first with someone wins.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from catalog_store.model.refs import DEFAULT_NAMESPACE
from catalog_store.oncall.answers import OnCallPerson, OnCallShift
from catalog_store.oncall.schedule_spec import Layer, ScheduleSpec, parse_schedule_spec
from catalog_store.oncall.wall_clock import at_minutes, to_instant, to_local, week_start

OVERRIDE_LAYER = "override"
SEARCH_SPANS = (timedelta(days=8), timedelta(days=32), timedelta(days=128))
"""How far around the moment asked about to look for the ends of shifts, widening in turn."""

Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the final timeline with one person from one layer (UTC instants)."""

    start: datetime
    end: datetime
    user: str
    layer: str


def _handoff(layer: Layer, zone: ZoneInfo, turn: int) -> datetime:
    return to_instant(layer.first_handoff + turn * layer.turn, zone)


def _turn_at(layer: Layer, zone: ZoneInfo, moment: datetime) -> int:
    """The number of the turn running at ``moment`` (negative before the first handoff)."""
    turn = (to_local(moment, zone) - layer.first_handoff) // layer.turn
    while _handoff(layer, zone, turn) > moment:
        turn -= 1
    while _handoff(layer, zone, turn + 1) <= moment:
        turn += 1
    return turn


def _turns(layer: Layer, zone: ZoneInfo, start: datetime, end: datetime) -> list[Piece]:
    turn = max(_turn_at(layer, zone, start), 0)
    begins = _handoff(layer, zone, turn)
    pieces: list[Piece] = []
    while begins < end:
        ends = _handoff(layer, zone, turn + 1)
        if max(begins, start) < min(ends, end):
            member = layer.members[turn % len(layer.members)]
            pieces.append(Piece(max(begins, start), min(ends, end), member, layer.name))
        turn += 1
        begins = ends
    return pieces


def _windows(layer: Layer, zone: ZoneInfo, start: datetime, end: datetime) -> list[Span]:
    week = week_start(to_local(start, zone).date()) - timedelta(weeks=1)
    last = to_local(end, zone).date()
    spans: list[Span] = []
    while week <= last:
        for window in layer.windows or ():
            opens = max(to_instant(at_minutes(week, window.start), zone), start)
            closes = min(to_instant(at_minutes(week, window.end), zone), end)
            if opens < closes:
                spans.append((opens, closes))
        week += timedelta(weeks=1)
    merged: list[Span] = []
    for opens, closes in sorted(spans):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged


def _restricted(pieces: list[Piece], spans: list[Span]) -> list[Piece]:
    out: list[Piece] = []
    index = 0
    for piece in pieces:
        while index < len(spans) and spans[index][1] <= piece.start:
            index += 1
        probe = index
        while probe < len(spans) and spans[probe][0] < piece.end:
            opens, closes = max(spans[probe][0], piece.start), min(spans[probe][1], piece.end)
            if opens < closes:
                out.append(Piece(opens, closes, piece.user, piece.layer))
            probe += 1
    return out


def _layer_pieces(layer: Layer, zone: ZoneInfo, start: datetime, end: datetime) -> list[Piece]:
    pieces = _turns(layer, zone, start, end)
    if layer.windows is None:
        return pieces
    return _restricted(pieces, _windows(layer, zone, start, end))


class _Cursor:
    """Walks a sorted, non-overlapping list of pieces as the time looked at moves forward."""

    __slots__ = ("index", "pieces")

    def __init__(self, pieces: list[Piece]) -> None:
        self.pieces = pieces
        self.index = 0

    def at(self, moment: datetime) -> Piece | None:
        while self.index < len(self.pieces) and self.pieces[self.index].end <= moment:
            self.index += 1
        if self.index < len(self.pieces) and self.pieces[self.index].start <= moment:
            return self.pieces[self.index]
        return None


def timeline_pieces(spec: ScheduleSpec, start: datetime, end: datetime) -> list[Piece]:
    """The final timeline between two instants, one piece per person and layer.

    Args:
        spec: The schedule.
        start: The first instant (aware).
        end: The instant after the last (aware).

    Returns:
        Sorted, non-overlapping pieces; adjacent pieces differ in person or layer.
    """
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    overrides = [
        Piece(max(o.start, start), min(o.end, end), o.user, OVERRIDE_LAYER)
        for o in spec.overrides
        if o.start < end and o.end > start
    ]
    stacks = [overrides] + [
        _layer_pieces(layer, spec.time_zone, start, end) for layer in reversed(spec.layers)
    ]
    cuts = sorted({start, end, *(t for pieces in stacks for p in pieces for t in (p.start, p.end))})
    cursors = [_Cursor(pieces) for pieces in stacks]
    out: list[Piece] = []
    for opens, closes in itertools.pairwise(cuts):
        chosen = next((p for p in (c.at(opens) for c in cursors) if p is not None), None)
        if chosen is None:
            continue
        last = out[-1] if out else None
        if last and last.end == opens and (last.user, last.layer) == (chosen.user, chosen.layer):
            out[-1] = Piece(last.start, closes, last.user, last.layer)
        else:
            out.append(Piece(opens, closes, chosen.user, chosen.layer))
    return out


def _by_person(pieces: list[Piece]) -> list[list[Piece]]:
    groups: list[list[Piece]] = []
    for piece in pieces:
        if groups and groups[-1][-1].end == piece.start and groups[-1][-1].user == piece.user:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _person(user_ref: str) -> OnCallPerson:
    return OnCallPerson(name=user_ref.rpartition("/")[2], user_ref=user_ref)


def _shift(group: list[Piece], layer: str, start: datetime, end: datetime) -> OnCallShift:
    first, last = group[0].start, group[-1].end
    return OnCallShift(
        person=_person(group[0].user),
        start=None if first <= start else first,
        end=None if last >= end else last,
        layer=layer,
    )


def schedule_timeline(spec: ScheduleSpec, start: datetime, end: datetime) -> list[OnCallShift]:
    """Everyone's shifts between two instants, one shift per person's unbroken stretch.

    Args:
        spec: The schedule.
        start: The first instant (aware).
        end: The instant after the last (aware).

    Returns:
        The shifts in order; a shift cut by ``start`` or ``end`` has None there. Its
        ``layer`` is the layer it starts in.
    """
    return [
        _shift(group, group[0].layer, start, end)
        for group in _by_person(timeline_pieces(spec, start, end))
    ]


def compute_schedule(
    spec: ScheduleSpec | Mapping[str, Any],
    at: datetime,
    *,
    namespace: str = DEFAULT_NAMESPACE,
) -> tuple[list[OnCallShift], list[OnCallShift]]:
    """Who a schedule has on call at a moment, and who takes over next.

    The current shift runs from the moment its person took over until they hand over
    (an unbroken stretch of that person, across layers and overrides); the next shift is
    the following stretch. A shift reaching further than about four months from ``at``
    has None at that end.

    Args:
        spec: A parsed schedule, or a ``Schedule`` entity's ``spec`` as stored.
        at: The moment (aware; a naive one is taken as UTC).
        namespace: The schedule's namespace, for refs in a raw ``spec``.

    Returns:
        ``(now, next)``: each an empty list or a list of one shift; people carry their
        ``user_ref`` and the ref's name as their name.

    Raises:
        InvalidScheduleError: A raw ``spec`` has errors.
    """
    schedule = (
        spec if isinstance(spec, ScheduleSpec) else parse_schedule_spec(spec, namespace=namespace)
    )
    moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    for span in SEARCH_SPANS:
        start, end = moment - span, moment + span
        pieces = timeline_pieces(schedule, start, end)
        groups = _by_person(pieces)
        current = next((i for i, g in enumerate(groups) if g[0].start <= moment < g[-1].end), None)
        following = (
            current + 1
            if current is not None
            else next((i for i, g in enumerate(groups) if g[0].start > moment), len(groups))
        )
        found_next = following < len(groups)
        now_whole = current is None or (
            start < groups[current][0].start and groups[current][-1].end < end
        )
        if now_whole and found_next and groups[following][-1].end < end:
            break
    now: list[OnCallShift] = []
    if current is not None:
        group = groups[current]
        layer = next(p.layer for p in group if p.start <= moment < p.end)
        now.append(_shift(group, layer, start, end))
    upcoming = (
        [_shift(groups[following], groups[following][0].layer, start, end)] if found_next else []
    )
    return now, upcoming
