"""The Bolt app: one ``App`` for HTTP and Socket Mode, with its listeners and middleware.

Bolt verifies every HTTP request's signature (``X-Slack-Signature``, v0 HMAC-SHA256 of
``v0:{timestamp}:{body}``) and refuses requests older than five minutes with 401. A single
workspace is authorised with ``botToken``; with ``clientId``/``clientSecret`` workspaces
install the app through OAuth and their tokens are looked up in the database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.slack_app.action_listeners import register_actions
from bot.slack_app.command_listeners import register_commands
from bot.slack_app.config import INSTALL_PATH, REDIRECT_PATH, SlackConfig
from bot.slack_app.event_receipts import EventReceipts
from bot.slack_app.home_tab import register_home
from bot.slack_app.parts import Parts
from bot.slack_app.search_modal import register_search_modal
from bot.slack_app.tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE
from bot.slack_app.unfurls import register_unfurls
from bot.slack_app.web_client import make_web_client

log = logging.getLogger(__name__)

OAUTH_STATE_SECONDS = 600
NOT_INSTALLED = (
    "Callboard is not installed in this workspace (or its installation was removed). "
    "Ask a workspace admin to install it."
)


def build_bolt_app(parts: Parts, *, engine: Engine, receipts: EventReceipts) -> App:
    """The Bolt app with every listener registered.

    Listeners run in the request's own thread (``process_before_response``): each only
    hands its work to ``parts.work`` and acknowledges, so Slack has its 200 within
    milliseconds and no thread sits polling for the ``ack()``.

    Args:
        parts: The configuration and what the listeners share.
        engine: The database of the OAuth installations.
        receipts: Where Events API deliveries are claimed.
    """
    config = parts.config
    client = make_web_client(
        config.api_url, None if config.oauth else config.bot_token, timeout=config.api_timeout
    )
    app = App(
        client=client,
        signing_secret=config.signing_secret or "",
        oauth_settings=oauth_settings(config, engine) if config.oauth else None,
        process_before_response=True,
        token_verification_enabled=False,
        request_verification_enabled=config.http,
        logger=logging.getLogger("bot.slack_app.bolt"),
        user_facing_authorize_error_message=NOT_INSTALLED,
    )
    app.use(event_dedupe(receipts))
    app.error(_log_error)
    register_commands(app, parts)
    register_actions(app, parts)
    register_home(app, parts)
    register_search_modal(app, parts)
    register_unfurls(app, parts)
    return app


def oauth_settings(config: SlackConfig, engine: Engine) -> OAuthSettings:
    """Slack's OAuth install flow, with installations and states in our database."""
    assert config.client_id is not None and config.client_secret is not None
    return OAuthSettings(
        client_id=config.client_id,
        client_secret=config.client_secret,
        scopes=list(config.scopes),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=SQLAlchemyInstallationStore(
            client_id=config.client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        ),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=OAUTH_STATE_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE
        ),
        state_expiration_seconds=OAUTH_STATE_SECONDS,
        logger=logging.getLogger("bot.slack_app.oauth"),
    )


def event_dedupe(receipts: EventReceipts) -> Callable[..., BoltResponse]:
    """Middleware: an Events API delivery whose ``event_id`` was seen is answered 200 and
    not handled again (Slack's retries, or another replica's)."""

    def dedupe(req: BoltRequest, next_: Callable[[], BoltResponse]) -> BoltResponse:
        body: Any = req.body
        if not isinstance(body, dict) or body.get("type") != "event_callback":
            return next_()
        event_id = body.get("event_id")
        if isinstance(event_id, str) and event_id:
            team_id = body.get("team_id")
            try:
                first = receipts.claim(event_id, team_id if isinstance(team_id, str) else None)
            except Exception as exc:  # the database is down: handle rather than lose it
                log.warning("could not record Slack event %s: %s", event_id, type(exc).__name__)
                first = True
            if not first:
                retry = req.headers.get("x-slack-retry-num", ["0"])[0]
                log.info("Slack event %s already handled (retry %s)", event_id, retry)
                return BoltResponse(status=200, body="")
        return next_()

    return dedupe


def _log_error(error: Exception, body: dict[str, Any]) -> None:
    kind = body.get("type") if isinstance(body, dict) else None
    log.error("Slack request %s failed: %s", kind, type(error).__name__, exc_info=error)
