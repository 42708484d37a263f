"""Work done after Slack's request is acknowledged, on a pool of threads.

Slack wants every request answered within 3 seconds; the answer to a command may take
longer (a search, a paging provider, several Slack calls). Listeners acknowledge at once
and hand the rest to :class:`BackgroundWork`, which logs what fails instead of losing it.

On Linux the pool's threads run at a lower scheduling priority (a higher nice value) than
the rest of the process: when the machine is busy, the threads that read and acknowledge
Slack's requests get the CPU first, and answers take what is left.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 4
"""Answers are mostly CPU work under one interpreter lock: a few threads keep Slack calls
and database reads overlapping without starving the threads that acknowledge requests."""
WORKER_NICENESS = 10
"""How much lower the pool's threads are scheduled than the threads that acknowledge
requests (added to the process's nice value; Linux only)."""


def lower_thread_priority(niceness: int = WORKER_NICENESS) -> None:
    """Make the calling thread ``niceness`` steps nicer (Linux schedules threads one by
    one); elsewhere, or when the system refuses, nothing changes."""
    if not sys.platform.startswith("linux") or niceness <= 0:
        return
    thread = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + niceness)
    except OSError as exc:
        log.debug("could not lower the priority of a worker thread: %s", exc)


class BackgroundWork:
    """A thread pool whose jobs log their failures (never re-raised, never shown)."""

    def __init__(self, workers: int = DEFAULT_WORKERS, *, niceness: int = WORKER_NICENESS) -> None:
        """Run at most ``workers`` jobs at a time, on threads ``niceness`` steps nicer."""
        self._pool = ThreadPoolExecutor(
            max_workers=workers,
            thread_name_prefix="slack-work",
            initializer=lower_thread_priority,
            initargs=(niceness,),
        )
        self._lock = threading.Lock()
        self._pending: set[Future[None]] = set()
        self._closed = False

    def submit(self, name: str, job: Callable[[], None]) -> Future[None] | None:
        """Run ``job`` soon; ``name`` says what it was in the log if it fails.

        Returns:
            The job's future; None once the pool is shut down (the job is dropped, logged).
        """

        def run() -> None:
            try:
                job()
            except Exception:
                log.exception("Slack job %s failed", name)

        with self._lock:
            if self._closed:
                log.warning("Slack job %s dropped: shutting down", name)
                return None
            future = self._pool.submit(run)
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until no job is pending, jobs they submit included; False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pending = list(self._pending)
            if not pending:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            wait(pending, timeout=remaining)

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking jobs; with ``wait``, finish those started."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=not wait)
