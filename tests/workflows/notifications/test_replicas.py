"""Two replicas on one database: every message posted exactly once, channels paced."""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter, defaultdict
from datetime import timedelta

from sqlalchemy import func, select

from catalog_store.db.engine import create_catalog_engine, make_sessionmaker
from tests.conftest import CatalogDb
from tests.workflows.notifications.conftest import Events
from tests.workflows.notifications.recording_chat import Call, RecordingChat
from workflows.notifications.directory import ComponentInfo, InMemoryRunDirectory
from workflows.notifications.messages import RunCard
from workflows.notifications.outbox import OutboxWorker
from workflows.notifications.routing import DeliveryConfig, NotificationConfig, Router
from workflows.notifications.service import NotificationService
from workflows.notifications.tables import outbox
from workflows.runs.events import RunStatus, utc_now

RUNS = 200
CHANNELS = 20
INTERVAL = 0.02


def test_two_replicas_deliver_200_runs_exactly_once(db: CatalogDb) -> None:
    components = [
        ComponentInfo(f"component:default/svc-{i}", f"svc-{i}", channel=f"C0SVC{i:02d}")
        for i in range(CHANNELS)
    ]
    config = NotificationConfig(
        default_channel="#deploys",
        delivery=DeliveryConfig(
            coalesce_seconds=0.05, channel_interval_seconds=INTERVAL, lease_seconds=30
        ),
    )
    chat = RecordingChat(utc_now)
    engines = [create_catalog_engine(db.url) for _ in range(2)]
    replicas = [make_sessionmaker(engine) for engine in engines]
    services = [
        NotificationService(s, Router(config, InMemoryRunDirectory(components)), config)
        for s in replicas
    ]
    workers = [
        OutboxWorker(s, chat, config, worker_id=f"replica-{i}-{t}")
        for i, s in enumerate(replicas)
        for t in range(2)
    ]
    stop = threading.Event()
    threads = [threading.Thread(target=w.run_forever, args=(stop,)) for w in workers]
    for thread in threads:
        thread.start()
    make = Events()
    try:
        for step, status in enumerate(["queued", "running", "succeeded"]):
            for run in range(RUNS):
                event = make(f"r{run}", status, step, component=f"svc-{run % CHANNELS}")
                services[run % 2].accept([event])
                services[(run + 1) % 2].accept([event])
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with replicas[0]() as session:
                left = session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.state != "done")
                )
            if not left:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()
    assert left == 0
    cards = [p for p in chat.posted.values() if isinstance(p.message, RunCard)]
    assert len(cards) == RUNS == len(chat.posts_per_key())
    assert set(chat.posts_per_key().values()) == {1}
    assert {p.message.status for p in cards} == {RunStatus.SUCCEEDED}  # type: ignore[union-attr]
    per_run = Counter(p.message.run_key for p in cards)  # type: ignore[union-attr]
    assert set(per_run.values()) == {1}
    writes: dict[str, list[Call]] = defaultdict(list)
    for call in chat.writes():
        writes[call.channel].append(call)
    for calls in writes.values():
        times = sorted(c.at for c in calls if c.at is not None)
        assert all(b - a >= timedelta(seconds=INTERVAL) for a, b in itertools.pairwise(times))
    assert len(chat.writes()) <= RUNS * 3
