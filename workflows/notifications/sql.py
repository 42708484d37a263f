"""Statements that differ per dialect (``INSERT ... ON CONFLICT`` on SQLite and PostgreSQL),
built once per dialect so that SQLAlchemy's statement cache serves every later call; rows
are passed as executemany parameters."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, case, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import ReturningInsert

from catalog_store.db.engine import SQLITE_BEGIN_OPTION
from workflows.notifications.tables import (
    DONE,
    PENDING,
    channel_pacing,
    messages,
    outbox,
    run_events,
    runs,
)

T = TypeVar("T")
Insert = postgresql.Insert | sqlite.Insert

CHUNK = 400
"""Most values in one ``IN (...)`` list."""


_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer_lock(sessions: sessionmaker[Session]) -> AbstractContextManager[Any]:
    """One lock per SQLite database file in this process; nothing on PostgreSQL."""
    bind = sessions.kw.get("bind")
    if bind is None or bind.dialect.name != "sqlite":
        return nullcontext()
    key = str(bind.url)
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction that writes, committed at the end of the block.

    SQLite takes one writer at a time and makes the others sleep and poll for the lock;
    writers of this process queue on a lock of their own instead, so a write waits only
    as long as the one before it, and connections are not held while waiting. PostgreSQL
    writers run side by side (rows are locked where it matters).
    """
    with _writer_lock(sessions), sessions.begin() as session:
        if session.get_bind().dialect.name == "sqlite":
            session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
        yield session


def dialect_of(session: Session) -> str:
    """The name of the session's dialect.

    Raises:
        NotImplementedError: The engine is neither SQLite nor PostgreSQL.
    """
    name = session.get_bind().dialect.name
    if name not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"notifications need SQLite or PostgreSQL, not {name}")
    return name


def is_postgresql(session: Session) -> bool:
    """Whether the session works on PostgreSQL."""
    return dialect_of(session) == "postgresql"


def _insert(dialect: str, table: Table) -> Insert:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


@cache
def insert_runs(dialect: str) -> Insert:
    """Insert runs, skipping those that exist."""
    return _insert(dialect, runs).on_conflict_do_nothing(index_elements=[runs.c.run_key])


@cache
def insert_events(dialect: str) -> ReturningInsert[Any]:
    """Insert events, skipping known event ids, returning the ids inserted."""
    return (
        _insert(dialect, run_events)
        .on_conflict_do_nothing(index_elements=[run_events.c.event_id])
        .returning(run_events.c.event_id)
    )


@cache
def upsert_messages(dialect: str) -> Insert:
    """Insert a run's message in a channel, or turn its digest flag on."""
    stmt = _insert(dialect, messages)
    return stmt.on_conflict_do_update(
        index_elements=[messages.c.run_pk, messages.c.channel],
        set_={"digest": or_(messages.c.digest, stmt.excluded.digest)},
    )


@cache
def upsert_cards(dialect: str) -> Insert:
    """Insert a card item, or record one more wanted version (re-arming a delivered card)."""
    stmt = _insert(dialect, outbox)
    rearm = outbox.c.state == DONE
    return stmt.on_conflict_do_update(
        index_elements=[outbox.c.key],
        set_={
            "wanted": outbox.c.wanted + 1,
            "state": case((rearm, PENDING), else_=outbox.c.state),
            "due_at": case((rearm, stmt.excluded.due_at), else_=outbox.c.due_at),
            "updated_at": stmt.excluded.updated_at,
        },
    )


@cache
def insert_items(dialect: str) -> ReturningInsert[Any]:
    """Insert outbox items (replies, digests), skipping known keys, returning new ids."""
    return (
        _insert(dialect, outbox)
        .on_conflict_do_nothing(index_elements=[outbox.c.key])
        .returning(outbox.c.id)
    )


@cache
def pace_channels(dialect: str) -> Insert:
    """Set a channel's next allowed write time, never earlier than it already is."""
    stmt = _insert(dialect, channel_pacing)
    later = channel_pacing.c.next_at > stmt.excluded.next_at
    return stmt.on_conflict_do_update(
        index_elements=[channel_pacing.c.channel],
        set_={"next_at": case((later, channel_pacing.c.next_at), else_=stmt.excluded.next_at)},
    )


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """Slices of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
