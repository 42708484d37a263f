"""kill -9 in the middle of delivering, then a restart: every accepted event is delivered,
no message is posted twice.

The bot runs as ``callboard serve`` in its own process; the Slack stand-in runs here. The
stand-in answers the first ``chat.postMessage`` calls only after a long pause (the message
is already posted), so the bot is killed while it waits for Slack's answer: the case where
only Slack knows the message exists. The restarted bot finds it by its metadata and updates
it instead of posting again.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import Request, Response

from bot.slack_standin import RateLimit, StandinServer, StandinState
from tests.bot.slack_app.conftest import EXAMPLES, SIGNING_SECRET, blocks_text, wait_for
from tests.bot.slack_app.notify_support import GENERIC_SECRET, NOTIFY_CONFIG, generic_event
from workflows.webhooks.generic import sign

REPO = Path(__file__).resolve().parents[3]
RUNS = 8
HELD_POSTS = 2


class HeldAnswers:
    """Answers of the first ``count`` posts, held back until released."""

    def __init__(self, count: int) -> None:
        self.left = count
        self.held = 0
        self.release = asyncio.Event()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            if self.left <= 0:
                return False
            self.left -= 1
            return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def standin() -> Iterator[tuple[StandinServer, HeldAnswers]]:
    held = HeldAnswers(HELD_POSTS)
    server = StandinServer(StandinState.default(rate_limit=RateLimit(per_second=100.0, burst=100)))

    @server.app.middleware("http")
    async def hold(request: Request, call_next: Callable[[Request], Any]) -> Response:
        response: Response = await call_next(request)
        if request.url.path.endswith("/chat.postMessage") and held.take():
            held.held += 1
            await asyncio.sleep(120)
        return response

    server.start()
    try:
        yield server, held
    finally:
        server.stop(wait=False)


def start_bot(config: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "CALLBOARD_LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--config", str(config), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"

    def catalog_loaded() -> bool:
        assert process.poll() is None, "the bot exited"
        try:
            answer = httpx.get(
                f"{url}/api/catalog/entities/by-name/component/default/payment-service"
            )
        except httpx.TransportError:
            return False
        return answer.status_code == 200

    wait_for(catalog_loaded, timeout=60, what="the bot to serve the catalog")
    return process


def send(url: str, event: dict[str, Any]) -> None:

    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json", **sign(GENERIC_SECRET, body, int(time.time()))}
    answer = httpx.post(f"{url}/webhooks/generic", content=body, headers=headers, timeout=10)
    assert answer.status_code in (200, 202), answer.text


def test_kill_9_mid_delivery_then_restart_delivers_everything_once(
    standin: tuple[StandinServer, HeldAnswers], tmp_path: Path, database_url: str
) -> None:
    server, held = standin
    shutil.copytree(EXAMPLES / "catalog", tmp_path / "catalog")
    config = tmp_path / "callboard.yaml"
    config.write_text(
        f"""
database:
  url: {database_url}
catalog:
  rules:
    - allow: [Component, API, Resource, System, Domain, Group, User, Location, Template, Schedule]
  locations:
    - type: file
      target: ./catalog/all.yaml
slack:
  botToken: {server.state.workspace.bot_token}
  signingSecret: {SIGNING_SECRET}
  apiUrl: {server.api_url}
  apiTimeoutSeconds: 60
"""
        + NOTIFY_CONFIG
    )
    port = free_port()
    first = start_bot(config, port)
    url = f"http://127.0.0.1:{port}"
    try:
        for run in range(RUNS):
            send(url, generic_event(f"crash-{run}", "queued", occurred_at="2026-11-22T09:00:00Z"))
        wait_for(lambda: held.held >= HELD_POSTS, timeout=30, what="posts held by Slack")
        for run in range(RUNS):
            send(url, generic_event(f"crash-{run}", "running", occurred_at="2026-11-22T09:01:00Z"))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)

    second = start_bot(config, port)
    try:
        for run in range(RUNS):
            send(
                url, generic_event(f"crash-{run}", "succeeded", occurred_at="2026-11-22T09:02:00Z")
            )

        def cards() -> list[Any]:
            bot_user = server.state.workspace.bot_user_id
            return [
                m
                for m in server.state.channel_messages("C0PAYMENTS")
                if m.user == bot_user and (m.thread_ts is None or m.thread_ts == m.ts)
            ]

        wait_for(
            lambda: len([c for c in cards() if "done" in blocks_text(c)]) == RUNS,
            timeout=60,
            what="every run's card reaching done",
        )
        assert len(cards()) == RUNS, "one message per run, none posted twice"
        runs_named = sorted(re.search(r"crash-\d+", blocks_text(c)).group() for c in cards())  # type: ignore[union-attr]
        assert runs_named == sorted(f"crash-{n}" for n in range(RUNS))
        assert server.state.calls("conversations.history"), "the held posts were looked up"
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(15)
        except subprocess.TimeoutExpired:
            second.kill()
