"""Slash commands, mentions and direct messages: acknowledged at once, answered after.

``/idp whois payments`` (the umbrella command) and ``/whois payments`` (a verb command) are
acknowledged with an empty 200 within Slack's 3 seconds; the answer follows through the
command's ``response_url``, ephemeral, with a "Share in channel" button. A mention of the
bot (``@callboard whois payments``) is answered in the message's thread, and a direct
message in the conversation.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack_app.answer_process import AnswerProcessUnavailable, CommandJob
from bot.slack_app.delivery import post_message, respond
from bot.slack_app.parts import Parts
from bot.slack_app.search_modal import open_search_modal

log = logging.getLogger(__name__)

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def register_commands(app: App, parts: Parts) -> None:
    """Listen for the umbrella command, the verb commands, mentions and direct messages."""
    app.command(parts.config.command)(_command_listener(parts, None))
    for command in parts.config.verb_commands:
        app.command(command)(_command_listener(parts, command[1:]))

    def on_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        channel = event.get("channel")
        if not isinstance(channel, str):
            return
        thread = event.get("thread_ts") or event.get("ts")
        text = _MENTION.sub(" ", str(event.get("text") or ""))
        parts.work.submit(
            "app_mention",
            lambda: _answer_in_channel(parts, client, context, event, channel, text, thread),
        )

    def on_message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        channel = event.get("channel")
        if (
            event.get("channel_type") != "im"
            or event.get("subtype")
            or event.get("bot_id")
            or not isinstance(channel, str)
        ):
            return
        text = _MENTION.sub(" ", str(event.get("text") or ""))
        parts.work.submit(
            "direct_message",
            lambda: _answer_in_channel(parts, client, context, event, channel, text, None),
        )

    app.event("app_mention")(on_mention)
    app.event("message")(on_message)


def _command_listener(parts: Parts, verb: str | None) -> Callable[..., None]:
    def on_command(
        ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        trigger_id = command.get("trigger_id")
        if _asks_for_search_form(verb, str(command.get("text") or "")) and trigger_id:
            ack()
            open_search_modal(client, str(trigger_id))
            return
        response_url = command.get("response_url")
        if isinstance(response_url, str) and response_url:
            parts.work.submit(
                f"command {command.get('command')}",
                lambda: _answer_command(parts, client, context, command, verb, response_url),
            )
        ack()

    return on_command


def _answer_command(
    parts: Parts,
    client: WebClient,
    context: BoltContext,
    command: dict[str, Any],
    verb: str | None,
    response_url: str,
) -> None:
    job = CommandJob(
        team_id=context.team_id,
        token=context.bot_token,
        text=str(command.get("text") or ""),
        verb=verb,
        user_id=_text(command.get("user_id")),
        channel_id=_text(command.get("channel_id")),
    )
    message = None
    if parts.answer_process is not None:
        try:
            message = parts.answer_process.answer(job)
        except AnswerProcessUnavailable as exc:
            log.warning("answering %s here: %s", command.get("command"), exc)
    if message is None:
        message = parts.answers.answer(
            client,
            job.team_id,
            job.text,
            verb=verb,
            user_id=job.user_id,
            channel_id=job.channel_id,
        )
    respond(response_url, message, timeout=parts.timeout)


def _answer_in_channel(
    parts: Parts,
    client: WebClient,
    context: BoltContext,
    event: dict[str, Any],
    channel: str,
    text: str,
    thread_ts: Any,
) -> None:
    message = parts.answers.answer(
        client,
        context.team_id,
        text,
        user_id=_text(event.get("user")),
        channel_id=channel,
        shareable=False,
    )
    post_message(client, channel, message, thread_ts=_text(thread_ts))


def _asks_for_search_form(verb: str | None, text: str) -> bool:
    """``/idp find`` (or ``/find``) without words: the search modal asks for them."""
    words = text.split()
    if verb is None:
        return [w.lower() for w in words] == ["find"]
    return verb == "find" and not words


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
