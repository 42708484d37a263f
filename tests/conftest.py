"""Shared fixtures: a migrated catalog database on SQLite and on PostgreSQL.

PostgreSQL tests use ``CALLBOARD_TEST_POSTGRES_URL`` (``scripts/test`` starts a throwaway
server and sets it, together with ``CALLBOARD_REQUIRE_POSTGRES=1`` so they cannot be
skipped there); each test gets a database of its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate

REPO = Path(__file__).resolve().parents[1]
SHARED_FIXTURES = REPO.parent / "shared" / "fixtures"


@pytest.fixture(scope="session")
def shared_fixtures() -> Path:
    """``../shared/fixtures``: real public Backstage data."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip(f"{SHARED_FIXTURES} is absent: the real-data fixtures live beside the repo")
    return SHARED_FIXTURES


def postgres_admin_url() -> str | None:
    """The throwaway server's URL, or None (which skips, unless PostgreSQL is required)."""
    url = os.environ.get("CALLBOARD_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CALLBOARD_REQUIRE_POSTGRES") == "1":
            pytest.fail("CALLBOARD_REQUIRE_POSTGRES=1 but CALLBOARD_TEST_POSTGRES_URL is not set")
        pytest.skip("CALLBOARD_TEST_POSTGRES_URL is not set (scripts/test starts PostgreSQL)")
    return url


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the throwaway server, dropped afterwards."""
    admin_url = postgres_admin_url()
    assert admin_url is not None
    name = f"cb_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each engine."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
        return
    with postgres_database() as url:
        yield url


@dataclass
class CatalogDb:
    """A migrated database."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session]


@pytest.fixture
def catalog_db(database_url: str) -> Iterator[CatalogDb]:
    """A migrated catalog database (SQLite and PostgreSQL)."""
    engine = create_catalog_engine(database_url)
    migrate(engine)
    try:
        yield CatalogDb(database_url, engine, make_sessionmaker(engine))
    finally:
        engine.dispose()
