"""Digests: what a channel saw over a period (deployed, failed, drifting), once a day.

A channel gets a digest when a route with ``digest`` names it, when the default channel is
configured for one, or when it received a run through a route with ``digest`` during the
period. :func:`enqueue_digests` puts one outbox item per channel and day (a unique key, so
several replicas enqueueing at once make one digest).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflows.notifications.content import component_name, run_title
from workflows.notifications.messages import Digest, DigestEntry
from workflows.notifications.routing import NotificationConfig
from workflows.notifications.run_state import RunState, links_from_json
from workflows.notifications.sql import dialect_of, insert_items, write_transaction
from workflows.notifications.tables import DIGEST, PENDING, as_utc, messages, runs
from workflows.runs.events import RunKind, RunStatus

MAX_ENTRIES = 50
"""Most runs listed per section."""


def digest_key(channel: str, day: str) -> str:
    """The outbox key of a channel's digest of ``day`` (``YYYY-MM-DD``)."""
    return f"digest:{channel}:{day}"


def enqueue_digests(
    sessions: sessionmaker[Session], config: NotificationConfig, now: datetime
) -> int:
    """Queue today's digest of every digest channel (idempotent, also across replicas).

    Returns:
        How many digests were queued now (0 when they were queued before today).
    """
    end = as_utc(now)
    start = end - timedelta(hours=config.digest_hours)
    day = end.date().isoformat()
    with sessions() as session:
        routed = session.scalars(
            select(messages.c.channel)
            .where(messages.c.digest.is_(True), messages.c.created_at >= start)
            .distinct()
        ).all()
    channels = list(dict.fromkeys([*config.digest_channels(), *sorted(routed)]))
    if not channels:
        return 0
    rows: list[dict[str, Any]] = [
        {
            "key": digest_key(channel, day),
            "kind": DIGEST,
            "channel": channel,
            "message_id": None,
            "payload": {"start": start.isoformat(), "end": end.isoformat()},
            "state": PENDING,
            "due_at": end,
            "wanted": 1,
            "sent": 0,
            "attempts": 0,
            "settled": 0,
            "failures": 0,
            "created_at": end,
            "updated_at": end,
        }
        for channel in channels
    ]
    with write_transaction(sessions) as session:
        inserted = session.scalars(insert_items(dialect_of(session)), rows).all()
    return len(inserted)


def _entry(state: RunState) -> DigestEntry:
    links = links_from_json(state.links)
    return DigestEntry(
        run_key=state.run_key,
        kind=state.run_kind,
        title=run_title(state),
        component=component_name(state),
        environment=state.environment,
        status=state.run_status,
        at=state.status_at or state.last_event_at or state.updated_at,
        url=links[0].url if links else None,
        actor=state.actor,
        plan=state.plan,
    )


def _workspace(state: RunState) -> str:
    return (state.environment or state.title or state.entity_ref or state.component or "").lower()


def build_digest(session: Session, channel: str, start: datetime, end: datetime) -> Digest:
    """The digest of ``channel`` over ``[start, end)``, from the runs it was sent."""
    rows = session.execute(
        select(runs)
        .join(messages, messages.c.run_pk == runs.c.id)
        .where(
            messages.c.channel == channel,
            runs.c.last_event_at >= as_utc(start),
            runs.c.last_event_at < as_utc(end),
        )
        .order_by(runs.c.last_event_at.desc(), runs.c.id.desc())
    ).all()
    deployed: list[DigestEntry] = []
    failed: list[DigestEntry] = []
    drifting: list[DigestEntry] = []
    seen_workspaces: set[str] = set()
    for row in rows:
        state = RunState.from_row(row)
        status, kind = state.run_status, state.run_kind
        if status is RunStatus.FAILED:
            failed.append(_entry(state))
        elif status is RunStatus.SUCCEEDED and kind is RunKind.DEPLOYMENT:
            deployed.append(_entry(state))
        if kind is RunKind.TERRAFORM and status is RunStatus.SUCCEEDED and not state.applied:
            workspace = _workspace(state)
            if workspace in seen_workspaces:
                continue
            seen_workspaces.add(workspace)
            plan = state.plan
            if plan is not None and plan.has_changes:
                drifting.append(_entry(state))
    return Digest(
        channel=channel,
        period_start=as_utc(start),
        period_end=as_utc(end),
        deployed=tuple(deployed[:MAX_ENTRIES]),
        failed=tuple(failed[:MAX_ENTRIES]),
        drifting=tuple(drifting[:MAX_ENTRIES]),
    )
