"""From a raw webhook request to run events: check, verify, parse, translate."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from workflows.runs.events import utc_now
from workflows.webhooks import argocd, generic, github, humanitec, terraform_cloud
from workflows.webhooks.delivery import MAX_BODY_BYTES, SOURCES, InboundDelivery, WebhookSecrets
from workflows.webhooks.errors import NOT_FOUND, TOO_LARGE, WebhookError
from workflows.webhooks.json_body import load_json_object
from workflows.webhooks.verify import lower_headers


def parse_webhook(
    source: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: WebhookSecrets,
    *,
    now: datetime | None = None,
) -> InboundDelivery:
    """Verify a delivery from ``source`` and translate it into run events.

    The steps run in this order, each before anything is done with the body's content:
    the source must be known and enabled (404), the body at most
    :data:`~workflows.webhooks.delivery.MAX_BODY_BYTES` (413), the signature or token
    right (401); only then is the body parsed as JSON and read (400 when it cannot be).
    The same delivery always gives the same event ids, so replays deduplicate downstream.

    Args:
        source: One of :data:`~workflows.webhooks.delivery.SOURCES`, from the route.
        headers: The request's headers (names are matched case-insensitively).
        body: The raw request body, exactly as received.
        secrets: The per-source secrets; a source without one is disabled.
        now: The current time, for the generic format's replay window (default: now;
            a naive value is taken as UTC).

    Returns:
        The delivery's run events, or a ping, or the reason it carries none.

    Raises:
        WebhookError: With the HTTP status to answer (404, 413, 401 or 400) and a message
            safe to show the sender.
    """
    secret = secrets.for_source(source) if source in SOURCES else None
    if secret is None:
        raise WebhookError(NOT_FOUND, "no webhook is enabled for this source")
    if len(body) > MAX_BODY_BYTES:
        raise WebhookError(TOO_LARGE, f"the body is larger than {MAX_BODY_BYTES} bytes")
    lowered = lower_headers(headers)
    if source == "terraform-cloud":
        terraform_cloud.verify(lowered, body, secret)
        return terraform_cloud.translate(load_json_object(body))
    if source == "github":
        github.verify(lowered, body, secret)
        return github.translate(load_json_object(body), lowered)
    if source == "argocd":
        argocd.verify(lowered, body, secret)
        return argocd.translate(load_json_object(body))
    if source == "humanitec":
        humanitec.verify(lowered, body, secret)
        return humanitec.translate(load_json_object(body))
    current = now or utc_now()
    if current.tzinfo is None:
        current = current.replace(tzinfo=UTC)
    generic.verify(lowered, body, secret, current)
    return generic.translate(load_json_object(body))
