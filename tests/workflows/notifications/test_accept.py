"""Accepting events: once per event id, statuses only forward, fields filled in."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from tests.conftest import CatalogDb
from tests.workflows.notifications.conftest import Clock, Events
from tests.workflows.notifications.recording_chat import RecordingChat
from tests.workflows.notifications.stack import FAST, Stack
from workflows.notifications.messages import ReplyKind, RunCard, ThreadReply
from workflows.notifications.routing import NotificationConfig
from workflows.notifications.service import AcceptResult
from workflows.notifications.tables import messages, outbox, run_events, runs
from workflows.runs.events import PlanCounts, RunKind, RunLink, RunStatus

CONFIG = NotificationConfig(default_channel="#deploys", delivery=FAST)


def run_row(db: CatalogDb, run_id: str) -> dict[str, Any]:
    with db.sessions() as session:
        row = session.execute(select(runs).where(runs.c.run_id == run_id)).one()
    return dict(row._mapping)


def count(db: CatalogDb, table: object) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)  # type: ignore[arg-type]


def test_a_repeated_event_is_counted_and_changes_nothing(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    first = events("r1", "running", 1)
    assert stack.service.accept([first, first]) == AcceptResult(accepted=1, duplicates=1)
    before = run_row(db, "r1")
    assert stack.service.accept([first]) == AcceptResult(duplicates=1)
    assert run_row(db, "r1") == before
    assert count(db, run_events) == 1
    assert stack.service.accept([]) == AcceptResult()


def test_late_and_lower_statuses_never_move_a_run_back(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "succeeded", 30)])
    result = stack.service.accept([events("r1", "running", 10), events("r1", "queued", 0)])
    assert result == AcceptResult(ignored=2)
    assert run_row(db, "r1")["status"] == "succeeded"
    stack.service.accept([events("r1", "failed", 40)])
    assert run_row(db, "r1")["status"] == "succeeded"


def test_equal_ranks_take_the_newer_event_and_fields_fill_in(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "applying", 20, actor=None)])
    stack.service.accept([events("r1", "running", 10, actor="alice", commit="abc1234def")])
    row = run_row(db, "r1")
    assert (row["status"], row["actor"], row["commit_sha"]) == ("applying", "alice", "abc1234def")
    stack.service.accept(
        [
            events(
                "r1",
                "running",
                25,
                actor="bob",
                links=(RunLink("Run", "https://ci.example/r1"),),
                plan=PlanCounts(1, 2, 0),
            )
        ]
    )
    row = run_row(db, "r1")
    assert (row["status"], row["actor"]) == ("running", "bob")
    assert row["links"] == [{"label": "Run", "url": "https://ci.example/r1"}]
    assert (row["plan_add"], row["plan_change"], row["plan_destroy"]) == (1, 2, 0)
    assert row["first_event_at"] < row["last_event_at"]


def test_an_unknown_status_is_noted_in_the_thread_without_moving_the_run(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 1)])
    result = stack.service.accept([events("r1", "half-deployed", 2)])
    assert result == AcceptResult(accepted=1)
    assert run_row(db, "r1")["status"] == "running"
    stack.drain()
    card, note = stack.chat.messages_in("C0PAYMENTS")
    assert isinstance(card.message, RunCard) and card.message.status is RunStatus.RUNNING
    assert isinstance(note.message, ThreadReply) and note.thread_ts == card.ts
    assert note.message.kind is ReplyKind.UNKNOWN_STATUS
    assert "half-deployed" in note.message.text
    again = stack.service.accept([events("r1", "half-deployed", 3)])
    assert again == AcceptResult(accepted=1)
    stack.drain()
    assert len(stack.chat.messages_in("C0PAYMENTS")) == 2


def test_a_run_seen_only_through_unknown_statuses_still_gets_its_card(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "weird", 1)])
    stack.drain()
    card, note = stack.chat.messages_in("C0PAYMENTS")
    assert isinstance(card.message, RunCard) and card.message.status is RunStatus.UNKNOWN
    assert note.thread_ts == card.ts


def test_a_card_shows_the_latest_state_with_its_history(
    db: CatalogDb, clock: Clock, chat: RecordingChat
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    tf = Events(kind=RunKind.TERRAFORM, defaults={"component": "payment-service"})
    stack.service.accept(
        [
            tf("run-1", "queued", 0, title="payments-prod", environment="production"),
            tf("run-1", "planning", 5, commit="0123456789abcdef", commit_message="Bump"),
            tf("run-1", "planned", 9, plan=PlanCounts(3, 1, 0), detail="+ aws_s3_bucket.logs"),
        ]
    )
    stack.drain()
    card, plan = stack.chat.messages_in("C0PAYMENTS")
    assert isinstance(card.message, RunCard)
    assert [step.status for step in card.message.history] == [
        RunStatus.QUEUED,
        RunStatus.PLANNING,
        RunStatus.PLANNED,
    ]
    assert card.message.commit_short == "0123456"
    assert card.message.text == "Terraform run payments-prod (production): planned +3 ~1 \u22120"
    assert isinstance(plan.message, ThreadReply) and plan.message.kind is ReplyKind.PLAN
    assert plan.message.body == "+ aws_s3_bucket.logs"


def test_concurrent_accepts_of_the_same_events_record_each_once(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stacks = [Stack(db.sessions, clock, chat, CONFIG) for _ in range(4)]
    batch = [events(f"r{i % 5}", status, i) for i, status in enumerate(["queued", "running"] * 10)]
    results: list[AcceptResult] = []
    barrier = threading.Barrier(len(stacks))

    def accept(stack: Stack) -> None:
        barrier.wait()
        results.append(stack.service.accept(batch))

    threads = [threading.Thread(target=accept, args=(stack,)) for stack in stacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.accepted + r.ignored for r in results) == len(batch)
    assert sum(r.duplicates for r in results) == len(batch) * (len(stacks) - 1)
    assert count(db, run_events) == len(batch)
    assert count(db, runs) == 5
    with db.sessions() as session:
        cards = session.scalars(select(outbox.c.key).where(outbox.c.kind == "card")).all()
        assert len(cards) == len(set(cards)) == count(db, messages) == 5
