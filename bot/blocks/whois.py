"""``whois``: the entity, its owner and contacts, who is on call, and its links."""

from __future__ import annotations

from bot.blocks.compose import alternatives_blocks, compose
from bot.blocks.elements import Block, context, section
from bot.blocks.entity import card_blocks, link_blocks, matched_text, ref_text
from bot.blocks.message import SlackMessage
from bot.blocks.ownership import (
    owned_blocks,
    owner_blocks,
    owner_field,
    owner_label,
    team_blocks,
    user_groups_text,
)
from bot.blocks.people import name, oncall_blocks, oncall_summary, user_text
from commands.whois import WhoisAnswer


def whois_fallback(answer: WhoisAnswer) -> str:
    """The notification text: name, ref, owner and who is on call (escaped, no mentions)."""
    card = answer.entity
    parts = [f"{name(card.label)} ({ref_text(card.ref)})"]
    if answer.group is None and answer.user is None:
        parts.append(f"owner {owner_label(answer.owner)}")
    summary = oncall_summary(answer.oncall)
    if summary:
        parts.append(summary)
    return " \u2014 ".join(parts)


def _owner_fact(answer: WhoisAnswer) -> str | None:
    if answer.group is not None or answer.user is not None:
        return None
    return owner_field(answer.owner)


def whois_body(answer: WhoisAnswer) -> list[Block]:
    """Every block of a ``whois`` answer but the buttons at the end."""
    card = answer.entity
    blocks = card_blocks(card, owner=_owner_fact(answer))
    notes = [ref_text(card.ref)]
    if answer.matched:
        notes.append(matched_text(answer.matched))
    blocks.append(context(*notes))
    mentions = answer.mentions
    if answer.group is not None:
        blocks += team_blocks(answer.group, mentions)
    elif answer.user is not None:
        blocks.append(section(f"*Person:* {user_text(answer.user, mentions)}"))
        blocks.append(section(user_groups_text(answer.user)))
    else:
        blocks += owner_blocks(answer.owner, mentions)
    blocks += owned_blocks(answer.owned)
    if answer.oncall is not None:
        blocks += oncall_blocks(answer.oncall, mentions)
    blocks += link_blocks(card.links)
    return blocks


def render_whois(answer: WhoisAnswer, *, share: str | None) -> SlackMessage:
    """A ``whois`` answer as a message; ``share`` is the command for "Share in channel"."""
    return compose(
        whois_fallback(answer),
        whois_body(answer),
        tail=alternatives_blocks(answer.alternatives, "whois"),
        share=share,
    )
