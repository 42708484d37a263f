"""The composition root: builds the database, the catalog service and the HTTP app once,
from plain settings, and hands plain values down."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from catalog_store.db.engine import (
    create_catalog_engine,
    make_sessionmaker,
    make_writer_sessionmaker,
    migrate,
)
from catalog_store.ingest.service import CatalogService
from catalog_store.oncall import OnCallService
from catalog_store.ownership import Ownership
from catalog_store.search import CatalogSearch
from commands.services import Discovery, entity_lookup

if TYPE_CHECKING:
    from bot.notifications.runtime import NotificationRuntime
    from bot.notifications.slack_chat import SlackChat
    from bot.slack_app.surface import SlackSurface


@dataclass(slots=True)
class Wiring:
    """Everything a running Callboard shares."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    catalog: CatalogService
    search: CatalogSearch
    _discovery: Discovery | None = field(default=None, repr=False)
    _slack: SlackSurface | None = field(default=None, repr=False)
    _notifications: NotificationRuntime | None = field(default=None, repr=False)
    _notifications_built: bool = field(default=False, repr=False)

    def discovery(self) -> Discovery:
        """The discovery services (search, ownership, on-call), built on first use."""
        if self._discovery is None:
            lookup = entity_lookup(self.sessions)
            self._discovery = Discovery(
                search=self.search,
                ownership=Ownership(self.sessions, generation=lambda: self.search.change_seq),
                oncall=OnCallService(self.settings.oncall_config(), lookup),
                lookup=lookup,
            )
            self._discovery.notifications = self.notifications()
        return self._discovery

    def notifications(self) -> NotificationRuntime | None:
        """Run notifications, built on first use; None when neither ``notifications:``
        nor ``webhooks:`` asks for anything."""
        if self._notifications_built:
            return self._notifications
        self._notifications_built = True
        from bot.notifications.runtime import build_notifications, notifications_wanted

        if not notifications_wanted(self.settings):
            return None
        self._notifications = build_notifications(
            self.settings, self.sessions, chat=self._notification_chat(), discovery=self.discovery
        )
        if self._discovery is not None:
            self._discovery.notifications = self._notifications
        return self._notifications

    def _notification_chat(self) -> SlackChat | None:
        slack = self.settings.slack
        if slack.bot_token is None:
            return None
        from bot.notifications.slack_chat import SlackChat
        from bot.slack_app.web_client import make_web_client

        client = make_web_client(
            slack.api_url, slack.bot_token.get_secret_value(), timeout=slack.api_timeout_seconds
        )
        return SlackChat(client, catalog_url=slack.catalog_url)

    def slack(self) -> SlackSurface | None:
        """The Slack app, built on first use; None when ``slack:`` is not configured."""
        if self._slack is None and self.settings.slack.enabled:
            from bot.slack_app.answer_process import AnswerProcess
            from bot.slack_app.config import SlackConfig
            from bot.slack_app.surface import create_slack_surface

            processes = self.settings.slack.answer_processes
            self._slack = create_slack_surface(
                SlackConfig.from_settings(self.settings.slack),
                engine=self.engine,
                discovery=self.discovery,
                answer_process=(
                    AnswerProcess(self.settings, processes=processes) if processes else None
                ),
            )
        return self._slack

    def close(self) -> None:
        """Release connections and HTTP clients (answers under way are finished first)."""
        if self._notifications is not None:
            self._notifications.stop()
        if self._slack is not None:
            self._slack.close()
        if self._discovery is not None:
            self._discovery.oncall.close()
        self.catalog.http.close()
        self.engine.dispose()


def build_wiring(settings: Settings) -> Wiring:
    """Connect to the database, apply migrations and build the services."""
    from bot.slack_app.schema import migrate_slack_tables
    from workflows.migrations import migrate_workflow_tables

    engine = create_catalog_engine(settings.database_url())
    migrate(engine)
    migrate_slack_tables(engine)
    migrate_workflow_tables(engine)
    sessions = make_sessionmaker(engine)
    catalog = CatalogService(make_writer_sessionmaker(engine), settings.ingest_config())
    search = CatalogSearch(sessions, max_age_s=settings.search.refresh_seconds)
    return Wiring(
        settings=settings, engine=engine, sessions=sessions, catalog=catalog, search=search
    )
