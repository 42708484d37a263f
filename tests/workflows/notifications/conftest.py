"""Notification fixtures: migrated workflow tables, a settable clock, event factories."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import CatalogDb
from tests.workflows.notifications.recording_chat import RecordingChat
from workflows.migrations import migrate_workflow_tables
from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id

START = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand (thread-safe)."""

    def __init__(self, start: datetime = START) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


@pytest.fixture
def db(catalog_db: CatalogDb) -> CatalogDb:
    """A catalog database with the workflow tables."""
    migrate_workflow_tables(catalog_db.engine)
    return catalog_db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(clock: Clock) -> RecordingChat:
    return RecordingChat(clock)


@dataclass
class Events:
    """Builds events of runs: ``events("r1", "running", 5)`` is run r1 running at +5 s."""

    source: str = "generic"
    kind: RunKind = RunKind.DEPLOYMENT
    defaults: dict[str, Any] | None = None

    def __call__(self, run_id: str, status: str, at: float = 0, **fields: Any) -> RunEvent:
        values = dict(self.defaults or {}) | fields
        raw = values.pop("raw_status", status)
        known = status if status in {s.value for s in RunStatus} else RunStatus.UNKNOWN.value
        return RunEvent(
            source=values.pop("source", self.source),
            run_id=run_id,
            kind=values.pop("kind", self.kind),
            status=RunStatus(known),
            raw_status=raw,
            occurred_at=START + timedelta(seconds=at),
            event_id=values.pop("event_id", derived_event_id(run_id, status, raw, at)),
            **values,
        )


@pytest.fixture
def events() -> Events:
    return Events(defaults={"component": "payment-service", "environment": "staging"})


def drain(
    run_once: Callable[[], int], clock: Clock, *, step: float = 1.0, rounds: int = 200
) -> int:
    """Run a worker, moving the clock ``step`` seconds whenever nothing is due, until the
    outbox has been empty for a while; returns the items handled."""
    handled = idle = 0
    for _ in range(rounds):
        done = run_once()
        handled += done
        if done:
            idle = 0
            continue
        idle += 1
        if idle > 10:
            break
        clock.advance(step)
    return handled
