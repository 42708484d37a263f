"""``notifications check|failed|retry`` through the router, with a desk in memory."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime

from commands.dispatch import CommandRouter, ErrorReply, Invocation
from commands.notifications import ChannelStatus, NotificationsCheck, NotificationsFailed
from commands.services import Discovery
from workflows.notifications.service import FailedDelivery

DEAD = FailedDelivery(
    id=7,
    kind="card",
    channel="C0GONE",
    run_key="github:1",
    error="channel_not_found",
    attempts=1,
    failed_at=datetime(2026, 11, 22, 8, 0, tzinfo=UTC),
)


class Desk:
    def __init__(self) -> None:
        self.dead = [DEAD]
        self.retried: list[int] = []

    def check(self) -> NotificationsCheck:
        return NotificationsCheck(
            (
                ChannelStatus("#deploys", "C0DEPLOYS", ("default channel",)),
                ChannelStatus("#gone", None, ("production releases",)),
            )
        )

    def failed(self, limit: int) -> Sequence[FailedDelivery]:
        return self.dead[:limit]

    def retry(self, item_id: int) -> bool:
        if item_id != DEAD.id:
            return False
        self.retried.append(item_id)
        self.dead = []
        return True


def router_with(discovery: Discovery, desk: Desk | None) -> CommandRouter:
    return CommandRouter(dataclasses.replace(discovery, notifications=desk))


def test_check_lists_unknown_channels(discovery: Discovery) -> None:
    reply = router_with(discovery, Desk()).handle(Invocation("notifications check"))
    assert isinstance(reply, NotificationsCheck)
    assert [c.channel for c in reply.unknown] == ["#gone"]
    bare = router_with(discovery, Desk()).handle(Invocation("", verb="notifications"))
    assert isinstance(bare, NotificationsCheck)


def test_failed_and_retry(discovery: Discovery) -> None:
    desk = Desk()
    router = router_with(discovery, desk)
    failed = router.handle(Invocation("notifications failed"))
    assert isinstance(failed, NotificationsFailed) and failed.items == (DEAD,)
    retried = router.handle(Invocation("notifications retry 7"))
    assert isinstance(retried, NotificationsFailed)
    assert retried.retried == 7 and retried.items == () and desk.retried == [7]
    missing = router.handle(Invocation("notifications retry 8"))
    assert isinstance(missing, ErrorReply) and "no failed delivery 8" in missing.message


def test_bad_subcommands_and_no_setup_are_explained(discovery: Discovery) -> None:
    for text in ("notifications explode", "notifications retry x", "notifications check now"):
        reply = router_with(discovery, Desk()).handle(Invocation(text))
        assert isinstance(reply, ErrorReply) and "notifications check" in reply.message
    off = router_with(discovery, None).handle(Invocation("notifications failed"))
    assert isinstance(off, ErrorReply) and "not set up" in off.message
