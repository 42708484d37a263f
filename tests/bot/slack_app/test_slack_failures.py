"""Slack failing: 5xx answers and hangs are retried, refused blocks are resent as text, and
what still fails is logged; the person never sees a traceback and never loses an answer."""

from __future__ import annotations

import logging

import pytest

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
