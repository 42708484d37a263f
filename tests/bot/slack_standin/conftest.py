"""The stand-in on loopback, a WebClient for it, and a tiny signed-request receiver.

``Receiver`` plays the bot's side: a FastAPI app that checks every request's signature with
``slack_sdk.signature.SignatureVerifier``, records it, and answers as its ``answer``
function says (status, body, delay).
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import pytest
import uvicorn
from fastapi import FastAPI, Request, Response
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack_standin import RateLimit, StandinServer, StandinState

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


class ManualClock:
    """A clock the test moves: ``clock.advance(3.5)``."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode(), keep_blank_values=True))

    @property
    def payload(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.form["payload"])
        return decoded

    @property
    def json(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.body)
        return decoded

    @property
    def kind(self) -> str:
        if self.headers.get("content-type", "").startswith("application/json"):
            return str(self.json["type"])
        form = self.form
        return "slash_command" if "command" in form else str(self.payload["type"])


@dataclass
class Answer:
    """What the receiver answers."""

    status: int = 200
    body: str = ""
    content_type: str = "text/plain"
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(body: Any, status: int = 200, delay: float = 0.0) -> Answer:
    return Answer(status, json.dumps(body), "application/json", delay)


class Receiver:
    """The bot's side of the wire, verifying Slack's signatures."""

    def __init__(self, secret: str = SIGNING_SECRET) -> None:
        self.verifier = SignatureVerifier(secret)
        self.requests: list[Received] = []
        self.answer: Callable[[Received], Answer] = lambda received: Answer()
        self.app = FastAPI()

        @self.app.post("/slack/events")
        async def events(request: Request) -> Response:
            body = await request.body()
            headers = {k.lower(): v for k, v in request.headers.items()}
            received = Received(headers, body, self.verifier.is_valid_request(body, headers))
            self.requests.append(received)
            if not received.signature_valid:
                return Response("invalid signature", status_code=401)
            answer = await asyncio.to_thread(self.answer, received)
            if answer.delay:
                await asyncio.sleep(answer.delay)
            return Response(
                answer.body,
                status_code=answer.status,
                media_type=answer.content_type,
                headers=answer.headers,
            )

    def of_kind(self, kind: str) -> list[Received]:
        return [r for r in self.requests if r.signature_valid and r.kind == kind]


@dataclass
class Served:
    """An app served by uvicorn on a loopback port, in a thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True


def serve(app: FastAPI) -> Served:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the receiver did not start"
        time.sleep(0.01)
    return Served(f"http://127.0.0.1:{port}", server, thread)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def state(clock: ManualClock) -> StandinState:
    return StandinState.default(clock=clock, rate_limit=RateLimit(per_second=50.0, burst=50))


@pytest.fixture
def standin(state: StandinState) -> Iterator[StandinServer]:
    server = StandinServer(state).start()
    try:
        yield server
    finally:
        server.stop(wait=False)


@pytest.fixture
def client(standin: StandinServer) -> WebClient:
    return WebClient(token=standin.state.workspace.bot_token, base_url=standin.api_url)


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    bot = Receiver()
    served = serve(bot.app)
    try:
        yield bot, f"{served.url}/slack/events"
    finally:
        served.stop()


@pytest.fixture
def connected(
    state: StandinState, receiver: tuple[Receiver, str]
) -> Iterator[tuple[StandinServer, Receiver]]:
    """The stand-in sending to the receiver, with Slack's timings shortened."""
    bot, url = receiver
    server = StandinServer(
        state,
        bot_url=url,
        signing_secret=SIGNING_SECRET,
        timeout=0.5,
        retry_delays=(0.0, 0.05, 0.05),
    ).start()
    try:
        yield server, bot
    finally:
        server.stop(wait=False)
