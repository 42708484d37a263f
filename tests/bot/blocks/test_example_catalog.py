"""Real answers from the example catalog render as valid, complete Block Kit."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.blocks import render_reply
from bot.blocks.message import SlackMessage
from commands.dispatch import CommandRouter, ErrorReply, HelpReply, Invocation
from commands.find import FindAnswer, find
from commands.oncall import oncall
from commands.owner import owner
from commands.services import Discovery
from commands.whois import WhoisAnswer, whois
from tests.bot.blocks.conftest import assert_valid_message
from tests.commands.conftest import Directory

WEDNESDAY_NOON_BERLIN = datetime(2024, 1, 3, 11, 0, tzinfo=UTC)
DATE = re.compile(r"<!date\^\d+\^\{date_short_pretty\} \{time\}\|\d{4}-\d\d-\d\d \d\d:\d\d UTC>")


def texts(message: SlackMessage) -> str:
    """Every string of the blocks, one per line."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message.blocks)
    return "\n".join(found)


def buttons(message: SlackMessage) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for block in message.blocks:
        if block["type"] == "actions":
            found += block["elements"]
        if block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


@pytest.fixture
def dan_in_slack(directory: Directory) -> None:
    directory.known["dan@acme.example"] = "U0DAN"


EVERY_COMMAND = [
    "whois payment srvice",
    "whois pmts",
    "whois group:default/payments-team",
    "whois user:default/alice",
    "whois checkout team",
    "find kind:component",
    "find checkout",
    "find zzzqqqxxx",
    "oncall checkout team",
    "oncall payments team",
    "owner payment-service",
    "owner",
    "help",
    "help find",
    "hwois payments",
    "whois zqxjkvwy",
    "find kind:nope",
    "payments",
]


@pytest.mark.parametrize("text", EVERY_COMMAND)
def test_every_command_renders_valid_blocks(discovery: Discovery, text: str) -> None:
    router = CommandRouter(discovery)
    reply = router.handle(Invocation(text=text, user_email="alice@acme.example"))
    message = render_reply(reply, command_text=text)
    assert_valid_message(message)
    json.dumps(message.blocks)  # plain JSON
    shares = [b for b in buttons(message) if b["action_id"] == "share_in_channel"]
    if isinstance(reply, ErrorReply):
        assert shares == []
    else:
        assert [b["value"] for b in shares] == [text]


def test_whois_shows_facts_owner_channel_members_and_links(discovery: Discovery) -> None:
    answer = whois(discovery, "payment srvice")
    message = render_reply(answer, command_text="whois payment srvice")
    header = message.blocks[0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Payment Service", "emoji": True},
    }
    facts = [f["text"] for f in message.blocks[1]["fields"]]
    assert "*Kind*\nComponent" in facts
    assert "*Lifecycle*\nproduction" in facts
    assert "*Owner*\nPayments \u00b7 <#C0PAYMENTS>" in facts
    assert any(f.startswith("*Tags*\n") and "pci" in f for f in facts)
    all_text = texts(message)
    assert "Authorises and captures card payments" in all_text
    assert "<@U0ALICE>" in all_text and "<@U0BOB>" in all_text
    assert "<mailto:payments@acme.example|payments@acme.example>" in all_text
    assert "matched: name \u201cpayment-service\u201d" in all_text
    links = [b for b in buttons(message) if str(b["action_id"]).startswith("open_link_")]
    assert [b["url"] for b in links] == [link.url for link in answer.entity.links]
    alternatives = [b for b in buttons(message) if str(b["action_id"]).startswith("run_command")]
    assert [b["value"] for b in alternatives] == [
        f"whois {hit.entity_ref}" for hit in answer.alternatives
    ]
    assert len({b["action_id"] for b in alternatives}) == len(alternatives)
    assert "Payment Service (component:default/payment-service)" in message.text
    assert "<@" not in message.text


