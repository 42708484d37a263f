"""Answers rendered as plain text for a terminal: short lines, the important part first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from catalog_store.oncall import OnCallAnswer, OnCallShift
from catalog_store.ownership import GroupInfo, OwnedEntities, OwnerAnswer, PersonInfo, UserInfo
from catalog_store.search import FieldMatch, SearchHit
from commands.entity_cards import EntityCard
from commands.find import FindAnswer
from commands.mentions import person_key
from commands.oncall import OnCallReply
from commands.whois import WhoisAnswer

SOURCE_NAMES = {
    "schedule": "Callboard schedule",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
}


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "?"
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _matches(matches: Iterable[FieldMatch]) -> str:
    return ", ".join(f"{m.field} “{m.text}”" for m in matches)


def _card_lines(card: EntityCard) -> list[str]:
    title = f" — {card.title}" if card.title and card.title != card.name else ""
    lines = [f"{card.name}{title}  ({card.ref})"]
    if card.description:
        lines.append(f"  {card.description.splitlines()[0]}")
    facts = [f"{card.kind}"]
    facts += [
        f"{label} {value}"
        for label, value in (
            ("type", card.type),
            ("lifecycle", card.lifecycle),
            ("system", card.system),
        )
        if value
    ]
    lines.append("  " + " · ".join(facts))
    if card.tags:
        lines.append("  tags: " + ", ".join(card.tags))
    lines.extend(
        f"  link: {link.title + ' ' if link.title else ''}{link.url}" for link in card.links
    )
    return lines


def _person(person: PersonInfo, mentions: dict[str, str]) -> str:
    key = person_key(person.ref, person.email)
    slack = f" @{mentions[key]}" if key is not None and key in mentions else ""
    email = f" <{person.email}>" if person.email else ""
    return f"{person.label}{email}{slack}"


def _group_lines(group: GroupInfo, mentions: dict[str, str], indent: str = "  ") -> list[str]:
    lines = []
    contacts = []
    if group.slack_channel_id:
        name = f"#{group.slack_channel_name} " if group.slack_channel_name else ""
        inherited = (
            f" (from {group.channel_inherited_from})" if group.channel_inherited_from else ""
        )
        contacts.append(f"channel {name}({group.slack_channel_id}){inherited}")
    if group.email:
        contacts.append(group.email)
    if contacts:
        lines.append(indent + " · ".join(contacts))
    if group.parents:
        lines.append(indent + "part of: " + " > ".join(p.label for p in group.parents))
    if group.members:
        more = group.member_count - len(group.members)
        extra = f" and {more} more" if more > 0 else ""
        members = ", ".join(_person(m, mentions) for m in group.members)
        lines.append(f"{indent}members: {members}{extra}")
    return lines


def _owner_lines(owner: OwnerAnswer | None, mentions: dict[str, str]) -> list[str]:
    if owner is None or owner.owner_ref is None:
        return ["Owner: none recorded (no spec.owner, and none through a system or domain)"]
    how = "" if owner.found_via == "direct" else f", {owner.how}"
    if owner.missing or owner.owner is None:
        return [f"Owner: {owner.owner_ref}{how} — not in the catalog"]
    lines = [f"Owner: {owner.owner.label} ({owner.owner_ref}){how}"]
    if isinstance(owner.owner, GroupInfo):
        lines += _group_lines(owner.owner, mentions)
    elif isinstance(owner.owner, UserInfo):
        lines.append("  " + _person(owner.owner.person, mentions))
    return lines


def _shift(shift: OnCallShift, mentions: dict[str, str], *, upcoming: bool) -> str:
    who = shift.person
    key = person_key(who.user_ref, who.email)
    slack = f" @{mentions[key]}" if key is not None and key in mentions else ""
    email = f" <{who.email}>" if who.email else ""
    level = f"L{shift.level} " if shift.level is not None else ""
    span = f"from {_when(shift.start)}" if upcoming else f"until {_when(shift.end)}"
    layer = f" [{shift.layer}]" if shift.layer else ""
    return f"{level}{who.name}{email}{slack} {span}{layer}"


def oncall_lines(answer: OnCallAnswer, mentions: dict[str, str]) -> list[str]:
    """The on-call part of an answer."""
    source = SOURCE_NAMES.get(answer.source)
    where = f" ({source}: {answer.schedule_name})" if source and answer.schedule_name else ""
    lines = []
    if answer.now:
        lines.append(f"On call now{where}:")
        lines += ["  " + _shift(s, mentions, upcoming=False) for s in answer.now]
    if answer.next:
        lines.append("Next:")
        lines += ["  " + _shift(s, mentions, upcoming=True) for s in answer.next]
    if answer.problem:
        lines.append(f"On call: {answer.problem}")
    if answer.problem or not answer.now:
        for contact in answer.contacts:
            label = "channel" if contact.kind == "slack_channel" else contact.kind
            lines.append(f"  contact {label} {contact.value} (from {contact.entity_ref})")
    return lines


def _owned_lines(owned: OwnedEntities | None) -> list[str]:
    if owned is None or not owned.total:
        return []
    counts = ", ".join(f"{n} {kind}" for kind, n in owned.counts.items())
    lines = [f"Owns {owned.total}: {counts}"]
    for kind, items in owned.by_kind().items():
        names = ", ".join(item.name for item in items)
        more = owned.counts.get(kind, 0) - len(items)
        lines.append(f"  {kind}: {names}" + (f" and {more} more" if more > 0 else ""))
    return lines


def _alternatives(hits: Iterable[SearchHit]) -> list[str]:
    names = [f"{h.name} ({h.kind})" for h in hits]
    return ["Also matching: " + ", ".join(names)] if names else []


def render_whois(answer: WhoisAnswer) -> str:
    """``whois`` for a terminal."""
    lines = _card_lines(answer.entity)
    if answer.matched:
        lines.append("  matched: " + _matches(answer.matched[:3]))
    mentions = answer.mentions
    if answer.group is not None:
        lines += ["Team:", *_group_lines(answer.group, mentions)]
    if answer.user is not None:
        groups = ", ".join(g.label for g in answer.user.groups) or "none"
        lines.append(f"Member of: {groups}")
    if answer.group is None and answer.user is None:
        lines += _owner_lines(answer.owner, mentions)
    lines += _owned_lines(answer.owned)
    if answer.oncall is not None:
        lines += oncall_lines(answer.oncall, mentions)
    lines += _alternatives(answer.alternatives)
    return "\n".join(lines)


def render_oncall(reply: OnCallReply) -> str:
    """``oncall`` for a terminal."""
    card = reply.entity
    lines = [f"{card.label} ({card.ref})"]
    lines += oncall_lines(reply.oncall, reply.mentions)
    lines += _alternatives(reply.alternatives)
    return "\n".join(lines)


def render_find(answer: FindAnswer) -> str:
    """``find`` for a terminal: one entity per line with why it matched."""
    if not answer.hits:
        return f"Nothing matches “{answer.query}”."
    lines = []
    for position, hit in enumerate(answer.hits, start=answer.offset + 1):
        title = f" — {hit.title}" if hit.title and hit.title != hit.name else ""
        owner = f"  owner {hit.owner}" if hit.owner else ""
        lines.append(f"{position:>3}. {hit.name}{title}  [{hit.kind}]{owner}")
        if hit.matches:
            lines.append(f"     matched: {_matches(hit.matches[:3])}")
    shown = f"{answer.offset + 1}-{answer.offset + len(answer.hits)}"
    lines.append(f"{shown} of {answer.total}" + ("; more with --offset" if answer.has_more else ""))
    return "\n".join(lines)
