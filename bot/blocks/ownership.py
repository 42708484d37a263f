"""Owners, teams and what they own, as blocks shared by ``whois``, ``owner`` and Home."""

from __future__ import annotations

from collections.abc import Mapping

from bot.blocks.elements import Block, section
from bot.blocks.people import (
    members_text,
    name,
    parents_text,
    team_contacts,
    team_line,
    user_text,
)
from bot.blocks.truncation import join_within, lines_within
from catalog_store.ownership import GroupInfo, OwnedEntities, OwnerAnswer, UserInfo

MEMBERS_CHARS = 1000
OWNED_CHARS = 1500
KIND_LINE_CHARS = 400


def owner_label(owner: OwnerAnswer | None) -> str:
    """The owner in a few words, for a fact field or a fallback text (escaped)."""
    if owner is None or owner.owner_ref is None:
        return "none recorded"
    if owner.missing or owner.owner is None:
        return f"{name(owner.owner_ref, 200)} (not in the catalog)"
    return name(owner.owner.label)


def owner_field(owner: OwnerAnswer | None) -> str:
    """The owner for the facts grid: name, channel link, and how it was found."""
    text = owner_label(owner)
    if owner is None or owner.owner is None:
        return text
    if isinstance(owner.owner, GroupInfo):
        contacts = team_contacts(owner.owner)[:1]
        text = " \u00b7 ".join([text, *contacts])
    if owner.found_via in ("system", "domain") and owner.via_ref:
        text += f"\n(via {owner.found_via} {name(owner.via_ref, 200)})"
    return text


def team_blocks(
    group: GroupInfo, mentions: Mapping[str, str], *, heading: str = "Team", note: str = ""
) -> list[Block]:
    """A team: name and contacts, parents, then its members."""
    lines = [f"*{heading}:* " + team_line(group, note=note)]
    parents = parents_text(group, 600)
    if parents is not None:
        lines.append(parents)
    blocks = [section("\n".join(lines))]
    if group.member_count or group.members:
        blocks.append(section(members_text(group, mentions, MEMBERS_CHARS)))
    return blocks


def owner_blocks(owner: OwnerAnswer | None, mentions: Mapping[str, str]) -> list[Block]:
    """Who owns an entity, how that was found, and how to reach them."""
    if owner is None or owner.owner_ref is None:
        return [section("*Owner:* none recorded (no `spec.owner`, nor one through a system)")]
    how = ""
    if owner.found_via in ("system", "domain") and owner.via_ref:
        how = f" (via {owner.found_via} {name(owner.via_ref, 200)})"
    if owner.missing or owner.owner is None:
        return [section(f"*Owner:* {owner_label(owner)}{how}")]
    if isinstance(owner.owner, GroupInfo):
        return team_blocks(owner.owner, mentions, heading="Owner", note=how)
    return [section(f"*Owner:* {user_text(owner.owner, mentions)}{how}")]


def owned_text(owned: OwnedEntities, limit: int = OWNED_CHARS) -> str | None:
    """``*Owns n:* counts per kind`` and the first names of each kind; None for nothing."""
    if not owned.total:
        return None
    counts = [f"{n} {name(kind, 60)}" for kind, n in owned.counts.items()]
    lines = [f"*Owns {owned.total}:* " + join_within(counts, KIND_LINE_CHARS)]
    for kind, items in owned.by_kind().items():
        names = [name(item.title or item.name) for item in items[:KIND_LINE_CHARS]]
        total = max(owned.counts.get(kind, 0), len(items))
        head = f"*{name(kind, 60)}:* "
        lines.append(head + join_within(names, KIND_LINE_CHARS - len(head), total=total))
    return lines_within(lines, limit, more="\u2026 and {n} more kinds")


def owned_blocks(owned: OwnedEntities | None) -> list[Block]:
    """What a team or person owns, counted per kind; nothing when they own nothing."""
    text = owned_text(owned) if owned is not None else None
    return [section(text)] if text else []


def user_groups_text(user: UserInfo, limit: int = 1200) -> str:
    """``*Member of:* Team · <#C…>, …`` for a user."""
    if not user.groups:
        return "*Member of:* no team"
    teams = [team_line(g) for g in user.groups]
    return "*Member of:*\n" + lines_within([f"\u2022 {t}" for t in teams], limit)
