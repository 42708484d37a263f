"""Slack's message rate limit: about one message per second per channel, short bursts allowed."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateLimit:
    """A token bucket: ``per_second`` refill, ``burst`` tokens at most."""

    per_second: float = 1.0
    burst: int = 3


class RateLimiter:
    """One token bucket per key (a channel id)."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float]) -> None:
        if limit.per_second <= 0 or limit.burst < 1:
            raise ValueError("a rate limit needs per_second > 0 and burst >= 1")
        self.limit = limit
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def acquire(self, key: str) -> int | None:
        """Take a token for ``key``: None when allowed, else the seconds to wait.

        The wait is rounded up to whole seconds, as Slack's ``Retry-After`` header is.
        """
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self.limit.burst), now))
        tokens = min(float(self.limit.burst), tokens + (now - last) * self.limit.per_second)
        if tokens >= 1.0:
            self._buckets[key] = (tokens - 1.0, now)
            return None
        self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / self.limit.per_second))
