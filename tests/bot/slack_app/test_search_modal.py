"""The "Search the catalog" modal end to end: opened from the Home tab or ``/idp find``,
errors beside the field, the answer as a direct message, a double submit answered once."""

from __future__ import annotations

import pytest

from bot.blocks.search_modal import (
    EMPTY_QUERY,
    KIND_BLOCK,
    KIND_SELECT,
    QUERY_BLOCK,
    QUERY_INPUT,
    SEARCH_CALLBACK,
    SearchRequest,
    read_search,
    search_modal,
)
from bot.slack_standin import validate_blocks
from bot.slack_standin.block_limits import validate_view
from tests.bot.slack_app.conftest import Bot, blocks_text, wait_for


def open_from_home(bot: Bot, user: str, user_id: str) -> None:
    assert bot.sender.open_home(user) is not None
    home = wait_for(lambda: bot.state.home_view(user_id))
    assert bot.sender.click(user, home, "open_search").ok
    modal = wait_for(lambda: bot.state.top_modal(user_id))
    assert modal.definition["callback_id"] == SEARCH_CALLBACK


def test_the_modal_fits_slack_limits_and_reads_its_fields() -> None:
    view = search_modal("x" * 900)
    assert validate_view(view) == []
    assert len(view["blocks"][0]["element"]["initial_value"]) == 500
    filled = {
        QUERY_BLOCK: {QUERY_INPUT: {"type": "plain_text_input", "value": "  checkout   api "}},
        KIND_BLOCK: {KIND_SELECT: {"type": "static_select", "selected_option": {"value": "api"}}},
    }
    assert read_search(filled) == SearchRequest("checkout api", "api")
    assert read_search(filled).command == "find kind:api checkout api"  # type: ignore[union-attr]
    assert read_search({}) == {QUERY_BLOCK: EMPTY_QUERY}
    forged = {**filled, KIND_BLOCK: {KIND_SELECT: {"selected_option": {"value": "bogus"}}}}
    assert KIND_BLOCK in read_search(forged)  # type: ignore[operator]


def test_home_button_opens_the_modal_and_the_answer_arrives_once(bot: Bot) -> None:
    open_from_home(bot, "alice", "U0ALICE")
    modal = bot.state.top_modal("U0ALICE")
    assert modal is not None
    reply = bot.sender.submit_view(
        "alice",
        modal,
        {QUERY_BLOCK: {QUERY_INPUT: "payments"}, KIND_BLOCK: {KIND_SELECT: "group"}},
        clicks=3,
    )
    assert reply.ok and reply.elapsed < 3.0
    assert bot.state.top_modal("U0ALICE") is None
    dm = wait_for(lambda: bot.bot_messages("alice", "U0ALICE"))
    bot.idle()
    assert len(bot.bot_messages("alice", "U0ALICE")) == 1, "three clicks, one answer"
    assert "payments-team" in blocks_text(dm[0]).lower()
    assert validate_blocks(dm[0].blocks, surface="message") == []


def test_a_blank_query_is_refused_beside_the_field(bot: Bot) -> None:
    open_from_home(bot, "bob", "U0BOB")
    modal = bot.state.top_modal("U0BOB")
    assert modal is not None
    assert bot.sender.submit_view("bob", modal, {QUERY_BLOCK: {QUERY_INPUT: "   "}}).ok
    still = bot.state.top_modal("U0BOB")
    assert still is modal and still.errors == {QUERY_BLOCK: EMPTY_QUERY}
    bot.idle()
    assert bot.bot_messages("bob", "U0BOB") == []


@pytest.mark.parametrize("command,text", [("/idp", "find"), ("/idp", " FIND ")])
def test_find_without_words_opens_the_modal(bot: Bot, command: str, text: str) -> None:
    assert bot.sender.slash_command("alice", "payments", command, text).ok
    modal = wait_for(lambda: bot.state.top_modal("U0ALICE"))
    assert modal.definition["callback_id"] == SEARCH_CALLBACK
    bot.sender.close_view("alice", modal)
