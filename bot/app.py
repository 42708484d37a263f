"""The HTTP application: the catalog API, Slack's ``/slack/events``, run-notification
webhooks, health checks, and the background work."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.notifications.runtime import webhook_secrets
from bot.notifications.webhook_routes import create_webhook_router
from bot.scheduler import start_scheduler
from bot.wiring import Wiring
from catalog_store.api.errors import install_error_handlers
from catalog_store.api.router import create_catalog_router
from catalog_store.api.search_routes import create_search_router

log = logging.getLogger(__name__)


def app_from_environment() -> FastAPI:
    """The app of one server process started by ``callboard serve --workers N``: its own
    wiring from ``$CALLBOARD_CONFIG`` (and ``CALLBOARD_…`` variables), closed at shutdown."""
    from pathlib import Path

    from bot.settings import load_settings
    from bot.wiring import build_wiring

    config = os.environ.get("CALLBOARD_CONFIG")
    settings = load_settings(Path(config) if config else None)
    return create_app(build_wiring(settings), close_wiring=True)


def create_app(
    wiring: Wiring, *, background: bool = True, deliver: bool = True, close_wiring: bool = False
) -> FastAPI:
    """The FastAPI app; with ``background`` the catalog is refreshed on a schedule, with
    ``deliver`` run notifications are delivered from the outbox, with ``close_wiring`` the
    wiring is closed when the app shuts down."""

    slack = wiring.slack()
    notifications = wiring.notifications()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        scheduler = start_scheduler(wiring) if background else None
        if slack is not None:
            slack.start()
        if notifications is not None and deliver:
            notifications.start()
        try:
            yield
        finally:
            if notifications is not None:
                notifications.stop()
            if slack is not None:
                slack.stop()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if close_wiring:
                wiring.close()

    app = FastAPI(title="Callboard", lifespan=lifespan)
    tokens = [token.get_secret_value() for token in wiring.settings.auth.api_tokens]
    slack_routes = slack.router() if slack is not None else None
    if slack_routes is not None:  # first: Slack's requests are the busiest
        app.include_router(slack_routes)
    app.include_router(
        create_catalog_router(sessions=wiring.sessions, writer=wiring.catalog, api_tokens=tokens),
        prefix="/api/catalog",
    )
    app.include_router(
        create_search_router(wiring.search, api_tokens=tokens),
        prefix="/api/search",
    )
    if notifications is not None:
        secrets = webhook_secrets(wiring.settings.webhooks)
        if secrets.enabled:
            app.include_router(create_webhook_router(secrets, notifications.service.accept))
    install_error_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        try:
            with wiring.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as exc:  # the database is unreachable
            log.warning("readiness check failed: %s", type(exc).__name__)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
