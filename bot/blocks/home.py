"""The App Home tab: my teams, who is on call for each, what we own, quick actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.blocks.actions import RUN_COMMAND, numbered, run_command_button
from bot.blocks.elements import Block, actions, button, context, divider, header, section
from bot.blocks.escaping import escape_specials, one_line
from bot.blocks.message import fit_blocks
from bot.blocks.ownership import owned_text
from bot.blocks.people import contact_lines, name, person_text, shifts_text, team_line
from bot.blocks.search_modal import OPEN_SEARCH
from bot.blocks.truncation import lines_within
from catalog_store.oncall import OnCallAnswer
from catalog_store.ownership import GroupSummary
from commands.owner import OwnerReply

Team = GroupSummary | tuple[str, str]
"""A team on the Home tab: its summary, or its ref and the label to show."""

ONCALL_CHARS = 800
OWNED_CHARS = 2500
MAX_TEAMS = 25
"""Teams shown with their on-call; more are counted."""


def _team_ref_label(team: Team) -> tuple[str, str]:
    if isinstance(team, GroupSummary):
        return team.ref, team.label
    return team


def team_oncall_block(team: Team, answer: OnCallAnswer, mentions: Mapping[str, str]) -> Block:
    """One team: who is on call now (mentions), or whom to contact; an ``oncall`` button."""
    ref, label = _team_ref_label(team)
    title = team_line(team) if isinstance(team, GroupSummary) else f"*{name(label)}*"
    if answer.now:
        text = title + "\n" + shifts_text(answer.now, mentions, ONCALL_CHARS, upcoming=False)
    else:
        lines = ["Nobody can be named right now; contact the team:", *contact_lines(answer)]
        if answer.problem:
            lines.insert(0, ":warning: " + name(answer.problem, 300))
        text = title + "\n" + lines_within(lines, ONCALL_CHARS)
    return section(text, accessory=run_command_button("Who's on call", f"oncall {ref}"))


def _quick_actions(root: str, teams: Sequence[Team], *, known: bool) -> Block:
    ids = numbered(RUN_COMMAND)
    buttons = []
    if known:
        buttons.append(run_command_button("What do we own?", "owner", action_id=next(ids)))
    for team in teams[:3]:
        ref, label = _team_ref_label(team)
        buttons.append(
            run_command_button(f"On call: {label}", f"oncall {ref}", action_id=next(ids))
        )
    buttons.append(button("Search the catalog\u2026", OPEN_SEARCH))
    buttons.append(run_command_button(f"{root} help", "help", action_id=next(ids)))
    return actions(buttons, block_id="home_quick_actions")


def home_view(
    me: OwnerReply | None,
    team_oncall: Sequence[tuple[Team, OnCallAnswer]],
    *,
    root: str,
    mentions: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The Home tab view for ``views.publish``: ``{"type": "home", "blocks": […]}``.

    Args:
        me: The ``owner`` answer about the person (``OwnerReply.me`` set); None, or
            one without ``me``, when the person is not in the catalog.
        team_oncall: Each of the person's teams with who is on call for it now.
        root: The umbrella slash command, for the help button and texts.
        mentions: Slack user ids of the people on call, keyed like ``OwnerReply.mentions``.

    Returns:
        The view, at most 100 blocks.
    """
    root = one_line(root) or "/idp"
    people = {**(me.mentions if me is not None else {}), **(mentions or {})}
    user = me.me if me is not None else None
    teams: list[Team] = [team for team, _ in team_oncall]
    body: list[Block] = [header("Callboard")]
    if user is None:
        body.append(
            section(
                "*You are not in the catalog yet.* No catalog User has your Slack email, so "
                "I cannot tell which teams you are on. Ask your platform team to add "
                "`spec.profile.email` to your User entity.\n"
                + escape_specials(f"Meanwhile, `{root} whois NAME` and `{root} find WORDS` work.")
            )
        )
    else:
        body.append(section(f"Hi {person_text(user.person, people)}, here is what your teams run."))
        if not teams and user.groups:
            teams = list(user.groups)
    tail = [divider(), _quick_actions(root, teams, known=user is not None)]
    if user is not None:
        body.append(header("Your teams on call"))
        if team_oncall:
            body += [team_oncall_block(t, a, people) for t, a in team_oncall[:MAX_TEAMS]]
            if len(team_oncall) > MAX_TEAMS:
                more = len(team_oncall) - MAX_TEAMS
                body.append(context(f"And {more} more teams: ask `{name(root, 40)} oncall TEAM`."))
        elif user.groups:
            body.append(section(lines_within([team_line(g) for g in user.groups], 2500)))
        else:
            body.append(section("You are on no team in the catalog."))
        body.append(header("What your teams own"))
        owned = owned_text(user.owned, OWNED_CHARS) if user.owned is not None else None
        body.append(section(owned or "Your teams own nothing in the catalog yet."))
        body.append(
            context(f"Refresh: reopen this tab. Ask anything with `{name(root, 40)} help`.")
        )
    return {"type": "home", "blocks": fit_blocks(body, surface="home", tail=tail)}
