"""Answers far beyond what Slack takes are cut to its limits and still say what they hold."""

from __future__ import annotations

import re

import pytest

from bot.blocks import parse_find_page, render_reply, unfurl_card
from bot.blocks.limits import MAX_MESSAGE_BLOCK_CHARS
from bot.blocks.message import SlackMessage, text_size
from bot.blocks.truncation import slack_len
from bot.slack_standin import validate_blocks
from commands.dispatch import ErrorReply, HelpReply, Reply, VerbHelp
from commands.entity_cards import Link
from commands.oncall import OnCallReply
from commands.owner import OwnerReply
from commands.whois import WhoisAnswer
from tests.bot.blocks import synthetic
from tests.bot.blocks.conftest import assert_valid_message
from tests.bot.blocks.test_example_catalog import buttons, texts

HUGE_DESCRIPTION = "The payment service. " * 2500  # 52,500 characters
MANY_LINKS = tuple(
    Link(f"https://links.example/{i}?q=" + "x" * (i * 20), f"Link {i} " + "l" * 80)
    for i in range(200)
)


def oversized_answers() -> dict[str, Reply]:
    big_team = synthetic.group(members=1000, parents=40)
    owns = synthetic.owned({"Component": 3000, "API": 1500, "Resource": 500})
    hostile = synthetic.card(
        name="x_" + synthetic.EVIL,
        title=synthetic.EVIL * 3,
        description=synthetic.EVIL * 200,
        tags=tuple(synthetic.EVIL for _ in range(20)),
        links=(Link("https://ok.example", synthetic.EVIL),),
    )
    return {
        "50 kB description": synthetic.component_whois(
            synthetic.card(description=HUGE_DESCRIPTION)
        ),
        "75+ char names": synthetic.component_whois(
            synthetic.card(name=synthetic.LONG_NAME, title=synthetic.LONG_NAME * 3),
            team=synthetic.group(name=synthetic.LONG_NAME, title=synthetic.LONG_NAME * 2),
        ),
        "200 links": synthetic.component_whois(synthetic.card(links=MANY_LINKS)),
        "1000 tags": synthetic.component_whois(
            synthetic.card(tags=tuple(f"tag-{i}" for i in range(1000)))
        ),
        "hostile names": synthetic.component_whois(
            hostile,
            team=synthetic.group(name=synthetic.EVIL, title=synthetic.EVIL),
            alternatives=synthetic.hits(30, name=synthetic.EVIL),
        ),
        "1000 members, 5000 owned": synthetic.group_whois(big_team, owns),
        "user in 300 groups": synthetic.user_whois(300),
        "500 on call": synthetic.component_whois(
            synthetic.card(),
            oncall=synthetic.oncall_answer(now=500, following=500, problem="x" * 5000),
        ),
        "500 hits, page of 100": synthetic.find_answer(500, 100),
        "500 hits, last page": synthetic.find_answer(500, 10, offset=490),
        "500 hits, page of 100 at 450": synthetic.find_answer(500, 100, offset=450),
        "find with a 3000-char query": synthetic.find_answer(50, 10, query="q" * 3000),
        "oncall 500 people": OnCallReply(
            synthetic.card(), synthetic.oncall_answer(now=500, following=500), {}
        ),
        "owner with 1000 members": OwnerReply(
            entity=synthetic.card(),
            owner=synthetic.component_whois(synthetic.card(), team=big_team).owner,
        ),
        "help with 100 verbs": HelpReply(
            "/idp",
            tuple(VerbHelp(f"verb{i}", "x " * 100, "s" * 500, "d" * 3000) for i in range(100)),
        ),
        "error with 100 suggestions": ErrorReply(
            "<!channel> " * 1000, did_you_mean="whois " + "x" * 3000, suggestions=("s" * 100,) * 100
        ),
    }


ANSWERS = oversized_answers()


@pytest.mark.parametrize("label", list(ANSWERS))
def test_oversized_answers_stay_within_slacks_limits(label: str) -> None:
    message = render_reply(ANSWERS[label], command_text="whois " + "w" * 5000)
    assert_valid_message(message)
    assert sum(text_size(b) for b in message.blocks) <= MAX_MESSAGE_BLOCK_CHARS
    for button in buttons(message):
        assert slack_len(str(button.get("value", ""))) <= 2000


@pytest.mark.parametrize(
    "label", [k for k in ANSWERS if k.startswith(("50 kB", "75", "200", "1000", "hostile"))]
)
def test_oversized_entities_unfurl_compactly(label: str) -> None:
    answer = ANSWERS[label]
    assert isinstance(answer, WhoisAnswer)
    card = unfurl_card(answer)
    assert validate_blocks(card["blocks"], surface="message") == []
    assert len(card["blocks"]) <= 10


