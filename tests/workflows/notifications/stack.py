"""A notification service and its workers over one database, for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.workflows.notifications.conftest import Clock, drain
from tests.workflows.notifications.recording_chat import RecordingChat
from workflows.notifications.directory import (
    ComponentInfo,
    InMemoryRunDirectory,
    OnCallLookup,
    RunDirectory,
)
from workflows.notifications.outbox import OutboxWorker
from workflows.notifications.routing import DeliveryConfig, NotificationConfig, Router
from workflows.notifications.service import NotificationService
from workflows.notifications.tables import outbox

PAYMENTS = ComponentInfo(
    ref="component:default/payment-service",
    name="payment-service",
    title="Payment Service",
    owner_ref="group:default/payments-team",
    owner_channel="C0PAYMENTS",
)
FAST = DeliveryConfig(
    coalesce_seconds=1.0,
    channel_interval_seconds=1.0,
    lease_seconds=30.0,
    backoff_seconds=1.0,
    max_backoff_seconds=4.0,
    max_failures=4,
)


@dataclass
class Stack:
    """Service, worker and chat over one database."""

    sessions: sessionmaker[Session]
    clock: Clock
    chat: RecordingChat
    config: NotificationConfig
    directory: RunDirectory = field(default_factory=lambda: InMemoryRunDirectory([PAYMENTS]))
    oncall: OnCallLookup | None = None

    def __post_init__(self) -> None:
        self.service = NotificationService(
            self.sessions, Router(self.config, self.directory), self.config, clock=self.clock
        )
        self.worker = self.new_worker("w1")

    def new_worker(self, worker_id: str) -> OutboxWorker:
        return OutboxWorker(
            self.sessions,
            self.chat,
            self.config,
            worker_id=worker_id,
            clock=self.clock,
            oncall=self.oncall,
        )

    def drain(self, step: float = 1.0) -> int:
        return drain(self.worker.run_once, self.clock, step=step)

    def outbox_states(self) -> dict[str, int]:
        with self.sessions() as session:
            rows = session.execute(
                select(outbox.c.state, func.count()).group_by(outbox.c.state)
            ).all()
        return {state: count for state, count in rows}
