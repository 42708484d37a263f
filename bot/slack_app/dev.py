"""``callboard dev``: the bot and a local Slack in one process, on the embedded default.

The Slack stand-in (``bot.slack_standin``) plays the workspace: the bot's Web API client
talks to it, and it sends the bot signed slash commands, clicks and events at
``/slack/events``, with the same signing secret. Tokens and the secret are made up for the
run when ``slack:`` leaves them unset (and never printed). The catalog is read once at
start; the page URL is printed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.settings import Settings, SlackSettings
from bot.slack_standin import StandinServer, StandinState, Workspace
from bot.slack_standin.workspace import DEFAULT_CONFIG

log = logging.getLogger(__name__)

DEV_CATALOG_URL = "https://backstage.acme.example"
"""Catalog links under this URL are unfurled in the stand-in when ``catalogUrl`` is unset."""
DEFAULT_STANDIN_PORT = 3000


def dev_settings(
    settings: Settings, *, api_url: str, bot_token: str, signing_secret: str
) -> Settings:
    """``settings`` with Slack pointed at the stand-in (Socket Mode and OAuth left out)."""
    slack = settings.slack
    return settings.model_copy(
        update={
            "slack": SlackSettings(
                bot_token=SecretStr(bot_token),
                signing_secret=SecretStr(signing_secret),
                api_url=api_url,
                command=slack.command,
                verb_commands=list(slack.verb_commands),
                scopes=list(slack.scopes),
                catalog_url=slack.catalog_url or DEV_CATALOG_URL,
                api_timeout_seconds=slack.api_timeout_seconds,
            )
        }
    )


def dev_secrets(settings: Settings) -> tuple[str, str]:
    """The bot token and signing secret: the configured ones, else new ones for this run."""
    slack = settings.slack
    token = slack.bot_token.get_secret_value() if slack.bot_token else None
    secret = slack.signing_secret.get_secret_value() if slack.signing_secret else None
    return (
        token or f"xoxb-dev-{secrets.token_hex(12)}",
        secret or secrets.token_hex(16),
    )


def dev_workspace(bot_token: str, catalog_url: str) -> Workspace:
    """Acme's workspace with the bot's token, unfurling the catalog's host."""
    config: dict[str, Any] = dict(DEFAULT_CONFIG)
    config["bot"] = {**(config.get("bot") or {}), "token": bot_token}
    host = urlsplit(catalog_url).hostname
    if host:
        config["unfurl_domains"] = [host]
    return Workspace.from_config(config)


def start_standin(
    settings: Settings, *, bot_url: str, port: int, bot_token: str, signing_secret: str
) -> StandinServer:
    """The stand-in on ``port`` (any free port when it is taken), sending to ``bot_url``."""
    workspace = dev_workspace(bot_token, settings.slack.catalog_url or DEV_CATALOG_URL)
    try:
        server = StandinServer(
            StandinState(workspace), port=port, bot_url=bot_url, signing_secret=signing_secret
        )
    except OSError:
        log.warning("port %s is taken; the Slack stand-in takes another one", port)
        server = StandinServer(
            StandinState(workspace), port=0, bot_url=bot_url, signing_secret=signing_secret
        )
    return server.start()


def run_dev(
    settings: Settings,
    *,
    host: str,
    port: int,
    standin_port: int = DEFAULT_STANDIN_PORT,
    echo: Callable[[str], None],
) -> int:
    """Serve the bot on ``host:port`` and the stand-in beside it until interrupted.

    Args:
        settings: The configuration (its ``slack:`` tokens are used when set).
        host: Where the bot listens.
        port: The bot's port.
        standin_port: The stand-in's port (another free one when it is taken).
        echo: Prints a line for the person running it.
    """
    import uvicorn

    from bot.app import create_app
    from bot.wiring import build_wiring

    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    bot_token, signing_secret = dev_secrets(settings)
    loopback = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    bot_url = f"http://{loopback}:{port}/slack/events"
    standin = start_standin(
        settings,
        bot_url=bot_url,
        port=standin_port,
        bot_token=bot_token,
        signing_secret=signing_secret,
    )
    wiring = None
    try:
        configured = dev_settings(
            settings, api_url=standin.api_url, bot_token=bot_token, signing_secret=signing_secret
        )
        wiring = build_wiring(configured)
        results = wiring.catalog.refresh_all()
        added = sum(stats.added + stats.updated + stats.unchanged for stats in results.values())
        errors = [str(e) for stats in results.values() for e in stats.errors]
        for error in errors:
            echo(f"catalog: {error}")
        echo(f"Catalog: {added} entit(y/ies) from {len(results)} location(s)")
        app = create_app(wiring)
        echo(f"Callboard on http://{loopback}:{port}/ (Slack requests at {bot_url})")
        echo(f"Slack stand-in: {standin.url}")
        echo(f"Open it and type: {configured.slack.command} whois payment srvice")
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        standin.stop(wait=False)
        if wiring is not None:
            wiring.close()
    return 0
