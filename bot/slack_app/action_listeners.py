"""The buttons of answers: run a command, page through ``find``, share in the channel.

Every click is acknowledged at once (its answer is already under way). In a message, the
new answer replaces the ephemeral message the button was in (a message others see is left
alone: the answer comes as a new ephemeral one). "Share in channel" removes the ephemeral
original and posts the answer for everyone, saying who shared it. A click on the Home tab
has no ``response_url``; its answer arrives as a direct message from the app. URL buttons
(``open_link_<n>``) are only acknowledged: Slack opens the link itself.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.actions import (
    ACTION_PATTERNS,
    FIND_PAGE,
    OPEN_LINK,
    RUN_COMMAND,
    SHARE_IN_CHANNEL,
    parse_find_page,
)
from bot.blocks.escaping import mention
from bot.blocks.message import SlackMessage
from bot.slack_app.answers import sorry_message
from bot.slack_app.delivery import delete_original, post_message, respond
from bot.slack_app.parts import Parts

log = logging.getLogger(__name__)

MAX_MESSAGE_BLOCKS = 50
SHARE_FAILED = "I could not share this in the channel; Slack refused it. Try the command again."


def register_actions(app: App, parts: Parts) -> None:
    """Listen for ``run_command``, ``find_page``, ``share_in_channel`` and ``open_link_<n>``."""

    def on_run_command(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        ack()
        text = str(action.get("value") or "")
        parts.work.submit(RUN_COMMAND, lambda: _answer_click(parts, client, context, body, text, 0))

    def on_find_page(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        try:
            query, offset = parse_find_page(str(action.get("value") or ""))
        except ValueError:
            log.warning("a find_page button carried a value that is not a page")
            query, offset = "", 0
        parts.work.submit(
            FIND_PAGE,
            lambda: _answer_click(parts, client, context, body, f"find {query}", offset),
        )
        ack()

    def on_share(
        ack: Ack,
        body: dict[str, Any],
        action: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        text = str(action.get("value") or "")
        parts.work.submit(SHARE_IN_CHANNEL, lambda: _share(parts, client, context, body, text))
        ack()

    def on_open_link(ack: Ack) -> None:
        ack()

    app.action(ACTION_PATTERNS[RUN_COMMAND])(on_run_command)
    app.action(ACTION_PATTERNS[FIND_PAGE])(on_find_page)
    app.action(ACTION_PATTERNS[SHARE_IN_CHANNEL])(on_share)
    app.action(ACTION_PATTERNS[OPEN_LINK])(on_open_link)


def _answer_click(
    parts: Parts,
    client: WebClient,
    context: BoltContext,
    body: dict[str, Any],
    text: str,
    offset: int,
) -> None:
    user_id = _user_id(body)
    response_url = body.get("response_url")
    in_message = isinstance(response_url, str) and bool(response_url)
    message = parts.answers.answer(
        client,
        context.team_id,
        text,
        user_id=user_id,
        channel_id=_channel_id(body),
        offset=offset,
        shareable=in_message,
    )
    if isinstance(response_url, str) and response_url:
        respond(
            response_url,
            message,
            timeout=parts.timeout,
            replace_original=_is_ephemeral(body),
        )
    elif user_id is not None:
        post_message(client, user_id, message)


def _share(
    parts: Parts, client: WebClient, context: BoltContext, body: dict[str, Any], text: str
) -> None:
    response_url = body.get("response_url")
    if not isinstance(response_url, str) or not response_url:
        return
    user_id = _user_id(body)
    message = parts.answers.answer(
        client,
        context.team_id,
        text,
        user_id=user_id,
        channel_id=_channel_id(body),
        shareable=False,
    )
    if _is_ephemeral(body):
        delete_original(response_url, timeout=parts.timeout)
    shared = respond(
        response_url, _shared_by(message, user_id), timeout=parts.timeout, in_channel=True
    )
    if not shared:
        respond(response_url, sorry_message(SHARE_FAILED), timeout=parts.timeout)


def _shared_by(message: SlackMessage, user_id: str | None) -> SlackMessage:
    who = mention(user_id)
    if who is None or len(message.blocks) >= MAX_MESSAGE_BLOCKS:
        return message
    note = {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Shared by {who}"}]}
    return SlackMessage(text=message.text, blocks=[*message.blocks, note])


def _user_id(body: dict[str, Any]) -> str | None:
    user = body.get("user")
    found = user.get("id") if isinstance(user, dict) else None
    return found if isinstance(found, str) and found else None


def _channel_id(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    found = channel.get("id") if isinstance(channel, dict) else None
    if isinstance(found, str) and found:
        return found
    container = body.get("container")
    found = container.get("channel_id") if isinstance(container, dict) else None
    return found if isinstance(found, str) and found else None


def _is_ephemeral(body: dict[str, Any]) -> bool:
    container = body.get("container")
    return isinstance(container, dict) and container.get("is_ephemeral") is True
