"""``conversations.history``, ``conversations.replies`` and ``conversations.list``,
paginated with opaque cursors."""

from __future__ import annotations

from typing import Any

from bot.slack_standin.api_common import (
    Call,
    decode_cursor,
    encode_cursor,
    page_limit,
    require_scope,
    visible_channel,
)
from bot.slack_standin.web_request import ApiError, bool_argument

MAX_HISTORY_LIMIT = 999
MAX_LIST_LIMIT = 1000
CHANNEL_TYPES = ("public_channel", "private_channel", "mpim", "im")


def conversations_history(call: Call) -> dict[str, Any]:
    """``conversations.history``: a channel's top-level messages, newest first.

    ``oldest``/``latest`` bound the ``ts`` (exclusive unless ``inclusive``), ``limit`` caps
    a page (``has_more`` and ``response_metadata.next_cursor`` lead on), and message
    ``metadata`` is included only with ``include_all_metadata``. Thread replies and
    ephemeral messages are not part of the history.
    """
    channel = visible_channel(call, call.required("channel"))
    if channel.is_im:
        require_scope(call, "im:history")
    else:
        require_scope(call, "groups:history" if channel.is_private else "channels:history")
    if channel.is_private and call.workspace.bot_user_id not in channel.members:
        raise ApiError("not_in_channel")
    oldest = _ts_argument(call, "oldest", 0.0)
    latest = _ts_argument(call, "latest", float("inf"))
    inclusive = bool_argument(call.args, "inclusive")
    limit = page_limit(call, 100, MAX_HISTORY_LIMIT)
    start = decode_cursor(call)
    with_metadata = bool_argument(call.args, "include_all_metadata")
    messages = [
        m
        for m in call.state.channel_messages(channel.id)
        if not m.is_ephemeral
        and (m.thread_ts is None or m.thread_ts == m.ts)
        and _within(float(m.ts), oldest, latest, inclusive)
    ]
    messages.sort(key=lambda m: float(m.ts), reverse=True)
    page = messages[start : start + limit]
    rendered = []
    for message in page:
        body = message.to_slack(call.workspace)
        if not with_metadata:
            body.pop("metadata", None)
        rendered.append(body)
    more = start + limit < len(messages)
    answer: dict[str, Any] = {
        "ok": True,
        "messages": rendered,
        "has_more": more,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
    }
    answer["response_metadata"] = {"next_cursor": encode_cursor(start + limit) if more else ""}
    return answer


def conversations_replies(call: Call) -> dict[str, Any]:
    """``conversations.replies``: a thread, its parent first, then replies oldest first.

    The parent is always the first message of the first page; ``oldest``/``latest`` bound
    the replies. ``thread_not_found`` when ``ts`` is no message of the channel.
    """
    channel = visible_channel(call, call.required("channel"))
    if channel.is_im:
        require_scope(call, "im:history")
    else:
        require_scope(call, "groups:history" if channel.is_private else "channels:history")
    ts = call.required("ts")
    parent = call.state.find_message(channel.id, ts)
    if parent is None or parent.is_ephemeral:
        raise ApiError("thread_not_found")
    root = parent.thread_ts or parent.ts
    oldest = _ts_argument(call, "oldest", 0.0)
    latest = _ts_argument(call, "latest", float("inf"))
    inclusive = bool_argument(call.args, "inclusive")
    replies = [
        m
        for m in call.state.thread(channel.id, root)
        if m.ts != root and not m.is_ephemeral and _within(float(m.ts), oldest, latest, inclusive)
    ]
    replies.sort(key=lambda m: float(m.ts))
    head = call.state.find_message(channel.id, root)
    thread = ([head] if head is not None else []) + replies
    limit = page_limit(call, 100, MAX_HISTORY_LIMIT)
    start = decode_cursor(call)
    page = thread[start : start + limit]
    with_metadata = bool_argument(call.args, "include_all_metadata")
    rendered = []
    for message in page:
        body = message.to_slack(call.workspace)
        if not with_metadata:
            body.pop("metadata", None)
        rendered.append(body)
    more = start + limit < len(thread)
    return {
        "ok": True,
        "messages": rendered,
        "has_more": more,
        "response_metadata": {"next_cursor": encode_cursor(start + limit) if more else ""},
    }


def conversations_list(call: Call) -> dict[str, Any]:
    """``conversations.list``: the conversations of ``types`` the bot may see."""
    raw_types = call.text("types") or "public_channel"
    types = [t.strip() for t in raw_types.split(",") if t.strip()]
    if not types or any(t not in CHANNEL_TYPES for t in types):
        raise ApiError("invalid_types")
    if "public_channel" in types:
        require_scope(call, "channels:read")
    if "private_channel" in types:
        require_scope(call, "groups:read")
    if "im" in types:
        require_scope(call, "im:read")
    exclude_archived = bool_argument(call.args, "exclude_archived")
    limit = page_limit(call, 100, MAX_LIST_LIMIT)
    start = decode_cursor(call)
    ws = call.workspace
    with call.state.lock:
        channels = sorted(ws.channels.values(), key=lambda c: c.id)
    wanted = []
    for channel in channels:
        kind = (
            "im" if channel.is_im else "private_channel" if channel.is_private else "public_channel"
        )
        if kind not in types or (exclude_archived and channel.is_archived):
            continue
        if channel.is_private and ws.bot_user_id not in channel.members:
            continue
        wanted.append(channel)
    page = wanted[start : start + limit]
    more = start + limit < len(wanted)
    return {
        "ok": True,
        "channels": [c.to_slack(ws.team_id, ws.bot_user_id) for c in page],
        "response_metadata": {"next_cursor": encode_cursor(start + limit) if more else ""},
    }


def _within(ts: float, oldest: float, latest: float, inclusive: bool) -> bool:
    if inclusive:
        return oldest <= ts <= latest
    return oldest < ts < latest


def _ts_argument(call: Call, name: str, default: float) -> float:
    value = call.text(name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ApiError("invalid_ts_" + name) from exc
