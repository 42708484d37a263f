"""A chat client that records what it is asked, as strict as Slack about channels and ts."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from workflows.notifications.messages import ChatMessage
from workflows.notifications.outbox import ChatResult


class Crash(BaseException):
    """The worker process dies (not an ``Exception``: nothing in the worker catches it)."""


@dataclass(frozen=True)
class AfterPost:
    """The message is posted, but the caller gets ``result`` (a timeout after Slack's work)."""

    result: ChatResult


Scripted = ChatResult | AfterPost | type[Crash]


@dataclass(frozen=True)
class Call:
    """One call made to the chat client."""

    method: str
    channel: str
    message: ChatMessage | None
    thread_ts: str | None = None
    key: str | None = None
    ts: str | None = None
    at: datetime | None = None


@dataclass
class Posted:
    """A message as the workspace holds it."""

    channel: str
    ts: str
    key: str
    message: ChatMessage
    thread_ts: str | None
    at: datetime
    updates: int = 0


Failure = Callable[[str, str], ChatResult | None]
"""``(method, channel) -> result`` to answer instead of succeeding, or None."""


@dataclass
class RecordingChat:
    """Slack as far as the outbox sees it: channels, messages with keys, threads.

    ``failures`` holds ``(method, channel or None, answer)`` to give before succeeding again
    (each used once): a result, an :class:`AfterPost` (posted, then that answer), or
    ``Crash`` (posted, then the calling worker dies).
    """

    clock: Callable[[], datetime]
    channels: set[str] | None = None
    failures: list[tuple[str, str | None, Scripted]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    posted: dict[tuple[str, str], Posted] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seq: int = 0

    def _scripted(self, method: str, channel: str) -> Scripted | None:
        for index, (wanted_method, wanted_channel, result) in enumerate(self.failures):
            if wanted_method == method and wanted_channel in (None, channel):
                del self.failures[index]
                return result
        return None

    def _known(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    def post(
        self, channel: str, message: ChatMessage, *, thread_ts: str | None, key: str
    ) -> ChatResult:
        """Post, as ``chat.postMessage`` with metadata carrying ``key``."""
        with self._lock:
            scripted = self._scripted("post", channel)
            if isinstance(scripted, ChatResult):
                self.calls.append(Call("post", channel, message, thread_ts, key, at=self.clock()))
                return scripted
            if not self._known(channel):
                self.calls.append(Call("post", channel, message, thread_ts, key, at=self.clock()))
                return ChatResult.failure("channel_not_found")
            if thread_ts is not None and (channel, thread_ts) not in self.posted:
                raise AssertionError(f"reply to a message {thread_ts} that {channel} lacks")
            self._seq += 1
            ts = f"1700000000.{self._seq:06d}"
            self.posted[(channel, ts)] = Posted(channel, ts, key, message, thread_ts, self.clock())
            self.calls.append(Call("post", channel, message, thread_ts, key, ts, self.clock()))
        if scripted is Crash:
            raise Crash()
        if isinstance(scripted, AfterPost):
            return scripted.result
        return ChatResult.success(ts)

    def update(self, channel: str, ts: str, message: ChatMessage) -> ChatResult:
        """Edit, as ``chat.update``."""
        with self._lock:
            self.calls.append(Call("update", channel, message, ts=ts, at=self.clock()))
            scripted = self._scripted("update", channel)
            if isinstance(scripted, ChatResult):
                return scripted
            posted = self.posted.get((channel, ts))
            if posted is None:
                return ChatResult.failure("message_not_found")
            posted.message = message
            posted.updates += 1
            return ChatResult.success(ts)

    def find_posted(
        self, channel: str, key: str, since: datetime, *, thread_ts: str | None = None
    ) -> str | None:
        """Search the channel's history (or a thread's replies) for a message with ``key``."""
        with self._lock:
            self.calls.append(Call("find_posted", channel, None, thread_ts, key))
            for posted in self.posted.values():
                same = (posted.channel, posted.key, posted.thread_ts) == (channel, key, thread_ts)
                if same and posted.at >= since:
                    return posted.ts
            return None

    # views for assertions

    def writes(self) -> list[Call]:
        """Posts and updates, in order."""
        with self._lock:
            return [c for c in self.calls if c.method in ("post", "update")]

    def posts_per_key(self) -> Counter[str]:
        """How many messages the workspace holds per key."""
        with self._lock:
            return Counter(p.key for p in self.posted.values())

    def messages_in(self, channel: str) -> list[Posted]:
        """The messages a channel holds, in order."""
        with self._lock:
            return [p for p in self.posted.values() if p.channel == channel]
