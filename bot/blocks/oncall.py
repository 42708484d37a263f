"""``oncall``: who is on call now and next, or whom to contact instead."""

from __future__ import annotations

from bot.blocks.compose import alternatives_blocks, compose
from bot.blocks.elements import Block, context, header
from bot.blocks.entity import entity_title, ref_text
from bot.blocks.message import SlackMessage
from bot.blocks.people import name, oncall_blocks, oncall_source, oncall_summary
from commands.oncall import OnCallReply


def oncall_body(reply: OnCallReply) -> list[Block]:
    """The blocks of an ``oncall`` answer but the buttons."""
    card = reply.entity
    notes = [ref_text(card.ref)]
    if reply.oncall.subject_ref and reply.oncall.subject_ref != card.ref:
        notes.append(f"on-call of {ref_text(reply.oncall.subject_ref)}")
    blocks: list[Block] = [header(f"On call for {entity_title(card)}"), context(*notes)]
    blocks += oncall_blocks(reply.oncall, reply.mentions)
    return blocks


def render_oncall(reply: OnCallReply, *, share: str | None) -> SlackMessage:
    """An ``oncall`` answer as a message."""
    source = oncall_source(reply.oncall)
    text = f"On call for {name(reply.entity.label)}: " + oncall_summary(reply.oncall)
    if source:
        text += f" ({source})"
    return compose(
        text,
        oncall_body(reply),
        tail=alternatives_blocks(reply.alternatives, "oncall"),
        share=share,
    )
