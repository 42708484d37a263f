"""Action ids and the values buttons send back: stable, unique, round-tripping."""

from __future__ import annotations

import json

import pytest

from bot.blocks import (
    ACTION_PATTERNS,
    action_name,
    find_page_value,
    parse_find_page,
    render_reply,
    reply_command,
)
from bot.blocks.truncation import slack_len
from commands.dispatch import ErrorReply, HelpReply, Reply, VerbHelp
from commands.entity_cards import Link
from commands.owner import OwnerReply
from tests.bot.blocks import synthetic
from tests.bot.blocks.test_example_catalog import buttons


@pytest.mark.parametrize(
    ("query", "offset"),
    [
        ("kind:api checkout", 10),
        ('quotes " and \\ backslashes', 0),
        ("unicode caf\u00e9 \U0001f680 \u65e5\u672c", 990),
        ("", 5),
    ],
)
def test_find_page_values_round_trip(query: str, offset: int) -> None:
    value = find_page_value(query, offset)
    assert parse_find_page(value) == (query, offset)
    assert json.loads(value) == {"q": query, "offset": offset}


def test_a_query_too_long_for_a_value_is_cut_but_still_parses() -> None:
    query = ('\u00e9\U0001f680" ' * 1000).strip()
    value = find_page_value(query, 20)
    assert slack_len(value) <= 2000
    cut, offset = parse_find_page(value)
    assert offset == 20 and query.startswith(cut) and len(cut) > 100


@pytest.mark.parametrize(
    "value",
    [
        "[]",
        '{"q": 1, "offset": 0}',
        '{"q": "x", "offset": "2"}',
        '{"q": "x", "offset": true}',
        "nope",
    ],
)
def test_foreign_values_are_refused(value: str) -> None:
    with pytest.raises(ValueError):
        parse_find_page(value)


def test_action_ids_are_named_by_their_patterns() -> None:
    assert action_name("run_command") == "run_command"
    assert action_name("run_command.12") == "run_command"
    assert action_name("find_page.1") == "find_page"
    assert action_name("open_link_3") == "open_link"
    assert action_name("share_in_channel") == "share_in_channel"
    assert action_name("something_else") == "something_else"
    assert not ACTION_PATTERNS["run_command"].match("run_commands")


def test_every_rendered_action_id_is_known_and_unique_per_block() -> None:
    replies: list[Reply] = [
        synthetic.component_whois(
            synthetic.card(links=tuple(Link(f"https://x.example/{i}") for i in range(9))),
            alternatives=synthetic.hits(8),
        ),
        synthetic.find_answer(100, 10, offset=30),
        HelpReply("/idp", tuple(VerbHelp(f"v{i}", f"v{i} X", "s", "") for i in range(8))),
        ErrorReply("no", did_you_mean="whois x", suggestions=("a", "b", "c")),
    ]
    for reply in replies:
        message = render_reply(reply)
        for block in message.blocks:
            ids = [e["action_id"] for e in block.get("elements", []) if "action_id" in e]
            assert len(ids) == len(set(ids))
        for button in buttons(message):
            assert action_name(str(button["action_id"])) in ACTION_PATTERNS


def share_values(reply: Reply, *, command_text: str = "", shareable: bool = True) -> list[object]:
    message = render_reply(reply, command_text=command_text, shareable=shareable)
    return [b["value"] for b in buttons(message) if b["action_id"] == "share_in_channel"]


def test_share_carries_the_command_as_typed() -> None:
    answer = synthetic.component_whois(synthetic.card())
    assert share_values(answer, command_text="  whois   pmts ") == ["whois pmts"]
    assert share_values(answer) == ["whois component:default/payment-service"]
    assert share_values(answer, shareable=False) == []


def test_a_long_command_is_cut_to_fit_the_share_value() -> None:
    [value] = share_values(synthetic.find_answer(3, 10), command_text="find " + "word " * 1000)
    assert isinstance(value, str) and value.startswith("find word word")
    assert slack_len(value) <= 2000 and value.endswith("word")


def test_errors_are_never_shared() -> None:
    assert share_values(ErrorReply("nothing"), command_text="whois x") == []


@pytest.mark.parametrize(
    ("reply", "command"),
    [
        (synthetic.find_answer(3, 10, query="kind:api x"), "find kind:api x"),
        (OwnerReply(me=synthetic.user_whois(1).user), "owner"),
        (OwnerReply(entity=synthetic.card()), "owner component:default/payment-service"),
        (HelpReply("/idp", (VerbHelp("find", "find X", "s", ""),)), "help find"),
    ],
)
def test_each_reply_knows_the_command_that_answers_it_again(reply: Reply, command: str) -> None:
    assert reply_command(reply) == command


def test_error_suggestions_keep_the_verb_typed() -> None:
    message = render_reply(
        ErrorReply("Nothing matches", suggestions=("payments-team",)), command_text="oncall paymnts"
    )
    assert [b["value"] for b in buttons(message)] == ["oncall payments-team"]
    message = render_reply(ErrorReply("x", suggestions=("y",)), command_text="whatever y")
    assert [b["value"] for b in buttons(message)] == ["whois y"]
