"""Scheduled work: refreshing every location, removing orphans past their grace, keeping
the discovery index up to the catalog's change counter, and queueing the daily run digests.

On PostgreSQL a run takes a transaction-level advisory lock, so with several replicas
only one of them refreshes at a time; the others skip that tick.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot.wiring import Wiring

log = logging.getLogger(__name__)

REFRESH_LOCK_ID = 0x6361_7461  # "cata"


def refresh_once(wiring: Wiring) -> bool:
    """Refresh the catalog unless another replica is doing it; True when this one ran."""
    if wiring.engine.dialect.name != "postgresql":
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
        wiring.search.refresh()
    except Exception:
        log.exception("search index refresh failed")


def _guarded_refresh(wiring: Wiring) -> None:
    try:
        refresh_once(wiring)
    except Exception:
        log.exception("catalog refresh failed")
