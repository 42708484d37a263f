"""Run-notification helpers for end-to-end tests: the config lines, signed webhooks, and
reading run cards back from the stand-in."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx

from bot.slack_standin import StoredMessage
from tests.bot.slack_app.conftest import Bot, MakeBot
from workflows.webhooks.generic import sign

GENERIC_SECRET = "generic-secret-0123456789"
TFC_TOKEN = "tfc-token-0123456789"
GITHUB_SECRET = "github-secret-0123456789"
NOTIFY_CONFIG = f"""
notifications:
  defaultChannel: "#platform"
  routes:
    - name: production releases
      environments: [production]
      channel: C0CHECKOUT
    - name: failures page on-call
      statuses: [failed]
      alsoOncall: true
  delivery:
    coalesceSeconds: 0.2
    channelIntervalSeconds: 0.05
    leaseSeconds: 3
    backoffSeconds: 0.2
    maxBackoffSeconds: 1
    maxFailures: 4
    workers: 2
webhooks:
  generic: {{secret: {GENERIC_SECRET}}}
  terraformCloud: {{secret: {TFC_TOKEN}}}
  github: {{secret: {GITHUB_SECRET}}}
"""


def notify_bot(make_bot: MakeBot, **options: Any) -> Bot:
    """A bot with notifications routed to the stand-in's channels."""
    return make_bot(extra_slack=NOTIFY_CONFIG + str(options.pop("extra", "")), **options)


def generic_event(run_id: str, status: str, **fields: Any) -> dict[str, Any]:
    """One event of the generic format (a deployment of payment-service by default)."""
    event: dict[str, Any] = {
        "source": "jenkins",
        "run_id": run_id,
        "kind": "deployment",
        "status": status,
        "occurred_at": fields.pop("occurred_at", "2026-11-22T09:00:00Z"),
        "component": "payment-service",
        "environment": "staging",
    }
    event.update(fields)
    return event


def post_generic(
    bot: Bot, event: dict[str, Any], *, secret: str = GENERIC_SECRET
) -> httpx.Response:
    """POST one signed generic event."""
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", **sign(secret, body, int(time.time()))}
    return httpx.post(f"{bot.url}/webhooks/generic", content=body, headers=headers, timeout=10)


def post_tfc(bot: Bot, payload: dict[str, Any], *, token: str = TFC_TOKEN) -> httpx.Response:
    """POST an HCP Terraform notification signed with ``token``."""
    body = json.dumps(payload).encode()
    signature = hmac.new(token.encode(), body, hashlib.sha512).hexdigest()
    headers = {"Content-Type": "application/json", "X-TFE-Notification-Signature": signature}
    return httpx.post(f"{bot.url}/webhooks/terraform-cloud", content=body, headers=headers)


def top_level(bot: Bot, channel: str) -> list[StoredMessage]:
    """The bot's top-level messages in ``channel`` (no thread replies)."""
    where = bot.state.workspace.channel(channel)
    assert where is not None
    bot_user = bot.state.workspace.bot_user_id
    return [
        m
        for m in bot.state.channel_messages(where.id)
        if m.user == bot_user and (m.thread_ts is None or m.thread_ts == m.ts)
    ]


def thread_replies(bot: Bot, message: StoredMessage) -> list[StoredMessage]:
    """The replies under ``message``."""
    return [m for m in bot.state.thread(message.channel, message.ts) if m.ts != message.ts]


def calls(bot: Bot, *methods: str) -> int:
    """How many of these Web API calls the stand-in answered."""
    return sum(len(bot.state.calls(method)) for method in methods)
