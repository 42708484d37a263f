"""Event receipts: the first delivery of an ``event_id`` wins, across replicas."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.slack_app.event_receipts import EventReceipts
from bot.slack_app.schema import migrate_slack_tables
from bot.slack_app.tables import event_receipts
from catalog_store.db.engine import create_catalog_engine


def test_replicas_agree_on_who_handles_an_event(database_url: str) -> None:
    engines = [create_catalog_engine(database_url) for _ in range(4)]
    try:
        migrate_slack_tables(engines[0])
        replicas = [EventReceipts(engine) for engine in engines]
        wins: list[tuple[str, int]] = []
        lock = threading.Lock()
        start = threading.Barrier(len(replicas) * 2)

        def deliver(index: int, event_id: str) -> None:
            start.wait()
            if replicas[index].claim(event_id, "T0ACME"):
                with lock:
                    wins.append((event_id, index))

        threads = [
            threading.Thread(target=deliver, args=(i % 4, event_id))
            for i, event_id in enumerate(["Ev1"] * 4 + ["Ev2"] * 4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(event_id for event_id, _ in wins) == ["Ev1", "Ev2"]
        assert not replicas[0].claim("Ev1") and replicas[0].claim("Ev3")
    finally:
        for engine in engines:
            engine.dispose()


def test_old_receipts_are_swept(database_url: str) -> None:
    engine = create_catalog_engine(database_url)
    try:
        migrate_slack_tables(engine)
        now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
        clock = [now]
        receipts = EventReceipts(
            engine, retention=timedelta(hours=1), sweep_every=0.0, clock=lambda: clock[0]
        )
        assert receipts.claim("EvOld")
        clock[0] = now + timedelta(minutes=30)
        assert receipts.claim("EvMid")
        clock[0] = now + timedelta(minutes=80)
        assert receipts.claim("EvNew")
        with engine.connect() as connection:
            ids = connection.scalars(select(event_receipts.c.event_id)).all()
            assert sorted(ids) == ["EvMid", "EvNew"]
            assert connection.scalar(select(func.count()).select_from(event_receipts)) == 2
        assert receipts.claim("EvOld")
    finally:
        engine.dispose()
