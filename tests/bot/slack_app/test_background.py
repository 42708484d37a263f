"""Work after the ack: failures are logged, and the workers yield the CPU to the threads
that acknowledge Slack's requests."""

from __future__ import annotations

import logging
import os
import sys
import threading

import pytest

from bot.slack_app.background import BackgroundWork


def niceness_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_workers_run_nicer_than_the_threads_that_acknowledge() -> None:
    work = BackgroundWork(2, niceness=5)
    seen: list[int] = []
    try:
        future = work.submit("nice", lambda: seen.append(niceness_of_this_thread()))
        assert future is not None
        future.result(timeout=5)
    finally:
        work.shutdown()
    own = niceness_of_this_thread()
    assert seen == [min(own + 5, 19)]


def test_a_failing_job_is_logged_and_the_pool_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    work = BackgroundWork(1, niceness=0)
    done: list[str] = []

    def fail() -> None:
        raise RuntimeError("boom")

    try:
        with caplog.at_level(logging.ERROR):
            work.submit("broken", fail)
            work.submit("fine", lambda: done.append("ok"))
            assert work.wait_idle(5)
    finally:
        work.shutdown()
    assert done == ["ok"]
    assert "Slack job broken failed" in caplog.text
