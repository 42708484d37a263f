"""A real HTTP server on 127.0.0.1, in a thread, answering through a Python function."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Request:
    """What the server received."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]

    def params(self, name: str) -> list[str]:
        """Every value of a query parameter, in order."""
        return [value for key, value in self.query if key == name]

    def param(self, name: str) -> str | None:
        """The single value of a query parameter (None when absent)."""
        values = self.params(name)
        assert len(values) <= 1, f"{name} given {len(values)} times"
        return values[0] if values else None


@dataclass
class Reply:
    """What to answer: a status, a JSON body (or raw bytes), headers, an optional delay."""

    status: int = 200
    body: Any = None
    raw: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    def content(self) -> bytes:
        """The body's bytes."""
        if self.raw is not None:
            return self.raw
        return b"" if self.body is None else json.dumps(self.body).encode()


App = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    app: App
    received: list[Request]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
        )
        self.server.received.append(request)
        reply = self.server.app(request)
        if reply.delay:
            time.sleep(reply.delay)
        content = reply.content()
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)
        except (BrokenPipeError, ConnectionResetError):
            pass


@dataclass
class Served:
    """A running loopback server."""

    url: str
    received: list[Request]


@contextmanager
def serve(app: App) -> Iterator[Served]:
    """Run ``app`` behind a real HTTP server on an ephemeral loopback port."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.app = app
    server.received = []
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", server.received)
    finally:
        server.shutdown()
        server.server_close()
