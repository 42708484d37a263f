"""The notification tables: runs, the events received about them, their Slack messages,
the outbox of deliveries still to make, and per-channel pacing shared by every replica."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

metadata = MetaData()

CARD = "card"
"""Outbox item kind: a run's card in a channel (posted once, then updated)."""
REPLY = "reply"
"""Outbox item kind: a reply in a card's thread."""
DIGEST = "digest"
"""Outbox item kind: a channel's digest."""
PENDING = "pending"
"""Outbox state: to be delivered when due."""
DONE = "done"
"""Outbox state: delivered (a card goes back to pending when its run changes)."""
DEAD = "dead"
"""Outbox state: a dead letter, kept with its reason until retried."""


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive value is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC on every engine (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store ``value`` converted to UTC."""
        return None if value is None else as_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Read a stored value as an aware UTC datetime."""
        return None if value is None else as_utc(value)


runs = Table(
    "notify_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_key", String(500), nullable=False, unique=True),
    Column("source", String(64), nullable=False),
    Column("run_id", String(400), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("component", String(400), nullable=True),
    Column("entity_ref", String(400), nullable=True, index=True),
    Column("environment", String(200), nullable=True),
    Column("title", Text, nullable=True),
    Column("status", String(32), nullable=False),
    Column("status_rank", Integer, nullable=False),
    Column("raw_status", String(200), nullable=True),
    Column("status_at", UtcDateTime, nullable=True),
    Column("applied", Boolean, nullable=False, default=False),
    Column("actor", String(200), nullable=True),
    Column("commit_sha", String(80), nullable=True),
    Column("commit_message", Text, nullable=True),
    Column("links", JSON, nullable=True),
    Column("plan_add", Integer, nullable=True),
    Column("plan_change", Integer, nullable=True),
    Column("plan_destroy", Integer, nullable=True),
    Column("plan_replace", Integer, nullable=True),
    Column("plan_imported", Integer, nullable=True),
    Column("note", Text, nullable=True),
    Column("first_event_at", UtcDateTime, nullable=True),
    Column("last_event_at", UtcDateTime, nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
"""One row per run ``(source, run_id)``: its furthest status and the latest known fields."""

run_events = Table(
    "notify_run_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(200), nullable=False, unique=True),
    Column("run_pk", Integer, ForeignKey("notify_runs.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(32), nullable=False),
    Column("raw_status", String(200), nullable=True),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("detail", Text, nullable=True),
    Index("ix_notify_run_events_run_pk_occurred_at", "run_pk", "occurred_at"),
)
"""Every event received, once per ``event_id`` (a repeated delivery finds its row)."""

messages = Table(
    "notify_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_pk", Integer, ForeignKey("notify_runs.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(100), nullable=False),
    Column("ts", String(40), nullable=True),
    Column("digest", Boolean, nullable=False, default=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("posted_at", UtcDateTime, nullable=True),
    UniqueConstraint("run_pk", "channel", name="uq_notify_messages_run_pk_channel"),
    Index("ix_notify_messages_channel_created_at", "channel", "created_at"),
)
"""The run's card in one channel: the Slack ``ts`` once posted; replies go to its thread."""

outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("channel", String(100), nullable=False),
    Column(
        "message_id",
        Integer,
        ForeignKey("notify_messages.id", ondelete="CASCADE"),
        nullable=True,
        index=True,
    ),
    Column("payload", JSON, nullable=True),
    Column("state", String(16), nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("wanted", Integer, nullable=False, default=1),
    Column("sent", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),
    Column("settled", Integer, nullable=False, default=0),
    Column("failures", Integer, nullable=False, default=0),
    Column("claimed_by", String(200), nullable=True),
    Column("claimed_until", UtcDateTime, nullable=True),
    Column("ts", String(40), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime, nullable=True),
    Index("ix_notify_outbox_state_due_at", "state", "due_at"),
)
"""Deliveries to make: a run card (one row per message, re-armed by new events), a thread
reply, or a digest. ``state`` is ``pending``, ``done`` or ``dead`` (a dead letter).

``wanted``/``sent`` count card versions (an event bumps ``wanted``; a delivery sends the
newest state and records the ``wanted`` it saw). ``attempts`` counts claims and ``settled``
the attempts whose outcome is known; a claim with an unsettled earlier attempt may have
reached Slack, so it looks for the message before posting again."""

channel_pacing = Table(
    "notify_channel_pacing",
    metadata,
    Column("channel", String(100), primary_key=True),
    Column("next_at", UtcDateTime, nullable=False),
)
"""The earliest time a channel may be written to again, shared by every replica."""
