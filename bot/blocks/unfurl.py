"""A catalog link unfurled: a compact card of the entity."""

from __future__ import annotations

from typing import Any

from bot.blocks.actions import run_command_button
from bot.blocks.elements import Block, actions, context, section
from bot.blocks.entity import description_text, ref_text
from bot.blocks.message import fit_blocks
from bot.blocks.ownership import owner_label
from bot.blocks.people import name, oncall_summary, team_contacts
from catalog_store.ownership import GroupInfo
from commands.whois import WhoisAnswer

UNFURL_DESCRIPTION = 300
MAX_UNFURL_BLOCKS = 10


def unfurl_card(answer: WhoisAnswer) -> dict[str, Any]:
    """The ``chat.unfurl`` entry for one catalog URL: ``{"blocks": […]}``, at most 10 blocks.

    People are named, not mentioned: an unfurl must not notify anyone.
    """
    card = answer.entity
    kind = name(card.kind, 40) + (f" \u00b7 {name(card.type, 40)}" if card.type else "")
    description = description_text(card, UNFURL_DESCRIPTION)
    blocks: list[Block] = [
        section(
            f"*{name(card.label, 150)}*  ({kind})" + (f"\n{description}" if description else "")
        )
    ]
    facts = [ref_text(card.ref)]
    team = answer.group
    if team is None and answer.owner is not None and isinstance(answer.owner.owner, GroupInfo):
        team = answer.owner.owner
    if answer.group is None and answer.user is None:
        facts.append(f"owner {owner_label(answer.owner)}")
    if team is not None:
        facts += team_contacts(team)[:1]
    summary = oncall_summary(answer.oncall)
    if summary:
        facts.append(summary)
    blocks.append(context(" \u00b7 ".join(facts)))
    blocks.append(actions([run_command_button("Details", f"whois {card.ref}")]))
    return {"blocks": fit_blocks(blocks[:MAX_UNFURL_BLOCKS])}
