"""``/slack/events`` at the HTTP level: Slack's signature (v0 HMAC, 5-minute window) on every
request, retried events handled once, payloads with unknown or missing fields."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.slack_standin import signed_headers
from tests.bot.slack_app.conftest import SIGNING_SECRET, Bot, wait_for

FORM = "application/x-www-form-urlencoded"


def command_form(bot: Bot, text: str = "help", **changes: str) -> dict[str, str]:
    url = bot.state.issue_response_url("commands", "U0ALICE", "C0PAYMENTS")
    form = {
        "token": "x",
        "team_id": "T0ACME",
        "team_domain": "acme",
        "channel_id": "C0PAYMENTS",
        "channel_name": "payments",
        "user_id": "U0ALICE",
        "user_name": "alice",
        "command": "/idp",
        "text": text,
        "api_app_id": "A0CALLBOARD",
        "response_url": bot.state.response_url_of(url),
        "trigger_id": "1.2.abc",
    }
    form.update(changes)
    return form


def post(
    bot: Bot,
    body: bytes,
    content_type: str,
    *,
    secret: str = SIGNING_SECRET,
    now: float | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    sent = {"Content-Type": content_type, **signed_headers(secret, body, now=now)}
    sent.update(headers or {})
    return httpx.post(bot.events_url, content=body, headers=sent, timeout=10)


def event_body(event: dict[str, Any], event_id: str) -> bytes:
    return json.dumps(
        {
            "token": "x",
            "team_id": "T0ACME",
            "api_app_id": "A0CALLBOARD",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": "T0ACME", "user_id": "U0CALLBOARD", "is_bot": True}],
        }
    ).encode()


def test_a_signed_command_is_acknowledged_at_once(bot: Bot) -> None:
    started = time.perf_counter()
    answer = post(bot, urlencode(command_form(bot)).encode(), FORM)
    assert answer.status_code == 200 and answer.text == ""
    assert time.perf_counter() - started < 1.0
    wait_for(lambda: bot.state.response_url_posts)


def test_forged_stale_and_unsigned_requests_are_refused(bot: Bot) -> None:
    body = urlencode(command_form(bot)).encode()
    assert post(bot, body, FORM, secret="not-the-secret").status_code == 401
    # More than 5 minutes off, with room for the time the request takes on a busy machine.
    assert post(bot, body, FORM, now=time.time() - 301).status_code == 401
    assert post(bot, body, FORM, now=time.time() + 330).status_code == 401
    assert post(bot, body, FORM, now=time.time() - 200).status_code == 200
    unsigned = httpx.post(bot.events_url, content=body, headers={"Content-Type": FORM})
    assert unsigned.status_code == 401
    signed = signed_headers(SIGNING_SECRET, body)
    tampered = httpx.post(
        bot.events_url,
        content=body.replace(b"help", b"hulp"),
        headers={"Content-Type": FORM, **signed},
    )
    assert tampered.status_code == 401
    bot.idle()
    assert len(bot.state.response_url_posts) == 1


def test_url_verification_answers_the_challenge(bot: Bot) -> None:
    reply = bot.sender.url_verification("c-123")
    assert reply.ok and "c-123" in reply.body


def test_a_retried_event_is_handled_once(bot: Bot) -> None:
    event = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0ALICE", "tab": "home"}
    body = event_body(event, "Ev0RETRIED1")
    assert post(bot, body, "application/json").status_code == 200
    for retry in ("1", "2"):
        answer = post(
            bot,
            body,
            "application/json",
            headers={"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"},
        )
        assert answer.status_code == 200
    wait_for(lambda: bot.state.calls("views.publish"))
    bot.idle()
    assert len(bot.state.calls("views.publish")) == 1
    another = event_body(event, "Ev0OTHER22")
    assert post(bot, another, "application/json").status_code == 200
    wait_for(lambda: len(bot.state.calls("views.publish")) == 2)


def test_slacks_own_retries_after_a_slow_answer_are_not_handled_twice(make_bot: Any) -> None:
    bot: Bot = make_bot(sender_timeout=0.05, retry_delays=(0.0, 0.0, 0.0))
    reply = bot.sender.open_home("bob")
    assert reply is not None
    wait_for(lambda: bot.state.calls("views.publish"))
    bot.idle()
    delivery = bot.state.deliveries[-1]
    assert len(delivery.attempts) >= 1
    assert len(bot.state.calls("views.publish")) == 1


def test_payloads_with_missing_or_unknown_fields_never_fail(bot: Bot) -> None:
    bare = {"command": "/idp", "text": "whois payments", "team_id": "T0ACME"}
    assert post(bot, urlencode(bare).encode(), FORM).status_code == 200
    odd = command_form(bot, "whois payments", surprise="yes", user_id="")
    assert post(bot, urlencode(odd).encode(), FORM).status_code == 200
    for event in (
        {"type": "app_home_opened"},
        {"type": "link_shared", "links": "not a list", "channel": "C0PAYMENTS"},
        {
            "type": "link_shared",
            "links": [{"url": 42}, "x", {"url": "https://backstage.acme.example/catalog/"}],
        },
        {"type": "app_mention", "text": None},
        {"type": "message", "channel_type": "im", "text": "whois payments"},
    ):
        answer = post(bot, event_body(event, f"Ev{abs(hash(str(event)))}"), "application/json")
        assert answer.status_code == 200, (event, answer.text)
    payload = {
        "type": "block_actions",
        "team": {"id": "T0ACME"},
        "actions": [{"action_id": "find_page", "value": "{not json"}],
    }
    form = urlencode({"payload": json.dumps(payload)}).encode()
    assert post(bot, form, FORM).status_code == 200
    garbage = post(bot, b"payload=%7Bnot-json", FORM)
    assert garbage.status_code < 500
    bot.idle()
    posted = bot.state.response_url_posts
    assert len(posted) == 1 and posted[0].status == 200
    assert bot.state.calls("chat.unfurl") == []
