"""An entity's card: its name, description, facts, tags and links."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.actions import OPEN_LINK
from bot.blocks.elements import Block, actions, button, context, fields_section, header
from bot.blocks.escaping import escape, link, one_line, safe_url
from bot.blocks.people import name
from bot.blocks.truncation import join_within, truncate
from catalog_store.search import FieldMatch
from commands.entity_cards import EntityCard, Link

DESCRIPTION_CHARS = 1500
TAGS_CHARS = 400
LINK_BUTTONS = 5
LINKS_CHARS = 1000
LINK_URL_CHARS = 300


def entity_title(card: EntityCard) -> str:
    """The label to head an answer with (plain text, not escaped)."""
    return one_line(card.label) or card.ref


def ref_text(ref: str) -> str:
    """An entity ref, escaped, cut to a readable length."""
    return name(ref, 200)


def description_text(card: EntityCard, limit: int = DESCRIPTION_CHARS) -> str:
    """The description, escaped and cut; empty when there is none."""
    return truncate(escape(card.description.strip()), limit) if card.description else ""


def fact_fields(card: EntityCard, *, owner: str | None = None) -> list[str]:
    """The two-column facts: kind, type, lifecycle, system, owner, tags (``mrkdwn``)."""
    namespace = card.namespace if card.namespace.lower() != "default" else ""
    kind = name(card.kind, 60) + (f" \u00b7 namespace {name(namespace, 60)}" if namespace else "")
    facts: list[tuple[str, str | None]] = [
        ("Kind", kind),
        ("Type", name(card.type, 100) if card.type else None),
        ("Lifecycle", name(card.lifecycle, 100) if card.lifecycle else None),
        ("System", name(card.system, 200) if card.system else None),
        ("Owner", owner if owner else (name(card.owner, 200) if card.owner else None)),
        ("Tags", tags_text(card.tags) if card.tags else None),
    ]
    return [f"*{label}*\n{value}" for label, value in facts if value]


def tags_text(tags: Sequence[str], limit: int = TAGS_CHARS) -> str:
    """Tags, escaped, comma-separated, within ``limit``."""
    return join_within([name(t, 60) for t in tags[:limit]], limit, total=len(tags))


def card_blocks(card: EntityCard, *, owner: str | None = None) -> list[Block]:
    """The header and a section with the description and the facts grid."""
    return [
        header(entity_title(card)),
        fields_section(fact_fields(card, owner=owner), text=description_text(card)),
    ]


def matched_text(matches: Sequence[FieldMatch]) -> str:
    """``matched: name “payment-service”, alias “pmts”`` (escaped)."""
    parts = [f"{name(m.field, 30)} \u201c{name(m.text, 80)}\u201d" for m in matches[:3]]
    return "matched: " + ", ".join(parts)


def _label(item: Link) -> str:
    return one_line(item.title or "") or item.url


def link_blocks(links: Sequence[Link]) -> list[Block]:
    """The first links as URL buttons, the rest on a context line."""
    usable = [item for item in links if safe_url(item.url) is not None]
    if not usable:
        return []
    blocks: list[Block] = [
        actions(
            [
                button(_label(item), f"{OPEN_LINK}_{index}", url=item.url)
                for index, item in enumerate(usable[:LINK_BUTTONS])
            ]
        )
    ]
    rest = usable[LINK_BUTTONS:]
    if rest:
        short = [item for item in rest if len(item.url) <= LINK_URL_CHARS]
        linked = [link(item.url, truncate(_label(item), 80)) for item in short]
        text = join_within(linked, LINKS_CHARS, total=len(rest)) if linked else ""
        blocks.append(context("More links: " + (text or f"{len(rest)} more")))
    return blocks
