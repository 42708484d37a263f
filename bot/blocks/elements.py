"""Block Kit objects, each cut to Slack's limits as it is made.

Text given to :func:`mrkdwn` and the blocks that take ``mrkdwn`` must already be escaped
(see :mod:`bot.blocks.escaping`); plain text is shown by Slack as written and is not.
Every ``mrkdwn`` object is ``verbatim``, so Slack does not turn words into links or
mentions on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.blocks.limits import (
    MAX_ACTIONS_ELEMENTS,
    MAX_BUTTON_TEXT,
    MAX_BUTTON_VALUE,
    MAX_CONTEXT_ELEMENTS,
    MAX_CONTEXT_TEXT,
    MAX_FIELD_TEXT,
    MAX_HEADER_TEXT,
    MAX_ID,
    MAX_SECTION_FIELDS,
    MAX_SECTION_TEXT,
)
from bot.blocks.truncation import cut_words, truncate

Block = dict[str, Any]


def _visible(text: str) -> str:
    """Slack refuses empty text; a blank stands in for nothing."""
    return text if text.strip() else " "


def plain(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    """A ``plain_text`` object, cut to ``limit``."""
    return {"type": "plain_text", "text": truncate(_visible(text), limit), "emoji": True}


def mrkdwn(text: str, limit: int = MAX_SECTION_TEXT) -> dict[str, Any]:
    """A ``mrkdwn`` object of escaped text, cut to ``limit``, taken verbatim."""
    return {"type": "mrkdwn", "text": truncate(_visible(text), limit), "verbatim": True}


def header(text: str) -> Block:
    """A header block: plain text, at most 150 characters."""
    return {"type": "header", "text": plain(" ".join(text.split()), MAX_HEADER_TEXT)}


def section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    """A section of escaped ``mrkdwn`` text, with an optional accessory element."""
    block: Block = {"type": "section", "text": mrkdwn(text, MAX_SECTION_TEXT)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: Sequence[str], *, text: str | None = None) -> Block:
    """A section with up to ten ``mrkdwn`` fields (two columns), and optional text."""
    block: Block = {"type": "section"}
    if text:
        block["text"] = mrkdwn(text, MAX_SECTION_TEXT)
    block["fields"] = [mrkdwn(field, MAX_FIELD_TEXT) for field in fields[:MAX_SECTION_FIELDS]]
    return block


def context(*texts: str) -> Block:
    """A context block of up to ten escaped ``mrkdwn`` texts."""
    elements = [mrkdwn(t, MAX_CONTEXT_TEXT) for t in texts if t][:MAX_CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements or [mrkdwn(" ")]}


def divider() -> Block:
    """A divider."""
    return {"type": "divider"}


def button(
    text: str,
    action_id: str,
    *,
    value: str | None = None,
    url: str | None = None,
    style: str | None = None,
) -> dict[str, Any]:
    """A button; ``value`` is cut (without ellipsis) to 2000 characters.

    Args:
        text: The label, plain text, cut to 75 characters.
        action_id: What the app listens for (see :mod:`bot.blocks.actions`).
        value: Sent back with the action.
        url: Opened by the button; must come from :func:`bot.blocks.escaping.safe_url`.
        style: ``primary`` or ``danger``.
    """
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(" ".join(text.split()), MAX_BUTTON_TEXT),
        "action_id": action_id[:MAX_ID],
    }
    if value is not None:
        element["value"] = cut_words(value, MAX_BUTTON_VALUE)
    if url is not None:
        element["url"] = url
    if style is not None:
        element["style"] = style
    return element


def actions(elements: Sequence[dict[str, Any]], *, block_id: str | None = None) -> Block:
    """An actions block with at most 25 elements."""
    block: Block = {"type": "actions", "elements": list(elements[:MAX_ACTIONS_ELEMENTS])}
    if block_id is not None:
        block["block_id"] = block_id[:MAX_ID]
    return block
