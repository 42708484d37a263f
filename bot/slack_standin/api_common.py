"""What every Web API method of the stand-in shares: the call, scopes, channel access."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.slack_standin.block_limits import strip_prefix, validate_message
from bot.slack_standin.state import StandinState
from bot.slack_standin.web_request import ApiError, json_argument, str_argument
from bot.slack_standin.workspace import Channel, User, Workspace


@dataclass
class Call:
    """One authorised Web API call: the state and the call's arguments."""

    state: StandinState
    args: dict[str, Any]

    @property
    def workspace(self) -> Workspace:
        """The state's workspace."""
        return self.state.workspace

    def text(self, name: str) -> str | None:
        """A string argument (None when absent or empty)."""
        return str_argument(self.args, name)

    def required(self, name: str) -> str:
        """A required string argument.

        Raises:
            ApiError: ``invalid_arguments`` naming the missing field.
        """
        value = self.text(name)
        if value is None:
            raise ApiError(
                "invalid_arguments", messages=[f"[ERROR] missing required field: {name}"]
            )
        return value


Handler = Callable[[Call], dict[str, Any]]


def require_scope(call: Call, *needed: str) -> None:
    """Fail with ``missing_scope`` unless the bot has one of ``needed``."""
    scopes = call.workspace.scopes
    if not any(scope in scopes for scope in needed):
        raise ApiError("missing_scope", needed=",".join(needed), provided=",".join(scopes))


def visible_channel(call: Call, ref: str | None) -> Channel:
    """A channel the bot can see: any public channel, a private one it is in, its DMs.

    Raises:
        ApiError: ``channel_not_found`` (also for private channels without the bot).
    """
    ws = call.workspace
    with call.state.lock:
        channel = ws.channel(ref) if ref else None
    if channel is None:
        raise ApiError("channel_not_found")
    if channel.is_private and ws.bot_user_id not in channel.members:
        raise ApiError("channel_not_found")
    return channel


def postable_channel(call: Call, ref: str | None) -> Channel:
    """A channel the bot may post in.

    Raises:
        ApiError: ``channel_not_found``, ``is_archived``, or ``not_in_channel`` for a public
            channel the bot has not joined (unless it has ``chat:write.public``).
    """
    channel = visible_channel(call, ref)
    if channel.is_archived:
        raise ApiError("is_archived")
    bot = call.workspace.bot_user_id
    if bot not in channel.members and "chat:write.public" not in call.workspace.scopes:
        raise ApiError("not_in_channel")
    return channel


def known_user(call: Call, user_id: str) -> User:
    """A member by id.

    Raises:
        ApiError: ``user_not_found``.
    """
    user = call.workspace.users.get(user_id)
    if user is None or user.deleted:
        raise ApiError("user_not_found")
    return user


def message_content(
    call: Call, *, require_content: bool = True
) -> tuple[str | None, list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    """The ``text``, ``blocks`` and ``attachments`` of a message call, checked as Slack does.

    Raises:
        ApiError: ``invalid_blocks_format``, ``invalid_blocks`` (with the failing paths),
            ``invalid_attachments``, ``msg_too_long`` or ``no_text``.
    """
    text = call.args.get("text")
    if text is not None and not isinstance(text, str):
        text = str(text)
    blocks = json_argument(call.args, "blocks", "invalid_blocks_format")
    if blocks is not None and not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    attachments = json_argument(call.args, "attachments", "invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    errors = validate_message(None, blocks)
    if errors:
        raise ApiError("invalid_blocks", errors=strip_prefix(errors), messages=errors)
    if text is not None and validate_message(text, None):
        raise ApiError("msg_too_long")
    if require_content and not text and not blocks and not attachments:
        raise ApiError("no_text")
    return text, blocks, attachments


def escape_pointer(key: str) -> str:
    """A JSON-pointer segment (``~`` and ``/`` escaped)."""
    return key.replace("~", "~0").replace("/", "~1")


def page_limit(call: Call, default: int, most: int) -> int:
    """The ``limit`` argument: ``default`` when absent or not positive, at most ``most``."""
    value = call.text("limit")
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ApiError("invalid_limit") from exc
    return default if number <= 0 else min(number, most)


def decode_cursor(call: Call) -> int:
    """The offset an opaque ``cursor`` argument stands for (0 without one).

    Raises:
        ApiError: ``invalid_cursor`` for one the stand-in did not hand out.
    """
    cursor = call.text("cursor")
    if cursor is None:
        return 0
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
        kind, _, offset = decoded.partition(":")
        if kind != "next":
            raise ValueError(kind)
        return max(0, int(offset))
    except ValueError as exc:
        raise ApiError("invalid_cursor") from exc


def encode_cursor(offset: int) -> str:
    """The opaque ``next_cursor`` of the page starting at ``offset``."""
    return base64.b64encode(f"next:{offset}".encode()).decode()
