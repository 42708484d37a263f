"""The Slack surface of Callboard, put together: the Bolt app, its routes, Socket Mode."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import APIRouter
from slack_bolt import App
from sqlalchemy import Engine

from bot.slack_app.answer_process import AnswerProcess
from bot.slack_app.answers import Answers
from bot.slack_app.background import BackgroundWork
from bot.slack_app.bolt_app import build_bolt_app
from bot.slack_app.config import SlackConfig
from bot.slack_app.event_receipts import EventReceipts
from bot.slack_app.http_routes import slack_router
from bot.slack_app.parts import Parts
from bot.slack_app.people import TeamDiscovery, UserEmails
from bot.slack_app.socket_mode import SocketModeConnection
from commands.services import Discovery

log = logging.getLogger(__name__)


@dataclass
class SlackSurface:
    """The running Slack app.

    Attributes:
        config: Its settings.
        app: The Bolt app (``app.client`` is the Web API client).
        parts: What its listeners share (``parts.work`` runs the answers).
        socket: The Socket Mode connection, when ``appToken`` is set.
    """

    config: SlackConfig
    app: App
    parts: Parts
    socket: SocketModeConnection | None = None

    def router(self) -> APIRouter | None:
        """``/slack/events`` and the OAuth pages; None when Slack's requests come over
        Socket Mode only (no signing secret)."""
        return slack_router(self.app) if self.config.http else None

    def start(self) -> None:
        """Start the answer process and connect Socket Mode, when configured."""
        if self.parts.answer_process is not None:
            self.parts.answer_process.start()
        if self.socket is not None:
            self.socket.connect()

    def stop(self) -> None:
        """Disconnect Socket Mode and stop the answer process once it has worked out the
        answers it was given (answers under way go on; later ones are worked out on the
        server's threads)."""
        if self.socket is not None:
            self.socket.close()
        if self.parts.answer_process is not None:
            self.parts.answer_process.close()

    def close(self) -> None:
        """Disconnect and finish the answers under way."""
        self.stop()
        self.parts.work.shutdown(wait=True)


def create_slack_surface(
    config: SlackConfig,
    *,
    engine: Engine,
    discovery: Callable[[], Discovery],
    workers: int | None = None,
    answer_process: AnswerProcess | None = None,
) -> SlackSurface:
    """Build the Slack app (its tables must exist: see ``migrate_slack_tables``).

    Args:
        config: The Slack settings.
        engine: The database (event receipts, OAuth installations).
        discovery: The discovery services, made on first use.
        workers: Threads answering commands after their ``ack`` (default ``DEFAULT_WORKERS``, 4).
        answer_process: Where command answers are worked out (else on those threads).
    """
    teams = TeamDiscovery(discovery)
    emails = UserEmails()
    work = BackgroundWork() if workers is None else BackgroundWork(workers)
    parts = Parts(
        config=config,
        answers=Answers(teams, emails, root=config.command),
        teams=teams,
        emails=emails,
        work=work,
        receipts=EventReceipts(engine),
        answer_process=answer_process,
    )
    app = build_bolt_app(parts, engine=engine, receipts=parts.receipts)
    socket = SocketModeConnection(app, config.app_token) if config.app_token else None
    mode = "OAuth installs" if config.oauth else "one workspace"
    transports = [t for t, on in (("HTTP", config.http), ("Socket Mode", socket)) if on]
    log.info("Slack app: %s, over %s", mode, " and ".join(transports))
    return SlackSurface(config=config, app=app, parts=parts, socket=socket)
