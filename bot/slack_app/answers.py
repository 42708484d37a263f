"""Running a command for a person in Slack and rendering the reply as Block Kit."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.blocks import render_reply
from bot.blocks.message import SlackMessage
from bot.slack_app.people import TeamDiscovery, UserEmails
from commands.dispatch import ALIASES, CommandRouter, Invocation, Reply

log = logging.getLogger(__name__)

SORRY = "Something went wrong while answering; it has been logged. Try again in a moment."


def sorry_message(text: str = SORRY) -> SlackMessage:
    """A short message for the person when no answer can be made."""
    return SlackMessage(
        text=text, blocks=[{"type": "section", "text": {"type": "plain_text", "text": text}}]
    )


def asks_about_self(text: str, verb: str | None) -> bool:
    """Whether the command needs the asker's email (``owner``, which may mean "me")."""
    word = (verb if verb is not None else (text.split() or [""])[0]).lower()
    return ALIASES.get(word, word) == "owner"


class Answers:
    """Answers commands in a workspace: the asker's email when needed, the router, Block Kit.

    Args:
        teams: The discovery services per workspace.
        emails: The cached ``users.info`` emails.
        root: The umbrella slash command (``/idp``), for help and "did you mean".
    """

    def __init__(self, teams: TeamDiscovery, emails: UserEmails, *, root: str) -> None:
        self.teams = teams
        self.emails = emails
        self.root = root

    def reply(
        self,
        client: WebClient,
        team_id: str | None,
        text: str,
        *,
        verb: str | None = None,
        user_id: str | None = None,
        channel_id: str | None = None,
        offset: int = 0,
    ) -> Reply:
        """The reply to ``text`` typed by ``user_id`` (never raises for what was typed)."""
        email = (
            self.emails.email_of(client, team_id, user_id) if asks_about_self(text, verb) else None
        )
        router = CommandRouter(self.teams.for_team(team_id, client), root=self.root)
        return router.handle(
            Invocation(
                text=text,
                verb=verb,
                user_email=email,
                user_id=user_id,
                channel_id=channel_id,
                offset=offset,
            )
        )

    def render(self, reply: Reply, *, command_text: str, shareable: bool) -> SlackMessage:
        """``reply`` as a Slack message; a short apology if it cannot be rendered (logged)."""
        try:
            return render_reply(
                reply, root=self.root, command_text=command_text, shareable=shareable
            )
        except Exception:
            log.exception("rendering a %s failed", type(reply).__name__)
            return sorry_message()

    def answer(
        self,
        client: WebClient,
        team_id: str | None,
        text: str,
        *,
        verb: str | None = None,
        user_id: str | None = None,
        channel_id: str | None = None,
        offset: int = 0,
        shareable: bool = True,
    ) -> SlackMessage:
        """The rendered answer to a command line; an apology when answering fails (logged)."""
        try:
            reply = self.reply(
                client,
                team_id,
                text,
                verb=verb,
                user_id=user_id,
                channel_id=channel_id,
                offset=offset,
            )
        except Exception:
            log.exception("answering a command failed")
            return sorry_message()
        line = text if verb is None else f"{verb} {text}"
        return self.render(reply, command_text=line, shareable=shareable)
