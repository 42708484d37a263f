"""Delivering the outbox to the chat client: claims, coalescing, pacing, retries, dead letters.

Several workers (threads or replicas) share one outbox:

* A worker claims due items for a while (``claimed_until``); on PostgreSQL with
  ``SELECT ... FOR UPDATE SKIP LOCKED``, on SQLite with one conditional ``UPDATE`` (SQLite
  runs one writer at a time). A crashed worker's items are taken over once the lease ends.
* Each channel has at most one delivery in flight, and is written to at most once every
  ``channel_interval_seconds`` (tracked in ``notify_channel_pacing``, shared by replicas:
  reserved when an item is claimed and pushed back when its outcome is recorded, so the
  next write to the channel comes at least that long after this one).
* A run card waits ``coalesce_seconds`` after its first pending change; changes arriving in
  the meantime (or while it is being sent) make one more update, built from the latest state.
* Thread replies wait until their card is posted.
* A claim whose earlier attempt may have reached Slack (the worker died, or the call timed
  out) asks :meth:`ChatPort.find_posted` before posting again, so nothing is posted twice.
* Rate limits wait for ``retry_after``; other transient failures back off exponentially and
  become dead letters after ``max_failures``; permanent errors (``channel_not_found`` ...)
  are dead letters at once. Dead letters are listed and can be retried; none is dropped.
"""

from __future__ import annotations

import itertools
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Row, and_, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from workflows.notifications.content import build_card, build_reply, load_run
from workflows.notifications.digest import build_digest
from workflows.notifications.directory import OnCallLookup
from workflows.notifications.messages import ChatMessage
from workflows.notifications.routing import NotificationConfig
from workflows.notifications.sql import dialect_of, is_postgresql, pace_channels, write_transaction
from workflows.notifications.tables import (
    CARD,
    DEAD,
    DIGEST,
    DONE,
    PENDING,
    REPLY,
    as_utc,
    channel_pacing,
    messages,
    outbox,
)
from workflows.runs.events import utc_now

log = logging.getLogger(__name__)

PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_metadata_format",
        "invalid_metadata_schema",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "missing_scope",
        "no_permission",
        "team_access_not_granted",
        "ekm_access_denied",
    }
)
"""Slack error codes a retry cannot fix: the delivery becomes a dead letter at once."""


@dataclass(frozen=True, slots=True)
class ChatResult:
    """The answer of one chat call.

    Attributes:
        ok: The call succeeded.
        ts: The message's ts (posts; for updates, the same ts).
        error: The error code (``ratelimited``, ``channel_not_found``, ``timeout`` ...).
        retry_after: Seconds to wait before the next call (rate limited).
        permanent: Retrying cannot help (see :data:`PERMANENT_ERRORS`).
    """

    ok: bool
    ts: str | None = None
    error: str | None = None
    retry_after: float | None = None
    permanent: bool = False

    @classmethod
    def success(cls, ts: str) -> ChatResult:
        """A successful post or update of the message ``ts``."""
        return cls(True, ts=ts)

    @classmethod
    def rate_limited(cls, retry_after: float) -> ChatResult:
        """HTTP 429: nothing was posted; try again after ``retry_after`` seconds."""
        return cls(False, error="ratelimited", retry_after=retry_after)

    @classmethod
    def failure(cls, error: str) -> ChatResult:
        """An error answer; permanent when ``error`` is in :data:`PERMANENT_ERRORS`."""
        return cls(False, error=error, permanent=error in PERMANENT_ERRORS)


class ChatPort(Protocol):
    """The chat client the outbox delivers through (the bot implements it over Slack)."""

    def post(
        self, channel: str, message: ChatMessage, *, thread_ts: str | None, key: str
    ) -> ChatResult:
        """Post ``message`` (in the thread ``thread_ts`` if given), carrying ``key`` in the
        message's metadata so :meth:`find_posted` can find it."""

    def update(self, channel: str, ts: str, message: ChatMessage) -> ChatResult:
        """Replace the message ``ts`` with ``message``."""

    def find_posted(
        self, channel: str, key: str, since: datetime, *, thread_ts: str | None = None
    ) -> str | None:
        """The ts of a message posted since ``since`` that carries ``key``, or None.

        ``thread_ts`` names the thread a reply was posted in (search its replies, e.g. with
        ``conversations.replies``); None means the channel itself (``conversations.history``).
        """


