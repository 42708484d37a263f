"""``notifications check|failed|retry``: is run-notification routing healthy, and what did
not reach Slack.

* ``check``: every channel the routing rules name (the default channel, each route's
  channel), whether Slack knows it, and which rules use it.
* ``failed``: the dead letters, newest first: deliveries Slack refused for good
  (``channel_not_found``, an archived channel ...) or that failed too often.
* ``retry ID``: give one dead letter another chance, once its cause is fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from commands.errors import CommandError
from workflows.notifications.service import FailedDelivery

FAILED_LIMIT = 20


@dataclass(frozen=True, slots=True)
class ChannelStatus:
    """A channel the routing names.

    Attributes:
        channel: As configured (``#deploys`` or ``C0123``).
        channel_id: Slack's id for it; None when Slack does not know it.
        used_by: What sends runs there (``default channel``, route names).
    """

    channel: str
    channel_id: str | None
    used_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotificationsCheck:
    """The answer to ``notifications check``.

    Attributes:
        channels: Every channel the routing names.
        enabled: Whether notifications are configured at all.
        problem: Why the channels could not be checked (Slack unreachable ...), if so.
    """

    channels: tuple[ChannelStatus, ...]
    enabled: bool = True
    problem: str | None = None

    @property
    def unknown(self) -> tuple[ChannelStatus, ...]:
        """The channels Slack does not know."""
        return tuple(c for c in self.channels if c.channel_id is None)


@dataclass(frozen=True, slots=True)
class NotificationsFailed:
    """The answer to ``notifications failed`` (and ``retry``).

    Attributes:
        items: Dead letters, newest first.
        retried: The id given another chance, for ``retry``.
    """

    items: tuple[FailedDelivery, ...]
    retried: int | None = None


class NotificationDesk(Protocol):
    """What the ``notifications`` command asks (the running bot provides it)."""

    def check(self) -> NotificationsCheck:
        """Every routed channel, checked against Slack."""
        ...

    def failed(self, limit: int) -> Sequence[FailedDelivery]:
        """Dead letters, newest first."""
        ...

    def retry(self, item_id: int) -> bool:
        """Queue a dead letter again; False when ``item_id`` is not one."""
        ...


NotificationsReply = NotificationsCheck | NotificationsFailed


def notifications(desk: NotificationDesk | None, text: str) -> NotificationsReply:
    """Answer ``notifications check``, ``notifications failed`` or ``notifications retry ID``.

    Raises:
        CommandError: notifications are not set up, or the words are not a subcommand.
    """
    words = text.split()
    if desk is None:
        raise CommandError(
            "Run notifications are not set up here: add `notifications:` and `webhooks:` "
            "to callboard.yaml."
        )
    action = words[0].lower() if words else "check"
    if action == "check" and len(words) <= 1:
        return desk.check()
    if action in ("failed", "dead") and len(words) <= 1:
        return NotificationsFailed(tuple(desk.failed(FAILED_LIMIT)))
    if action == "retry" and len(words) == 2 and words[1].isdigit():
        item_id = int(words[1])
        if not desk.retry(item_id):
            raise CommandError(
                f"There is no failed delivery {item_id}; `notifications failed` lists them."
            )
        return NotificationsFailed(tuple(desk.failed(FAILED_LIMIT)), retried=item_id)
    raise CommandError(
        "Say `notifications check`, `notifications failed` or `notifications retry ID`."
    )
