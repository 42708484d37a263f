"""``/slack/events`` (and the OAuth pages) on the FastAPI app, through Bolt's adapter.

Slash commands, interactions, options and events all arrive at ``POST /slack/events``.
Bolt's dispatch is synchronous (signature check, authorisation, ``ack``), so it runs on a
thread of its own rather than on the event loop: a slow database lookup of an installation
never holds up other requests. A body that cannot be read (not UTF-8, a ``payload`` that is
not JSON) is answered 400.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import anyio
from fastapi import APIRouter, Request, Response
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

from bot.slack_app.config import EVENTS_PATH

log = logging.getLogger(__name__)

DISPATCH_THREADS = 64


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, dispatching on worker threads."""

    def __init__(self, app: App, *, threads: int = DISPATCH_THREADS) -> None:
        """Dispatch to ``app`` on at most ``threads`` threads at a time."""
        super().__init__(app)
        self._limiter = anyio.CapacityLimiter(threads)

    async def handle(
        self, req: Request, addition_context_properties: dict[str, Any] | None = None
    ) -> Response:
        """Answer one request from Slack (or a browser, for the OAuth pages)."""
        body = await req.body()
        try:
            bolt_request = to_bolt_request(req, body, addition_context_properties)
        except ValueError:  # not UTF-8, or a payload that is not JSON
            log.info("refused a Slack request whose body cannot be read")
            return Response(status_code=400, content="invalid payload")
        oauth = self.app.oauth_flow
        answer: Callable[[BoltRequest], BoltResponse]
        if req.method == "GET":
            if oauth is not None and req.url.path == oauth.install_path:
                answer = oauth.handle_installation
            elif oauth is not None and req.url.path == oauth.redirect_uri_path:
                answer = oauth.handle_callback
            else:
                return Response(status_code=404, content="Not found")
        elif req.method == "POST":
            answer = self.app.dispatch
        else:
            return Response(status_code=405, content="Method not allowed")
        bolt_response = await anyio.to_thread.run_sync(answer, bolt_request, limiter=self._limiter)
        return to_starlette_response(bolt_response)


def slack_router(app: App) -> APIRouter:
    """The routes Slack (and installing admins) use."""
    handler = ThreadedSlackRequestHandler(app)
    router = APIRouter()

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    # Plain Starlette routes: the handler reads the raw request itself, so FastAPI's
    # parameter and response machinery would only add work to every request from Slack.
    router.add_route(EVENTS_PATH, events, methods=["POST"], include_in_schema=False)
    oauth = app.oauth_flow
    if oauth is not None:
        for path in (oauth.install_path, oauth.redirect_uri_path):
            router.add_route(path, events, methods=["GET"], include_in_schema=False)
    return router
