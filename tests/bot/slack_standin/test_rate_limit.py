"""About one message a second a channel: 429 with ``Retry-After``, which slack_sdk honours."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.slack_standin import RateLimit, StandinServer, StandinState
from bot.slack_standin.rate_limit import RateLimiter
from tests.bot.slack_standin.conftest import ManualClock


@pytest.fixture
def limited() -> Iterator[StandinServer]:
    state = StandinState.default(rate_limit=RateLimit(per_second=1.0, burst=2))
    server = StandinServer(state).start()
    try:
        yield server
    finally:
        server.stop(wait=False)


def test_a_burst_then_429_with_retry_after(limited: StandinServer) -> None:
    client = WebClient(token=limited.state.workspace.bot_token, base_url=limited.api_url)
    client.chat_postMessage(channel="C0PAYMENTS", text="one")
    client.chat_postMessage(channel="C0PAYMENTS", text="two")
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0PAYMENTS", text="three")
    response = caught.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.data == {"ok": False, "error": "ratelimited"}
    assert client.chat_postMessage(channel="C0CHECKOUT", text="another channel")["ok"]
    assert [m.text for m in limited.state.channel_messages("C0PAYMENTS")] == ["one", "two"]


def test_slack_sdk_retry_handler_waits_and_succeeds(limited: StandinServer) -> None:
    client = WebClient(
        token=limited.state.workspace.bot_token,
        base_url=limited.api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    started = time.monotonic()
    for text in ("one", "two", "three"):
        assert client.chat_postMessage(channel="C0PLATFORM", text=text)["ok"]
    assert time.monotonic() - started >= 1.0
    statuses = [c.status for c in limited.state.calls("chat.postMessage")]
    assert statuses == [200, 200, 429, 200]
    assert [m.text for m in limited.state.channel_messages("C0PLATFORM")] == ["one", "two", "three"]


def test_the_bucket_refills_at_the_configured_rate() -> None:
    clock = ManualClock()
    limiter = RateLimiter(RateLimit(per_second=4.0, burst=1), clock)
    assert limiter.acquire("C1") is None
    assert limiter.acquire("C1") == 1
    clock.advance(0.25)
    assert limiter.acquire("C1") is None
    assert limiter.acquire("C2") is None
    with pytest.raises(ValueError, match="per_second"):
        RateLimiter(RateLimit(per_second=0, burst=1), clock)
