"""``owner``: who owns an entity; or, about the person asking, their teams and what
those own."""

from __future__ import annotations

from bot.blocks.actions import RUN_COMMAND, numbered, run_command_button
from bot.blocks.compose import compose
from bot.blocks.elements import Block, actions, context, header, section
from bot.blocks.entity import entity_title, ref_text
from bot.blocks.message import SlackMessage
from bot.blocks.ownership import owned_blocks, owner_blocks, owner_label, user_groups_text
from bot.blocks.people import name, person_text
from catalog_store.ownership import UserInfo
from commands.owner import OwnerReply

TEAM_BUTTONS = 5


def team_buttons(user: UserInfo) -> list[Block]:
    """``oncall TEAM`` buttons for a person's first teams."""
    teams = [g for g in user.groups if not g.missing][:TEAM_BUTTONS]
    if not teams:
        return []
    ids = numbered(RUN_COMMAND)
    return [
        actions(
            [
                run_command_button(f"On call: {g.label}", f"oncall {g.ref}", action_id=next(ids))
                for g in teams
            ]
        )
    ]


def me_blocks(me: UserInfo, mentions: dict[str, str]) -> list[Block]:
    """The person asking: their teams and what those own."""
    blocks: list[Block] = [
        header(f"{me.label}: your teams and what they own"),
        section(f"*You:* {person_text(me.person, mentions)}  ({ref_text(me.ref)})"),
        section(user_groups_text(me)),
    ]
    owned = owned_blocks(me.owned)
    blocks += owned or [section("Your teams own nothing in the catalog yet.")]
    return blocks


def render_owner(reply: OwnerReply, *, share: str | None) -> SlackMessage:
    """An ``owner`` answer as a message."""
    if reply.me is not None:
        me = reply.me
        teams = ", ".join(name(g.label) for g in me.groups[:10]) or "no team"
        total = me.owned.total if me.owned is not None else 0
        text = f"{name(me.label)}: member of {teams}; owns {total}"
        return compose(text, me_blocks(me, reply.mentions), tail=team_buttons(me), share=share)
    if reply.entity is None:
        return compose("Nothing to show.", [section("Nothing to show.")], share=None)
    card = reply.entity
    body: list[Block] = [
        header(f"Owner of {entity_title(card)}"),
        context(ref_text(card.ref)),
        *owner_blocks(reply.owner, reply.mentions),
    ]
    text = f"Owner of {name(card.label)}: {owner_label(reply.owner)}"
    return compose(text, body, share=share)