class OutboxWorker:
    """Delivers due outbox items through a :class:`ChatPort`.

    Args:
        sessions: Sessions on the database with the workflow tables.
        chat: The chat client.
        config: Delivery settings.
        worker_id: This worker's name (replica and thread), recorded on its claims.
        clock: The current time (UTC).
        oncall: Who to mention on failures routed ``also_oncall``.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        chat: ChatPort,
        config: NotificationConfig,
        *,
        worker_id: str,
        clock: Callable[[], datetime] = utc_now,
        oncall: OnCallLookup | None = None,
    ) -> None:
        """Deliver from the database behind ``sessions`` to ``chat``."""
        self._sessions = sessions
        self._chat = chat
        self._delivery = config.delivery
        self._worker_id = worker_id
        self._clock = clock
        self._oncall = oncall
        self._claims = itertools.count(1)
        self._nonce = uuid.uuid4().hex[:8]

    def run_once(self, limit: int = 50) -> int:
        """Claim up to ``limit`` due items (one per channel) and deliver them.

        Returns:
            The number of items handled (delivered, retried later or dead-lettered).
        """
        token = f"{self._worker_id}:{self._nonce}:{next(self._claims)}"
        claimed = self._claim(token, limit)
        for item in claimed:
            try:
                self._deliver(token, item)
            except Exception as exc:
                log.error(
                    "notification delivery %s to %s failed: %s",
                    item.key,
                    item.channel,
                    type(exc).__name__,
                )
                self._transient(token, item, f"error: {type(exc).__name__}")
        return len(claimed)

    def run_forever(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, pausing when nothing is due."""
        while not stop.is_set():
            try:
                handled = self.run_once()
            except Exception as exc:
                log.error("notification outbox claim failed: %s", type(exc).__name__)
                handled = 0
            if not handled:
                stop.wait(self._delivery.idle_seconds)

    # claims

    def _claim(self, token: str, limit: int) -> list[Row[Any]]:
        now = as_utc(self._clock())
        ranked_item = outbox.alias("ranked_item")
        has_card = exists(
            select(messages.c.id).where(
                messages.c.id == ranked_item.c.message_id, messages.c.ts.is_not(None)
            )
        )
        ranked = (
            select(
                ranked_item.c.id,
                func.row_number()
                .over(
                    partition_by=ranked_item.c.channel,
                    order_by=(ranked_item.c.due_at, ranked_item.c.id),
                )
                .label("rn"),
            )
            .where(
                ranked_item.c.state == PENDING,
                ranked_item.c.due_at <= now,
                or_(ranked_item.c.claimed_until.is_(None), ranked_item.c.claimed_until <= now),
                or_(ranked_item.c.kind != REPLY, has_card),
            )
            .subquery("ranked")
        )
        candidate = outbox.alias("candidate")
        in_flight = outbox.alias("in_flight")
        busy = exists(
            select(in_flight.c.id).where(
                in_flight.c.channel == candidate.c.channel,
                in_flight.c.state == PENDING,
                in_flight.c.claimed_until > now,
            )
        )
        paced = exists(
            select(channel_pacing.c.channel).where(
                channel_pacing.c.channel == candidate.c.channel, channel_pacing.c.next_at > now
            )
        )
        pick = (
            select(candidate.c.id)
            .where(
                candidate.c.id.in_(select(ranked.c.id).where(ranked.c.rn == 1)),
                candidate.c.state == PENDING,
                candidate.c.due_at <= now,
                or_(candidate.c.claimed_until.is_(None), candidate.c.claimed_until <= now),
                ~busy,
                ~paced,
            )
            .order_by(candidate.c.due_at, candidate.c.id)
            .limit(limit)
        )
        with write_transaction(self._sessions) as session:
            if is_postgresql(session):
                pick = pick.with_for_update(skip_locked=True, of=candidate)
            claimed = session.execute(
                update(outbox)
                .where(
                    outbox.c.id.in_(pick),
                    outbox.c.state == PENDING,
                    or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until <= now),
                )
                .values(
                    claimed_by=token,
                    claimed_until=now + timedelta(seconds=self._delivery.lease_seconds),
                    attempts=outbox.c.attempts + 1,
                )
                .returning(*outbox.c)
            ).all()
            channels = sorted({row.channel for row in claimed})
            if channels:
                self._pace(session, channels, self._delivery.channel_interval_seconds, now)
        return sorted(claimed, key=lambda row: (row.due_at, row.id))

    @staticmethod
    def _pace(session: Session, channels: list[str], seconds: float, now: datetime) -> None:
        next_at = now + timedelta(seconds=seconds)
        session.execute(
            pace_channels(dialect_of(session)),
            [{"channel": channel, "next_at": next_at} for channel in channels],
        )

    # delivery

    def _deliver(self, token: str, item: Row[Any]) -> None:
        if item.kind == CARD:
            self._deliver_card(token, item)
        elif item.kind == REPLY:
            self._deliver_reply(token, item)
        elif item.kind == DIGEST:
            self._deliver_digest(token, item)
        else:
            self._dead(token, item, f"unknown outbox item kind {item.kind!r}")

    def _in_doubt(self, item: Row[Any]) -> bool:
        """Whether an earlier attempt of ``item`` may have reached Slack."""
        return bool(item.attempts - 1 > item.settled)

    def _find_posted(
        self, item: Row[Any], since: datetime, thread_ts: str | None = None
    ) -> str | None:
        margin = timedelta(seconds=self._delivery.find_posted_margin_seconds)
        return self._chat.find_posted(
            item.channel, item.key, as_utc(since) - margin, thread_ts=thread_ts
        )

    def _deliver_card(self, token: str, item: Row[Any]) -> None:
        with self._sessions() as session:
            message = session.execute(
                select(messages).where(messages.c.id == item.message_id)
            ).first()
            state = None if message is None else load_run(session, message.run_pk)
            if message is None or state is None:
                self._dead(token, item, "the run's message no longer exists")
                return
            card = build_card(session, state)
        if message.ts is not None:
            result = self._chat.update(item.channel, message.ts, card)
            self._settle(token, item, result, posted_ts=None)
            return
        found = self._find_posted(item, message.created_at) if self._in_doubt(item) else None
        if found is not None:
            result = self._chat.update(item.channel, found, card)
            if result.ok or result.permanent:
                result = ChatResult.success(found) if result.ok else result
            self._settle(token, item, result, posted_ts=found)
            return
        result = self._chat.post(item.channel, card, thread_ts=None, key=item.key)
        self._settle(token, item, result, posted_ts=result.ts if result.ok else None)

    def _deliver_reply(self, token: str, item: Row[Any]) -> None:
        with self._sessions() as session:
            message = session.execute(
                select(messages).where(messages.c.id == item.message_id)
            ).first()
            state = None if message is None else load_run(session, message.run_pk)
        if message is None or state is None or message.ts is None:
            self._dead(token, item, "the run's card was not posted")
            return
        payload: dict[str, Any] = dict(item.payload or {})
        mentions: tuple[str, ...] = ()
        if payload.get("oncall") and self._oncall is not None and state.entity_ref:
            try:
                mentions = tuple(self._oncall.mentions(state.entity_ref))
            except Exception as exc:
                log.warning(
                    "on-call lookup for %s failed: %s", state.entity_ref, type(exc).__name__
                )
        reply = build_reply(state, payload, mentions)
        self._post_once(token, item, reply, thread_ts=message.ts, since=item.created_at)

    def _deliver_digest(self, token: str, item: Row[Any]) -> None:
        payload = dict(item.payload or {})
        start = datetime.fromisoformat(str(payload["start"]))
        end = datetime.fromisoformat(str(payload["end"]))
        with self._sessions() as session:
            digest = build_digest(session, item.channel, start, end)
        self._post_once(token, item, digest, thread_ts=None, since=item.created_at)

    def _post_once(
        self,
        token: str,
        item: Row[Any],
        message: ChatMessage,
        *,
        thread_ts: str | None,
        since: datetime,
    ) -> None:
        found = self._find_posted(item, since, thread_ts) if self._in_doubt(item) else None
        if found is not None:
            self._settle(token, item, ChatResult.success(found), posted_ts=found)
            return
        result = self._chat.post(item.channel, message, thread_ts=thread_ts, key=item.key)
        self._settle(token, item, result, posted_ts=result.ts if result.ok else None)

    # outcomes

    def _settle(
        self, token: str, item: Row[Any], result: ChatResult, *, posted_ts: str | None
    ) -> None:
        if result.ok:
            self._done(token, item, posted_ts)
        elif result.retry_after is not None:
            self._rate_limited(token, item, result.retry_after)
        elif result.permanent:
            self._dead(token, item, result.error or "permanent error", settled=True)
        else:
            self._transient(token, item, result.error or "transient error")

    def _mine(self, item: Row[Any], token: str) -> Any:
        return and_(outbox.c.id == item.id, outbox.c.claimed_by == token)

    def _done(self, token: str, item: Row[Any], posted_ts: str | None) -> None:
        now = as_utc(self._clock())
        again = outbox.c.wanted > item.wanted
        coalesced = now + timedelta(seconds=self._delivery.coalesce_seconds)
        with write_transaction(self._sessions) as session:
            if item.kind == CARD and posted_ts is not None:
                session.execute(
                    update(messages)
                    .where(messages.c.id == item.message_id, messages.c.ts.is_(None))
                    .values(ts=posted_ts, posted_at=now)
                )
            values: dict[str, Any] = {
                "claimed_by": None,
                "claimed_until": None,
                "failures": 0,
                "settled": item.attempts,
                "last_error": None,
                "updated_at": now,
                "done_at": now,
            }
            if item.kind == CARD:
                values |= {
                    "sent": item.wanted,
                    "state": case((again, PENDING), else_=DONE),
                    "due_at": case((again, coalesced), else_=outbox.c.due_at),
                }
            else:
                values |= {"state": DONE, "ts": posted_ts}
            updated = session.execute(update(outbox).where(self._mine(item, token)).values(values))
            self._pace(session, [item.channel], self._delivery.channel_interval_seconds, now)
        if updated.rowcount != 1:  # type: ignore[attr-defined]
            log.warning("outbox item %s was taken over before its delivery was recorded", item.key)

    def _rate_limited(self, token: str, item: Row[Any], retry_after: float) -> None:
        now = as_utc(self._clock())
        wait = max(retry_after, self._delivery.channel_interval_seconds)
        with write_transaction(self._sessions) as session:
            session.execute(
                update(outbox)
                .where(self._mine(item, token))
                .values(
                    claimed_by=None,
                    claimed_until=None,
                    settled=item.attempts,
                    last_error="ratelimited",
                    due_at=now + timedelta(seconds=wait),
                    updated_at=now,
                )
            )
            self._pace(session, [item.channel], wait, now)
        log.info("channel %s is rate limited for %.1fs", item.channel, wait)

    def _transient(self, token: str, item: Row[Any], error: str) -> None:
        failures = item.failures + 1
        if failures >= self._delivery.max_failures:
            self._dead(token, item, f"{error} (after {failures} failures)", failures=failures)
            return
        now = as_utc(self._clock())
        delay = min(
            self._delivery.backoff_seconds * 2 ** (failures - 1),
            self._delivery.max_backoff_seconds,
        )
        with write_transaction(self._sessions) as session:
            session.execute(
                update(outbox)
                .where(self._mine(item, token))
                .values(
                    claimed_by=None,
                    claimed_until=None,
                    failures=failures,
                    last_error=error[:500],
                    due_at=now + timedelta(seconds=delay),
                    updated_at=now,
                )
            )
            self._pace(session, [item.channel], self._delivery.channel_interval_seconds, now)
        log.warning(
            "notification delivery %s to %s failed (%s), retry in %.0fs",
            item.key,
            item.channel,
            error,
            delay,
        )

    def _dead(
        self,
        token: str,
        item: Row[Any],
        error: str,
        *,
        settled: bool = False,
        failures: int | None = None,
    ) -> None:
        now = as_utc(self._clock())
        values: dict[str, Any] = {
            "state": DEAD,
            "claimed_by": None,
            "claimed_until": None,
            "last_error": error[:500],
            "updated_at": now,
            "done_at": now,
        }
        if settled:
            values["settled"] = item.attempts
        if failures is not None:
            values["failures"] = failures
        with write_transaction(self._sessions) as session:
            session.execute(update(outbox).where(self._mine(item, token)).values(values))
            self._pace(session, [item.channel], self._delivery.channel_interval_seconds, now)
            if item.kind == CARD:
                unposted = select(messages.c.id).where(
                    messages.c.id == item.message_id, messages.c.ts.is_(None)
                )
                session.execute(
                    update(outbox)
                    .where(
                        outbox.c.message_id.in_(unposted),
                        outbox.c.kind == REPLY,
                        outbox.c.state == PENDING,
                    )
                    .values(
                        state=DEAD,
                        last_error=f"the run's card was not posted: {error}"[:500],
                        updated_at=now,
                        done_at=now,
                    )
                )
        log.error(
            "notification delivery %s to %s is a dead letter: %s", item.key, item.channel, error
        )
