"""Digests: deployed, failed and drifting runs of a channel, once per channel and day."""

from __future__ import annotations

import threading
from datetime import timedelta

from tests.conftest import CatalogDb
from tests.workflows.notifications.conftest import Clock, Events
from tests.workflows.notifications.recording_chat import RecordingChat
from tests.workflows.notifications.stack import FAST, Stack
from workflows.notifications.messages import Digest
from workflows.notifications.routing import NotificationConfig, Route
from workflows.runs.events import PlanCounts, RunKind

CONFIG = NotificationConfig(
    default_channel="#deploys",
    digest_default_channel=True,
    routes=(
        Route(
            environments=("production",), kinds=("deployment",), channel="#releases", digest=True
        ),
        Route(kinds=("terraform",), digest=True),
    ),
    delivery=FAST,
)


def digests(chat: RecordingChat) -> dict[str, Digest]:
    return {p.channel: p.message for p in chat.posted.values() if isinstance(p.message, Digest)}


def test_a_digest_lists_deployed_failed_and_drifting_runs_once_a_day(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stack = Stack(db.sessions, clock, chat, CONFIG)
    tf = Events(kind=RunKind.TERRAFORM, defaults={"component": "payment-service"})
    changes, none = PlanCounts(1, 0, 0), PlanCounts()
    stack.service.accept(
        [
            events("d1", "succeeded", 10, environment="production"),
            events("d2", "failed", 20, environment="production"),
            events("d3", "succeeded", 30, environment="staging"),
            tf("p1", "planned", 1, environment="ws-a", plan=changes),
            tf("p1", "succeeded", 2, environment="ws-a"),
            tf("p2", "succeeded", 40, environment="ws-a", plan=none),
            tf("p3", "succeeded", 5, environment="ws-b", plan=PlanCounts(0, 2, 1)),
            tf("a1", "applying", 6, environment="ws-c", plan=changes),
            tf("a1", "succeeded", 7, environment="ws-c"),
        ]
    )
    stack.drain()
    clock.advance(3600)
    assert stack.service.enqueue_digests() == 3
    assert stack.service.enqueue_digests() == 0
    stack.drain()
    found = digests(chat)
    assert set(found) == {"#releases", "#deploys", "C0PAYMENTS"}
    releases = found["#releases"]
    assert [e.run_key for e in releases.deployed] == ["generic:d1"]
    assert [e.run_key for e in releases.failed] == ["generic:d2"]
    assert releases.drifting == ()
    payments = found["C0PAYMENTS"]
    assert [e.run_key for e in payments.deployed] == ["generic:d3", "generic:d1"]
    assert [e.run_key for e in payments.drifting] == ["generic:p3"]
    assert payments.drifting[0].plan == PlanCounts(0, 2, 1)
    assert found["#deploys"].empty and found["#deploys"].text.startswith("Digest: 0 deployed")
    clock.advance(timedelta(days=1).total_seconds())
    assert stack.service.enqueue_digests() == 2


def test_replicas_enqueueing_at_once_make_one_digest_per_channel(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    stacks = [Stack(db.sessions, clock, chat, CONFIG) for _ in range(4)]
    stacks[0].service.accept([events("d1", "succeeded", 0, environment="production")])
    barrier = threading.Barrier(len(stacks))
    queued: list[int] = []

    def enqueue(stack: Stack) -> None:
        barrier.wait()
        queued.append(stack.service.enqueue_digests())

    threads = [threading.Thread(target=enqueue, args=(stack,)) for stack in stacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(queued) == [0, 0, 0, 2]
    stacks[0].drain()
    assert sorted(digests(chat)) == ["#deploys", "#releases"]
    assert all(n == 1 for n in chat.posts_per_key().values())
