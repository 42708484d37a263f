"""The real ``slack_sdk.WebClient`` against the stand-in: shapes, errors, token checks."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_standin import StandinServer, StandinState, Workspace


def error_of(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call(**kwargs)
    data: dict[str, Any] = caught.value.response.data
    assert caught.value.response.status_code == 200
    assert data["ok"] is False
    return data


def test_auth_test_answers_who_the_token_is(client: WebClient) -> None:
    answer = client.auth_test().data
    assert answer == {
        "ok": True,
        "url": "https://acme.slack.com/",
        "team": "Acme Payments",
        "user": "callboard",
        "team_id": "T0ACME",
        "user_id": "U0CALLBOARD",
        "bot_id": "B0CALLBOARD",
        "is_enterprise_install": False,
    }


def test_missing_and_unknown_tokens(standin: StandinServer) -> None:
    anonymous = WebClient(base_url=standin.api_url)
    assert error_of(anonymous.auth_test)["error"] == "not_authed"
    stranger = WebClient(token="xoxb-not-ours", base_url=standin.api_url)
    assert error_of(stranger.chat_postMessage, channel="C0PAYMENTS", text="x")["error"] == (
        "invalid_auth"
    )
    assert standin.state.messages == {}
    logged = standin.state.calls("chat.postMessage")[-1]
    assert logged.result["error"] == "invalid_auth" and "token" not in logged.args


def test_unknown_method(client: WebClient) -> None:
    data = error_of(client.api_call, api_method="chat.scheduleMessage", json={"channel": "C0X"})
    assert data == {"ok": False, "error": "unknown_method", "req_method": "chat.scheduleMessage"}


def test_post_message_shape_and_state(client: WebClient, state: StandinState) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*payment-service*"}}]
    answer = client.chat_postMessage(channel="C0PAYMENTS", text="payment-service", blocks=blocks)
    assert answer["ok"] is True and answer["channel"] == "C0PAYMENTS"
    message = answer["message"]
    assert message["ts"] == answer["ts"]
    assert message["type"] == "message"
    assert message["text"] == "payment-service"
    assert message["user"] == "U0CALLBOARD" and message["bot_id"] == "B0CALLBOARD"
    assert message["blocks"] == blocks
    stored = state.find_message("C0PAYMENTS", answer["ts"])
    assert stored is not None and stored.blocks == blocks and stored.source == "api"
    reply = client.chat_postMessage(channel="#payments", text="in thread", thread_ts=answer["ts"])
    assert reply["message"]["thread_ts"] == answer["ts"]
    nested = client.chat_postMessage(channel="payments", text="again", thread_ts=reply["ts"])
    assert nested["message"]["thread_ts"] == answer["ts"]
    thread = state.thread("C0PAYMENTS", nested["ts"])
    assert [m.text for m in thread] == ["payment-service", "in thread", "again"]


def test_post_message_to_a_person_opens_the_dm(client: WebClient, state: StandinState) -> None:
    answer = client.chat_postMessage(channel="U0ALICE", text="You are on call")
    assert answer["channel"] == "D0ALICE"
    assert [m.text for m in state.channel_messages("D0ALICE")] == ["You are on call"]


@pytest.mark.parametrize(
    ("channel", "error"),
    [
        ("C0NOPE", "channel_not_found"),
        ("C0LEADS", "channel_not_found"),  # private, the bot is not in it
        ("C0GENERAL", "not_in_channel"),  # public, the bot has not joined
    ],
)
def test_post_message_channel_errors(client: WebClient, channel: str, error: str) -> None:
    assert error_of(client.chat_postMessage, channel=channel, text="x")["error"] == error


def test_post_message_content_errors(client: WebClient) -> None:
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        assert error_of(client.chat_postMessage, channel="C0PAYMENTS")["error"] == "no_text"
    assert error_of(client.chat_postMessage, channel="C0PAYMENTS", text="x" * 40_001)["error"] == (
        "msg_too_long"
    )
    assert (
        error_of(client.chat_postMessage, channel="C0PAYMENTS", text="x", thread_ts="1.2")["error"]
        == "invalid_thread_ts"
    )
    long_section = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]
    data = error_of(client.chat_postMessage, channel="C0PAYMENTS", text="x", blocks=long_section)
    assert data["error"] == "invalid_blocks"
    assert data["response_metadata"]["messages"] == [
        "[ERROR] failed to match all allowed schemas [json-pointer:/blocks/0/text]",
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ]
    assert (
        data["errors"][1] == "must be less than 3001 characters [json-pointer:/blocks/0/text/text]"
    )


def test_form_encoded_requests_with_json_strings(standin: StandinServer) -> None:
    token = standin.state.workspace.bot_token
    blocks = [{"type": "divider"}, {"type": "section", "text": {"type": "plain_text", "text": "x"}}]
    answer = httpx.post(
        standin.api_url + "chat.postMessage",
        data={"token": token, "channel": "C0PAYMENTS", "text": "t", "blocks": json.dumps(blocks)},
    ).json()
    assert answer["ok"] is True and answer["message"]["blocks"] == blocks
    broken = httpx.post(
        standin.api_url + "chat.postMessage",
        data={"token": token, "channel": "C0PAYMENTS", "text": "t", "blocks": "[{"},
    ).json()
    assert broken == {"ok": False, "error": "invalid_blocks_format"}


def test_multipart_forms(standin: StandinServer) -> None:
    token = standin.state.workspace.bot_token
    answer = httpx.post(
        standin.api_url + "chat.postEphemeral",
        headers={"Authorization": f"Bearer {token}"},
        files={"channel": (None, "C0PAYMENTS"), "user": (None, "U0BOB"), "text": (None, "psst")},
    ).json()
    assert answer["ok"] is True
    [message] = standin.state.channel_messages("C0PAYMENTS")
    assert (message.text, message.ephemeral_to) == ("psst", "U0BOB")


async def test_the_async_client_too(standin: StandinServer) -> None:
    client = AsyncWebClient(token=standin.state.workspace.bot_token, base_url=standin.api_url)
    assert (await client.users_info(user="U0ERIN"))["user"]["name"] == "erin"
    posted = await client.chat_postMessage(
        channel="C0PLATFORM", text="x", blocks=[{"type": "divider"}]
    )
    assert posted["message"]["blocks"] == [{"type": "divider"}]


def test_get_with_query_parameters(standin: StandinServer) -> None:
    token = standin.state.workspace.bot_token
    answer = httpx.get(standin.api_url + "users.info", params={"token": token, "user": "U0CAROL"})
    assert answer.status_code == 200 and answer.json()["user"]["name"] == "carol"


def test_json_body_needs_the_header_token_and_a_charset(standin: StandinServer) -> None:
    token = standin.state.workspace.bot_token
    url = standin.api_url + "auth.test"
    in_body = httpx.post(
        url, content=json.dumps({"token": token}), headers={"Content-Type": "application/json"}
    )
    assert in_body.json() == {"ok": False, "error": "not_authed"}
    no_charset = httpx.post(
        url,
        content=b"{}",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    ).json()
    assert no_charset["ok"] is True
    assert no_charset["response_metadata"]["warnings"] == ["missing_charset"]
    broken = httpx.post(
        url,
        content=b"{nope",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {token}",
        },
    ).json()
    assert broken == {"ok": False, "error": "invalid_json"}


def test_post_ephemeral(client: WebClient, state: StandinState) -> None:
    answer = client.chat_postEphemeral(channel="C0PAYMENTS", user="U0ALICE", text="only you")
    assert set(answer.data) == {"ok", "message_ts"}
    assert [m.text for m in state.channel_messages("C0PAYMENTS", viewer="U0ALICE")] == ["only you"]
    assert state.channel_messages("C0PAYMENTS", viewer="U0BOB") == []
    assert (
        error_of(client.chat_postEphemeral, channel="C0PAYMENTS", user="U0ERIN", text="x")["error"]
        == "user_not_in_channel"
    )
    assert (
        error_of(client.chat_postEphemeral, channel="C0PAYMENTS", user="U0NOBODY", text="x")[
            "error"
        ]
        == "user_not_found"
    )


def test_update_keeps_history_and_blocks(client: WebClient, state: StandinState) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "deploying"}}]
    posted = client.chat_postMessage(channel="C0PLATFORM", text="deploying", blocks=blocks)
    answer = client.chat_update(channel="C0PLATFORM", ts=posted["ts"], text="deployed")
    assert answer["ok"] and answer["channel"] == "C0PLATFORM" and answer["ts"] == posted["ts"]
    assert answer["text"] == "deployed"
    assert answer["message"]["blocks"] == blocks  # omitted blocks are kept
    stored = state.find_message("C0PLATFORM", posted["ts"])
    assert stored is not None and [v.text for v in stored.edits] == ["deploying"]
    client.chat_update(channel="C0PLATFORM", ts=posted["ts"], text="done", blocks=[])
    assert stored.blocks == [] and [v.text for v in stored.edits] == ["deploying", "deployed"]
    missing = error_of(client.chat_update, channel="C0PLATFORM", ts="1700000000.000100", text="x")
    assert missing["error"] == "message_not_found"


def test_update_refuses_other_peoples_messages(standin: StandinServer, client: WebClient) -> None:
    theirs = standin.state.add_message("C0PAYMENTS", user="U0ALICE", text="mine", source="user")
    data = error_of(client.chat_update, channel="C0PAYMENTS", ts=theirs.ts, text="edited")
    assert data["error"] == "cant_update_message"


def test_unfurl_needs_a_link_of_the_message(client: WebClient, state: StandinState) -> None:
    message = state.add_message(
        "C0PAYMENTS",
        user="U0ALICE",
        text="see <https://backstage.acme.example/catalog/pmts>",
        source="user",
    )
    url = "https://backstage.acme.example/catalog/pmts"
    preview = {
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*payment-service*"}}]
    }
    assert client.chat_unfurl(channel="C0PAYMENTS", ts=message.ts, unfurls={url: preview})["ok"]
    assert [(u.url, u.content) for u in state.unfurls] == [(url, preview)]
    other = error_of(
        client.chat_unfurl,
        channel="C0PAYMENTS",
        ts=message.ts,
        unfurls={"https://other.example/": preview},
    )
    assert other["error"] == "cannot_unfurl_url"
    too_long = {"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]}
    data = error_of(
        client.chat_unfurl, channel="C0PAYMENTS", ts=message.ts, unfurls={url: too_long}
    )
    assert data["error"] == "invalid_blocks"
    assert (
        "[ERROR] must be less than 151 characters [json-pointer:/unfurls/"
        "https:~1~1backstage.acme.example~1catalog~1pmts/blocks/0/text/text]"
    ) in data["response_metadata"]["messages"]


def test_users_info_and_lookup_by_email(client: WebClient) -> None:
    user = client.users_info(user="U0ALICE")["user"]
    assert (
        user["id"] == "U0ALICE" and user["name"] == "alice" and user["real_name"] == "Alice Moreau"
    )
    assert user["profile"]["email"] == "alice@acme.example"
    assert user["team_id"] == "T0ACME" and user["is_bot"] is False
    found = client.users_lookupByEmail(email="Dan@Acme.Example")["user"]
    assert found["id"] == "U0DAN"
    assert set(found["profile"]) >= {"email", "display_name", "real_name"}
    assert (
        error_of(client.users_lookupByEmail, email="nobody@acme.example")["error"]
        == "users_not_found"
    )
    assert error_of(client.users_info, user="U0NOBODY")["error"] == "user_not_found"


def test_missing_scope_names_the_needed_one() -> None:
    workspace = Workspace.default()
    workspace.scopes = ("chat:write", "users:read")
    with StandinServer(StandinState(workspace)) as server:
        client = WebClient(token=workspace.bot_token, base_url=server.api_url)
        data = error_of(client.users_lookupByEmail, email="alice@acme.example")
        assert data == {
            "ok": False,
            "error": "missing_scope",
            "needed": "users:read.email",
            "provided": "chat:write,users:read",
        }
        assert "email" not in client.users_info(user="U0ALICE")["user"]["profile"]


def test_conversations_info(client: WebClient) -> None:
    channel = client.conversations_info(channel="C0PAYMENTS")["channel"]
    assert channel["id"] == "C0PAYMENTS" and channel["name"] == "payments"
    assert channel["is_channel"] is True and channel["is_private"] is False
    assert channel["is_member"] is True
    general = client.conversations_info(channel="C0GENERAL", include_num_members=True)["channel"]
    assert general["is_member"] is False and general["num_members"] == 5
    oncall = client.conversations_info(channel="C0ONCALL")["channel"]
    assert oncall["is_private"] is True and oncall["is_channel"] is False
    assert error_of(client.conversations_info, channel="C0LEADS")["error"] == "channel_not_found"


def test_conversations_join(client: WebClient) -> None:
    assert (
        error_of(client.chat_postMessage, channel="C0GENERAL", text="x")["error"]
        == "not_in_channel"
    )
    joined = client.conversations_join(channel="C0GENERAL")
    assert joined["channel"]["is_member"] is True and "warning" not in joined.data
    assert client.chat_postMessage(channel="C0GENERAL", text="hello")["ok"]
    again = client.conversations_join(channel="C0GENERAL")
    assert again["warning"] == "already_in_channel"
    assert again["response_metadata"]["warnings"] == ["already_in_channel"]
    assert error_of(client.conversations_join, channel="C0ONCALL")["error"] == (
        "method_not_supported_for_channel_type"
    )


def test_every_call_is_logged(client: WebClient, state: StandinState) -> None:
    client.auth_test()
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0NOPE", text="x")
    methods = [(c.method, c.ok, c.result.get("error")) for c in state.calls()]
    assert methods == [("auth.test", True, None), ("chat.postMessage", False, "channel_not_found")]
    assert state.calls("chat.postMessage")[0].args == {"channel": "C0NOPE", "text": "x"}
