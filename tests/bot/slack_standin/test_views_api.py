"""``views.*`` with ``slack_sdk.WebClient``: triggers expire after 3 s, stacks hold three."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack_standin import StandinState
from tests.bot.slack_standin.conftest import ManualClock


def modal(title: str = "Page on-call", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "page",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Page"},
        "blocks": [
            {
                "type": "input",
                "block_id": "why",
                "label": {"type": "plain_text", "text": "Why"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
        **extra,
    }


def failure(call: Any, **kwargs: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as caught:
        call(**kwargs)
    data: dict[str, Any] = caught.value.response.data
    return data


def test_open_answers_the_view(client: WebClient, state: StandinState) -> None:
    trigger = state.issue_trigger("U0ALICE")
    view = client.views_open(trigger_id=trigger.id, view=modal(private_metadata="C0PAYMENTS"))[
        "view"
    ]
    assert view["id"].startswith("V") and view["type"] == "modal"
    assert view["team_id"] == "T0ACME" and view["app_id"] == "A0CALLBOARD"
    assert view["bot_id"] == "B0CALLBOARD"
    assert view["title"] == {"type": "plain_text", "text": "Page on-call"}
    assert view["private_metadata"] == "C0PAYMENTS" and view["callback_id"] == "page"
    assert view["state"] == {"values": {}} and view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None and view["hash"]
    top = state.top_modal("U0ALICE")
    assert top is not None and top.id == view["id"]


def test_triggers_expire_after_three_seconds(
    client: WebClient, state: StandinState, clock: ManualClock
) -> None:
    trigger = state.issue_trigger("U0ALICE")
    clock.advance(3.01)
    assert (
        failure(client.views_open, trigger_id=trigger.id, view=modal())["error"]
        == "expired_trigger_id"
    )
    fresh = state.issue_trigger("U0ALICE")
    clock.advance(2.9)
    assert client.views_open(trigger_id=fresh.id, view=modal())["ok"]


def test_triggers_are_exchanged_once_and_must_be_known(
    client: WebClient, state: StandinState
) -> None:
    trigger = state.issue_trigger("U0BOB")
    client.views_open(trigger_id=trigger.id, view=modal())
    assert failure(client.views_open, trigger_id=trigger.id, view=modal())["error"] == (
        "exchanged_trigger_id"
    )
    assert (
        failure(client.views_open, trigger_id="12345.98765.abcd2358fdea", view=modal())["error"]
        == "invalid_trigger_id"
    )
    malformed = failure(client.views_open, trigger_id="nope", view=modal())
    assert malformed == {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": ["invalid `trigger_id`"]},
    }


def test_invalid_views_answer_the_failing_paths(client: WebClient, state: StandinState) -> None:
    trigger = state.issue_trigger("U0ALICE")
    data = failure(client.views_open, trigger_id=trigger.id, view=modal(title="t" * 25))
    assert data["error"] == "invalid_arguments"
    assert (
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
        in data["response_metadata"]["messages"]
    )
    blocks = [{"type": "divider"}] * 101
    data = failure(client.views_open, trigger_id=trigger.id, view={**modal(), "blocks": blocks})
    assert data["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
    assert client.views_open(trigger_id=trigger.id, view=modal())["ok"]  # not exchanged before


def test_push_stacks_three_at_most(client: WebClient, state: StandinState) -> None:
    root = client.views_open(trigger_id=state.issue_trigger("U0ALICE").id, view=modal("One"))[
        "view"
    ]
    second = client.views_push(trigger_id=state.issue_trigger("U0ALICE").id, view=modal("Two"))[
        "view"
    ]
    assert second["previous_view_id"] == root["id"] and second["root_view_id"] == root["id"]
    client.views_push(trigger_id=state.issue_trigger("U0ALICE").id, view=modal("Three"))
    assert (
        failure(
            client.views_push, trigger_id=state.issue_trigger("U0ALICE").id, view=modal("Four")
        )["error"]
        == "push_limit_reached"
    )
    assert [v.definition["title"]["text"] for v in state.modal_stack("U0ALICE")] == [
        "One",
        "Two",
        "Three",
    ]
    nothing_open = failure(
        client.views_push, trigger_id=state.issue_trigger("U0BOB").id, view=modal()
    )
    assert nothing_open["error"] == "invalid_arguments"


def test_update_by_id_or_external_id_with_hash(client: WebClient, state: StandinState) -> None:
    opened = client.views_open(
        trigger_id=state.issue_trigger("U0CAROL").id, view=modal(external_id="deploy-42")
    )["view"]
    updated = client.views_update(view_id=opened["id"], view=modal("Paging…"), hash=opened["hash"])[
        "view"
    ]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert updated["title"]["text"] == "Paging…"
    stale = failure(
        client.views_update, view_id=opened["id"], view=modal("Old"), hash=opened["hash"]
    )
    assert stale["error"] == "hash_conflict"
    by_external = client.views_update(
        external_id="deploy-42", view=modal("Paged", external_id="deploy-42")
    )
    assert by_external["view"]["id"] == opened["id"]
    assert failure(client.views_update, view_id="V0NOTHERE", view=modal())["error"] == "not_found"
    duplicate = failure(
        client.views_open,
        trigger_id=state.issue_trigger("U0DAN").id,
        view=modal(external_id="deploy-42"),
    )
    assert duplicate["error"] == "duplicate_external_id"


def test_publish_home_tab(client: WebClient, state: StandinState) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "Your services"}}],
    }
    first = client.views_publish(user_id="U0ERIN", view=home)["view"]
    assert first["type"] == "home" and "title" not in first
    second = client.views_publish(user_id="U0ERIN", view=home, hash=first["hash"])["view"]
    assert second["id"] == first["id"] and second["hash"] != first["hash"]
    assert failure(client.views_publish, user_id="U0ERIN", view=home, hash=first["hash"])[
        "error"
    ] == ("hash_conflict")
    assert failure(client.views_publish, user_id="U0NOBODY", view=home)["error"] == "user_not_found"
    assert (
        failure(client.views_publish, user_id="U0ERIN", view=modal())["error"]
        == "invalid_arguments"
    )
    view = state.home_view("U0ERIN")
    assert view is not None and view.id == first["id"]
