"""``chat.postMessage``, ``chat.postEphemeral``, ``chat.update`` and ``chat.unfurl``."""

from __future__ import annotations

import re
from typing import Any

from bot.slack_standin.api_common import (
    Call,
    escape_pointer,
    known_user,
    message_content,
    postable_channel,
    require_scope,
    visible_channel,
)
from bot.slack_standin.block_limits import strip_prefix, validate_blocks
from bot.slack_standin.records import StoredMessage, Unfurl
from bot.slack_standin.web_request import ApiError, bool_argument, json_argument

_TS = re.compile(r"^\d+\.\d+$")
LINK = re.compile(r"<(https?://[^|>]+)(?:\|[^>]*)?>|(https?://[^\s<>|]+)")


def post_message(call: Call) -> dict[str, Any]:
    """``chat.postMessage``: ``{ok, channel, ts, message}``; one message a second a channel."""
    require_scope(call, "chat:write")
    channel = postable_channel(call, call.text("channel"))
    text, blocks, attachments = message_content(call)
    thread_ts = _thread(call, channel.id)
    wait = call.state.rate_limiter.acquire(channel.id)
    if wait is not None:
        raise ApiError("ratelimited", status=429, headers={"Retry-After": str(wait)})
    metadata = json_argument(call.args, "metadata", "invalid_metadata_format")
    message = call.state.add_message(
        channel.id,
        user=call.workspace.bot_user_id,
        text=text or "",
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        reply_broadcast=bool_argument(call.args, "reply_broadcast"),
        metadata=metadata if isinstance(metadata, dict) else None,
    )
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "message": message.to_slack(call.workspace),
    }


def post_ephemeral(call: Call) -> dict[str, Any]:
    """``chat.postEphemeral``: ``{ok, message_ts}``; the person must be in the channel."""
    require_scope(call, "chat:write")
    channel = postable_channel(call, call.text("channel"))
    user = known_user(call, call.required("user"))
    if user.id not in channel.members:
        raise ApiError("user_not_in_channel")
    text, blocks, attachments = message_content(call)
    thread_ts = _thread(call, channel.id)
    message = call.state.add_message(
        channel.id,
        user=call.workspace.bot_user_id,
        text=text or "",
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        ephemeral_to=user.id,
    )
    return {"ok": True, "message_ts": message.ts}


def update(call: Call) -> dict[str, Any]:
    """``chat.update``: ``{ok, channel, ts, text, message}``; omitted blocks are kept."""
    require_scope(call, "chat:write")
    channel = visible_channel(call, call.text("channel"))
    ts = call.text("ts")
    message = call.state.find_message(channel.id, ts) if ts else None
    if message is None or message.is_ephemeral:
        raise ApiError("message_not_found")
    if message.user != call.workspace.bot_user_id:
        raise ApiError("cant_update_message")
    text, blocks, attachments = message_content(call, require_content=False)
    if text is None and blocks is None and attachments is None:
        raise ApiError("no_text")
    call.state.edit_message(
        message, text=text, blocks=blocks, keep_blocks="blocks" not in call.args
    )
    if attachments is not None:
        message.attachments = attachments
    return {
        "ok": True,
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_slack(call.workspace),
    }


def unfurl(call: Call) -> dict[str, Any]:
    """``chat.unfurl``: attach previews to the links of a person's message."""
    require_scope(call, "links:write")
    message = _unfurl_target(call)
    unfurls = json_argument(call.args, "unfurls", "invalid_unfurls_format")
    if unfurls is None:
        if call.text("user_auth_message") or call.text("user_auth_url"):
            return {"ok": True}
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: unfurls"])
    if not isinstance(unfurls, dict) or not all(isinstance(v, dict) for v in unfurls.values()):
        raise ApiError("invalid_unfurls_format")
    links = set(links_in(message.text))
    errors: list[str] = []
    for url, content in unfurls.items():
        if url not in links:
            raise ApiError("cannot_unfurl_url")
        if "blocks" in content:
            errors.extend(
                validate_blocks(content["blocks"], pointer=f"/unfurls/{escape_pointer(url)}/blocks")
            )
    if errors:
        raise ApiError("invalid_blocks", errors=strip_prefix(errors), messages=errors)
    with call.state.changing():
        for url, content in unfurls.items():
            call.state.unfurls.append(Unfurl(message.channel, message.ts, url, content))
    return {"ok": True}


def links_in(text: str) -> list[str]:
    """The URLs of a message text, in order (``<url|label>`` or bare)."""
    return [a or b for a, b in LINK.findall(text)]


def _thread(call: Call, channel_id: str) -> str | None:
    thread_ts = call.text("thread_ts")
    if thread_ts is None:
        return None
    parent = call.state.thread_parent(channel_id, thread_ts) if _TS.match(thread_ts) else None
    if parent is None:
        raise ApiError("invalid_thread_ts")
    return parent.ts


def _unfurl_target(call: Call) -> StoredMessage:
    unfurl_id = call.text("unfurl_id")
    if unfurl_id is not None:
        if call.text("source") not in ("composer", "conversations_history"):
            raise ApiError("invalid_source")
        found = next((m for m in call.state.all_messages() if m.unfurl_id == unfurl_id), None)
        if found is None:
            raise ApiError("invalid_unfurl_id")
        return found
    channel = visible_channel(call, call.text("channel"))
    ts = call.text("ts")
    message = call.state.find_message(channel.id, ts) if ts else None
    if message is None:
        raise ApiError("cannot_find_message")
    return message
