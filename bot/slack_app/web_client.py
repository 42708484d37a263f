"""Outbound calls to Slack: the Web API client and ``response_url`` posts, retried.

Every client retries what is worth retrying: connection errors and timeouts, rate limits
(``429``, waiting as long as ``Retry-After`` says) and server errors (``500``, ``503``), a
few times each, with backoff. What still fails is logged by the caller, never shown to the
person as a traceback.
"""

from __future__ import annotations

import json
import logging
from http.client import RemoteDisconnected
from typing import Any
from urllib.error import URLError

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

log = logging.getLogger(__name__)

MAX_RETRIES = 2
"""Retries of one call for each kind of failure."""


CONNECTION_ERRORS: list[type[Exception]] = [
    URLError,
    ConnectionResetError,
    RemoteDisconnected,
    TimeoutError,
    httpx.TransportError,
]
"""Failures to reach Slack that are retried: refused, reset or timed-out connections."""


def retry_handlers(max_retries: int = MAX_RETRIES) -> list[RetryHandler]:
    """Fresh retry handlers: connection errors and timeouts, 429 and 5xx."""
    return [
        ConnectionErrorRetryHandler(max_retry_count=max_retries, error_types=CONNECTION_ERRORS),
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


_JSON = {"Content-Type": "application/json;charset=utf-8"}
_response_urls = httpx.Client(
    limits=httpx.Limits(max_connections=None, max_keepalive_connections=8)
)
"""One pool per process: answers reuse kept-alive connections to Slack's ``response_url``
host instead of opening (and, in production, TLS-handshaking) one connection each."""


def post_to_response_url(url: str, body: dict[str, Any], *, timeout: float) -> tuple[int, str]:
    """Post ``body`` to a ``response_url``, retried like Web API calls (connection errors
    and timeouts, ``429`` after ``Retry-After``, ``5xx`` with backoff).

    Returns:
        The HTTP status and the body Slack answered; status 0 when Slack could not be
        reached at all (logged).
    """
    content = json.dumps(body).encode()
    handlers = retry_handlers()
    state = RetryState()
    request = HttpRequest(method="POST", url=url, headers=dict(_JSON), data=content)
    while True:
        state.next_attempt_requested = False
        try:
            answer = _response_urls.post(url, content=content, headers=_JSON, timeout=timeout)
        except httpx.HTTPError as exc:
            if not _retried(handlers, state, request, None, exc):
                log.warning("posting to a response_url failed: %s", type(exc).__name__)
                return 0, ""
            continue
        if answer.status_code == 200:
            return 200, answer.text
        response = HttpResponse(
            status_code=answer.status_code,
            headers={key: [value] for key, value in answer.headers.items()},
            data=answer.content,
        )
        if not _retried(handlers, state, request, response, None):
            return answer.status_code, answer.text


def _retried(
    handlers: list[RetryHandler],
    state: RetryState,
    request: HttpRequest,
    response: HttpResponse | None,
    error: Exception | None,
) -> bool:
    """Whether one of ``handlers`` takes this failure, after waiting as it says."""
    for handler in handlers:
        if handler.can_retry(state=state, request=request, response=response, error=error):
            handler.prepare_for_next_attempt(
                state=state, request=request, response=response, error=error
            )
            return state.next_attempt_requested
    return False


def slack_error(exc: BaseException) -> str:
    """What went wrong with a Slack call, for the log: Slack's error code or the exception
    type (never a token or a payload)."""
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    return type(exc).__name__
