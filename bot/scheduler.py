"""Scheduled work: refreshing every location, removing orphans past their grace, keeping
the discovery index up to the catalog's change counter, and queueing the daily run digests.

On PostgreSQL a run takes a transaction-level advisory lock, so with several replicas
only one of them refreshes at a time; the others skip that tick.
"""

from __future__ import annotations

import fcntl
import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot.wiring import Wiring

log = logging.getLogger(__name__)

REFRESH_LOCK_ID = 0x6361_7461  # "cata"


@contextmanager
def sqlite_refresh_lock(database: str | None) -> Iterator[bool]:
    """An exclusive lock file beside a SQLite database, for the processes of one server
    (``serve --workers``); True when this process holds it."""
    if not database or database == ":memory:":
        yield True
        return
    path = Path(database).with_name(Path(database).name + ".refresh-lock")
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh_once(wiring: Wiring) -> bool:
    """Refresh the catalog unless another replica or process is doing it; True when this
    one ran."""
    if wiring.engine.dialect.name != "postgresql":
        with sqlite_refresh_lock(wiring.engine.url.database) as held:
            if not held:
                log.info("another process is refreshing the catalog; skipping this run")
                return False
            wiring.catalog.refresh_all()
            wiring.catalog.cleanup_orphans()
        return True
    with wiring.engine.connect() as connection:
        got = connection.execute(
            text("SELECT pg_try_advisory_lock(:id)"), {"id": REFRESH_LOCK_ID}
        ).scalar()
        if not got:
            log.info("another replica is refreshing the catalog; skipping this run")
            return False
        try:
            wiring.catalog.refresh_all()
            wiring.catalog.cleanup_orphans()
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": REFRESH_LOCK_ID})
            connection.commit()
    return True


def start_scheduler(wiring: Wiring) -> BackgroundScheduler:
    """Start the refresh job: at once, then every ``catalog.refreshIntervalSeconds``."""
    scheduler = BackgroundScheduler(timezone="UTC")
    interval = wiring.settings.catalog.refresh_interval_seconds
    scheduler.add_job(
        _guarded_refresh,
        "interval",
        args=[wiring],
        seconds=interval,
        id="catalog-refresh",
        next_run_time=datetime.now(UTC) + timedelta(seconds=0.1),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,  # a late start (a busy process) still runs, once
    )
    search_interval = wiring.settings.search.refresh_seconds
    if search_interval > 0:
        scheduler.add_job(
            _guarded_search_refresh,
            "interval",
            args=[wiring],
            seconds=search_interval,
            id="search-refresh",
            next_run_time=datetime.now(UTC),  # load the index at start, not on the first query
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )
    notifications = wiring.notifications()
    digest = wiring.settings.notifications.digest
    if notifications is not None and digest.enabled:
        hour, minute = (int(part) for part in digest.time.split(":"))
        scheduler.add_job(
            _guarded_digest,
            "cron",
            args=[wiring],
            hour=hour,
            minute=minute,
            timezone=digest.timezone,
            id="notification-digest",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    scheduler.start()
    return scheduler


def _guarded_digest(wiring: Wiring) -> None:
    """Queue the daily digests; each channel gets one a day, whichever replica runs this."""
    notifications = wiring.notifications()
    if notifications is None:
        return
    try:
        queued = notifications.enqueue_digests()
    except Exception:
        log.exception("queueing the daily digests failed")
        return
    log.info("queued %d daily digests", queued)


def _guarded_search_refresh(wiring: Wiring) -> None:
    """Bring the discovery index up to the catalog's change counter, off the query path."""
    try:
        stats = wiring.search.refresh()
    except Exception:
        log.exception("search index refresh failed")
        return
    if stats.full:
        settle_heap()


def settle_heap() -> None:
    """Move what is alive now (the freshly loaded search index, the catalog caches) out of
    the cyclic garbage collector's reach: collections then scan only new objects, so
    commands are not paused while hundreds of thousands of index objects are walked."""
    gc.collect()
    gc.freeze()


def _guarded_refresh(wiring: Wiring) -> None:
    try:
        refresh_once(wiring)
    except Exception:
        log.exception("catalog refresh failed")
