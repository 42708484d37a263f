"""The App Home tab, published whenever a person opens it (``app_home_opened``).

It shows the person's teams (found by their Slack email in the catalog), who is on call for
each now, what the teams own, and quick actions; someone the catalog does not know gets a
short explanation and the help button.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks import Team, home_view
from bot.slack_app.parts import Parts
from bot.slack_app.web_client import slack_error
from catalog_store.oncall import OnCallAnswer
from commands.errors import CommandError
from commands.oncall import oncall
from commands.owner import OwnerReply, owner
from commands.services import Discovery

log = logging.getLogger(__name__)

MAX_TEAMS = 10


def register_home(app: App, parts: Parts) -> None:
    """Publish the Home tab on ``app_home_opened``."""

    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        user_id = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user_id, str):
            return
        parts.work.submit(
            "app_home_opened", lambda: publish_home(parts, client, context.team_id, user_id)
        )

    app.event("app_home_opened")(on_home_opened)


def publish_home(parts: Parts, client: WebClient, team_id: str | None, user_id: str) -> None:
    """Build the person's Home tab and ``views.publish`` it (failures are logged)."""
    discovery = parts.teams.for_team(team_id, client)
    email = parts.emails.email_of(client, team_id, user_id)
    me, teams, mentions = _about(discovery, email)
    view = home_view(me, teams, root=parts.config.command, mentions=mentions)
    try:
        client.views_publish(user_id=user_id, view=view)
    except Exception as exc:
        log.warning("views.publish failed: %s", slack_error(exc))


def _about(
    discovery: Discovery, email: str | None
) -> tuple[OwnerReply | None, list[tuple[Team, OnCallAnswer]], dict[str, str]]:
    if not email:
        return None, [], {}
    try:
        me = owner(discovery, "", user_email=email)
    except CommandError:
        return None, [], {}
    teams: list[tuple[Team, OnCallAnswer]] = []
    mentions: dict[str, str] = {}
    groups = me.me.groups if me.me is not None else ()
    for group in groups[:MAX_TEAMS]:
        try:
            reply = oncall(discovery, group.ref)
        except CommandError as exc:
            log.info("no on-call answer for %s: %s", group.ref, exc.message)
            continue
        teams.append((group, reply.oncall))
        mentions.update(reply.mentions)
    return me, teams, mentions
