"""The real bot (FastAPI + Bolt, uvicorn on loopback) talking to the Slack stand-in.

``make_bot`` builds one on SQLite or PostgreSQL: it reads the example catalog plus a
component whose description tries to ping everyone, points the bot's Web API client at the
stand-in, and the stand-in's sender at the bot's ``/slack/events``. Assertions read what the
stand-in received. ``Faults`` makes the stand-in's Web API or ``response_url``s answer an
error, or hang, a given number of times (those requests never reach the stand-in).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
import uvicorn
from fastapi import Request, Response
from fastapi.responses import JSONResponse

from bot.app import create_app
from bot.settings import load_settings
from bot.slack_app.surface import SlackSurface
from bot.slack_standin import RateLimit, SlackSender, StandinServer, StandinState, StoredMessage
from bot.wiring import Wiring, build_wiring

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef"
CATALOG_URL = "https://backstage.acme.example"
NASTY_DESCRIPTION = (
    "Bills <!channel> and <@U0ERIN> <https://evil.example|click here> @here *bold* &amp; "
    "<!subteam^S0ADMINS>"
)
EXTRA = f"""
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing-gateway
  description: "{NASTY_DESCRIPTION}"
spec:
  type: service
  lifecycle: production
  owner: payments-team
"""
CONFIG = """
database:
  url: {database_url}
catalog:
  rules:
    - allow: [Component, API, Resource, System, Domain, Group, User, Location, Template, Schedule]
  locations:
    - type: file
      target: ./catalog/all.yaml
    - type: file
      target: ./extra.yaml
search:
  refreshSeconds: 0
slack:
{credentials}
  apiUrl: {api_url}
  command: /idp
  verbCommands: [/whois, /oncall, /owner]
  catalogUrl: {catalog_url}
  apiTimeoutSeconds: {api_timeout}
  answerProcesses: {answer_processes}
"""


@dataclass
class Rule:
    """``times`` answers of ``status`` (or a hang of ``hang`` seconds) for matching paths."""

    path: str
    times: int
    status: int = 500
    hang: float = 0.0
    hits: int = 0


class Faults:
    """Failures the stand-in serves before answering normally."""

    def __init__(self) -> None:
        self.rules: list[Rule] = []
        self.lock = threading.Lock()

    def fail(self, path: str, *, times: int = 1, status: int = 500) -> Rule:
        """The next ``times`` requests whose path contains ``path`` answer ``status``."""
        rule = Rule(path, times, status=status)
        with self.lock:
            self.rules.append(rule)
        return rule

    def hang(self, path: str, seconds: float, *, times: int = 1) -> Rule:
        """The next ``times`` requests whose path contains ``path`` hang for ``seconds``
        (then answer 504, unprocessed)."""
        rule = Rule(path, times, status=504, hang=seconds)
        with self.lock:
            self.rules.append(rule)
        return rule

    def take(self, path: str) -> Rule | None:
        with self.lock:
            for rule in self.rules:
                if rule.path in path and rule.hits < rule.times:
                    rule.hits += 1
                    return rule
        return None


def install_faults(server: StandinServer) -> Faults:
    faults = Faults()

    @server.app.middleware("http")
    async def inject(request: Request, call_next: Callable[[Request], Any]) -> Response:
        rule = faults.take(request.url.path)
        if rule is not None:
            await asyncio.sleep(rule.hang)
            return JSONResponse({"ok": False, "error": "fatal_error"}, status_code=rule.status)
        response: Response = await call_next(request)
        return response

    return faults


@dataclass
class Served:
    """An ASGI app served by uvicorn in a thread."""

    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def serve_on(app: Any, sock: socket.socket, *, lifespan: Literal["on", "off"] = "on") -> Served:
    config = uvicorn.Config(
        app, log_level="warning", lifespan=lifespan, timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    return Served(server, thread)


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def wait_for(predicate: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``predicate`` until it is truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what or predicate}"
        time.sleep(0.02)


@dataclass
class Bot:
    """The bot and the stand-in, wired together."""

    url: str
    wiring: Wiring
    standin: StandinServer
    faults: Faults
    served: Served
    stops: list[Callable[[], None]] = field(default_factory=list)

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    @property
    def state(self) -> StandinState:
        return self.standin.state

    @property
    def sender(self) -> SlackSender:
        assert self.standin.sender is not None
        return self.standin.sender

    @property
    def surface(self) -> SlackSurface:
        surface = self.wiring.slack()
        assert surface is not None
        return surface

    def idle(self, timeout: float = 15.0) -> None:
        """Wait until the bot has finished the work it acknowledged."""
        assert self.surface.parts.work.wait_idle(timeout), "the bot is still busy"

    def seen_by(self, user: str, channel: str) -> list[StoredMessage]:
        """The live messages ``user`` (id or handle) sees in ``channel`` (id or name)."""
        ws = self.state.workspace
        person = ws.user_by_name(user)
        where = ws.channel(channel)
        assert person is not None and where is not None, (user, channel)
        return self.state.channel_messages(where.id, viewer=person.id)

    def bot_messages(self, user: str, channel: str) -> list[StoredMessage]:
        bot = self.state.workspace.bot_user_id
        return [m for m in self.seen_by(user, channel) if m.user == bot]

    def close(self) -> None:
        for stop in reversed(self.stops):
            stop()


MakeBot = Callable[..., Bot]


def blocks_text(message: StoredMessage | dict[str, Any]) -> str:
    """Every text of a message's blocks, joined."""
    blocks = message.blocks if isinstance(message, StoredMessage) else message.get("blocks")
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def action_ids(message: StoredMessage) -> list[tuple[str, str | None]]:
    """``(action_id, value)`` of every element of a message."""
    found: list[tuple[str, str | None]] = []
    for block in message.blocks or []:
        elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        found.extend((e["action_id"], e.get("value")) for e in elements if "action_id" in e)
    return found


