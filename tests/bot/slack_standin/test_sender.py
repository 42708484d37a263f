"""Slack's requests to the bot: signed, shaped as Slack's, timed and retried as Slack does.

The receiver checks every signature with ``slack_sdk.signature.SignatureVerifier``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.slack_standin import PayloadError, SlackSender, StandinServer, StandinState
from tests.bot.slack_standin.conftest import Answer, Received, Receiver, json_answer

Connected = tuple[StandinServer, Receiver]

MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "scaffold",
    "title": {"type": "plain_text", "text": "New service"},
    "submit": {"type": "plain_text", "text": "Create"},
    "notify_on_close": True,
    "blocks": [
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "template",
            "label": {"type": "plain_text", "text": "Template"},
            "element": {
                "type": "static_select",
                "action_id": "value",
                "options": [
                    {"text": {"type": "plain_text", "text": "FastAPI"}, "value": "fastapi"},
                    {"text": {"type": "plain_text", "text": "Go"}, "value": "go"},
                ],
            },
        },
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "value"},
        },
    ],
}

CARD: list[dict[str, Any]] = [
    {
        "type": "section",
        "block_id": "summary",
        "text": {"type": "mrkdwn", "text": "*INC-7* card declines"},
    },
    {
        "type": "actions",
        "block_id": "incident",
        "elements": [
            {
                "type": "button",
                "action_id": "ack",
                "text": {"type": "plain_text", "text": "Acknowledge"},
                "value": "INC-7",
                "style": "primary",
            },
            {
                "type": "static_select",
                "action_id": "severity",
                "placeholder": {"type": "plain_text", "text": "Severity"},
                "options": [
                    {"text": {"type": "plain_text", "text": "SEV1"}, "value": "1"},
                    {"text": {"type": "plain_text", "text": "SEV2"}, "value": "2"},
                ],
            },
            {
                "type": "external_select",
                "action_id": "service",
                "placeholder": {"type": "plain_text", "text": "Service"},
            },
        ],
    },
]


def bot_client(server: StandinServer) -> WebClient:
    return WebClient(token=server.state.workspace.bot_token, base_url=server.api_url)


def sender_of(server: StandinServer) -> SlackSender:
    assert server.sender is not None
    return server.sender


def test_slash_command_is_a_signed_form_with_slacks_fields(connected: Connected) -> None:
    server, bot = connected
    bot.answer = lambda received: Answer(body="Looking up payments…")
    before = time.time()
    reply = sender_of(server).slash_command("alice", "payments", "/idp", "whois payments")
    assert reply.ok and reply.body == "Looking up payments…" and reply.elapsed < 0.5
    [received] = bot.requests
    assert received.signature_valid
    assert received.headers["content-type"] == "application/x-www-form-urlencoded"
    assert abs(int(received.headers["x-slack-request-timestamp"]) - before) < 5
    form = received.form
    assert set(form) == {
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
        "text",
        "api_app_id",
        "is_enterprise_install",
        "response_url",
        "trigger_id",
    }
    assert (form["team_id"], form["team_domain"], form["api_app_id"]) == (
        "T0ACME",
        "acme",
        "A0CALLBOARD",
    )
    assert (form["channel_id"], form["channel_name"]) == ("C0PAYMENTS", "payments")
    assert (form["user_id"], form["user_name"]) == ("U0ALICE", "alice")
    assert (form["command"], form["text"]) == ("/idp", "whois payments")
    assert form["response_url"] == reply.response_url
    assert form["response_url"].startswith(server.url + "commands/T0ACME/")
    assert form["trigger_id"] == reply.trigger_id
    [ack] = server.state.channel_messages("C0PAYMENTS")
    assert (ack.text, ack.ephemeral_to, ack.source) == ("Looking up payments…", "U0ALICE", "ack")
    second = sender_of(server).slash_command("alice", "payments", "/idp", "whois checkout")
    assert second.trigger_id != reply.trigger_id and second.response_url != reply.response_url


def test_a_wrong_secret_fails_the_receivers_check(connected: Connected) -> None:
    server, bot = connected
    impostor = SlackSender(server.state, sender_of(server).bot_url, "not-the-secret")
    try:
        reply = impostor.slash_command("alice", "payments", "/idp", "help")
    finally:
        impostor.close()
    assert reply.status == 401 and not bot.requests[0].signature_valid
    [shown] = server.state.channel_messages("C0PAYMENTS")
    assert (
        shown.user == "USLACKBOT"
        and shown.text == '/idp failed with the error "http_service_error"'
    )


def test_command_answer_with_blocks_in_channel(connected: Connected) -> None:
    server, bot = connected
    blocks = [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*payment-service* is owned by Payments"},
        }
    ]
    bot.answer = lambda received: json_answer(
        {"response_type": "in_channel", "text": "payment-service", "blocks": blocks}
    )
    sender_of(server).slash_command("bob", "C0PAYMENTS", "/idp", "whois pmts")
    [shown] = server.state.channel_messages("C0PAYMENTS", viewer="U0ALICE")
    assert shown.blocks == blocks and shown.ephemeral_to is None and shown.user == "U0CALLBOARD"


def test_a_slow_command_shows_operation_timeout_and_is_not_retried(connected: Connected) -> None:
    server, bot = connected
    bot.answer = lambda received: Answer(body="late", delay=0.8)
    reply = sender_of(server).slash_command("carol", "checkout", "/idp", "whois cart")
    assert reply.status is None and reply.failure == "http_timeout"
    assert len(bot.requests) == 1
    [shown] = server.state.channel_messages("C0CHECKOUT", viewer="U0CAROL")
    assert (shown.user, shown.ephemeral_to) == ("USLACKBOT", "U0CAROL")
    assert shown.text == '/idp failed with the error "operation_timeout"'


def test_people_can_only_use_channels_they_are_in(connected: Connected) -> None:
    server, _ = connected
    with pytest.raises(PayloadError, match="not a member"):
        sender_of(server).slash_command("bob", "checkout", "/idp", "help")


def test_modal_from_a_command_then_submissions(connected: Connected) -> None:
    server, bot = connected
    client = bot_client(server)
    answers: list[Answer] = []

    def answer(received: Received) -> Answer:
        if received.kind == "slash_command":
            client.views_open(trigger_id=received.form["trigger_id"], view=MODAL)
            return Answer()
        return answers.pop(0)

    bot.answer = answer
    sender = sender_of(server)
    sender.slash_command("alice", "payments", "/idp", "new")
    view = server.state.top_modal("U0ALICE")
    assert view is not None and view.definition["callback_id"] == "scaffold"

    with pytest.raises(PayloadError, match="required inputs are empty: name, template"):
        sender.submit_view("alice", view.id, {})

    answers.append(json_answer({"response_action": "errors", "errors": {"name": "taken"}}))
    sender.submit_view("alice", view.id, {"name": {"value": "ledger"}, "template": {"value": "go"}})
    submission = bot.of_kind("view_submission")[-1].payload
    assert submission["user"] == {
        "id": "U0ALICE",
        "username": "alice",
        "name": "alice",
        "team_id": "T0ACME",
    }
    assert submission["team"] == {"id": "T0ACME", "domain": "acme"}
    assert submission["api_app_id"] == "A0CALLBOARD" and submission["trigger_id"]
    assert submission["view"]["id"] == view.id and submission["view"]["callback_id"] == "scaffold"
    assert submission["view"]["state"]["values"] == {
        "name": {"value": {"type": "plain_text_input", "value": "ledger"}},
        "template": {
            "value": {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "Go"}, "value": "go"},
            }
        },
        "owner": {"value": {"type": "users_select", "selected_user": None}},
    }
    assert view.errors == {"name": "taken"} and server.state.top_modal("U0ALICE") is view

    answers.append(
        json_answer(
            {
                "response_action": "update",
                "view": {**MODAL, "title": {"type": "plain_text", "text": "Creating…"}},
            }
        )
    )
    sender.submit_view(
        "alice", view.id, {"name": {"value": "ledger2"}, "template": {"value": "go"}}
    )
    assert view.definition["title"]["text"] == "Creating…" and view.errors == {}

    answers.append(Answer())
    sender.submit_view(
        "alice", view.id, {"name": {"value": "ledger2"}, "template": {"value": "fastapi"}}
    )
    assert server.state.top_modal("U0ALICE") is None and view.closed


def test_closing_sends_view_closed_when_asked(connected: Connected) -> None:
    server, bot = connected
    client = bot_client(server)
    trigger = server.state.issue_trigger("U0DAN")
    view_id = client.views_open(trigger_id=trigger.id, view=MODAL)["view"]["id"]
    sender_of(server).close_view("dan", view_id)
    [closed] = bot.of_kind("view_closed")
    assert closed.payload["view"]["id"] == view_id and closed.payload["is_cleared"] is False
    assert server.state.top_modal("U0DAN") is None


def test_click_and_select_send_block_actions(connected: Connected) -> None:
    server, bot = connected
    client = bot_client(server)
    posted = client.chat_postMessage(channel="C0PAYMENTS", text="INC-7", blocks=CARD)
    message = server.state.find_message("C0PAYMENTS", posted["ts"])
    assert message is not None
    sender = sender_of(server)
    reply = sender.click("bob", message, "ack")
    payload = bot.of_kind("block_actions")[-1].payload
    assert payload["container"] == {
        "type": "message",
        "message_ts": message.ts,
        "channel_id": "C0PAYMENTS",
        "is_ephemeral": False,
    }
    assert payload["channel"] == {"id": "C0PAYMENTS", "name": "payments"}
    assert payload["message"]["ts"] == message.ts and payload["message"]["blocks"] == CARD
    assert payload["user"]["id"] == "U0BOB" and payload["token"] == "standin-verification-token"
    assert payload["trigger_id"] == reply.trigger_id
    assert payload["response_url"] == reply.response_url
    [action] = payload["actions"]
    assert {k: action[k] for k in ("action_id", "block_id", "type", "value", "style")} == {
        "action_id": "ack",
        "block_id": "incident",
        "type": "button",
        "value": "INC-7",
        "style": "primary",
    }
    assert action["text"] == {"type": "plain_text", "text": "Acknowledge"} and action["action_ts"]

    sender.select("bob", message, "severity", "2")
    [action] = bot.of_kind("block_actions")[-1].payload["actions"]
    assert action["selected_option"] == {
        "text": {"type": "plain_text", "text": "SEV2"},
        "value": "2",
    }
    with pytest.raises(PayloadError, match="no option"):
        sender.select("bob", message, "severity", "9")

    assert reply.response_url is not None
    WebhookClient(reply.response_url).send(text="Acknowledged by bob", replace_original=True)
    updated = server.state.find_message("C0PAYMENTS", message.ts)
    assert updated is not None and updated.text == "Acknowledged by bob"


def test_external_select_options(connected: Connected) -> None:
    server, bot = connected
    posted = bot_client(server).chat_postMessage(channel="C0PAYMENTS", text="INC-7", blocks=CARD)
    message = server.state.find_message("C0PAYMENTS", posted["ts"])
    assert message is not None
    options = [
        {
            "text": {"type": "plain_text", "text": "payment-service"},
            "value": "component:default/payment-service",
        }
    ]
    bot.answer = lambda received: json_answer({"options": options})
    reply = sender_of(server).options("alice", message, "service", "pay")
    assert reply.json() == {"options": options}
    suggestion = bot.of_kind("block_suggestion")[0].payload
    assert (suggestion["action_id"], suggestion["block_id"], suggestion["value"]) == (
        "service",
        "incident",
        "pay",
    )
    assert suggestion["container"]["message_ts"] == message.ts


def test_slow_events_are_retried_with_retry_headers(connected: Connected) -> None:
    server, bot = connected
    bot.answer = lambda received: Answer(delay=0.8) if len(bot.requests) == 1 else Answer()
    reply = sender_of(server).app_mention("erin", "platform", "deploy status")
    assert reply.ok and reply.retry_num == 1
    assert [a.failure for a in reply.earlier] == ["http_timeout"]
    first, second = bot.requests
    assert first.signature_valid and second.signature_valid
    assert "x-slack-retry-num" not in first.headers
    assert (second.headers["x-slack-retry-num"], second.headers["x-slack-retry-reason"]) == (
        "1",
        "http_timeout",
    )
    assert first.json["event_id"] == second.json["event_id"]
    envelope = second.json
    assert envelope["type"] == "event_callback" and envelope["team_id"] == "T0ACME"
    assert envelope["api_app_id"] == "A0CALLBOARD" and isinstance(envelope["event_time"], int)
    event = envelope["event"]
    assert event["type"] == "app_mention" and event["user"] == "U0ERIN"
    assert event["text"] == "<@U0CALLBOARD> deploy status" and event["channel"] == "C0PLATFORM"
    assert event["ts"] == event["event_ts"]


def test_failing_events_are_retried_three_times_unless_told_not_to(connected: Connected) -> None:
    server, bot = connected
    bot.answer = lambda received: Answer(status=500)
    reply = sender_of(server).event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    assert reply.status == 500 and reply.retry_num == 3
    assert [r.headers.get("x-slack-retry-num") for r in bot.requests] == [None, "1", "2", "3"]
    assert {r.headers.get("x-slack-retry-reason") for r in bot.requests[1:]} == {"http_error"}
    bot.requests.clear()
    bot.answer = lambda received: Answer(status=503, headers={"X-Slack-No-Retry": "1"})
    sender_of(server).event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    assert len(bot.requests) == 1


def test_links_home_and_url_verification(connected: Connected) -> None:
    server, bot = connected
    client = bot_client(server)
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hi"}}],
    }

    def answer(received: Received) -> Answer:
        if received.kind == "url_verification":
            return json_answer({"challenge": received.json["challenge"]})
        event = received.json["event"]
        if event["type"] == "link_shared":
            url = event["links"][0]["url"]
            unfurl = {
                "blocks": [
                    {"type": "section", "text": {"type": "mrkdwn", "text": "*payment-service*"}}
                ]
            }
            client.chat_unfurl(
                unfurl_id=event["unfurl_id"], source=event["source"], unfurls={url: unfurl}
            )
        if event["type"] == "app_home_opened":
            client.views_publish(user_id=event["user"], view=home)
        return Answer()

    bot.answer = answer
    sender = sender_of(server)
    assert sender.url_verification("c-123").json() == {"challenge": "c-123"}
    post = sender.share_link(
        "alice",
        "payments",
        "look <https://backstage.acme.example/catalog/pmts> and https://elsewhere.example/x",
    )
    assert post.replies["link_shared"].ok
    shared = bot.of_kind("event_callback")[-1].json["event"]
    assert shared["links"] == [
        {"domain": "backstage.acme.example", "url": "https://backstage.acme.example/catalog/pmts"}
    ]
    assert shared["message_ts"] == post.message.ts and shared["is_bot_user_member"] is True
    assert [u.url for u in server.state.unfurls] == ["https://backstage.acme.example/catalog/pmts"]
    assert sender.open_home("alice") is not None
    opened = bot.requests[-1].json["event"]
    assert (
        opened["type"] == "app_home_opened"
        and opened["channel"] == "D0ALICE"
        and "view" not in opened
    )
    assert server.state.home_view("U0ALICE") is not None
    sender.open_home("alice")
    assert bot.requests[-1].json["event"]["view"]["type"] == "home"


def test_direct_messages_raise_message_events(connected: Connected, state: StandinState) -> None:
    server, bot = connected
    post = sender_of(server).post_as_user("bob", "U0BOB", "who owns pmts?")
    assert post.message.channel == "D0BOB" and post.replies["message"].ok
    event = bot.requests[-1].json["event"]
    assert (event["type"], event["channel_type"], event["text"]) == (
        "message",
        "im",
        "who owns pmts?",
    )
    assert state.channel_messages("D0BOB")[0].source == "user"
