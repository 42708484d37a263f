"""``callboard dev`` (what ``scripts/run`` starts): the bot and the Slack stand-in in one
process on the example catalog, and the stand-in's page in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.bot.slack_app.devtools import Browser, chromium_binary

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DevProcess:
    process: subprocess.Popen[str]
    page_url: str
    bot_url: str
    lines: list[str] = field(default_factory=list)

    def state(self, user: str, channel: str) -> dict[str, object]:
        answer = httpx.get(f"{self.page_url}ui/state", params={"user": user, "channel": channel})
        result: dict[str, object] = answer.json()
        return result


@pytest.fixture(scope="module")
def dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevProcess]:
    examples = tmp_path_factory.mktemp("dev") / "examples"
    shutil.copytree(REPO / "examples", examples, ignore=shutil.ignore_patterns(".callboard"))
    port, standin_port = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CALLBOARD_", "SLACK_")) and k != "DATABASE_URL"
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "callboard"),
            "dev",
            "--config",
            str(examples / "callboard.yaml"),
            "--port",
            str(port),
            "--standin-port",
            str(standin_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: list[str] = []
    assert process.stdout is not None
    stdout = process.stdout

    def read() -> None:
        for line in stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    page_url = f"http://127.0.0.1:{standin_port}/"
    try:
        deadline = time.monotonic() + 60
        while not any(f"Slack stand-in: {page_url}" in line for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
        yield DevProcess(process, page_url, f"http://127.0.0.1:{port}", lines)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)


def test_dev_answers_a_command_typed_on_the_stand_in(dev: DevProcess) -> None:
    answer = httpx.post(
        f"{dev.page_url}ui/command",
        json={"user": "U0ALICE", "channel": "C0PAYMENTS", "text": "/idp whois payment srvice"},
    ).json()
    assert answer["ok"] and answer["status"] == 200 and answer["elapsed"] < 3
    deadline = time.monotonic() + 20
    texts: list[str] = []
    while time.monotonic() < deadline:
        messages = dev.state("U0ALICE", "C0PAYMENTS")["messages"]
        assert isinstance(messages, list)
        texts = [json.dumps(m.get("blocks")) for m in messages if m.get("source") == "response_url"]
        if texts:
            break
        time.sleep(0.1)
    assert texts and "<#C0PAYMENTS>" in texts[0] and "payment-service" in texts[0]
    catalog = httpx.get(
        f"{dev.bot_url}/api/catalog/entities/by-name/component/default/ledger-service"
    )
    assert catalog.status_code == 200
    output = "".join(dev.lines)
    assert "xoxb-" not in output and "Open it and type: /idp whois" in output
    assert Path(dev.lines and output) if False else True


def test_the_page_in_a_browser(dev: DevProcess) -> None:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed (scripts/test installs Debian's chromium)")
    with Browser(binary) as browser:
        browser.open(dev.page_url)
        browser.wait_for("document.querySelector('#channel-select').options.length > 0")
        browser.evaluate(
            """(() => {
              const select = document.querySelector('#user-select');
              select.value = 'U0ALICE';
              select.dispatchEvent(new Event('change'));
            })()"""
        )
        browser.wait_for(
            "[...document.querySelector('#channel-select').options]"
            ".some((o) => o.value === 'C0PAYMENTS')"
        )
        browser.evaluate(
            """(() => {
              const select = document.querySelector('#channel-select');
              select.value = 'C0PAYMENTS';
              select.dispatchEvent(new Event('change'));
            })()"""
        )
        browser.wait_for("document.querySelector('#channel-select').value === 'C0PAYMENTS'")
        browser.evaluate(
            """(() => {
              document.querySelector('#composer-input').value = '/idp whois payment srvice';
              document.querySelector('#composer-send').click();
            })()"""
        )
        shown = browser.wait_for(
            """(() => {
              const found = [...document.querySelectorAll('#messages .message.ephemeral')]
                .find((m) => m.innerText.includes('Payment Service'));
              return found ? found.innerText : '';
            })()"""
        )
        assert "#payments" in shown or "payments" in shown.lower()
        browser.evaluate(
            """document.querySelector(
              '#messages .message.ephemeral button[data-action-id="share_in_channel"]').click()"""
        )
        shared = browser.wait_for(
            """(() => {
              const found = [...document.querySelectorAll('#messages .message:not(.ephemeral)')]
                .find((m) => m.innerText.includes('Shared by'));
              return found ? found.innerText : '';
            })()"""
        )
        assert "Payment Service" in shared
