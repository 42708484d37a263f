"""Events API retries handled once: the first delivery of an ``event_id`` claims it.

Slack sends an event again (with ``X-Slack-Retry-Num``) when the first delivery was not
answered in 3 seconds. The claim is a row in ``slack_event_receipts`` whose primary key is
the ``event_id``, so replicas sharing the database agree on who handles it. Rows older than
``retention`` (Slack stops retrying after about five minutes) are swept now and then.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError

from bot.slack_app.tables import event_receipts

log = logging.getLogger(__name__)

DEFAULT_RETENTION = timedelta(hours=1)
SWEEP_EVERY_SECONDS = 60.0


class EventReceipts:
    """Claims Events API deliveries by ``event_id`` in the database."""

    def __init__(
        self,
        engine: Engine,
        *,
        retention: timedelta = DEFAULT_RETENTION,
        sweep_every: float = SWEEP_EVERY_SECONDS,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Keep receipts in ``engine``'s ``slack_event_receipts`` for ``retention``, and
        delete older ones at most every ``sweep_every`` seconds."""
        self._engine = engine
        self._retention = retention
        self._sweep_every = sweep_every
        self._clock = clock
        self._lock = threading.Lock()
        self._next_sweep = 0.0

    def claim(self, event_id: str, team_id: str | None = None) -> bool:
        """True for the first delivery of ``event_id``; False for a retry already handled."""
        now = self._clock()
        self._sweep(now)
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(event_receipts).values(
                        event_id=event_id[:64], team_id=(team_id or None), received_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def _sweep(self, now: datetime) -> None:
        with self._lock:
            if time.monotonic() < self._next_sweep:
                return
            self._next_sweep = time.monotonic() + self._sweep_every
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    delete(event_receipts).where(
                        event_receipts.c.received_at < now - self._retention
                    )
                )
        except Exception as exc:  # a busy database; the next sweep tries again
            log.warning("sweeping old Slack event receipts failed: %s", type(exc).__name__)
