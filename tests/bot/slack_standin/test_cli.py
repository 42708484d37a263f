"""``python -m bot.slack_standin`` on its own: prints the page URL and serves until stopped."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
from slack_sdk import WebClient

REPO = Path(__file__).resolve().parents[3]


def test_runs_alone_and_prints_the_page_url(tmp_path: Path) -> None:
    workspace = tmp_path / "workspace.yaml"
    workspace.write_text(
        """
team: {id: T0TEST, name: Test Team, domain: test}
users:
  - {id: U0ZOE, name: zoe, real_name: Zoe Park, email: zoe@test.example}
channels:
  - {id: C0ROOM, name: room, members: [zoe], bot_member: true}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.slack_standin",
            "--port",
            "0",
            "--bot-url",
            "http://127.0.0.1:9/slack/events",
            "--signing-secret",
            "S",
            "--bot-token",
            "xoxb-cli-token",
            "--workspace",
            str(workspace),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().strip()
        assert first.startswith("Slack stand-in: http://127.0.0.1:"), first
        url = first.removeprefix("Slack stand-in: ")
        assert "<title>" in httpx.get(url, timeout=10).text
        client = WebClient(token="xoxb-cli-token", base_url=url + "api/")
        assert client.auth_test()["team_id"] == "T0TEST"
        assert client.users_lookupByEmail(email="zoe@test.example")["user"]["id"] == "U0ZOE"
        assert client.chat_postMessage(channel="room", text="hi")["channel"] == "C0ROOM"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""
