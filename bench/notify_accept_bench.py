"""Webhook answer latency: ``accept`` of one event per call, with workers delivering.

Run: ``python -m bench.notify_accept_bench --events 5000
[--database-url postgresql+psycopg://...]`` (default: a SQLite file in a temp folder).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from workflows.migrations import migrate_workflow_tables
from workflows.notifications.directory import ComponentInfo, InMemoryRunDirectory
from workflows.notifications.messages import ChatMessage
from workflows.notifications.outbox import ChatResult, OutboxWorker
from workflows.notifications.routing import DeliveryConfig, NotificationConfig, Router
from workflows.notifications.service import NotificationService
from workflows.notifications.tables import PENDING, outbox
from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id

FLOW = (RunStatus.QUEUED, RunStatus.PLANNING, RunStatus.PLANNED, RunStatus.APPLYING)
END = (RunStatus.SUCCEEDED, RunStatus.FAILED)


class QuietChat:
    """Answers every call at once."""

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def _next(self) -> str:
        with self._lock:
            self.calls += 1
            return f"1700000000.{self.calls:06d}"

    def post(
        self, channel: str, message: ChatMessage, *, thread_ts: str | None, key: str
    ) -> ChatResult:
        return ChatResult.success(self._next())

    def update(self, channel: str, ts: str, message: ChatMessage) -> ChatResult:
        self._next()
        return ChatResult.success(ts)

    def find_posted(
        self, channel: str, key: str, since: datetime, *, thread_ts: str | None = None
    ) -> str | None:
        return None


def events(count: int) -> list[RunEvent]:
    """``count`` events of runs going through five statuses, runs interleaved."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    runs = max(1, count // 5)
    found: list[RunEvent] = []
    for step in range(5):
        for run in range(runs):
            status = FLOW[step] if step < 4 else END[run % 2]
            found.append(
                RunEvent(
                    source="terraform-cloud",
                    run_id=f"run-{run}",
                    kind=RunKind.TERRAFORM,
                    status=status,
                    raw_status=status.value,
                    occurred_at=start + timedelta(seconds=step * 10 + run / 1000),
                    event_id=derived_event_id(run, step),
                    component=f"svc-{run % 50}",
                    environment="production" if run % 3 == 0 else "staging",
                    detail="plan text" if status is RunStatus.PLANNED else None,
                )
            )
    return found[:count]


def main() -> None:
    """Measure and print the latency percentiles."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{Path(folder) / 'latency.db'}"
    engine = create_catalog_engine(url)
    migrate(engine)
    migrate_workflow_tables(engine)
    sessions = make_sessionmaker(engine)
    components = [
        ComponentInfo(f"component:default/svc-{i}", f"svc-{i}", channel=f"C0SVC{i:02d}")
        for i in range(50)
    ]
    config = NotificationConfig(
        default_channel="#deploys",
        delivery=DeliveryConfig(channel_interval_seconds=0.05, coalesce_seconds=0.2),
    )
    service = NotificationService(
        sessions, Router(config, InMemoryRunDirectory(components)), config
    )
    chat = QuietChat()
    stop = threading.Event()
    workers = [
        threading.Thread(
            target=OutboxWorker(sessions, chat, config, worker_id=f"w{i}").run_forever,
            args=(stop,),
        )
        for i in range(args.workers)
    ]
    for worker in workers:
        worker.start()
    timings: list[float] = []
    drained = float("nan")
    try:
        for event in events(args.events):
            began = time.perf_counter()
            service.accept([event])
            timings.append((time.perf_counter() - began) * 1000)
        finished = time.perf_counter()
        while args.workers and time.perf_counter() - finished < 300:
            with sessions() as session:
                left = session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.state == PENDING)
                )
            if not left:
                drained = time.perf_counter() - finished
                break
            time.sleep(0.05)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        engine.dispose()
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"{engine.dialect.name}: {len(timings)} accepts, one event each, {args.workers} workers "
        f"delivering: p50 {cuts[49]:.1f} ms, p95 {cuts[94]:.1f} ms, p99 {cuts[98]:.1f} ms, "
        f"max {max(timings):.1f} ms; {chat.calls} chat calls, outbox empty {drained:.1f} s "
        "after the last accept"
    )


if __name__ == "__main__":
    main()
