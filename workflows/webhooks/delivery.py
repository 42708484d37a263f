"""What a verified delivery turns into, and the secrets deliveries are verified with."""

from __future__ import annotations

from dataclasses import dataclass

from workflows.runs.events import RunEvent

SOURCES = ("terraform-cloud", "github", "argocd", "humanitec", "generic")
"""The sources Callboard accepts webhooks from, as they appear in the route."""

MAX_BODY_BYTES = 1_000_000
"""Bodies larger than this are refused (413) before anything else is done with them."""


@dataclass(frozen=True, slots=True)
class WebhookSecrets:
    """One secret per source; ``None`` (or an empty string) leaves that source disabled.

    Attributes:
        terraform_cloud: The notification configuration's token (HMAC-SHA512 key).
        github: The webhook secret (HMAC-SHA256 key).
        argocd: The bearer token Argo CD's webhook service sends.
        humanitec: The bearer token Humanitec's webhook sends.
        generic: The key of the generic format's timestamped HMAC-SHA256 signature.
    """

    terraform_cloud: str | None = None
    github: str | None = None
    argocd: str | None = None
    humanitec: str | None = None
    generic: str | None = None

    def for_source(self, source: str) -> str | None:
        """The secret of ``source`` (one of :data:`SOURCES`), or None when it is disabled."""
        if source not in SOURCES:
            return None
        secret: str | None = getattr(self, source.replace("-", "_"))
        return secret or None

    @property
    def enabled(self) -> tuple[str, ...]:
        """The sources that have a secret, in :data:`SOURCES` order."""
        return tuple(source for source in SOURCES if self.for_source(source))

    def __repr__(self) -> str:
        return f"WebhookSecrets(enabled={self.enabled!r})"

    def __str__(self) -> str:
        return repr(self)


@dataclass(frozen=True, slots=True)
class InboundDelivery:
    """A verified, translated delivery.

    Attributes:
        source: The source it came from (one of :data:`SOURCES`).
        delivery_id: The sender's id for this delivery, when it gives one (GitHub's
            ``X-GitHub-Delivery``, the generic format's ``event_id``).
        events: The run events it carries, in the order the payload lists them.
        ping: True for a verification or ping delivery: answer 200, there is no event.
        ignored: Why a verified delivery carries no run event (an event type Callboard does
            not follow); answer 2xx so the sender does not retry it.
    """

    source: str
    delivery_id: str | None
    events: tuple[RunEvent, ...]
    ping: bool = False
    ignored: str | None = None
