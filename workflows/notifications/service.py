"""Accepting run events: recorded once, merged into their run, queued for delivery.

:meth:`NotificationService.accept` does everything in one transaction, committed before it
returns, so a webhook answers 2xx only once its events are safe. A handful of statements
per batch whatever its size: insert new runs, lock the batch's runs, insert the events
(a repeated ``event_id`` is skipped by the database, also between replicas), write the
changed runs, their messages and their outbox items.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from workflows.notifications.digest import enqueue_digests
from workflows.notifications.directory import ComponentInfo
from workflows.notifications.messages import ReplyKind
from workflows.notifications.routing import (
    ChannelResolver,
    NotificationConfig,
    Router,
    RunFacts,
    Target,
    check_channels,
)
from workflows.notifications.run_state import RunState, apply_event, new_run_values
from workflows.notifications.sql import (
    chunks,
    dialect_of,
    insert_events,
    insert_items,
    insert_runs,
    upsert_cards,
    upsert_messages,
    write_transaction,
)
from workflows.notifications.tables import (
    CARD,
    DEAD,
    PENDING,
    REPLY,
    as_utc,
    messages,
    outbox,
    runs,
)
from workflows.runs.events import TERMINAL_STATUSES, RunEvent, RunStatus, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AcceptResult:
    """What :meth:`NotificationService.accept` did with a batch.

    Attributes:
        accepted: New events that changed their run or added a thread note.
        duplicates: Events whose ``event_id`` was seen before (or twice in the batch).
        ignored: New events, recorded, that changed nothing (late or repeated information).
    """

    accepted: int = 0
    duplicates: int = 0
    ignored: int = 0


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A dead letter: a delivery that will not be retried unless asked to.

    Attributes:
        id: The outbox item's id (for :meth:`NotificationService.retry_failed`).
        kind: ``card``, ``reply`` or ``digest``.
        channel: Where it was to go.
        run_key: The run (None for digests).
        error: Why it failed.
        attempts: Calls made.
        failed_at: When it became a dead letter.
    """

    id: int
    kind: str
    channel: str
    run_key: str | None
    error: str | None
    attempts: int
    failed_at: datetime


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


def card_key(run_key: str, channel: str) -> str:
    """The outbox key of a run's card in a channel (also the message's metadata key)."""
    return f"card:{_digest(run_key, channel)}"


def reply_key(run_key: str, channel: str, suffix: str) -> str:
    """The outbox key of a thread reply; ``suffix`` makes each reply of a card unique."""
    return f"reply:{_digest(run_key, channel)}:{suffix}"


@dataclass
class _RunWork:
    state: RunState
    events: list[RunEvent]
    changed: bool = False
    replies: list[tuple[str, ReplyKind, RunEvent]] = field(default_factory=list)


