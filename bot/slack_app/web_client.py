"""Outbound calls to Slack: the Web API client and ``response_url`` posts, retried.

Every client retries what is worth retrying: connection errors and timeouts, rate limits
(``429``, waiting as long as ``Retry-After`` says) and server errors (``500``, ``503``), a
few times each, with backoff. What still fails is logged by the caller, never shown to the
person as a traceback.
"""

from __future__ import annotations

import logging
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

MAX_RETRIES = 2
"""Retries of one call for each kind of failure."""


def retry_handlers(max_retries: int = MAX_RETRIES) -> list[RetryHandler]:
    """Fresh retry handlers: connection errors and timeouts, 429 and 5xx."""
    return [
        ConnectionErrorRetryHandler(
            max_retry_count=max_retries,
            error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError],
        ),
        RateLimitErrorRetryHandler(max_retry_count=max_retries),
        ServerErrorRetryHandler(max_retry_count=max_retries),
    ]


def make_web_client(api_url: str, token: str | None, *, timeout: float) -> WebClient:
    """A Web API client for ``api_url`` that retries connection errors, 429 and 5xx."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=max(1, round(timeout)),
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("bot.slack_app.web_api"),
    )


def post_to_response_url(url: str, body: dict[str, Any], *, timeout: float) -> tuple[int, str]:
    """Post ``body`` to a ``response_url`` (retried like Web API calls).

    Returns:
        The HTTP status and the body Slack answered; status 0 when Slack could not be
        reached at all (logged).
    """
    client = WebhookClient(url=url, timeout=max(1, round(timeout)), retry_handlers=retry_handlers())
    try:
        response = client.send_dict(body)
    except Exception as exc:  # network failures after the retries
        log.warning("posting to a response_url failed: %s", type(exc).__name__)
        return 0, ""
    return response.status_code, str(response.body or "")


def slack_error(exc: BaseException) -> str:
    """What went wrong with a Slack call, for the log: Slack's error code or the exception
    type (never a token or a payload)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__
