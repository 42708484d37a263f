"""People, teams and on-call shifts as ``mrkdwn``: mentions when Slack knows the person."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bot.blocks.elements import Block, context, section
from bot.blocks.escaping import channel_link, date_token, escape, mention, one_line
from bot.blocks.truncation import join_within, lines_within, truncate
from catalog_store.oncall import OnCallAnswer, OnCallShift
from catalog_store.ownership import GroupInfo, GroupSummary, PersonInfo, UserInfo
from commands.mentions import person_key

SOURCE_NAMES = {
    "schedule": "Callboard schedule",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
}
NAME_CHARS = 80
"""A person's or team's name is cut here."""
_EMAIL = re.compile(r"^[^\s<>|@&]{1,64}@[A-Za-z0-9.-]{1,255}$")


def name(text: str, limit: int = NAME_CHARS) -> str:
    """A catalog name on one line, escaped and cut."""
    return truncate(escape(one_line(text)), limit)


def email_text(address: str | None) -> str | None:
    """A ``mailto`` link for a plain address; any other text escaped as it is."""
    if not address:
        return None
    address = address.strip()
    if _EMAIL.match(address):
        return f"<mailto:{address}|{escape(address)}>"
    return name(address, 120)


def slack_id(mentions: Mapping[str, str], user_ref: str | None, email: str | None) -> str | None:
    """The person's Slack user id from an answer's ``mentions``, when it is a valid one."""
    key = person_key(user_ref, email)
    found = mentions.get(key) if key is not None else None
    return found if mention(found) is not None else None


def person_text(person: PersonInfo, mentions: Mapping[str, str]) -> str:
    """``<@U…>`` for someone Slack knows, else their escaped name."""
    found = mention(slack_id(mentions, person.ref, person.email) or person.slack_user_id)
    return found or name(person.label)


def channel_text(channel_id: str | None, channel_name: str | None) -> str | None:
    """``<#C…>`` for a valid channel id, else ``#name`` escaped, else None."""
    linked = channel_link(channel_id)
    if linked is not None:
        return linked
    if channel_name:
        return "#" + name(channel_name.lstrip("#"))
    return None


def team_contacts(team: GroupInfo | GroupSummary) -> list[str]:
    """A team's channel and email, as ``mrkdwn``."""
    parts = []
    channel = channel_text(team.slack_channel_id, team.slack_channel_name)
    if channel is not None:
        inherited = team.channel_inherited_from if isinstance(team, GroupInfo) else None
        parts.append(channel + (f" (from {name(inherited)})" if inherited else ""))
    address = email_text(team.email)
    if address is not None:
        parts.append(address)
    return parts


def team_line(team: GroupInfo | GroupSummary, *, note: str = "") -> str:
    """``*Team* · <#C…> · email``; a team the catalog lacks says so.

    Args:
        team: The team.
        note: Escaped words to put after the name, e.g. `` (via system x)``.
    """
    missing = " (not in the catalog)" if isinstance(team, GroupSummary) and team.missing else ""
    return " \u00b7 ".join([f"*{name(team.label)}*{missing}{note}", *team_contacts(team)])


def members_text(group: GroupInfo, mentions: Mapping[str, str], limit: int) -> str:
    """``*Members (n):* <@U…>, Name, …`` within ``limit``."""
    head = f"*Members ({group.member_count}):* "
    if not group.members:
        return head + "none listed"
    people = [person_text(m, mentions) for m in group.members[:limit]]
    total = max(group.member_count, len(group.members))
    return head + join_within(people, limit - len(head), total=total)


def parents_text(group: GroupInfo, limit: int) -> str | None:
    """``*Part of:* A \u203a B`` nearest first, or None for a top-level group."""
    if not group.parents:
        return None
    head = "*Part of:* "
    names = [name(p.label) for p in group.parents]
    return head + join_within(names, limit - len(head), separator=" \u203a ")


def user_text(user: UserInfo, mentions: Mapping[str, str]) -> str:
    """A user as owner: mention or name, and email."""
    parts = [person_text(user.person, mentions)]
    address = email_text(user.email)
    if address is not None:
        parts.append(address)
    return " · ".join(parts)


def _when(shift: OnCallShift, *, upcoming: bool) -> str:
    moment = shift.start if upcoming else shift.end
    if moment is None:
        return ""
    return (" from " if upcoming else " until ") + date_token(moment)


def shift_line(shift: OnCallShift, mentions: Mapping[str, str], *, upcoming: bool) -> str:
    """``L1 <@U…> until <date>  (layer)`` for one shift."""
    who = shift.person
    found = mention(slack_id(mentions, who.user_ref, who.email))
    level = f"L{shift.level} " if shift.level is not None else ""
    layer = f"  ({name(shift.layer, 60)})" if shift.layer else ""
    return f"\u2022 {level}{found or name(who.name)}{_when(shift, upcoming=upcoming)}{layer}"


def shifts_text(
    shifts: Sequence[OnCallShift], mentions: Mapping[str, str], limit: int, *, upcoming: bool
) -> str:
    """One line per shift, as many as fit into ``limit``, then how many more there are."""
    lines = [shift_line(s, mentions, upcoming=upcoming) for s in shifts[: limit // 10]]
    return lines_within(lines, limit, total=len(shifts))


def oncall_source(answer: OnCallAnswer) -> str:
    """Where the answer comes from, e.g. ``PagerDuty: Payments``; empty when unknown."""
    source = SOURCE_NAMES.get(answer.source)
    if source is None:
        return ""
    schedule = f": {name(answer.schedule_name)}" if answer.schedule_name else ""
    return f"{source}{schedule}"


def contact_lines(answer: OnCallAnswer) -> list[str]:
    """The team's channel and email to reach when nobody can be named."""
    lines = []
    for contact in answer.contacts:
        if contact.kind == "slack_channel":
            shown = channel_text(contact.value, None) or name(contact.value)
        elif contact.kind == "email":
            shown = email_text(contact.value) or ""
        else:
            shown = f"{name(contact.kind, 30)} {name(contact.value)}"
        lines.append(f"\u2022 {shown}  (from {name(contact.entity_ref)})")
    return lines


def oncall_blocks(
    answer: OnCallAnswer, mentions: Mapping[str, str], *, limit: int = 1200
) -> list[Block]:
    """Who is on call now and next; a problem and the fallback contacts when there is one."""
    blocks: list[Block] = []
    source = oncall_source(answer)
    where = f"  ({source})" if source else ""
    if answer.now:
        text = shifts_text(answer.now, mentions, limit, upcoming=False)
        blocks.append(section(f"*On call now*{where}\n" + text))
    if answer.next:
        text = shifts_text(answer.next, mentions, limit, upcoming=True)
        blocks.append(section("*Next*\n" + text))
    if answer.problem:
        blocks.append(context(":warning: " + truncate(escape(one_line(answer.problem)), 1000)))
    if answer.fallback:
        if not answer.now and not answer.problem:
            blocks.append(section(f"*On call:* nobody is on call right now{where}"))
        lines = contact_lines(answer)
        if lines:
            blocks.append(section("*Contact the team instead*\n" + lines_within(lines, limit)))
    return blocks


def oncall_summary(answer: OnCallAnswer | None) -> str:
    """One line for a fallback text or a card: who is on call now, without mentions."""
    if answer is None:
        return ""
    if answer.now:
        names = [name(s.person.name) for s in answer.now]
        return "On call now: " + join_within(names, 200)
    return "Nobody on call can be named"