@pytest.fixture
def make_bot(tmp_path: Path, database_url: str) -> Iterator[MakeBot]:
    """Build bots (usually one) on ``database_url``; all are stopped afterwards.

    Options: the stand-in's ``state``, the bot's ``api_timeout``, the sender's timeout and
    retry delays, more ``slack:`` lines, ``oauth=(client_id, client_secret)`` instead of a
    bot token, ``before_start`` to add routes to the stand-in before it starts, and
    ``signed=False`` for no signing secret (Socket Mode only), and ``answer_processes``
    (0 by default: answers are worked out on the server's threads, as on one core).
    """
    bots: list[Bot] = []

    def build(
        *,
        state: StandinState | None = None,
        api_timeout: float = 5.0,
        sender_timeout: float = 3.0,
        retry_delays: tuple[float, ...] = (0.0, 0.05, 0.05),
        extra_slack: str = "",
        oauth: tuple[str, str] | None = None,
        before_start: Callable[[StandinServer], None] | None = None,
        signed: bool = True,
        answer_processes: int = 0,
    ) -> Bot:
        root = tmp_path / f"bot{len(bots)}"
        shutil.copytree(EXAMPLES / "catalog", root / "catalog")
        (root / "extra.yaml").write_text(EXTRA)
        sock = bound_socket()
        port = sock.getsockname()[1]
        standin = StandinServer(
            state or StandinState.default(rate_limit=RateLimit(per_second=100.0, burst=100)),
            bot_url=f"http://127.0.0.1:{port}/slack/events",
            signing_secret=SIGNING_SECRET,
            timeout=sender_timeout,
            retry_delays=retry_delays,
        )
        faults = install_faults(standin)
        if before_start is not None:
            before_start(standin)
        standin.start()
        stops: list[Callable[[], None]] = [lambda: standin.stop(wait=False)]
        config = root / "callboard.yaml"
        config.write_text(
            CONFIG.format(
                database_url=database_url,
                credentials=(
                    f'  clientId: "{oauth[0]}"\n  clientSecret: {oauth[1]}'
                    if oauth
                    else f"  botToken: {standin.state.workspace.bot_token}"
                )
                + (f"\n  signingSecret: {SIGNING_SECRET}" if signed else ""),
                api_url=standin.api_url,
                catalog_url=CATALOG_URL,
                api_timeout=api_timeout,
                answer_processes=answer_processes,
            )
            + extra_slack
        )
        wiring = build_wiring(load_settings(config))
        stops.append(wiring.close)
        results = wiring.catalog.refresh_all()
        assert not [e for stats in results.values() for e in stats.errors]
        served = serve_on(create_app(wiring, background=False), sock)
        stops.append(served.stop)
        bot = Bot(f"http://127.0.0.1:{port}", wiring, standin, faults, served, stops)
        bots.append(bot)
        return bot

    try:
        yield build
    finally:
        for bot in bots:
            bot.close()


@pytest.fixture
def bot(make_bot: MakeBot) -> Bot:
    """The bot and the stand-in on the example catalog."""
    return make_bot()
