"""What the stand-in remembers: messages, views, triggers, response URLs, unfurls, logs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.slack_standin.workspace import Workspace

MessageSource = Literal["api", "ack", "response_url", "user", "slackbot"]


@dataclass
class MessageVersion:
    """A message's content before an edit."""

    text: str
    blocks: list[dict[str, Any]] | None
    replaced_at: str


@dataclass
class StoredMessage:
    """A message of a channel: posted by the bot, a person, or Slack itself.

    ``ephemeral_to`` is the one person who sees an ephemeral message; ``edits`` keeps the
    earlier versions of an updated message, oldest first.
    """

    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] | None = None
    bot_id: str | None = None
    app_id: str | None = None
    thread_ts: str | None = None
    reply_broadcast: bool = False
    ephemeral_to: str | None = None
    source: MessageSource = "api"
    metadata: dict[str, Any] | None = None
    unfurl_id: str | None = None
    edits: list[MessageVersion] = field(default_factory=list)
    edited_ts: str | None = None
    deleted: bool = False

    @property
    def is_ephemeral(self) -> bool:
        """Only ``ephemeral_to`` sees it."""
        return self.ephemeral_to is not None

    def to_slack(self, workspace: Workspace) -> dict[str, Any]:
        """The message object of the Web API (``chat.postMessage``'s ``message``)."""
        message: dict[str, Any] = {"type": "message", "text": self.text, "ts": self.ts}
        message["user"] = self.user
        if self.bot_id is not None:
            message["bot_id"] = self.bot_id
            message["app_id"] = self.app_id
            message["bot_profile"] = {
                "id": self.bot_id,
                "app_id": self.app_id,
                "name": workspace.bot_name,
                "icons": {},
                "deleted": False,
                "updated": 1_704_067_200,
                "team_id": workspace.team_id,
            }
        message["team"] = workspace.team_id
        if self.blocks is not None:
            message["blocks"] = self.blocks
        if self.attachments is not None:
            message["attachments"] = self.attachments
        if self.thread_ts is not None:
            message["thread_ts"] = self.thread_ts
        if self.metadata is not None:
            message["metadata"] = self.metadata
        if self.edited_ts is not None:
            message["edited"] = {"user": self.user, "ts": self.edited_ts}
        return message


@dataclass
class StoredView:
    """A modal or a Home tab as ``views.*`` keep it."""

    id: str
    user_id: str
    definition: dict[str, Any]
    hash: str
    opened_by: str
    root_view_id: str
    previous_view_id: str | None = None
    state_values: dict[str, dict[str, Any]] = field(default_factory=dict)
    closed: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    failure: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def type(self) -> str:
        """``modal`` or ``home``."""
        return str(self.definition.get("type", "modal"))

    @property
    def external_id(self) -> str:
        """The app's own id of the view, or an empty string."""
        return str(self.definition.get("external_id") or "")

    def to_slack(self, workspace: Workspace) -> dict[str, Any]:
        """The ``view`` object of ``views.*`` answers and interaction payloads."""
        d = self.definition
        view: dict[str, Any] = {
            "id": self.id,
            "team_id": workspace.team_id,
            "type": self.type,
            "blocks": d.get("blocks", []),
            "private_metadata": d.get("private_metadata", ""),
            "callback_id": d.get("callback_id", ""),
            "state": {"values": self.state_values},
            "hash": self.hash,
            "clear_on_close": bool(d.get("clear_on_close", False)),
            "notify_on_close": bool(d.get("notify_on_close", False)),
            "root_view_id": self.root_view_id,
            "previous_view_id": self.previous_view_id,
            "app_id": workspace.app_id,
            "external_id": self.external_id,
            "app_installed_team_id": workspace.team_id,
            "bot_id": workspace.bot_id,
        }
        if self.type == "modal":
            view["title"] = d.get("title")
            view["close"] = d.get("close")
            view["submit"] = d.get("submit")
            view["submit_disabled"] = bool(d.get("submit_disabled", False))
        return view


@dataclass
class Trigger:
    """A ``trigger_id``: valid for a few seconds, exchanged at most once."""

    id: str
    user_id: str
    issued_at: float
    view_id: str | None = None
    exchanged: bool = False


@dataclass
class ResponseUrl:
    """A ``response_url`` handed out with a slash command or a message interaction."""

    id: str
    path: str
    user_id: str
    channel_id: str
    created_at: float
    original: tuple[str, str] | None = None
    uses: int = 0


@dataclass
class Unfurl:
    """What ``chat.unfurl`` attached to a link of a message."""

    channel: str
    ts: str
    url: str
    content: dict[str, Any]


@dataclass
class ResponseUrlPost:
    """A request to a ``response_url`` and what the stand-in answered."""

    url_id: str
    body: dict[str, Any]
    status: int
    result: dict[str, Any]


@dataclass
class ApiCall:
    """One Web API call (token left out) and its answer."""

    method: str
    args: dict[str, Any]
    status: int
    result: dict[str, Any]
    at: float

    @property
    def ok(self) -> bool:
        """The answer's ``ok``."""
        return bool(self.result.get("ok"))


@dataclass
class Attempt:
    """One HTTP request to the bot and its outcome."""

    status: int | None
    body: str
    headers: dict[str, str]
    elapsed: float
    retry_num: int = 0
    failure: str | None = None


@dataclass
class Delivery:
    """A request the stand-in sent to the bot (with its retries)."""

    kind: str
    payload: dict[str, Any]
    attempts: list[Attempt] = field(default_factory=list)

    def describe(self) -> str:
        """A one-line summary for logs and the page."""
        last = self.attempts[-1] if self.attempts else None
        outcome = "not sent" if last is None else (last.failure or str(last.status))
        return f"{self.kind} -> {outcome} ({len(self.attempts)} attempt(s))"


def json_size(value: Any) -> int:
    """The size in bytes of ``value`` as compact JSON."""
    return len(json.dumps(value, separators=(",", ":")).encode())