class NotificationService:
    """Takes run events in and keeps the outbox of their Slack messages.

    Args:
        sessions: Sessions on the database with the workflow tables.
        router: Decides the channels of each run.
        config: Delivery settings (coalescing) and digest channels.
        clock: The current time (UTC).
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        router: Router,
        config: NotificationConfig,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        """Accept events into the database behind ``sessions``."""
        self._sessions = sessions
        self._router = router
        self._config = config
        self._clock = clock

    def accept(self, events: Sequence[RunEvent]) -> AcceptResult:
        """Record ``events`` and queue what they change, in one committed transaction.

        Returns:
            Counts of accepted, duplicate and ignored events.
        """
        unique: dict[str, RunEvent] = {}
        duplicates = 0
        for event in events:
            if event.event_id in unique:
                duplicates += 1
            else:
                unique[event.event_id] = event
        if not unique:
            return AcceptResult(duplicates=duplicates)
        for hint in {e.component for e in unique.values() if e.component}:
            self._router.component(hint)
        now = as_utc(self._clock())
        by_run: dict[str, list[RunEvent]] = defaultdict(list)
        for event in unique.values():
            by_run[event.run_key].append(event)
        with write_transaction(self._sessions) as session:
            work = self._lock_runs(session, by_run, now)
            new_ids = self._insert_events(session, work, unique, now)
            accepted = ignored = 0
            for item in work.values():
                item.events = sorted(
                    (e for e in item.events if e.event_id in new_ids),
                    key=lambda e: as_utc(e.occurred_at),
                )
                item.replies = []
                item.changed = bool(item.events) and item.state.first_event_at is None
                for event in item.events:
                    effect = apply_event(item.state, event)
                    item.changed = item.changed or effect.changed
                    noted = self._reply_for(event, effect.moved)
                    if noted is not None:
                        item.replies.append((noted[0], noted[1], event))
                    if effect.changed or noted is not None:
                        accepted += 1
                    else:
                        ignored += 1
            touched = [w for w in work.values() if w.events]
            self._route(session, touched, now)
        return AcceptResult(accepted, duplicates + len(unique) - len(new_ids), ignored)

    def _lock_runs(
        self, session: Session, by_run: dict[str, list[RunEvent]], now: datetime
    ) -> dict[str, _RunWork]:
        keys = sorted(by_run)
        fresh = [new_run_values(by_run[key][0], now) for key in keys]
        session.execute(insert_runs(dialect_of(session)), fresh)
        work: dict[str, _RunWork] = {}
        for part in chunks(keys):
            rows = session.execute(
                select(runs).where(runs.c.run_key.in_(part)).order_by(runs.c.id).with_for_update()
            )
            for row in rows:
                state = RunState.from_row(row)
                work[state.run_key] = _RunWork(state, by_run[state.run_key])
        return work

    @staticmethod
    def _insert_events(
        session: Session, work: dict[str, _RunWork], unique: dict[str, RunEvent], now: datetime
    ) -> set[str]:
        rows = [
            {
                "event_id": e.event_id,
                "run_pk": work[e.run_key].state.id,
                "status": e.status.value,
                "raw_status": e.raw_status[:200] if e.raw_status else None,
                "occurred_at": e.occurred_at,
                "received_at": now,
                "detail": e.detail,
            }
            for e in unique.values()
        ]
        new_ids = set(session.scalars(insert_events(dialect_of(session)), rows))
        return new_ids

    @staticmethod
    def _reply_for(event: RunEvent, moved: bool) -> tuple[str, ReplyKind] | None:
        if event.status is RunStatus.UNKNOWN:
            return f"unknown:{_digest(event.raw_status)}", ReplyKind.UNKNOWN_STATUS
        if not moved:
            return None
        if event.status in TERMINAL_STATUSES:
            if event.status is RunStatus.SUCCEEDED:
                return ("end", ReplyKind.DETAIL) if event.detail or event.summary else None
            return "end", ReplyKind.FAILURE
        text = event.summary or event.detail
        if text and (event.status is RunStatus.PLANNED or event.plan is not None):
            return f"plan:{_digest(text)}", ReplyKind.PLAN
        return None

    def _facts(self, state: RunState) -> tuple[RunFacts, ComponentInfo | None]:
        component = self._router.component(state.component)
        facts = RunFacts(
            source=state.source,
            kind=state.run_kind,
            status=state.run_status,
            environment=state.environment,
            component_hint=state.component,
            component=component,
        )
        return facts, component

    def _route(self, session: Session, touched: list[_RunWork], now: datetime) -> None:
        targets: dict[int, list[Target]] = {}
        for item in touched:
            state = item.state
            facts, component = self._facts(state)
            note = self._router.note(facts)
            entity_ref = component.ref if component is not None else None
            if (note, entity_ref) != (state.note, state.entity_ref):
                state.note, state.entity_ref = note, entity_ref
                item.changed = True
            if item.changed or item.replies:
                targets[state.id] = self._router.targets(facts)
        changed = [item for item in touched if item.changed]
        for item in changed:
            item.state.updated_at = now
        self._write_runs(session, [w.state for w in touched])
        message_rows = [
            {
                "run_pk": run_pk,
                "channel": target.channel,
                "digest": target.digest,
                "created_at": now,
            }
            for run_pk, found in targets.items()
            for target in found
        ]
        if not message_rows:
            return
        session.execute(upsert_messages(dialect_of(session)), message_rows)
        ids: dict[tuple[int, str], int] = {}
        for run_pks in chunks(sorted(targets)):
            for row in session.execute(
                select(messages.c.id, messages.c.run_pk, messages.c.channel).where(
                    messages.c.run_pk.in_(run_pks)
                )
            ):
                ids[(row.run_pk, row.channel)] = row.id
        due = now + timedelta(seconds=self._config.delivery.coalesce_seconds)
        cards: list[dict[str, Any]] = []
        replies: list[dict[str, Any]] = []
        for item in touched:
            state = item.state
            for target in targets.get(state.id, ()):
                message_id = ids[(state.id, target.channel)]
                if item.changed:
                    cards.append(
                        self._item(CARD, card_key(state.run_key, target.channel), target, now)
                        | {"message_id": message_id, "due_at": due}
                    )
                for suffix, kind, event in item.replies:
                    payload = {
                        "reply": kind.value,
                        "status": event.status.value,
                        "raw_status": event.raw_status,
                        "body": event.summary or event.detail or "",
                        "formatted": event.summary is not None,
                        "oncall": kind is ReplyKind.FAILURE
                        and event.status is RunStatus.FAILED
                        and target.also_oncall,
                    }
                    if kind is ReplyKind.FAILURE and not (payload["body"] or payload["oncall"]):
                        continue
                    key = reply_key(state.run_key, target.channel, suffix)
                    replies.append(
                        self._item(REPLY, key, target, now)
                        | {"message_id": message_id, "payload": payload}
                    )
        if cards:
            session.execute(upsert_cards(dialect_of(session)), cards)
        if replies:
            session.execute(insert_items(dialect_of(session)), replies)

    @staticmethod
    def _item(kind: str, key: str, target: Target, now: datetime) -> dict[str, Any]:
        return {
            "key": key,
            "kind": kind,
            "channel": target.channel,
            "message_id": None,
            "payload": None,
            "state": PENDING,
            "due_at": now,
            "wanted": 1,
            "sent": 0,
            "attempts": 0,
            "settled": 0,
            "failures": 0,
            "created_at": now,
            "updated_at": now,
        }

    @staticmethod
    def _write_runs(session: Session, states: list[RunState]) -> None:
        if not states:
            return
        columns = [c.name for c in runs.columns if c.name not in ("id", "run_key", "created_at")]
        stmt = update(runs).where(runs.c.id == bindparam("b_id"))
        rows = []
        for state in states:
            values = state.values()
            rows.append({"b_id": state.id} | {name: values[name] for name in columns})
        session.execute(stmt, rows)

    def enqueue_digests(self, now: datetime | None = None) -> int:
        """Queue today's digest of every digest channel (once per channel and day).

        Returns:
            How many digests were queued by this call.
        """
        return enqueue_digests(self._sessions, self._config, now or self._clock())

    def check_channels(self, resolver: ChannelResolver) -> list[str]:
        """The configured channels the workspace does not have."""
        return check_channels(self._config, resolver)

    def failed_deliveries(self, limit: int = 50) -> list[FailedDelivery]:
        """Dead letters, newest first."""
        with self._sessions() as session:
            rows = session.execute(
                select(
                    outbox.c.id,
                    outbox.c.kind,
                    outbox.c.channel,
                    runs.c.run_key,
                    outbox.c.last_error,
                    outbox.c.attempts,
                    outbox.c.done_at,
                    outbox.c.updated_at,
                )
                .select_from(outbox)
                .outerjoin(messages, messages.c.id == outbox.c.message_id)
                .outerjoin(runs, runs.c.id == messages.c.run_pk)
                .where(outbox.c.state == DEAD)
                .order_by(outbox.c.updated_at.desc(), outbox.c.id.desc())
                .limit(limit)
            ).all()
        return [
            FailedDelivery(
                id=row.id,
                kind=row.kind,
                channel=row.channel,
                run_key=row.run_key,
                error=row.last_error,
                attempts=row.attempts,
                failed_at=row.done_at or row.updated_at,
            )
            for row in rows
        ]

    def retry_failed(self, item_id: int) -> bool:
        """Give a dead letter another chance now (a card's stranded replies come along).

        Returns:
            False when ``item_id`` is not a dead letter.
        """
        now = as_utc(self._clock())
        revive = {
            "state": PENDING,
            "due_at": now,
            "failures": 0,
            "claimed_by": None,
            "claimed_until": None,
            "updated_at": now,
            "done_at": None,
        }
        with write_transaction(self._sessions) as session:
            row = session.execute(
                update(outbox)
                .where(outbox.c.id == item_id, outbox.c.state == DEAD)
                .values(revive)
                .returning(outbox.c.kind, outbox.c.message_id)
            ).first()
            if row is None:
                return False
            if row.kind == CARD and row.message_id is not None:
                session.execute(
                    update(outbox)
                    .where(
                        outbox.c.message_id == row.message_id,
                        outbox.c.kind == REPLY,
                        outbox.c.state == DEAD,
                        outbox.c.last_error.like("the run's card was not posted%"),
                    )
                    .values(revive)
                )
        log.info("dead letter %s queued again", item_id)
        return True
