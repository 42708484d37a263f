"""The stand-in served by uvicorn on loopback, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import uvicorn

from bot.slack_standin.app import create_standin_app
from bot.slack_standin.sender import SLACK_RETRY_DELAYS, SLACK_TIMEOUT_SECONDS, SlackSender
from bot.slack_standin.state import StandinState


class StandinServer:
    """The stand-in on ``http://127.0.0.1:<port>/`` (an ephemeral port by default).

    Use as a context manager, or ``start()``/``stop()``. ``api_url`` is what
    ``WebClient(base_url=…)`` and ``CALLBOARD_SLACK_API_URL`` want. With ``bot_url`` and
    ``signing_secret``, ``sender`` sends the bot Slack's requests (and the page works).

    Args:
        state: the stand-in's state (``StandinState.default()`` when omitted).
        host: the loopback address to listen on.
        port: the port (0: any free port).
        bot_url: the bot's request URL, e.g. ``http://127.0.0.1:7007/slack/events``.
        signing_secret: the app's signing secret.
        timeout: how long the sender waits for the bot (Slack: 3 s).
        retry_delays: the pauses before event retries (Slack: 0 s, 60 s, 300 s).
    """

    def __init__(
        self,
        state: StandinState | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_url: str | None = None,
        signing_secret: str | None = None,
        timeout: float = SLACK_TIMEOUT_SECONDS,
        retry_delays: Sequence[float] = SLACK_RETRY_DELAYS,
    ) -> None:
        self.state = state or StandinState.default()
        self.host = host
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port = int(self._socket.getsockname()[1])
        self.state.base_url = self.url
        self.sender: SlackSender | None = None
        if bot_url is not None:
            if not signing_secret:
                raise ValueError("a bot_url needs the signing_secret to sign requests")
            self.sender = SlackSender(
                self.state, bot_url, signing_secret, timeout=timeout, retry_delays=retry_delays
            )
        self.app = create_standin_app(self.state, sender=self.sender)
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The page's URL, ``http://127.0.0.1:<port>/``."""
        return f"http://{self.host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """The Web API's base URL, ``http://127.0.0.1:<port>/api/``."""
        return f"{self.url}api/"

    def start(self, timeout: float = 10.0) -> StandinServer:
        """Serve in a background thread; returns once the server accepts connections.

        Raises:
            RuntimeError: the server did not start within ``timeout``.
        """
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Slack stand-in did not start")
            time.sleep(0.01)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the command line's way)."""
        self._server.run(sockets=[self._socket])

    def stop(self, *, wait: bool = True) -> None:
        """Stop serving and release the port.

        Args:
            wait: wait for uvicorn's shutdown (about 0.2 s); without it the server thread
                finishes shutting down in the background and closes the port itself.
        """
        self.state.close()
        self._server.should_exit = True
        if self.sender is not None:
            self.sender.close()
        if not wait:
            return
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._socket.close()

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
