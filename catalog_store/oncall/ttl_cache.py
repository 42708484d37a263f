"""A small, thread-safe cache whose entries expire after a time-to-live."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

V = TypeVar("V")
MAX_ENTRIES = 512


class TtlCache(Generic[V]):
    """Values by key, each forgotten ``ttl`` seconds after it was stored."""

    def __init__(self, clock: Callable[[], datetime], max_entries: int = MAX_ENTRIES) -> None:
        """Start empty.

        Args:
            clock: The current time (aware); expiry follows it.
            max_entries: Expired entries are dropped when the cache grows past this; if
                none have expired, the oldest go.
        """
        self.clock = clock
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[datetime, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        """The value stored under ``key`` if it has not expired, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] <= self.clock():
                del self._entries[key]
                return None
            return entry[1]

    def put(self, key: Hashable, value: V, ttl: float) -> None:
        """Store ``value`` for ``ttl`` seconds (nothing is stored when ``ttl`` is not positive)."""
        if ttl <= 0:
            return
        now = self.clock()
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (now + timedelta(seconds=ttl), value)
            if len(self._entries) > self.max_entries:
                for stale in [k for k, (expires, _) in self._entries.items() if expires <= now]:
                    del self._entries[stale]
                while len(self._entries) > self.max_entries:
                    del self._entries[next(iter(self._entries))]
