"""Socket Mode: the app opens a WebSocket to Slack (``apps.connections.open`` with the
app-level token) and receives the same requests as over HTTP, through Bolt's built-in
client (no extra dependencies). It reconnects by itself when the connection drops."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

log = logging.getLogger(__name__)


class SocketModeConnection:
    """The app's Socket Mode connection, opened by :meth:`connect`, closed by :meth:`close`."""

    def __init__(self, app: App, app_token: str, *, ping_interval: float = 10.0) -> None:
        """Connect ``app`` with the ``xapp-`` token ``app_token``."""
        self._handler = SocketModeHandler(
            app,
            app_token,
            logger=logging.getLogger("bot.slack_app.socket_mode"),
            ping_interval=ping_interval,
        )
        self._closed = False

    @property
    def connected(self) -> bool:
        """Whether the WebSocket is open now."""
        return bool(self._handler.client.is_connected())

    def connect(self) -> None:
        """Open the connection in the background (errors are logged and retried)."""
        try:
            self._handler.connect()  # type: ignore[no-untyped-call]
        except Exception as exc:
            log.error("Socket Mode could not connect: %s", type(exc).__name__)

    def close(self) -> None:
        """Close the connection for good (again: nothing)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._handler.close()  # type: ignore[no-untyped-call]
        except Exception as exc:
            log.warning("closing Socket Mode failed: %s", type(exc).__name__)
