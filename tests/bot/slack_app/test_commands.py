"""Slash commands end to end: the stand-in sends them signed, the bot acks at once and
answers through the ``response_url``."""

from __future__ import annotations

from bot.slack_standin import validate_blocks
from tests.bot.slack_app.conftest import NASTY_DESCRIPTION, Bot, action_ids, blocks_text, wait_for


def answer_to(bot: Bot, user: str, channel: str, command: str, text: str) -> str:
    before = len(bot.bot_messages(user, channel))
    reply = bot.sender.slash_command(user, channel, command, text)
    assert reply.status == 200 and reply.body == "", reply
    assert reply.elapsed < 3.0
    messages = wait_for(
        lambda: bot.bot_messages(user, channel)[before:], what=f"the answer to {command} {text}"
    )
    assert len(messages) == 1
    message = messages[0]
    assert message.source == "response_url" and message.ephemeral_to is not None
    assert validate_blocks(message.blocks, surface="message") == []
    return blocks_text(message)


def test_whois_with_a_typo_answers_with_the_owners_channel(bot: Bot) -> None:
    text = answer_to(bot, "alice", "payments", "/idp", "whois payment srvice")
    assert "payment-service" in text.lower()
    assert "<#C0PAYMENTS>" in text
    message = bot.bot_messages("alice", "C0PAYMENTS")[-1]
    assert message.ephemeral_to == "U0ALICE"
    assert ("share_in_channel", "whois payment srvice") in action_ids(message)
    assert bot.bot_messages("bob", "C0PAYMENTS") == []
    posts = bot.state.response_url_posts
    assert len(posts) == 1 and posts[0].status == 200
    assert posts[0].body["response_type"] == "ephemeral"


def test_verb_commands_and_aliases(bot: Bot) -> None:
    text = answer_to(bot, "carol", "checkout", "/whois", "pmts")
    assert "payment-service" in text.lower()
    text = answer_to(bot, "carol", "checkout", "/oncall", "payments-team")
    assert "Payments" in text


def test_owner_uses_the_persons_email_from_users_info_cached(bot: Bot) -> None:
    first = answer_to(bot, "alice", "payments", "/idp", "owner")
    second = answer_to(bot, "alice", "payments", "/owner", "")
    assert first == second
    assert "Payments" in first
    calls = bot.state.calls("users.info")
    assert len(calls) == 1 and calls[0].args["user"] == "U0ALICE"


def test_help_and_unknown_verbs_get_clear_answers(bot: Bot) -> None:
    assert "/idp" in answer_to(bot, "alice", "payments", "/idp", "help")
    text = answer_to(bot, "alice", "payments", "/idp", "whoiss payments")
    assert "Did you mean" in text or "did you mean" in text


def test_a_4000_character_command_is_answered(bot: Bot) -> None:
    text = answer_to(bot, "alice", "payments", "/idp", "whois " + "payment " * 500)
    assert text
    huge = answer_to(bot, "alice", "payments", "/idp", "find " + "x" * 3995)
    assert huge and "Traceback" not in huge


def test_a_description_cannot_ping_or_link(bot: Bot) -> None:
    answer_to(bot, "alice", "payments", "/idp", "whois component:default/billing-gateway")
    message = bot.bot_messages("alice", "C0PAYMENTS")[-1]
    text = blocks_text(message) + message.text
    assert "billing-gateway" in text
    for raw in ("<!channel>", "<@U0ERIN>", "<https://evil.example", "<!subteam", "<!here"):
        assert raw not in text, raw
    assert NASTY_DESCRIPTION not in text
    assert "&lt;!channel&gt;" in text


def test_nothing_found_is_said_plainly(bot: Bot) -> None:
    text = answer_to(bot, "alice", "payments", "/idp", "whois zzzzqqqq-nothing")
    assert text and "Traceback" not in text


def test_commands_in_a_direct_message(bot: Bot) -> None:
    text = answer_to(bot, "bob", "U0BOB", "/idp", "whois ledger")
    assert "ledger" in text.lower()


def test_people_are_mentioned_from_the_workspace_roster(bot: Bot) -> None:
    answer_to(bot, "alice", "payments", "/idp", "help")
    bot.surface.parts.teams.rosters.wait()
    listed = bot.state.calls("users.list")
    assert len(listed) == 1 and listed[0].status == 200
    looked_up = len(bot.state.calls("users.lookupByEmail"))
    assert looked_up == 0
    text = answer_to(bot, "bob", "payments", "/idp", "whois payments-team")
    assert "<@U0ALICE>" in text or "<@U0BOB>" in text
    answer_to(bot, "carol", "checkout", "/idp", "oncall payment-service")
    assert len(bot.state.calls("users.lookupByEmail")) == looked_up
    assert len(bot.state.calls("users.list")) == 1
