"""Two replicas on one database share the outbox: webhooks land on either, every run gets
exactly one message, updated in place, none posted twice."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.app import create_app
from bot.settings import load_settings
from bot.wiring import build_wiring
from tests.bot.slack_app.conftest import Bot, MakeBot, blocks_text, bound_socket, serve_on, wait_for
from tests.bot.slack_app.notify_support import generic_event, notify_bot, post_generic, top_level

RUNS = 40


def second_replica(bot: Bot, tmp_path: Path) -> Bot:
    """Another bot process's worth of app, on the first one's database and Slack."""
    config = next(tmp_path.glob("bot*/callboard.yaml"))
    wiring = build_wiring(load_settings(config))
    bot.stops.append(wiring.close)
    sock = bound_socket()
    served = serve_on(create_app(wiring, background=False), sock)
    bot.stops.append(served.stop)
    port = sock.getsockname()[1]
    return Bot(f"http://127.0.0.1:{port}", wiring, bot.standin, bot.faults, served, [])


def test_two_replicas_deliver_every_run_once(make_bot: MakeBot, tmp_path: Path) -> None:
    first = notify_bot(make_bot)
    second = second_replica(first, tmp_path)
    replicas = [first, second]
    sends = [
        (replicas[(run + step) % 2], generic_event(f"r-{run}", status, occurred_at=at))
        for step, (status, at) in enumerate(
            [
                ("queued", "2026-11-22T09:00:00Z"),
                ("running", "2026-11-22T09:01:00Z"),
                ("succeeded", "2026-11-22T09:02:00Z"),
            ]
        )
        for run in range(RUNS)
    ]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda pair: post_generic(*pair).status_code, sends))
    assert set(answers) <= {200, 202}

    def done() -> list[str]:
        return [
            re.search(r"r-\d+", blocks_text(m)).group()  # type: ignore[union-attr]
            for m in top_level(first, "payments")
            if "done" in blocks_text(m)
        ]

    wait_for(lambda: len(done()) == RUNS, timeout=60, what="every run done")
    assert sorted(done()) == sorted(f"r-{n}" for n in range(RUNS))
    assert len(top_level(first, "payments")) == RUNS, "no run posted twice"
    workers = {
        call.args.get("channel")
        for call in first.state.calls("chat.postMessage")
        if call.result.get("ok")
    }
    assert workers == {"C0PAYMENTS"}
