"""The composition root: builds the database, the catalog service and the HTTP app once,
from plain settings, and hands plain values down."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from catalog_store.ingest.service import CatalogService


@dataclass(slots=True)
class Wiring:
    """Everything a running Callboard shares."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    catalog: CatalogService

    def close(self) -> None:
        """Release connections and HTTP clients."""
        self.catalog.http.close()
        self.engine.dispose()


def build_wiring(settings: Settings) -> Wiring:
    """Connect to the database, apply migrations and build the services."""
    engine = create_catalog_engine(settings.database_url())
    migrate(engine)
    sessions = make_sessionmaker(engine)
    catalog = CatalogService(sessions, settings.ingest_config())
    return Wiring(settings=settings, engine=engine, sessions=sessions, catalog=catalog)
