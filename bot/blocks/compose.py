"""Putting an answer's blocks together: the body, its buttons and "Share in channel"."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.actions import (
    RUN_COMMAND,
    fits_value,
    numbered,
    run_command_button,
    share_button,
)
from bot.blocks.elements import Block, actions, context
from bot.blocks.message import SlackMessage, fallback_text, fit_blocks
from catalog_store.search import SearchHit

ALTERNATIVES = 5


def compose(
    text: str,
    body: Sequence[Block],
    *,
    tail: Sequence[Block] = (),
    share: str | None = None,
) -> SlackMessage:
    """The message: ``body`` fitted to Slack's limits, then ``tail`` and the share button.

    Args:
        text: The fallback text (escaped).
        body: The answer's blocks, in order of importance.
        tail: Buttons that must stay (paging, "did you mean").
        share: The command line for "Share in channel"; None for no button.
    """
    buttons = list(tail)
    if share is not None:
        buttons.append(actions([share_button(share)]))
    return SlackMessage(fallback_text(text), fit_blocks(body, tail=buttons))


def alternatives_blocks(hits: Sequence[SearchHit], verb: str) -> list[Block]:
    """Buttons for the other entities that matched, each running ``VERB ref``."""
    if not hits:
        return []
    ids = numbered(RUN_COMMAND)
    usable = [hit for hit in hits if fits_value(f"{verb} {hit.entity_ref}")]
    buttons = [
        run_command_button(
            f"{hit.title or hit.name} ({hit.kind})", f"{verb} {hit.entity_ref}", action_id=next(ids)
        )
        for hit in usable[:ALTERNATIVES]
    ]
    if not buttons:
        return []
    more = f" ({len(hits)} in all)" if len(hits) > ALTERNATIVES else ""
    return [context(f"Did you mean one of these?{more}"), actions(buttons)]
