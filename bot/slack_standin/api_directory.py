"""``auth.test``, ``users.info``, ``users.list``, ``users.lookupByEmail``,
``conversations.info``/``join``."""

from __future__ import annotations

from typing import Any

from bot.slack_standin.api_common import (
    Call,
    decode_cursor,
    encode_cursor,
    known_user,
    page_limit,
    require_scope,
    visible_channel,
)
from bot.slack_standin.web_request import ApiError, bool_argument


def auth_test(call: Call) -> dict[str, Any]:
    """``auth.test``: who the token is."""
    ws = call.workspace
    return {
        "ok": True,
        "url": ws.url,
        "team": ws.team_name,
        "user": ws.bot_name,
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "is_enterprise_install": False,
    }


def users_info(call: Call) -> dict[str, Any]:
    """``users.info``: ``{ok, user}``; ``user_not_found`` for an unknown id."""
    require_scope(call, "users:read")
    user = known_user(call, call.required("user"))
    body = user.to_slack(call.workspace.team_id)
    if "users:read.email" not in call.workspace.scopes:
        body["profile"].pop("email", None)
    if bool_argument(call.args, "include_locale"):
        body["locale"] = "en-US"
    return {"ok": True, "user": body}


MAX_USERS_PAGE = 1000
"""The most members one ``users.list`` page holds."""


def users_list(call: Call) -> dict[str, Any]:
    """``users.list``: every member, bots and deactivated accounts included, by id.

    Pages of ``limit`` members (all up to 1000 without one) lead on through
    ``response_metadata.next_cursor`` (empty on the last page). Emails are shown only with
    ``users:read.email``. Tier 2: past about 20 calls a minute, ``ratelimited`` with 429
    and ``Retry-After``.
    """
    require_scope(call, "users:read")
    wait = call.state.tier2_limiter.acquire("users.list")
    if wait is not None:
        raise ApiError("ratelimited", status=429, headers={"Retry-After": str(wait)})
    limit = page_limit(call, MAX_USERS_PAGE, MAX_USERS_PAGE)
    start = decode_cursor(call)
    ws = call.workspace
    with call.state.lock:
        users = sorted(ws.users.values(), key=lambda u: u.id)
    page = users[start : start + limit]
    members = [user.to_slack(ws.team_id) for user in page]
    if "users:read.email" not in ws.scopes:
        for member in members:
            member["profile"].pop("email", None)
    more = start + limit < len(users)
    return {
        "ok": True,
        "members": members,
        "cache_ts": int(call.state.clock()),
        "response_metadata": {"next_cursor": encode_cursor(start + limit) if more else ""},
    }


def users_lookup_by_email(call: Call) -> dict[str, Any]:
    """``users.lookupByEmail``: ``{ok, user}`` or ``users_not_found``."""
    require_scope(call, "users:read.email")
    email = call.required("email")
    user = call.workspace.user_by_email(email)
    if user is None or user.deleted:
        raise ApiError("users_not_found")
    return {"ok": True, "user": user.to_slack(call.workspace.team_id)}


def conversations_info(call: Call) -> dict[str, Any]:
    """``conversations.info``: ``{ok, channel}``; private channels only with the bot in."""
    channel = visible_channel(call, call.required("channel"))
    if channel.is_im:
        require_scope(call, "im:read")
    else:
        require_scope(call, "groups:read" if channel.is_private else "channels:read")
    body = channel.to_slack(call.workspace.team_id, call.workspace.bot_user_id)
    if bool_argument(call.args, "include_num_members") and not channel.is_im:
        body["num_members"] = len(channel.members)
    return {"ok": True, "channel": body}


def conversations_join(call: Call) -> dict[str, Any]:
    """``conversations.join``: the bot joins a public channel."""
    require_scope(call, "channels:join")
    ws = call.workspace
    channel = visible_channel(call, call.required("channel"))
    if channel.is_private or channel.is_im:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    body: dict[str, Any] = {"ok": True}
    with call.state.changing():
        if ws.bot_user_id in channel.members:
            body["warning"] = "already_in_channel"
            body["response_metadata"] = {"warnings": ["already_in_channel"]}
        channel.members.add(ws.bot_user_id)
    body["channel"] = channel.to_slack(ws.team_id, ws.bot_user_id)
    return body
