"""Secrets and signatures the way each source produces them, for the webhook tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from workflows.webhooks import InboundDelivery, WebhookSecrets, parse_webhook
from workflows.webhooks.generic import sign

NOW = datetime(2024, 5, 1, 10, 5, tzinfo=UTC)

SECRETS = WebhookSecrets(
    terraform_cloud="tfc-notification-token-7f3a",
    github="gh-webhook-secret-91c2",
    argocd="argocd-bearer-token-55de",
    humanitec="humanitec-bearer-token-0b8e",
    generic="generic-hmac-key-c41d",
)


def encode(payload: Any) -> bytes:
    """A payload as the raw bytes a sender would post."""
    return json.dumps(payload).encode("utf-8")


def tfc_headers(body: bytes, secret: str | None = SECRETS.terraform_cloud) -> dict[str, str]:
    """HCP Terraform's headers: hex HMAC-SHA512 of the body with the notification token."""
    assert secret is not None
    digest = hmac.new(secret.encode(), body, hashlib.sha512).hexdigest()
    return {"Content-Type": "application/json", "X-TFE-Notification-Signature": digest}


def github_headers(
    body: bytes,
    event: str,
    delivery: str | None = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    secret: str | None = SECRETS.github,
) -> dict[str, str]:
    """GitHub's headers: ``sha256=`` HMAC of the body, the event name and the delivery id."""
    assert secret is not None
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/044aadd",
        "X-GitHub-Event": event,
        "X-GitHub-Hook-ID": "292430182",
        "X-Hub-Signature-256": f"sha256={digest}",
    }
    if delivery is not None:
        headers["X-GitHub-Delivery"] = delivery
    return headers


def bearer_headers(secret: str | None) -> dict[str, str]:
    """The headers Argo CD's and Humanitec's webhooks send: a bearer token."""
    assert secret is not None
    return {"Content-Type": "application/json", "Authorization": f"Bearer {secret}"}


def generic_headers(
    body: bytes, timestamp: datetime = NOW, secret: str | None = SECRETS.generic
) -> dict[str, str]:
    """The generic format's timestamped signature."""
    assert secret is not None
    return {"Content-Type": "application/json", **sign(secret, body, int(timestamp.timestamp()))}


def deliver(source: str, payload: Any, **header_options: Any) -> InboundDelivery:
    """Sign ``payload`` as ``source`` does and parse it with the test secrets."""
    body = encode(payload)
    if source == "terraform-cloud":
        headers = tfc_headers(body)
    elif source == "github":
        headers = github_headers(body, **header_options)
    elif source == "argocd":
        headers = bearer_headers(SECRETS.argocd)
    elif source == "humanitec":
        headers = bearer_headers(SECRETS.humanitec)
    else:
        headers = generic_headers(body, **header_options)
    return parse_webhook(source, headers, body, SECRETS, now=NOW)