def test_a_huge_description_is_cut_with_an_ellipsis() -> None:
    message = render_reply(ANSWERS["50 kB description"])
    description = message.blocks[1]["text"]["text"]
    assert description.startswith("The payment service.")
    assert description.endswith("\u2026")
    assert slack_len(description) <= 3000


def test_many_members_say_how_many_more() -> None:
    message = render_reply(ANSWERS["1000 members, 5000 owned"])
    all_text = texts(message)
    members = next(line for line in all_text.splitlines() if line.startswith("*Members (1000):*"))
    listed = members.count("<@U0P")
    assert listed > 10
    assert members.endswith(f" and {1000 - listed} more")
    owned = all_text[all_text.index("*Owns 5000:*") :]
    assert "3000 Component, 1500 API, 500 Resource" in owned
    assert re.search(r"\*Component:\* component-0, component-1, .* and \d+ more", owned)


def test_many_links_become_five_buttons_and_a_context_line() -> None:
    message = render_reply(ANSWERS["200 links"])
    link_buttons = [b for b in buttons(message) if str(b["action_id"]).startswith("open_link_")]
    assert [b["action_id"] for b in link_buttons] == [f"open_link_{i}" for i in range(5)]
    assert all(b["url"] == link.url for b, link in zip(link_buttons, MANY_LINKS, strict=False))
    assert all(slack_len(b["text"]["text"]) <= 75 for b in link_buttons)
    more = next(t for t in texts(message).splitlines() if t.startswith("More links: "))
    assert "<https://links.example/5?q=" in more and re.search(r" and \d+ more$", more)


def mrkdwn_texts(message: SlackMessage) -> list[str]:
    """The text of every ``mrkdwn`` object (plain text is shown as written, never parsed)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            if value.get("type") == "mrkdwn":
                found.append(str(value["text"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message.blocks)
    return found


def test_hostile_names_cannot_ping_mention_link_or_format() -> None:
    message = render_reply(ANSWERS["hostile names"])
    assert_valid_message(message)
    all_text = "\n".join(mrkdwn_texts(message))
    for forbidden in ("<!channel>", "<!here", "<https://evil", "<@U0ALICE>", "@here"):
        assert forbidden not in all_text
    assert "&lt;!channel&gt;" in all_text
    mentions = set(re.findall(r"<@([A-Z0-9]+)>", all_text))
    assert mentions <= {"U0P0"}
    for block in message.blocks:
        for obj in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(obj, dict) and obj.get("type") == "mrkdwn":
                assert obj["verbatim"] is True
    header = message.blocks[0]["text"]
    assert header["type"] == "plain_text" and header["text"].startswith("*bold* _it_")
    assert "<!" not in message.text and "<@" not in message.text


def test_a_page_of_100_hits_fits_and_continues_where_it_stopped() -> None:
    answer = ANSWERS["500 hits, page of 100"]
    message = render_reply(answer)
    assert len(message.blocks) <= 50
    positions = [int(n) for n in re.findall(r"^\*(\d+)\. ", texts(message), re.MULTILINE)]
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) >= 20
    [page] = [b for b in buttons(message) if str(b["action_id"]).startswith("find_page")]
    assert page["text"]["text"] == "Next 10"
    assert parse_find_page(str(page["value"])) == ("service", len(positions))
    assert f"Showing 1\u2013{len(positions)} of 500" in texts(message)


def test_the_last_page_has_only_previous() -> None:
    message = render_reply(ANSWERS["500 hits, last page"])
    pages = [b for b in buttons(message) if str(b["action_id"]).startswith("find_page")]
    assert [b["text"]["text"] for b in pages] == ["Previous"]
    assert parse_find_page(str(pages[0]["value"])) == ("service", 480)


def test_a_long_page_near_the_end_offers_both_ways() -> None:
    message = render_reply(ANSWERS["500 hits, page of 100 at 450"])
    positions = [int(n) for n in re.findall(r"^\*(\d+)\. ", texts(message), re.MULTILINE)]
    assert positions[0] == 451 and positions == list(range(451, 451 + len(positions)))
    pages = [b for b in buttons(message) if str(b["action_id"]).startswith("find_page")]
    assert [b["action_id"] for b in pages] == ["find_page", "find_page.1"]
    assert [parse_find_page(str(b["value"])) for b in pages] == [
        ("service", 440),
        ("service", 450 + len(positions)),
    ]


def test_an_error_full_of_broadcasts_pings_nobody() -> None:
    message = render_reply(ANSWERS["error with 100 suggestions"])
    assert "<!channel>" not in texts(message) and "<!channel>" not in message.text
    run = [b for b in buttons(message) if str(b["action_id"]).startswith("run_command")]
    assert 1 < len(run) <= 25
    assert len({b["action_id"] for b in run}) == len(run)
