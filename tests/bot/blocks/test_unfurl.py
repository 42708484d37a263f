"""A catalog link unfurls to a compact card that names, but never mentions, people."""

from __future__ import annotations

from bot.blocks import unfurl_card
from bot.slack_standin import validate_blocks
from commands.services import Discovery
from commands.whois import whois
from tests.bot.blocks import synthetic


def test_an_entity_unfurls_with_owner_channel_and_details_button(discovery: Discovery) -> None:
    card = unfurl_card(whois(discovery, "component:default/payment-service"))
    blocks = card["blocks"]
    assert validate_blocks(blocks, surface="message") == []
    assert len(blocks) <= 10
    assert blocks[0]["text"]["text"].startswith("*Payment Service*  (Component \u00b7 service)")
    facts = blocks[1]["elements"][0]["text"]
    assert "component:default/payment-service" in facts
    assert "owner Payments" in facts and "<#C0PAYMENTS>" in facts
    assert blocks[2]["elements"][0]["value"] == "whois component:default/payment-service"


def test_an_unfurl_mentions_nobody() -> None:
    answer = synthetic.component_whois(synthetic.card(), mentions={"user:default/p0": "U0P0"})
    card = unfurl_card(answer)
    assert "<@" not in str(card)
    assert "On call now: Person 0" in card["blocks"][1]["elements"][0]["text"]


def test_a_group_unfurls_with_its_own_channel() -> None:
    card = unfurl_card(
        synthetic.group_whois(synthetic.group(members=5), synthetic.owned({"API": 3}))
    )
    facts = card["blocks"][1]["elements"][0]["text"]
    assert "<#C0PAYMENTS>" in facts and "owner" not in facts
