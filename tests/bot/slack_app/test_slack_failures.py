"""Slack failing: 5xx answers and hangs are retried, refused blocks are resent as text, and
what still fails is logged; the person never sees a traceback and never loses an answer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response

from bot.slack_standin import StandinServer
from tests.bot.slack_app.conftest import Bot, MakeBot, blocks_text, wait_for


def test_a_web_api_500_then_200_is_retried(bot: Bot) -> None:
    rule = bot.faults.fail("/api/views.publish", times=1, status=500)
    bot.sender.open_home("alice")
    calls = wait_for(lambda: bot.state.calls("views.publish"))
    assert rule.hits == 1 and len(calls) == 1 and calls[0].ok
    assert bot.state.home_view("U0ALICE") is not None


def test_a_response_url_503_then_200_is_retried(bot: Bot) -> None:
    rule = bot.faults.fail("/commands/", times=1, status=503)
    assert bot.sender.slash_command("alice", "payments", "/idp", "whois pmts").ok
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"))
    assert rule.hits == 1 and "payment-service" in blocks_text(answer[0]).lower()


def test_a_response_url_429_is_retried_after_waiting(bot: Bot) -> None:
    rule = bot.faults.fail("/commands/", times=1, status=429)
    assert bot.sender.slash_command("alice", "payments", "/idp", "whois pmts").ok
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"))
    assert rule.hits == 1 and "payment-service" in blocks_text(answer[0]).lower()


def test_answers_reuse_their_connection_to_slack(make_bot: MakeBot) -> None:
    clients: list[tuple[str, int]] = []

    def watch(standin: StandinServer) -> None:
        @standin.app.middleware("http")
        async def record(request: Request, call_next: Callable[[Request], Any]) -> Response:
            if request.url.path.startswith("/commands/") and request.client is not None:
                clients.append((request.client.host, request.client.port))
            response: Response = await call_next(request)
            return response

    bot = make_bot(before_start=watch)
    for turn in range(1, 4):
        assert bot.sender.slash_command("alice", "payments", "/whois", "ledger").ok
        wait_for(lambda: len(bot.bot_messages("alice", "payments")) >= turn)  # noqa: B023
    assert len(clients) == 3 and len(set(clients)) == 1, clients


def test_an_unreachable_response_url_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    from bot.slack_app.web_client import post_to_response_url

    caplog.set_level(logging.WARNING, logger="bot.slack_app")
    status, _ = post_to_response_url("http://127.0.0.1:9/commands/x", {"text": "hi"}, timeout=1)
    assert status == 0
    assert "posting to a response_url failed: ConnectError" in caplog.text


def test_a_hanging_slack_is_given_up_on_and_tried_again(make_bot: MakeBot) -> None:
    bot = make_bot(api_timeout=1.0)
    rule = bot.faults.hang("/commands/", 2.5, times=1)
    assert bot.sender.slash_command("alice", "payments", "/idp", "whois ledger").ok
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"), timeout=20)
    assert rule.hits == 1 and "ledger" in blocks_text(answer[0]).lower()
    assert len(bot.state.response_url_posts) == 1


def test_blocks_slack_refuses_are_sent_again_as_text(bot: Bot) -> None:
    rule = bot.faults.fail("/commands/", times=1, status=400)
    bot.sender.slash_command("alice", "payments", "/idp", "whois pmts")
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"))
    assert rule.hits == 1
    assert answer[0].blocks is None and "Payment Service" in answer[0].text


def test_a_slack_that_keeps_failing_is_logged_not_shown(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.slack_app")
    rule = bot.faults.fail("/api/chat.unfurl", times=10, status=500)
    url = "https://backstage.acme.example/catalog/default/component/payment-service"
    bot.sender.share_link("alice", "payments", url)
    wait_for(lambda: "chat.unfurl failed" in caplog.text, timeout=20)
    assert rule.hits == 3
    assert bot.state.unfurls == []
    assert "Traceback" not in caplog.text


def test_a_failing_renderer_still_answers_the_person(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr("bot.slack_app.answers.render_reply", broken)
    bot.sender.slash_command("alice", "payments", "/idp", "whois pmts")
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"))
    assert "Something went wrong" in answer[0].text
    assert "renderer bug" not in answer[0].text + blocks_text(answer[0])
    assert "rendering a WhoisAnswer failed" in caplog.text
