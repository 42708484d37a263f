"""``users.list`` as Slack pages it: cursors, emails by scope, Tier 2 rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinServer, StandinState, Workspace
from bot.slack_standin.workspace import User
from tests.bot.slack_standin.conftest import ManualClock


def pages(client: WebClient, limit: int) -> list[list[dict[str, Any]]]:
    found: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        answer = client.users_list(limit=limit, cursor=cursor)
        found.append(answer["members"])
        cursor = answer["response_metadata"]["next_cursor"]
        if not cursor:
            return found


def test_pages_lead_on_until_every_member_was_listed(client: WebClient) -> None:
    workspace = Workspace.default()
    listed = pages(client, limit=2)
    assert all(len(page) <= 2 for page in listed) and len(listed) >= 2
    ids = [member["id"] for page in listed for member in page]
    assert ids == sorted(workspace.users)
    bot = next(m for page in listed for m in page if m["id"] == workspace.bot_user_id)
    assert bot["is_bot"] is True
    alice = next(m for page in listed for m in page if m["id"] == "U0ALICE")
    assert alice["profile"]["email"] == "alice@acme.example" and alice["deleted"] is False


def test_without_a_limit_one_page_holds_everyone(client: WebClient) -> None:
    answer = client.users_list()
    assert answer["response_metadata"]["next_cursor"] == ""
    assert len(answer["members"]) == len(Workspace.default().users)
    assert isinstance(answer["cache_ts"], int)


def test_a_cursor_it_did_not_hand_out_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as caught:
        client.users_list(cursor="bm90LWEtY3Vyc29y")
    assert caught.value.response["error"] == "invalid_cursor"


def test_emails_need_their_scope_and_the_list_its_own() -> None:
    workspace = Workspace.default()
    workspace.scopes = ("chat:write", "users:read")
    with StandinServer(StandinState(workspace)) as server:
        client = WebClient(token=workspace.bot_token, base_url=server.api_url)
        members = client.users_list()["members"]
        assert members and all("email" not in m["profile"] for m in members)
    workspace.scopes = ("chat:write",)
    with StandinServer(StandinState(workspace)) as server:
        client = WebClient(token=workspace.bot_token, base_url=server.api_url)
        with pytest.raises(SlackApiError) as caught:
            client.users_list()
        assert caught.value.response["needed"] == "users:read"


def test_deactivated_members_are_listed_as_deleted() -> None:
    workspace = Workspace.default()
    workspace.users["U0GONE"] = User("U0GONE", "gone", "Gone Away", "gone@acme.example")
    workspace.users["U0GONE"].deleted = True
    with StandinServer(StandinState(workspace)) as server:
        client = WebClient(token=workspace.bot_token, base_url=server.api_url)
        gone = [m for m in client.users_list()["members"] if m["id"] == "U0GONE"]
        assert gone[0]["deleted"] is True


def test_past_twenty_calls_a_minute_it_answers_429(
    client: WebClient, clock: ManualClock, state: StandinState
) -> None:
    for _ in range(20):
        client.users_list(limit=1)
    with pytest.raises(SlackApiError) as caught:
        client.users_list(limit=1)
    assert caught.value.response.status_code == 429
    assert caught.value.response["error"] == "ratelimited"
    assert int(caught.value.response.headers["Retry-After"]) >= 1
    clock.advance(3.1)
    assert client.users_list(limit=1)["ok"] is True
    assert state.calls("users.list")[-1].status == 200
