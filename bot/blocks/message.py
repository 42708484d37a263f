"""A rendered answer, and fitting a list of blocks into one surface."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.blocks.elements import Block, context
from bot.blocks.limits import (
    MAX_BLOCKS,
    MAX_FALLBACK_TEXT,
    MAX_MESSAGE_BLOCK_CHARS,
    MAX_VIEW_BLOCK_CHARS,
    Surface,
)
from bot.blocks.truncation import slack_len, truncate

LEFT_OUT = "_Some of this answer is left out to fit into Slack; ask about one thing at a time._"


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A message for ``chat.postMessage``, ``chat.postEphemeral`` or a ``response_url``.

    Attributes:
        text: Plain fallback for notifications and screen readers (escaped, at most
            3000 characters, no mentions).
        blocks: The Block Kit blocks, within Slack's limits for a message.
    """

    text: str
    blocks: list[dict[str, Any]]

    def payload(self) -> dict[str, Any]:
        """``{"text": …, "blocks": […]}`` for the Web API."""
        return {"text": self.text, "blocks": self.blocks}


def fallback_text(text: str) -> str:
    """The fallback ``text`` of a message, cut to 3000 characters."""
    return truncate(text, MAX_FALLBACK_TEXT)


def text_size(value: object) -> int:
    """All the text in a block (every string in it), as Slack counts."""
    if isinstance(value, str):
        return slack_len(value)
    if isinstance(value, dict):
        return sum(text_size(v) for v in value.values())
    if isinstance(value, list):
        return sum(text_size(v) for v in value)
    return 0


def _json_size(blocks: Sequence[Block]) -> int:
    """An upper bound of the blocks' :func:`text_size`: their JSON holds every string in
    full (escapes only add to it), counted as Slack counts."""
    return slack_len(json.dumps(blocks, ensure_ascii=False))


def fit_blocks(
    body: Sequence[Block],
    *,
    surface: Surface = "message",
    tail: Sequence[Block] = (),
) -> list[Block]:
    """``body`` then ``tail``, within the surface's block count and total text.

    The tail (buttons) is always kept; body blocks are kept in order while they fit, and
    a context line says when some were left out.
    """
    max_blocks = MAX_BLOCKS[surface]
    max_chars = MAX_MESSAGE_BLOCK_CHARS if surface == "message" else MAX_VIEW_BLOCK_CHARS
    note = context(LEFT_OUT)
    if len(body) + len(tail) <= max_blocks and _json_size([*body, *tail]) <= max_chars:
        return [*body, *tail]
    tail_size = sum(text_size(b) for b in tail)
    room_blocks = max_blocks - len(tail)
    room_chars = max_chars - tail_size
    if len(body) <= room_blocks and sum(text_size(b) for b in body) <= room_chars:
        return [*body, *tail]
    kept: list[Block] = []
    used = text_size(note)
    for block in body:
        size = text_size(block)
        if len(kept) + 1 >= room_blocks or used + size > room_chars:
            break
        kept.append(block)
        used += size
    return [*kept, note, *tail]
