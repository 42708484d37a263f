"""``conversations.history`` and ``conversations.list`` through the real WebClient."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError


def error(call: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call(**kwargs)
    return str(caught.value.response["error"])


def test_history_is_newest_first_paginated_and_shows_metadata_when_asked(
    client: WebClient,
) -> None:
    posted = []
    for n in range(5):
        answer = client.chat_postMessage(
            channel="C0PAYMENTS",
            text=f"run {n}",
            metadata={"event_type": "callboard_run", "event_payload": {"key": f"k{n}"}},
        )
        posted.append(answer["ts"])
    client.chat_postMessage(channel="C0PAYMENTS", text="reply", thread_ts=posted[0])
    client.chat_postEphemeral(channel="C0PAYMENTS", user="U0ALICE", text="just for alice")

    first = client.conversations_history(channel="C0PAYMENTS", limit=3)
    assert [m["text"] for m in first["messages"]] == ["run 4", "run 3", "run 2"]
    assert first["has_more"] is True and "metadata" not in first["messages"][0]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel="C0PAYMENTS", limit=3, cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["run 1", "run 0"]
    assert rest["has_more"] is False and rest["response_metadata"]["next_cursor"] == ""

    tagged = client.conversations_history(
        channel="C0PAYMENTS", oldest=posted[2], include_all_metadata=True
    )
    keys = [m["metadata"]["event_payload"]["key"] for m in tagged["messages"]]
    assert keys == ["k4", "k3"], "oldest is exclusive"
    inclusive = client.conversations_history(channel="C0PAYMENTS", oldest=posted[2], inclusive=True)
    assert len(inclusive["messages"]) == 3


def test_history_errors(client: WebClient) -> None:
    assert error(client.conversations_history, channel="C0NOPE") == "channel_not_found"
    assert error(client.conversations_history, channel="C0LEADS") == "channel_not_found"
    assert error(client.conversations_history, channel="C0PAYMENTS", cursor="bad!") == (
        "invalid_cursor"
    )


def test_list_pages_through_the_channels_the_bot_may_see(client: WebClient) -> None:
    names: list[str] = []
    cursor = None
    while True:
        page = client.conversations_list(
            types="public_channel,private_channel", limit=2, cursor=cursor
        )
        names += [c["name"] for c in page["channels"]]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert sorted(names) == ["checkout", "general", "oncall", "payments", "platform"]
    public = client.conversations_list()
    assert "oncall" not in [c["name"] for c in public["channels"]]
    assert error(client.conversations_list, types="rooms") == "invalid_types"


def test_replies_list_the_parent_then_the_thread_oldest_first(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C0PAYMENTS", text="deploy")["ts"]
    for n in range(3):
        client.chat_postMessage(
            channel="C0PAYMENTS",
            text=f"step {n}",
            thread_ts=parent,
            metadata={"event_type": "callboard_run", "event_payload": {"key": f"r{n}"}},
        )
    thread = client.conversations_replies(
        channel="C0PAYMENTS", ts=parent, include_all_metadata=True
    )
    assert [m["text"] for m in thread["messages"]] == ["deploy", "step 0", "step 1", "step 2"]
    assert thread["messages"][3]["metadata"]["event_payload"]["key"] == "r2"
    paged = client.conversations_replies(channel="C0PAYMENTS", ts=parent, limit=2)
    assert paged["has_more"] is True and "metadata" not in paged["messages"][1]
    assert error(client.conversations_replies, channel="C0PAYMENTS", ts="1.000001") == (
        "thread_not_found"
    )
