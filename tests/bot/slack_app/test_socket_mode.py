"""Socket Mode: the bot opens a WebSocket (``apps.connections.open`` with the app-level
token) and answers the envelopes Slack sends over it, with Bolt's built-in client."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import httpx
import pytest
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from websockets.sync.server import Server, ServerConnection, serve

from bot.slack_standin import StandinServer
from bot.slack_standin.payloads import event_envelope, slash_command_form
from tests.bot.slack_app.conftest import MakeBot, blocks_text, wait_for

APP_TOKEN = "xapp-1-A0CALLBOARD-1234-socketmodetoken"


class SocketModeSlack:
    """Slack's side of Socket Mode: ``apps.connections.open`` and the WebSocket."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self.opens = 0
        self.server: Server = serve(self._connection, "127.0.0.1", 0)
        self.port = self.server.socket.getsockname()[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _connection(self, connection: ServerConnection) -> None:
        if connection.request is None or "ticket=t-1" not in connection.request.path:
            connection.close(code=4001, reason="invalid ticket")
            return
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "standin", "approximate_connection_time": 18060},
                    "connection_info": {"app_id": "A0CALLBOARD"},
                }
            )
        )
        self.connections.append(connection)
        try:
            for message in connection:
                self.received.append(json.loads(message))
        except Exception:
            return

    def install(self, server: StandinServer) -> None:
        @server.app.middleware("http")
        async def connections_open(
            request: Request, call_next: Callable[[Request], Any]
        ) -> Response:
            if request.url.path != "/api/apps.connections.open":
                answer: Response = await call_next(request)
                return answer
            if request.method != "POST":
                return JSONResponse({"ok": False, "error": "method_not_allowed"})
            if request.headers.get("authorization") != f"Bearer {APP_TOKEN}":
                return JSONResponse({"ok": False, "error": "invalid_auth"})
            self.opens += 1
            url = f"ws://127.0.0.1:{self.port}/link/?ticket=t-1&app_id=A0CALLBOARD"
            return JSONResponse({"ok": True, "url": url})

    def send(self, envelope: dict[str, Any]) -> None:
        wait_for(lambda: self.connections, what="the bot's WebSocket")
        self.connections[-1].send(json.dumps(envelope))

    def acks(self, envelope_id: str) -> list[dict[str, Any]]:
        return [m for m in self.received if m.get("envelope_id") == envelope_id]

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def slack() -> Iterator[SocketModeSlack]:
    fake = SocketModeSlack()
    try:
        yield fake
    finally:
        fake.close()


def test_commands_and_events_arrive_over_socket_mode(
    make_bot: MakeBot, slack: SocketModeSlack
) -> None:
    bot = make_bot(
        signed=False, extra_slack=f"  appToken: {APP_TOKEN}\n", before_start=slack.install
    )
    assert httpx.post(bot.events_url, content=b"{}").status_code == 404
    wait_for(lambda: slack.connections, what="a Socket Mode connection")
    assert slack.opens == 1
    socket = bot.surface.socket
    assert socket is not None and socket.connected

    state = bot.state
    alice = state.workspace.user_by_name("alice")
    channel = state.workspace.channel("payments")
    assert alice is not None and channel is not None
    url = state.response_url_of(state.issue_response_url("commands", alice.id, channel.id))
    form = slash_command_form(
        state, alice, channel, "/idp", "whois pmts", trigger_id="1.2.ab", response_url=url
    )
    slack.send(
        {
            "envelope_id": "env-command-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": form,
        }
    )
    wait_for(lambda: slack.acks("env-command-1"), what="the command's ack")
    answer = wait_for(lambda: bot.bot_messages("alice", "payments"), what="the answer")
    assert "payment-service" in blocks_text(answer[0]).lower()

    event = {"type": "app_home_opened", "user": alice.id, "channel": "D0ALICE", "tab": "home"}
    envelope = event_envelope(state, event)
    for attempt in range(2):
        slack.send(
            {
                "envelope_id": f"env-event-{attempt}",
                "type": "events_api",
                "accepts_response_payload": False,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
                "payload": envelope,
            }
        )
        wait_for(partial(slack.acks, f"env-event-{attempt}"), what="the event's ack")
    wait_for(lambda: state.calls("views.publish"))
    bot.idle()
    assert len(state.calls("views.publish")) == 1
