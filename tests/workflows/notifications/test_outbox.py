"""Delivering the outbox: coalescing, pacing, retries, dead letters, crashed workers."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from tests.conftest import CatalogDb
from tests.workflows.notifications.conftest import START, Clock, Events
from tests.workflows.notifications.recording_chat import AfterPost, Crash, RecordingChat
from tests.workflows.notifications.stack import FAST, Stack
from workflows.notifications.directory import StaticOnCall
from workflows.notifications.messages import ReplyKind, RunCard, ThreadReply
from workflows.notifications.outbox import ChatResult
from workflows.notifications.routing import NotificationConfig, Route
from workflows.runs.events import RunStatus

CONFIG = NotificationConfig(default_channel="#deploys", delivery=FAST)


def run_key_of(message: object) -> str:
    assert isinstance(message, RunCard | ThreadReply)
    return message.run_key


def test_a_burst_of_events_becomes_one_post(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    statuses = ["queued", "running"] + ["running"] * 7 + ["succeeded"]
    for index, status in enumerate(statuses):
        stack.service.accept([events("r1", status, index, actor=f"user{index}")])
        clock.advance(0.05)
    stack.drain(step=0.25)
    writes = chat.writes()
    assert [c.method for c in writes].count("post") == 1
    assert [c.method for c in writes].count("update") <= 1
    (posted,) = chat.messages_in("C0PAYMENTS")
    assert isinstance(posted.message, RunCard)
    assert posted.message.status is RunStatus.SUCCEEDED and posted.message.actor == "user9"


def test_changes_while_a_card_is_in_flight_make_one_more_update(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "queued", 0)])
    clock.advance(1)
    claimed = stack.worker._claim("w-test", 10)
    assert len(claimed) == 1
    stack.service.accept([events("r1", "running", 1)])
    stack.service.accept([events("r1", "succeeded", 2)])
    stack.worker._deliver("w-test", claimed[0])
    stack.drain()
    assert [c.method for c in chat.writes()] == ["post", "update"]
    (posted,) = chat.messages_in("C0PAYMENTS")
    assert isinstance(posted.message, RunCard) and posted.message.status is RunStatus.SUCCEEDED


def test_slack_calls_per_run_stay_within_status_changes_plus_two(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    config = NotificationConfig(
        default_channel="#deploys",
        routes=(
            Route(environments=("production",), channel="#releases"),
            Route(statuses=("failed",), also_oncall=True),
        ),
        delivery=FAST,
    )
    stack = Stack(
        db.sessions,
        clock,
        chat,
        config,
        oncall=StaticOnCall({"component:default/payment-service": ["U0ALICE"]}),
    )
    changes: dict[str, set[str]] = defaultdict(set)
    plans = ["queued", "planning", "planned", "applying", "succeeded"]
    for run in range(6):
        run_id = f"r{run}"
        flow = plans if run % 2 else ["queued", "running", "weird-status", "running", "failed"]
        env = "production" if run % 3 == 0 else "staging"
        for step, status in enumerate(flow):
            detail = "details" if status in ("planned", "failed", "succeeded") else None
            stack.service.accept([events(run_id, status, step, environment=env, detail=detail)])
            changes[f"generic:{run_id}"].add(status)
            stack.drain(step=0.4 + run * 0.3)
    per_run = Counter(run_key_of(c.message) for c in chat.writes())
    per_message = Counter((c.channel, run_key_of(c.message)) for c in chat.writes())
    assert {channel for channel, _run in per_message} == {"C0PAYMENTS", "#releases"}
    for (_channel, run_key), number in per_message.items():
        assert number <= len(changes[run_key]) + 2
    for run_key, seen in changes.items():
        channels = 2 if run_key in ("generic:r0", "generic:r3") else 1
        assert per_run[run_key] <= channels * (len(seen) + 2), run_key
    assert sum(per_run.values()) > len(changes) * 3
    assert all(n == 1 for n in chat.posts_per_key().values())


def test_each_channel_is_written_at_most_once_per_interval_across_workers(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    other = stack.new_worker("w2")
    stack.service.accept([events(f"r{i}", "running", i) for i in range(5)])
    clock.advance(1)
    for _ in range(40):
        stack.worker.run_once()
        other.run_once()
        clock.advance(0.25)
    writes = [c for c in chat.writes() if c.channel == "C0PAYMENTS"]
    assert len(writes) == 5
    times = [c.at for c in writes if c.at is not None]
    assert all(b - a >= timedelta(seconds=1) for a, b in itertools.pairwise(times))


def test_a_rate_limit_waits_for_retry_after(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    chat.failures.append(("post", None, ChatResult.rate_limited(7)))
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0)])
    stack.drain()
    first, second = chat.writes()
    assert first.at is not None and second.at is not None
    assert second.at - first.at >= timedelta(seconds=7)
    assert all(n == 1 for n in chat.posts_per_key().values())
    assert stack.outbox_states() == {"done": 1}


def test_server_errors_are_retried_with_backoff(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    chat.failures += [("post", None, ChatResult.failure("internal_error"))] * 2
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0)])
    stack.drain(step=0.5)
    posts = [c for c in chat.writes() if c.method == "post"]
    assert len(posts) == 3 and len(chat.posted) == 1
    gaps = [b.at - a.at for a, b in itertools.pairwise(posts)]  # type: ignore[operator]
    assert gaps[0] >= timedelta(seconds=1) and gaps[1] >= timedelta(seconds=2)


def test_a_timeout_after_slack_posted_does_not_post_twice(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    chat.failures.append(("post", None, AfterPost(ChatResult.failure("timeout"))))
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0), events("r1", "failed", 1, detail="boom")])
    stack.drain()
    assert all(n == 1 for n in chat.posts_per_key().values())
    card, reply = chat.messages_in("C0PAYMENTS")
    assert reply.thread_ts == card.ts
    assert any(c.method == "find_posted" for c in chat.calls)


def test_a_reply_whose_answer_was_lost_is_found_in_its_thread(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0)])
    stack.drain()
    chat.failures.append(("post", None, AfterPost(ChatResult.failure("timeout"))))
    stack.service.accept([events("r1", "failed", 1, detail="boom")])
    stack.drain()
    card, reply = chat.messages_in("C0PAYMENTS")
    assert reply.thread_ts == card.ts and isinstance(reply.message, ThreadReply)
    (search,) = [c for c in chat.calls if c.method == "find_posted"]
    assert (search.thread_ts, search.key) == (card.ts, reply.key)
    assert stack.outbox_states() == {"done": 2}


def test_a_worker_that_dies_after_posting_is_taken_over_without_a_duplicate(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    chat.failures.append(("post", None, Crash))
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0)])
    clock.advance(1)
    with pytest.raises(Crash):
        stack.worker.run_once()
    survivor = stack.new_worker("w2")
    assert survivor.run_once() == 0
    clock.advance(FAST.lease_seconds + 1)
    assert survivor.run_once() == 1
    assert chat.posts_per_key() == Counter({next(iter(chat.posts_per_key())): 1})
    assert [c.method for c in chat.calls] == ["post", "find_posted", "update"]
    stack.service.accept([events("r1", "succeeded", 5)])
    drain_calls = len(chat.calls)
    clock.advance(2)
    survivor.run_once()
    assert [c.method for c in chat.calls[drain_calls:]] == ["update"]


def test_permanent_errors_are_dead_letters_listed_and_retried(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    config = NotificationConfig(
        default_channel="#deploys",
        routes=(Route(environments=("production",), channel="#releases"),),
        delivery=FAST,
    )
    chat.channels = {"C0PAYMENTS"}
    stack = Stack(db.sessions, clock, chat, config)
    stack.service.accept(
        [
            events("r1", "running", 0, environment="production"),
            events("r1", "failed", 1, environment="production", detail="boom"),
        ]
    )
    stack.drain()
    assert len(chat.messages_in("C0PAYMENTS")) == 2
    failed = stack.service.failed_deliveries()
    assert {(f.kind, f.channel) for f in failed} == {("card", "#releases"), ("reply", "#releases")}
    card = next(f for f in failed if f.kind == "card")
    assert card.error == "channel_not_found" and card.run_key == "generic:r1"
    assert card.attempts == 1 and card.failed_at >= START
    chat.channels.add("#releases")
    assert stack.service.retry_failed(card.id)
    assert not stack.service.retry_failed(card.id)
    stack.drain()
    assert len(chat.messages_in("#releases")) == 2
    assert stack.service.failed_deliveries() == []


def test_repeated_transient_failures_end_as_a_dead_letter(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    chat.failures += [("post", None, ChatResult.failure("service_unavailable"))] * 10
    stack = Stack(db.sessions, clock, chat, CONFIG)
    stack.service.accept([events("r1", "running", 0)])
    stack.drain()
    (dead,) = stack.service.failed_deliveries()
    assert dead.error == f"service_unavailable (after {FAST.max_failures} failures)"
    assert dead.attempts == FAST.max_failures
    assert stack.outbox_states() == {"dead": 1}


def test_a_failure_routed_to_on_call_mentions_them_in_the_thread(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    config = NotificationConfig(
        default_channel="#deploys",
        routes=(Route(statuses=("failed",), also_oncall=True),),
        delivery=FAST,
    )
    oncall = StaticOnCall({"component:default/payment-service": ["U0ALICE", "U0BOB"]})
    stack = Stack(db.sessions, clock, chat, config, oncall=oncall)
    stack.service.accept([events("r1", "running", 0), events("r1", "failed", 1, detail="boom")])
    stack.service.accept([events("r2", "running", 0), events("r2", "succeeded", 1)])
    stack.drain()
    replies = [p.message for p in chat.posted.values() if isinstance(p.message, ThreadReply)]
    (reply,) = replies
    assert reply.kind is ReplyKind.FAILURE and reply.run_key == "generic:r1"
    assert reply.mention_user_ids == ("U0ALICE", "U0BOB") and reply.body == "boom"
