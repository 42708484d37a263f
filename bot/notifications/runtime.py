"""Run notifications in a running Callboard: accepting events, delivering the outbox from
worker threads, the daily digest, and the answers of ``/idp notifications``.

Accepted events wait in the database until Slack takes them; with no Slack configured
they wait until it is. Every replica runs its own workers; they share the outbox.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.notifications.slack_chat import SlackChat
from bot.settings import NotificationSettings, Settings, WebhookSettings
from commands.notifications import ChannelStatus, NotificationsCheck
from commands.oncall import oncall
from commands.services import Discovery
from workflows.notifications.directory import CatalogRunDirectory
from workflows.notifications.outbox import OutboxWorker
from workflows.notifications.routing import (
    DeliveryConfig,
    NotificationConfig,
    Route,
    Router,
)
from workflows.notifications.service import FailedDelivery, NotificationService
from workflows.webhooks import WebhookSecrets

log = logging.getLogger(__name__)


def notification_config(settings: NotificationSettings) -> NotificationConfig:
    """The plain routing and delivery settings from ``notifications:``."""
    delivery = settings.delivery
    return NotificationConfig(
        default_channel=settings.default_channel,
        routes=tuple(
            Route(
                name=r.name,
                environments=tuple(r.environments),
                statuses=tuple(r.statuses),
                components=tuple(r.components),
                kinds=tuple(r.kinds),
                sources=tuple(r.sources),
                channel=r.channel,
                to_owner_channel=r.to_owner_channel,
                to_component_channel=r.to_component_channel,
                also_oncall=r.also_oncall,
                digest=r.digest,
            )
            for r in settings.routes
        ),
        component_channels=settings.component_channels,
        digest_default_channel=settings.digest.default_channel,
        digest_hours=settings.digest.hours,
        delivery=DeliveryConfig(
            coalesce_seconds=delivery.coalesce_seconds,
            channel_interval_seconds=delivery.channel_interval_seconds,
            lease_seconds=delivery.lease_seconds,
            max_failures=delivery.max_failures,
            backoff_seconds=delivery.backoff_seconds,
            max_backoff_seconds=delivery.max_backoff_seconds,
        ),
    )


def webhook_secrets(settings: WebhookSettings) -> WebhookSecrets:
    """The secret of each webhook source (None: the source is off)."""

    def value(section: object) -> str | None:
        secret = getattr(section, "secret", None)
        return secret.get_secret_value() if secret is not None else None

    return WebhookSecrets(
        terraform_cloud=value(settings.terraform_cloud),
        github=value(settings.github),
        argocd=value(settings.argocd),
        humanitec=value(settings.humanitec),
        generic=value(settings.generic),
    )


class DiscoveryOnCall:
    """Who to mention when a run fails: the people on call for the component now."""

    def __init__(self, discovery: Callable[[], Discovery]) -> None:
        """Ask the discovery services (built on first use)."""
        self._discovery = discovery

    def mentions(self, component_ref: str) -> Sequence[str]:
        """Slack user ids of the people on call for ``component_ref``."""
        reply = oncall(self._discovery(), component_ref)
        return list(dict.fromkeys(reply.mentions.values()))


@dataclass
class NotificationRuntime:
    """The notification service, its outbox workers and its health answers.

    Attributes:
        config: Routing and delivery.
        service: Accepts events; lists and retries dead letters.
        chat: Slack, when configured (else events wait in the outbox).
        workers: Outbox workers run as threads by :meth:`start`.
    """

    config: NotificationConfig
    service: NotificationService
    chat: SlackChat | None
    workers: list[OutboxWorker] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _threads: list[threading.Thread] = field(default_factory=list, repr=False)

    def start(self) -> None:
        """Start delivering (idempotent) and report unknown channels in the log."""
        if self._threads or not self.workers:
            return
        self._stop.clear()
        for index, worker in enumerate(self.workers):
            thread = threading.Thread(
                target=worker.run_forever, args=(self._stop,), name=f"outbox-{index}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        threading.Thread(target=self._report_channels, name="channel-check", daemon=True).start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the workers after the delivery under way."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def _report_channels(self) -> None:
        try:
            check = self.check()
        except Exception as exc:
            log.warning("checking notification channels failed: %s", type(exc).__name__)
            return
        if check.problem:
            log.warning("notification channels: %s", check.problem)
        for status in check.unknown:
            log.warning(
                "notification channel %s is unknown to Slack (used by %s)",
                status.channel,
                ", ".join(status.used_by),
            )

    # the notifications command

    def check(self) -> NotificationsCheck:
        """Every channel the routing names, checked against Slack."""
        used: dict[str, list[str]] = {}
        if self.config.default_channel:
            used.setdefault(self.config.default_channel, []).append("default channel")
        for index, route in enumerate(self.config.routes):
            if route.channel:
                used.setdefault(route.channel, []).append(route.name or f"route {index + 1}")
        if self.chat is None:
            statuses = tuple(ChannelStatus(c, None, tuple(u)) for c, u in used.items())
            return NotificationsCheck(statuses, problem="Slack is not configured: no bot token.")
        statuses_list = []
        problem = None
        for channel, users in used.items():
            try:
                found = self.chat.channel_id(channel)
            except Exception as exc:
                found = None
                problem = f"Slack could not be asked about every channel ({type(exc).__name__})."
            statuses_list.append(ChannelStatus(channel, found, tuple(users)))
        return NotificationsCheck(tuple(statuses_list), problem=problem)

    def failed(self, limit: int) -> Sequence[FailedDelivery]:
        """Dead letters, newest first."""
        return self.service.failed_deliveries(limit)

    def retry(self, item_id: int) -> bool:
        """Queue a dead letter again."""
        return self.service.retry_failed(item_id)

    def enqueue_digests(self, now: datetime | None = None) -> int:
        """Queue today's digests (once per channel and day, across replicas)."""
        return self.service.enqueue_digests(now)


def notifications_wanted(settings: Settings) -> bool:
    """Whether ``notifications:`` or ``webhooks:`` asks for anything."""
    n = settings.notifications
    return bool(n.default_channel or n.routes or webhook_secrets(settings.webhooks).enabled)


def build_notifications(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    chat: SlackChat | None,
    discovery: Callable[[], Discovery],
) -> NotificationRuntime:
    """The runtime: service, router over the catalog, and the outbox workers."""
    config = notification_config(settings.notifications)
    directory = CatalogRunDirectory(sessions, ownership=discovery().ownership)
    service = NotificationService(sessions, Router(config, directory), config)
    workers = []
    if chat is not None:
        name = f"{socket.gethostname()}:{os.getpid()}"
        workers = [
            OutboxWorker(
                sessions,
                chat,
                config,
                worker_id=f"{name}:{index}",
                oncall=DiscoveryOnCall(discovery),
            )
            for index in range(settings.notifications.delivery.workers)
        ]
    return NotificationRuntime(config=config, service=service, chat=chat, workers=workers)
