"""Run notifications: one Slack message per run that updates in place as the run moves.

* :class:`NotificationService` accepts :class:`~workflows.runs.events.RunEvent` values (one
  committed transaction per batch; repeated event ids are skipped), routes each run to its
  channels and queues deliveries in the outbox; it also queues digests and lists and
  retries dead letters.
* :class:`OutboxWorker` delivers the outbox through a :class:`ChatPort` (implemented over
  Slack by the bot), coalescing, pacing each channel and retrying; several workers and
  replicas share one database.
* :mod:`workflows.notifications.routing` holds the configuration (:class:`NotificationConfig`,
  :class:`Route`); :mod:`workflows.notifications.directory` finds components in the catalog
  (:class:`CatalogRunDirectory`) and declares :class:`OnCallLookup`.
* :mod:`workflows.notifications.messages` holds what the bot renders: :class:`RunCard`,
  :class:`ThreadReply`, :class:`Digest`.
"""

from workflows.notifications.directory import (
    CatalogRunDirectory,
    ComponentInfo,
    InMemoryRunDirectory,
    OnCallLookup,
    RunDirectory,
    StaticOnCall,
)
from workflows.notifications.messages import (
    ChatMessage,
    Digest,
    DigestEntry,
    ReplyKind,
    RunCard,
    StatusStep,
    ThreadReply,
)
from workflows.notifications.outbox import PERMANENT_ERRORS, ChatPort, ChatResult, OutboxWorker
from workflows.notifications.routing import (
    ChannelResolver,
    DeliveryConfig,
    NotificationConfig,
    Route,
    Router,
    check_channels,
    normalize_channel,
)
from workflows.notifications.service import AcceptResult, FailedDelivery, NotificationService

__all__ = [
    "PERMANENT_ERRORS",
    "AcceptResult",
    "CatalogRunDirectory",
    "ChannelResolver",
    "ChatMessage",
    "ChatPort",
    "ChatResult",
    "ComponentInfo",
    "DeliveryConfig",
    "Digest",
    "DigestEntry",
    "FailedDelivery",
    "InMemoryRunDirectory",
    "NotificationConfig",
    "NotificationService",
    "OnCallLookup",
    "OutboxWorker",
    "ReplyKind",
    "Route",
    "Router",
    "RunCard",
    "RunDirectory",
    "StaticOnCall",
    "StatusStep",
    "ThreadReply",
    "check_channels",
    "normalize_channel",
]
