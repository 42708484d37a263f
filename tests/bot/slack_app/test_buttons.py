"""Buttons end to end: run a command, page through find, share in the channel, and the
Home tab's quick actions."""

from __future__ import annotations

import json

from bot.slack_standin import StoredMessage, validate_blocks
from tests.bot.slack_app.conftest import Bot, action_ids, blocks_text, wait_for


def ask(bot: Bot, user: str, channel: str, text: str) -> StoredMessage:
    before = len(bot.bot_messages(user, channel))
    assert bot.sender.slash_command(user, channel, "/idp", text).ok
    found: list[StoredMessage] = wait_for(lambda: bot.bot_messages(user, channel)[before:])
    return found[0]


def button(message: StoredMessage, prefix: str) -> tuple[str, str | None]:
    return next((a, v) for a, v in action_ids(message) if a.startswith(prefix))


def test_find_pages_replace_the_ephemeral_answer(bot: Bot) -> None:
    message = ask(bot, "alice", "payments", "find team")
    action, value = button(message, "find_page")
    assert value is not None and json.loads(value) == {"q": "team", "offset": 10}
    first_page = blocks_text(message)
    reply = bot.sender.click("alice", message, action)
    assert reply.ok and reply.elapsed < 3.0
    page = wait_for(lambda: (m := bot.state.find_message(message.channel, message.ts)) and m.edits)
    assert page
    current = bot.state.find_message(message.channel, message.ts)
    assert current is not None and current.ephemeral_to == "U0ALICE"
    assert blocks_text(current) != first_page
    assert validate_blocks(current.blocks, surface="message") == []
    offsets = sorted(
        json.loads(v or "{}")["offset"] for a, v in action_ids(current) if a.startswith("find_page")
    )
    assert offsets == [0, 20]
    assert len(bot.bot_messages("alice", "payments")) == 1


def test_run_command_replaces_the_answer(bot: Bot) -> None:
    message = ask(bot, "alice", "payments", "whois payments")
    runs = [(a, v) for a, v in action_ids(message) if a.startswith("run_command")]
    assert runs, action_ids(message)
    action, value = runs[0]
    assert bot.sender.click("alice", message, action).ok
    wait_for(lambda: (m := bot.state.find_message(message.channel, message.ts)) and m.edits)
    current = bot.state.find_message(message.channel, message.ts)
    assert current is not None
    assert value is not None and value.split(" ", 1)[1].split("/")[-1] in blocks_text(current)
    assert len(bot.bot_messages("alice", "payments")) == 1


def test_share_in_channel_posts_for_everyone_and_removes_the_ephemeral(bot: Bot) -> None:
    message = ask(bot, "alice", "payments", "whois payment srvice")
    action, value = button(message, "share_in_channel")
    assert value == "whois payment srvice"
    assert bot.sender.click("alice", message, action).ok
    shared = wait_for(lambda: bot.bot_messages("bob", "payments"))
    assert len(shared) == 1 and shared[0].ephemeral_to is None
    text = blocks_text(shared[0])
    assert "payment-service" in text.lower() and "Shared by <@U0ALICE>" in text
    assert not [a for a, _ in action_ids(shared[0]) if a == "share_in_channel"]
    wait_for(lambda: bot.state.find_message(message.channel, message.ts) is None)
    assert [m.ts for m in bot.bot_messages("alice", "payments")] == [shared[0].ts]
    bot.idle()
    bodies = [p.body for p in bot.state.response_url_posts]
    assert bodies[-2] == {"delete_original": True} and bodies[-1]["response_type"] == "in_channel"


def test_a_button_in_a_shared_message_answers_privately(bot: Bot) -> None:
    message = ask(bot, "alice", "payments", "whois payments")
    action, _ = button(message, "share_in_channel")
    bot.sender.click("alice", message, action)
    shared = wait_for(lambda: bot.bot_messages("bob", "payments"))[0]
    runs = [a for a, _ in action_ids(shared) if a.startswith("run_command")]
    assert runs
    assert bot.sender.click("bob", shared, runs[0]).ok
    mine = wait_for(lambda: [m for m in bot.bot_messages("bob", "payments") if m.ephemeral_to])
    assert mine[0].ephemeral_to == "U0BOB"
    still = bot.state.find_message(shared.channel, shared.ts)
    assert still is not None and not still.edits


def test_home_tab_buttons_answer_in_a_direct_message(bot: Bot) -> None:
    assert bot.sender.open_home("alice") is not None
    home = wait_for(lambda: bot.state.home_view("U0ALICE"))
    buttons = [
        element
        for block in home.definition["blocks"]
        for element in (block.get("elements") or []) + [block.get("accessory") or {}]
        if str(element.get("action_id", "")).startswith("run_command")
    ]
    oncall = next(b for b in buttons if str(b.get("value", "")).startswith("oncall "))
    assert bot.sender.click("alice", home, oncall["action_id"]).ok
    dm = wait_for(lambda: bot.bot_messages("alice", "U0ALICE"))
    assert dm[0].ephemeral_to is None and "Payments" in blocks_text(dm[0])
    assert not [a for a, _ in action_ids(dm[0]) if a == "share_in_channel"]


def test_link_buttons_are_only_acknowledged(bot: Bot) -> None:
    message = ask(bot, "alice", "payments", "whois payment-service")
    links = [a for a, _ in action_ids(message) if a.startswith("open_link_")]
    assert links
    assert bot.sender.click("alice", message, links[0]).ok
    bot.idle()
    current = bot.state.find_message(message.channel, message.ts)
    assert current is not None and not current.edits
