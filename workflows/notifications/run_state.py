"""A run's state and how an event changes it: statuses only move forward.

* A higher :func:`~workflows.runs.events.status_rank` always wins.
* The same non-terminal rank (``applying`` / ``running``): the newer ``occurred_at`` wins.
* Terminal statuses share the top rank: the first to arrive wins.
* ``unknown`` never moves a run; it is recorded (and noted in the thread).

An event that moves the run brings its fields along; any other event only fills in
fields still missing (commit, actor, links, plan ...).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from workflows.notifications.tables import as_utc
from workflows.runs.events import (
    TERMINAL_STATUSES,
    PlanCounts,
    RunEvent,
    RunKind,
    RunLink,
    RunStatus,
    status_rank,
)

PLAN_COLUMNS = ("plan_add", "plan_change", "plan_destroy", "plan_replace", "plan_imported")


def plan_from_columns(values: dict[str, Any] | Any) -> PlanCounts | None:
    """Plan counts from a row's ``plan_*`` columns (None when there is no plan)."""
    getter = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    numbers = [getter(name) for name in PLAN_COLUMNS]
    if all(number is None for number in numbers):
        return None
    return PlanCounts(*(int(number or 0) for number in numbers))


def links_from_json(value: Any) -> tuple[RunLink, ...]:
    """Links stored as ``[{"label", "url"}]``."""
    if not isinstance(value, list):
        return ()
    return tuple(
        RunLink(str(item.get("label", "")), str(item["url"]))
        for item in value
        if isinstance(item, dict) and item.get("url")
    )


@dataclass
class RunState:
    """The mutable copy of a ``notify_runs`` row that accepting events works on."""

    id: int
    run_key: str
    source: str
    run_id: str
    kind: str
    component: str | None
    entity_ref: str | None
    environment: str | None
    title: str | None
    status: str
    status_rank: int
    raw_status: str | None
    status_at: datetime | None
    applied: bool
    actor: str | None
    commit_sha: str | None
    commit_message: str | None
    links: list[dict[str, str]] | None
    plan_add: int | None
    plan_change: int | None
    plan_destroy: int | None
    plan_replace: int | None
    plan_imported: int | None
    note: str | None
    first_event_at: datetime | None
    last_event_at: datetime | None
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> RunState:
        """The state of a selected ``notify_runs`` row."""
        mapping = row._mapping
        return cls(**{f.name: mapping[f.name] for f in fields(cls)})

    def values(self) -> dict[str, Any]:
        """The column values to write back."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def shown(self) -> tuple[Any, ...]:
        """What a run card shows, to tell whether an event changed it."""
        return (
            self.status,
            self.raw_status,
            self.component,
            self.entity_ref,
            self.environment,
            self.title,
            self.actor,
            self.commit_sha,
            self.commit_message,
            self.links,
            tuple(getattr(self, name) for name in PLAN_COLUMNS),
            self.note,
        )

    @property
    def run_status(self) -> RunStatus:
        """The status as a :class:`RunStatus`."""
        return RunStatus(self.status)

    @property
    def run_kind(self) -> RunKind:
        """The kind as a :class:`RunKind` (unknown kinds read as workflow runs)."""
        try:
            return RunKind(self.kind)
        except ValueError:
            return RunKind.WORKFLOW

    @property
    def plan(self) -> PlanCounts | None:
        """The plan counts, if any."""
        return plan_from_columns(self.values())


@dataclass(frozen=True, slots=True)
class EventEffect:
    """What one event did to a run."""

    moved: bool
    """The run's status changed to the event's."""
    changed: bool
    """Something a card shows changed."""


def new_run_values(event: RunEvent, now: datetime) -> dict[str, Any]:
    """The row a run starts as, before any of its events is applied."""
    return {
        "run_key": event.run_key,
        "source": event.source,
        "run_id": event.run_id,
        "kind": event.kind.value,
        "status": RunStatus.UNKNOWN.value,
        "status_rank": status_rank(RunStatus.UNKNOWN),
        "applied": False,
        "created_at": now,
        "updated_at": now,
    }


def _moves(state: RunState, event: RunEvent) -> bool:
    if event.status is RunStatus.UNKNOWN:
        return False
    rank = status_rank(event.status)
    if rank > state.status_rank:
        return True
    if rank < state.status_rank or event.status in TERMINAL_STATUSES:
        return False
    return state.status_at is None or as_utc(event.occurred_at) > state.status_at


def _take(state: RunState, event: RunEvent, *, overwrite: bool) -> None:
    carried: dict[str, Any] = {
        "component": event.component,
        "environment": event.environment,
        "title": event.title,
        "actor": event.actor,
        "commit_sha": event.commit,
        "commit_message": event.commit_message,
        "links": [{"label": link.label, "url": link.url} for link in event.links] or None,
    }
    for name, value in carried.items():
        if value is None:
            continue
        if name == "component" and state.component is not None:
            continue
        if overwrite or getattr(state, name) is None:
            setattr(state, name, value)
    if event.plan is not None and (overwrite or state.plan is None):
        for name, number in zip(PLAN_COLUMNS, _plan_numbers(event.plan), strict=True):
            setattr(state, name, number)


def _plan_numbers(plan: PlanCounts) -> tuple[int, ...]:
    return (plan.add, plan.change, plan.destroy, plan.replace, plan.imported)


def apply_event(state: RunState, event: RunEvent) -> EventEffect:
    """Apply ``event`` to ``state`` in place and say what it did."""
    before = state.shown()
    occurred = as_utc(event.occurred_at)
    if state.first_event_at is None or occurred < state.first_event_at:
        state.first_event_at = occurred
    if state.last_event_at is None or occurred > state.last_event_at:
        state.last_event_at = occurred
    if event.status is RunStatus.APPLYING:
        state.applied = True
    moved = _moves(state, event)
    if moved:
        state.status = event.status.value
        state.status_rank = status_rank(event.status)
        state.raw_status = event.raw_status
        state.status_at = occurred
    _take(state, event, overwrite=moved)
    return EventEffect(moved=moved and before[0] != state.status, changed=before != state.shown())
