"""Getting an answer to the person: through a ``response_url`` or a message in a channel.

A delivery never raises: what Slack refuses is tried once more as plain text (an answer
Slack rejects for its blocks still reaches the person), and what cannot be delivered at all
is logged.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.message import SlackMessage
from bot.slack_app.web_client import post_to_response_url, slack_error

log = logging.getLogger(__name__)

PLAIN_LIMIT = 3000


def respond(
    response_url: str,
    message: SlackMessage,
    *,
    timeout: float,
    replace_original: bool = False,
    in_channel: bool = False,
) -> bool:
    """Post ``message`` to a ``response_url``; True when Slack took it.

    Args:
        response_url: From the slash command or the interaction.
        message: The answer.
        timeout: Seconds one attempt may take.
        replace_original: Replace the message the interaction came from.
        in_channel: Visible to the channel (else ephemeral, for the person alone).
    """
    body: dict[str, Any] = {
        "response_type": "in_channel" if in_channel else "ephemeral",
        "replace_original": replace_original,
        "text": message.text,
        "blocks": message.blocks,
    }
    status, answer = post_to_response_url(response_url, body, timeout=timeout)
    if status == 200:
        return True
    log.warning("Slack refused an answer (%s %s); sending it as text", status, _error(answer))
    if status == 0 or status >= 500:
        return False
    plain = {key: value for key, value in body.items() if key != "blocks"}
    plain["text"] = message.text[:PLAIN_LIMIT] or "(no answer)"
    status, answer = post_to_response_url(response_url, plain, timeout=timeout)
    if status != 200:
        log.warning("Slack refused the text answer too (%s %s)", status, _error(answer))
    return status == 200


def delete_original(response_url: str, *, timeout: float) -> bool:
    """Delete the message an interaction came from; True when it is gone."""
    status, answer = post_to_response_url(response_url, {"delete_original": True}, timeout=timeout)
    if status != 200:
        log.warning("deleting the original message failed (%s %s)", status, _error(answer))
    return status == 200


def post_message(
    client: WebClient, channel: str, message: SlackMessage, *, thread_ts: str | None = None
) -> bool:
    """``chat.postMessage`` of ``message`` (in a thread when ``thread_ts``); True when posted."""
    try:
        client.chat_postMessage(
            channel=channel, text=message.text, blocks=message.blocks, thread_ts=thread_ts
        )
        return True
    except SlackApiError as exc:
        error = str(exc.response.get("error") or exc.response.status_code)
        log.warning("chat.postMessage failed (%s); sending it as text", error)
        if exc.response.status_code >= 500 or error == "ratelimited":
            return False
    except Exception as exc:
        log.warning("chat.postMessage failed: %s", type(exc).__name__)
        return False
    try:
        client.chat_postMessage(
            channel=channel, text=message.text[:PLAIN_LIMIT] or "(no answer)", thread_ts=thread_ts
        )
        return True
    except Exception as exc:
        log.warning("chat.postMessage of the text failed: %s", slack_error(exc))
        return False


def _error(answer: str) -> str:
    try:
        decoded = json.loads(answer)
    except ValueError:
        return answer[:80]
    return str(decoded.get("error")) if isinstance(decoded, dict) else answer[:80]
