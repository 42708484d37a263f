"""Everything the stand-in knows, shared by its Web API, its sender, its page and tests.

All reads and writes happen under ``state.lock``; every change bumps ``state.version`` so the
page (and tests) can wait for the next change with ``wait_for_change``.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.slack_standin.rate_limit import RateLimit, RateLimiter
from bot.slack_standin.records import (
    ApiCall,
    Delivery,
    MessageSource,
    MessageVersion,
    ResponseUrl,
    ResponseUrlPost,
    StoredMessage,
    StoredView,
    Trigger,
    Unfurl,
)
from bot.slack_standin.workspace import Workspace

TIER_2 = RateLimit(per_second=20 / 60, burst=20)
"""Slack's Tier 2 (``users.list``): about 20 calls a minute per method, short bursts allowed."""
TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60.0
RESPONSE_URL_MAX_USES = 5
MAX_MODAL_STACK = 3
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class StandinState:
    """The workspace and everything that happened in it.

    Args:
        workspace: people and channels; ``Workspace.default()`` when omitted.
        clock: seconds since the epoch; tests pass a settable clock to expire triggers.
        rate_limit: messages per second per channel for ``chat.postMessage``.
        trigger_ttl: how long a ``trigger_id`` can be exchanged (Slack: 3 s).
        response_url_ttl: how long a ``response_url`` accepts posts (Slack: 30 min).
        response_url_max_uses: how many posts a ``response_url`` accepts (Slack: 5).
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        clock: Callable[[], float] = time.time,
        rate_limit: RateLimit | None = None,
        trigger_ttl: float = TRIGGER_TTL_SECONDS,
        response_url_ttl: float = RESPONSE_URL_TTL_SECONDS,
        response_url_max_uses: int = RESPONSE_URL_MAX_USES,
    ) -> None:
        self.workspace = workspace or Workspace.default()
        self.clock = clock
        self.rate_limiter = RateLimiter(rate_limit or RateLimit(), clock)
        self.tier2_limiter = RateLimiter(TIER_2, clock)
        self.trigger_ttl = trigger_ttl
        self.response_url_ttl = response_url_ttl
        self.response_url_max_uses = response_url_max_uses
        self.base_url: str | None = None
        self.lock = threading.RLock()
        self.messages: dict[str, list[StoredMessage]] = {}
        self.views: dict[str, StoredView] = {}
        self.modal_stacks: dict[str, list[str]] = {}
        self.home_views: dict[str, str] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.unfurls: list[Unfurl] = []
        self.response_url_posts: list[ResponseUrlPost] = []
        self.api_calls: list[ApiCall] = []
        self.deliveries: list[Delivery] = []
        self.version = 0
        self._changed = threading.Condition()
        self._closed = False
        self._last_ts_us = 0
        self._counter = 0

    @classmethod
    def default(cls, **options: Any) -> StandinState:
        """Acme's workspace (see ``Workspace.default``) with ``options`` as in ``__init__``."""
        return cls(Workspace.default(), **options)

    # -- changes ----------------------------------------------------------------------

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Hold the lock for a change and announce it afterwards."""
        with self.lock:
            yield
        self.touch()

    def touch(self) -> None:
        """Announce a change to whoever waits in ``wait_for_change``."""
        with self._changed:
            self.version += 1
            self._changed.notify_all()

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until ``version`` exceeds ``since`` (or ``timeout``); the current version."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.version <= since and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return self.version

    def close(self) -> None:
        """Release every waiter (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    # -- ids --------------------------------------------------------------------------

    def new_id(self, prefix: str, length: int = 10) -> str:
        """A Slack-looking id such as ``V04ABCDEF12``."""
        with self.lock:
            self._counter += 1
            serial = self._counter
        digits = ""
        while serial:
            serial, rest = divmod(serial, len(_ALPHABET))
            digits = _ALPHABET[rest] + digits
        tail = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        return prefix + (digits + tail)[:length]

    def next_ts(self) -> str:
        """A message timestamp, unique and increasing (``1712345678.000100``)."""
        with self.lock:
            micros = max(int(self.clock() * 1_000_000), self._last_ts_us + 1)
            self._last_ts_us = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_hash(self) -> str:
        """A view ``hash``: a timestamp and a random part."""
        return f"{int(self.clock())}.{secrets.token_hex(4)}"

    # -- messages ---------------------------------------------------------------------

    def add_message(
        self,
        channel: str,
        *,
        user: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
        ephemeral_to: str | None = None,
        source: MessageSource = "api",
        metadata: dict[str, Any] | None = None,
    ) -> StoredMessage:
        """Store a new message; the bot's own messages carry its ``bot_id``."""
        ws = self.workspace
        from_bot = user == ws.bot_user_id
        with self.changing():
            message = StoredMessage(
                channel=channel,
                ts=self.next_ts(),
                user=user,
                text=text,
                blocks=blocks,
                attachments=attachments,
                bot_id=ws.bot_id if from_bot else None,
                app_id=ws.app_id if from_bot else None,
                thread_ts=thread_ts,
                reply_broadcast=reply_broadcast,
                ephemeral_to=ephemeral_to,
                source=source,
                metadata=metadata,
            )
            self.messages.setdefault(channel, []).append(message)
        return message

    def find_message(self, channel: str, ts: str) -> StoredMessage | None:
        """A live message by channel and ``ts``."""
        with self.lock:
            return next(
                (m for m in self.messages.get(channel, []) if m.ts == ts and not m.deleted),
                None,
            )

    def edit_message(
        self,
        message: StoredMessage,
        *,
        text: str | None,
        blocks: list[dict[str, Any]] | None,
        keep_blocks: bool,
    ) -> None:
        """Replace a message's content, keeping the previous version in ``edits``."""
        with self.changing():
            message.edits.append(MessageVersion(message.text, message.blocks, self.next_ts()))
            if text is not None:
                message.text = text
            if not keep_blocks:
                message.blocks = blocks
            message.edited_ts = message.edits[-1].replaced_at

    def delete_message(self, message: StoredMessage) -> None:
        """Remove a message from the channel (it stays in the record, marked deleted)."""
        with self.changing():
            message.deleted = True

    def channel_messages(self, channel: str, viewer: str | None = None) -> list[StoredMessage]:
        """The live messages of a channel that ``viewer`` sees (all when ``viewer`` is None)."""
        with self.lock:
            return [
                m
                for m in self.messages.get(channel, [])
                if not m.deleted
                and (viewer is None or m.ephemeral_to is None or m.ephemeral_to == viewer)
            ]

    def all_messages(self) -> list[StoredMessage]:
        """Every live message of every channel, in posting order."""
        with self.lock:
            found = [m for ms in self.messages.values() for m in ms if not m.deleted]
        return sorted(found, key=lambda m: (float(m.ts), m.ts))

    def thread(self, channel: str, ts: str) -> list[StoredMessage]:
        """A thread: its parent message, then its replies (all viewers)."""
        parent = self.thread_parent(channel, ts)
        if parent is None:
            return []
        return [parent] + [
            m
            for m in self.channel_messages(channel)
            if m.thread_ts == parent.ts and m is not parent
        ]

    def thread_parent(self, channel: str, ts: str) -> StoredMessage | None:
        """The thread's parent message for ``ts`` (a parent or one of its replies)."""
        message = self.find_message(channel, ts)
        if message is None or message.is_ephemeral:
            return None
        if message.thread_ts and message.thread_ts != message.ts:
            return self.find_message(channel, message.thread_ts)
        return message

    # -- triggers and response URLs ---------------------------------------------------

    def issue_trigger(self, user_id: str, *, view_id: str | None = None) -> Trigger:
        """A fresh ``trigger_id`` for one interaction of ``user_id``."""
        now = self.clock()
        trigger_id = f"{int(now)}.{secrets.randbelow(10**9):09d}.{secrets.token_hex(16)}"
        trigger = Trigger(id=trigger_id, user_id=user_id, issued_at=now, view_id=view_id)
        with self.lock:
            self.triggers[trigger_id] = trigger
        return trigger

    def issue_response_url(
        self,
        kind: str,
        user_id: str,
        channel_id: str,
        *,
        original: tuple[str, str] | None = None,
    ) -> ResponseUrl:
        """A fresh ``response_url`` (``kind`` is ``commands`` or ``actions``)."""
        if self.base_url is None:
            raise RuntimeError("the stand-in's base URL is unknown: start the server first")
        with self.lock:
            self._counter += 1
            serial = self._counter
        secret = secrets.token_urlsafe(18)
        url_id = f"{serial}/{secret}"
        path = f"{kind}/{self.workspace.team_id}/{url_id}"
        response_url = ResponseUrl(
            id=url_id,
            path=path,
            user_id=user_id,
            channel_id=channel_id,
            created_at=self.clock(),
            original=original,
        )
        with self.lock:
            self.response_urls[url_id] = response_url
        return response_url

    def response_url_of(self, response_url: ResponseUrl) -> str:
        """The absolute URL of a ``response_url``."""
        return f"{(self.base_url or '').rstrip('/')}/{response_url.path}"

    # -- views ------------------------------------------------------------------------

    def modal_stack(self, user_id: str) -> list[StoredView]:
        """The user's open modals, root first."""
        with self.lock:
            return [self.views[v] for v in self.modal_stacks.get(user_id, [])]

    def top_modal(self, user_id: str) -> StoredView | None:
        """The modal the user sees, if any."""
        stack = self.modal_stack(user_id)
        return stack[-1] if stack else None

    def home_view(self, user_id: str) -> StoredView | None:
        """The user's published Home tab, if any."""
        with self.lock:
            view_id = self.home_views.get(user_id)
            return None if view_id is None else self.views[view_id]

    def views_for(self, user_id: str) -> list[StoredView]:
        """Every view opened, pushed or published for a person (closed ones too), in order."""
        with self.lock:
            return [v for v in self.views.values() if v.user_id == user_id]

    def view_by_external_id(self, external_id: str) -> StoredView | None:
        """A live view by the app's ``external_id``."""
        with self.lock:
            return next(
                (v for v in self.views.values() if v.external_id == external_id and not v.closed),
                None,
            )

    def close_modals(self, user_id: str, *, keep: int = 0) -> list[StoredView]:
        """Close the user's modals above the first ``keep``; the closed ones, top first."""
        with self.changing():
            stack = self.modal_stacks.get(user_id, [])
            closing = [self.views[v] for v in reversed(stack[keep:])]
            for view in closing:
                view.closed = True
            self.modal_stacks[user_id] = stack[:keep]
        return closing

    # -- snapshot ---------------------------------------------------------------------

    def log_call(self, call: ApiCall) -> None:
        """Record a Web API call."""
        with self.changing():
            self.api_calls.append(call)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """The Web API calls so far (of one ``method``)."""
        with self.lock:
            return [c for c in self.api_calls if method is None or c.method == method]