@pytest.mark.usefixtures("dan_in_slack")
def test_whois_shows_on_call_now_and_next_with_slack_dates(discovery: Discovery) -> None:
    answer = whois(discovery, "order service", at=WEDNESDAY_NOON_BERLIN)
    message = render_reply(answer)
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    now = next(s for s in sections if s.startswith("*On call now*"))
    assert "Callboard schedule: Checkout primary on-call" in now
    assert "<@U0DAN> until " in now and DATE.search(now)
    following = next(s for s in sections if s.startswith("*Next*"))
    assert "Carol" in following and " from " in following and DATE.search(following)


def test_a_provider_problem_shows_the_fallback_contacts(discovery: Discovery) -> None:
    message = render_reply(oncall(discovery, "payments team"))
    assert_valid_message(message)
    all_text = texts(message)
    assert ":warning: PagerDuty" in all_text
    assert "*Contact the team instead*" in all_text and "<#C0PAYMENTS>" in all_text


def test_a_group_shows_members_parents_and_what_it_owns(discovery: Discovery) -> None:
    answer = whois(discovery, "group:default/payments-team")
    assert answer.owned is not None
    message = render_reply(answer)
    all_text = texts(message)
    assert "*Members (2):* <@U0ALICE>, <@U0BOB>" in all_text
    assert "*Part of:* " in all_text
    owned = next(t for t in all_text.splitlines() if t.startswith("*Owns "))
    for kind, count in answer.owned.counts.items():
        assert f"{count} {kind}" in owned


def test_a_user_shows_their_groups(discovery: Discovery) -> None:
    message = render_reply(whois(discovery, "user:default/alice"))
    assert "*Member of:*\n\u2022 *Payments* \u00b7 <#C0PAYMENTS>" in texts(message)


def test_owner_about_me_lists_my_teams_and_their_services(discovery: Discovery) -> None:
    reply = owner(discovery, "", user_email="alice@acme.example")
    message = render_reply(reply)
    assert_valid_message(message)
    all_text = texts(message)
    assert "Payment Service" in all_text and "*Owns " in all_text
    assert any(b["value"] == "oncall group:default/payments-team" for b in buttons(message))
    assert [b["value"] for b in buttons(message) if b["action_id"] == "share_in_channel"] == [
        "owner"
    ]


def test_find_lists_each_hit_with_a_details_button(discovery: Discovery) -> None:
    answer = find(discovery, "kind:component")
    assert isinstance(answer, FindAnswer)
    message = render_reply(answer)
    hit_sections = [b for b in message.blocks if b.get("accessory")]
    assert len(hit_sections) == len(answer.hits)
    for position, (block, hit) in enumerate(zip(hit_sections, answer.hits, strict=True), 1):
        assert block["text"]["text"].startswith(f"*{position}. {hit.name}*")
        assert block["accessory"]["value"] == f"whois {hit.entity_ref}"


def test_help_lists_every_verb_with_the_root_command(discovery: Discovery) -> None:
    reply = CommandRouter(discovery, root="/callboard").help()
    assert isinstance(reply, HelpReply)
    message = render_reply(reply, root="/callboard")
    all_text = texts(message)
    for verb in reply.verbs:
        assert f"*`/callboard {verb.usage}`*" in all_text
        assert verb.summary in all_text


def test_an_unknown_verb_offers_the_corrected_command(discovery: Discovery) -> None:
    reply = CommandRouter(discovery).handle(Invocation(text="hwois payments"))
    assert isinstance(reply, ErrorReply)
    message = render_reply(reply, command_text="hwois payments")
    [run] = buttons(message)
    assert run["action_id"] == "run_command" and run["value"] == "whois payments"
    assert message.blocks[0]["text"]["text"].startswith(":warning: I don't know `hwois`")


def test_answers_can_be_rendered_without_the_share_button(discovery: Discovery) -> None:
    answer = whois(discovery, "pmts")
    assert isinstance(answer, WhoisAnswer)
    message = render_reply(answer, shareable=False)
    assert all(b["action_id"] != "share_in_channel" for b in buttons(message))
    shared = render_reply(answer)
    assert [b["value"] for b in buttons(shared) if b["action_id"] == "share_in_channel"] == [
        "whois component:default/payment-service"
    ]
