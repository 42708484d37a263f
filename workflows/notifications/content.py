"""Building messages from the database at delivery time, so that a card shows the run's
latest state however many changes were coalesced into one update."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.notifications.messages import ReplyKind, RunCard, StatusStep, ThreadReply
from workflows.notifications.run_state import RunState, links_from_json
from workflows.notifications.tables import run_events, runs
from workflows.runs.events import TERMINAL_STATUSES, RunStatus, status_rank


def run_title(state: RunState) -> str:
    """The run's title, else its component's name, else its id."""
    return state.title or component_name(state) or state.run_id


def component_name(state: RunState) -> str | None:
    """The catalog name of the run's component, else the source's hint."""
    if state.entity_ref:
        return state.entity_ref.rsplit("/", 1)[-1]
    return state.component


def load_run(session: Session, run_pk: int) -> RunState | None:
    """The run with primary key ``run_pk``."""
    row = session.execute(select(runs).where(runs.c.id == run_pk)).first()
    return None if row is None else RunState.from_row(row)


def status_history(
    current: RunStatus, current_at: datetime | None, events: Sequence[Any]
) -> tuple[StatusStep, ...]:
    """The statuses a run went through, oldest first, from its events (``status``,
    ``raw_status``, ``occurred_at``), leaving out late arrivals the run never took."""
    steps: list[StatusStep] = []
    best = -1
    for event in sorted(events, key=lambda e: e.occurred_at):
        try:
            status = RunStatus(event.status)
        except ValueError:
            continue
        rank = status_rank(status)
        if status is RunStatus.UNKNOWN or rank < best:
            continue
        if status in TERMINAL_STATUSES and status is not current:
            continue
        if steps and steps[-1].status is status:
            continue
        if rank == best and steps and steps[-1].status in TERMINAL_STATUSES:
            continue
        steps.append(StatusStep(status, event.occurred_at, event.raw_status))
        best = max(best, rank)
    if current is not RunStatus.UNKNOWN and (not steps or steps[-1].status is not current):
        steps = [step for step in steps if step.status is not current]
        if current_at is not None:
            steps.append(StatusStep(current, current_at))
    return tuple(steps)


def build_card(session: Session, state: RunState) -> RunCard:
    """The card of ``state`` with its status history."""
    events = session.execute(
        select(run_events.c.status, run_events.c.raw_status, run_events.c.occurred_at).where(
            run_events.c.run_pk == state.id
        )
    ).all()
    status = state.run_status
    return RunCard(
        run_key=state.run_key,
        source=state.source,
        run_id=state.run_id,
        kind=state.run_kind,
        title=run_title(state),
        component=component_name(state),
        component_ref=state.entity_ref,
        environment=state.environment,
        status=status,
        raw_status=state.raw_status,
        history=status_history(status, state.status_at, events),
        plan=state.plan,
        actor=state.actor,
        commit=state.commit_sha,
        commit_message=state.commit_message,
        links=links_from_json(state.links),
        note=state.note,
        started_at=state.first_event_at,
        updated_at=state.last_event_at,
    )


def build_reply(
    state: RunState, payload: dict[str, Any], mention_user_ids: Sequence[str]
) -> ThreadReply:
    """A thread reply from its outbox payload and the people to mention."""
    try:
        status = RunStatus(payload.get("status", RunStatus.UNKNOWN.value))
    except ValueError:
        status = RunStatus.UNKNOWN
    raw = payload.get("raw_status")
    return ThreadReply(
        kind=ReplyKind(payload["reply"]),
        run_key=state.run_key,
        title=run_title(state),
        status=status,
        raw_status=raw if isinstance(raw, str) else None,
        body=str(payload.get("body") or ""),
        mention_user_ids=tuple(mention_user_ids),
        oncall_asked=bool(payload.get("oncall")),
        formatted=bool(payload.get("formatted")),
    )
