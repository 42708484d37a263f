"""Posts to a ``response_url``, with Slack's rules.

A ``response_url`` takes at most ``state.response_url_max_uses`` posts (5) within
``state.response_url_ttl`` (30 minutes); after that it answers 404 ``used_url`` or
``expired_url``. A post is an ephemeral message for the person by default,
``"response_type": "in_channel"`` makes it visible to the channel, ``replace_original``
replaces the message the interaction came from (for a slash command: the last message the
URL produced) and ``delete_original`` deletes it.
"""

from __future__ import annotations

import json
from typing import Any

from bot.slack_standin.block_limits import strip_prefix, validate_message
from bot.slack_standin.records import ResponseUrl, ResponseUrlPost, StoredMessage
from bot.slack_standin.state import StandinState
from bot.slack_standin.web_api import ApiAnswer
from bot.slack_standin.web_request import bool_argument


def answer_response_url(state: StandinState, url_id: str, body: bytes) -> ApiAnswer:
    """Answer a post to the ``response_url`` ``url_id`` and record it."""
    with state.lock:
        response_url = state.response_urls.get(url_id)
    if response_url is None:
        answer = ApiAnswer(404, {"ok": False, "error": "no_service"})
        payload: dict[str, Any] = {}
    else:
        try:
            decoded = json.loads(body or b"{}")
        except ValueError:
            decoded = None
        payload = decoded if isinstance(decoded, dict) else {}
        if not isinstance(decoded, dict):
            answer = ApiAnswer(400, {"ok": False, "error": "invalid_payload"})
        else:
            with state.lock:
                answer = _apply(state, response_url, payload)
    with state.changing():
        state.response_url_posts.append(
            ResponseUrlPost(url_id, payload, answer.status, answer.body)
        )
    return answer


def _apply(state: StandinState, url: ResponseUrl, payload: dict[str, Any]) -> ApiAnswer:
    if state.clock() - url.created_at > state.response_url_ttl:
        return ApiAnswer(404, {"ok": False, "error": "expired_url"})
    if url.uses >= state.response_url_max_uses:
        return ApiAnswer(404, {"ok": False, "error": "used_url"})
    original = state.find_message(*url.original) if url.original else None
    if bool_argument(payload, "delete_original"):
        if original is None:
            return ApiAnswer(404, {"ok": False, "error": "message_not_found"})
        url.uses += 1
        state.delete_message(original)
        url.original = None
        return ApiAnswer(200, {"ok": True})
    text = payload.get("text")
    blocks = payload.get("blocks")
    errors = validate_message(text, blocks)
    if blocks is not None and not isinstance(blocks, list):
        return ApiAnswer(400, {"ok": False, "error": "invalid_blocks_format"})
    if errors:
        return ApiAnswer(
            400,
            {
                "ok": False,
                "error": "invalid_blocks" if blocks is not None else "msg_too_long",
                "errors": strip_prefix(errors),
                "response_metadata": {"messages": errors},
            },
        )
    if not text and not blocks and not payload.get("attachments"):
        return ApiAnswer(400, {"ok": False, "error": "no_text"})
    url.uses += 1
    if bool_argument(payload, "replace_original") and original is not None:
        state.edit_message(original, text=str(text or ""), blocks=blocks, keep_blocks=False)
        return ApiAnswer(200, {"ok": True})
    message = _post(state, url, payload, str(text or ""), blocks)
    url.original = (message.channel, message.ts)
    return ApiAnswer(200, {"ok": True})


def _post(
    state: StandinState,
    url: ResponseUrl,
    payload: dict[str, Any],
    text: str,
    blocks: list[dict[str, Any]] | None,
) -> StoredMessage:
    in_channel = payload.get("response_type") == "in_channel"
    thread_ts = payload.get("thread_ts")
    parent = state.thread_parent(url.channel_id, str(thread_ts)) if thread_ts else None
    attachments = payload.get("attachments")
    return state.add_message(
        url.channel_id,
        user=state.workspace.bot_user_id,
        text=text,
        blocks=blocks,
        attachments=attachments if isinstance(attachments, list) else None,
        thread_ts=parent.ts if parent else None,
        ephemeral_to=None if in_channel else url.user_id,
        source="response_url",
    )
