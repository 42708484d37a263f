"""``find``: one compact section per hit, and buttons for the pages before and after."""

from __future__ import annotations

import math

from bot.blocks.actions import (
    FIND_PAGE,
    find_page_value,
    numbered,
    run_command_button,
    share_button,
)
from bot.blocks.compose import compose
from bot.blocks.elements import Block, actions, button, context, section
from bot.blocks.entity import matched_text
from bot.blocks.escaping import escape, one_line
from bot.blocks.limits import MAX_BLOCKS, MAX_MESSAGE_BLOCK_CHARS
from bot.blocks.message import LEFT_OUT, SlackMessage, text_size
from bot.blocks.people import name
from bot.blocks.truncation import truncate
from catalog_store.search import SearchHit
from commands.find import PAGE_SIZE, FindAnswer

RESERVED_BLOCKS = 5
"""The intro, the footer, paging, sharing and the left-out note."""
HIT_CHARS = 400


def hit_text(hit: SearchHit, position: int) -> str:
    """``*3. name* — Title · Component · owner team`` and why it matched (escaped)."""
    title = f" \u2014 {name(hit.title)}" if hit.title and hit.title != hit.name else ""
    facts = [name(hit.kind, 40)]
    if hit.type:
        facts.append(name(hit.type, 40))
    if hit.owner:
        facts.append(f"owner {name(hit.owner, 80)}")
    text = f"*{position}. {name(hit.name)}*{title}\n" + " \u00b7 ".join(facts)
    if hit.matches:
        text += "\n" + matched_text(hit.matches)
    return truncate(text, HIT_CHARS)


def _hit_blocks(answer: FindAnswer, room_blocks: int, room_chars: int) -> tuple[list[Block], int]:
    """Sections for as many hits as fit, and how many hits they show."""
    hits = answer.hits
    per_section = max(1, math.ceil(len(hits) / room_blocks))
    blocks: list[Block] = []
    used = shown = 0
    for start in range(0, len(hits), per_section):
        group = hits[start : start + per_section]
        texts = [hit_text(h, answer.offset + start + i + 1) for i, h in enumerate(group)]
        accessory = None
        if per_section == 1:
            accessory = run_command_button("Details", f"whois {group[0].entity_ref}")
        block = section("\n\n".join(texts), accessory=accessory)
        size = text_size(block)
        if len(blocks) >= room_blocks or used + size > room_chars:
            break
        blocks.append(block)
        used += size
        shown += len(group)
    return blocks, shown


def _paging(answer: FindAnswer, shown: int) -> list[Block]:
    ids = numbered(FIND_PAGE)
    buttons = []
    if answer.offset > 0:
        previous = max(0, answer.offset - PAGE_SIZE)
        buttons.append(button("Previous", next(ids), value=find_page_value(answer.query, previous)))
    after = answer.offset + shown
    if after < answer.total:
        count = min(PAGE_SIZE, answer.total - after)
        buttons.append(
            button(
                f"Next {count}",
                next(ids),
                value=find_page_value(answer.query, after),
                style="primary",
            )
        )
    return [actions(buttons)] if buttons else []


def _reserved_chars(answer: FindAnswer, intro: Block, share: str | None) -> int:
    """The text that the blocks around the hits take at most."""
    widest = find_page_value(answer.query, answer.offset + answer.total)
    around = [
        intro,
        context(f"Showing {answer.total}\u2013{answer.total} of {answer.total}"),
        context(LEFT_OUT),
        actions([button("Previous", FIND_PAGE, value=widest)] * 2),
    ]
    if share is not None:
        around.append(actions([share_button(share)]))
    return sum(text_size(block) for block in around)


def render_find(answer: FindAnswer, *, share: str | None) -> SlackMessage:
    """A page of ``find`` results as a message, never more than 50 blocks.

    Hits that do not fit are left for the next page: "Next" continues after the last
    hit shown.
    """
    query = truncate(escape(one_line(answer.query)), 300)
    if not answer.hits:
        text = f"Nothing matches \u201c{query}\u201d."
        hint = "Try fewer words, or filters such as `kind:api` or `owner:TEAM`."
        return compose(text, [section(text), context(hint)], tail=_paging(answer, 0), share=share)
    intro = section(f"*{answer.total} found* for \u201c{query}\u201d")
    room_chars = MAX_MESSAGE_BLOCK_CHARS - _reserved_chars(answer, intro, share)
    room_blocks = MAX_BLOCKS["message"] - RESERVED_BLOCKS
    hits, shown = _hit_blocks(answer, room_blocks, room_chars)
    first, last = answer.offset + 1, answer.offset + shown
    footer = context(f"Showing {first}\u2013{last} of {answer.total}")
    text = f"{answer.total} found for \u201c{query}\u201d, showing {first}\u2013{last}"
    return compose(text, [intro, *hits, footer], tail=_paging(answer, shown), share=share)
