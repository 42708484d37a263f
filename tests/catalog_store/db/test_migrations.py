"""Alembic migrations: they create exactly the tables the models declare, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from catalog_store.db.engine import migrate
from catalog_store.db.tables import Base, CatalogStateRow
from tests.conftest import CatalogDb


def test_migrations_match_the_models(catalog_db: CatalogDb) -> None:
    with catalog_db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_are_idempotent_and_seed_the_change_counter(catalog_db: CatalogDb) -> None:
    migrate(catalog_db.engine)
    assert "entities" in inspect(catalog_db.engine).get_table_names()
    with catalog_db.sessions() as session:
        assert session.scalar(select(CatalogStateRow.change_seq)) == 0
