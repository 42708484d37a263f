"""Engine creation (SQLite tuned for concurrent readers, PostgreSQL through psycopg) and
migrations applied with Alembic at start."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def normalise_database_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` URLs onto the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


SQLITE_BEGIN_OPTION = "callboard_sqlite_begin"
"""Execution option naming how SQLite transactions begin (``IMMEDIATE`` for writers)."""
SQLITE_UNCHECKED_OPTION = "callboard_sqlite_unchecked"
"""Execution option: the SQLite transaction begins with foreign key checks off (a first
load into empty tables, whose rows reference only what it writes itself); they are on
again once the connection is returned to the pool."""


def create_catalog_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide where transactions begin, so DDL and
            # reads belong to the transaction too (SQLAlchemy's documented pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA cache_size=-65536")
            # Index builds and large sorts may use a second core.
            cursor.execute("PRAGMA threads=2")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Writers begin IMMEDIATE (see make_writer_sessionmaker): a deferred transaction
            # that reads and then writes fails at once when another connection committed
            # in between, instead of waiting its turn.
            options = connection.get_execution_options()
            if options.get(SQLITE_UNCHECKED_OPTION):
                # Only outside a transaction does SQLite take this pragma.
                connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
                connection.info[SQLITE_UNCHECKED_OPTION] = True
            mode = options.get(SQLITE_BEGIN_OPTION)
            connection.exec_driver_sql("BEGIN IMMEDIATE" if mode == "IMMEDIATE" else "BEGIN")

        @event.listens_for(engine, "checkin")
        def _sqlite_checked_again(dbapi_connection: Any, record: Any) -> None:
            if record.info.pop(SQLITE_UNCHECKED_OPTION, False):
                dbapi_connection.execute("PRAGMA foreign_keys=ON")

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration bound to ``engine``, with the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (``alembic upgrade head``)."""
    command.upgrade(alembic_config(engine), "head")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """The session factory that every unit of work opens with ``.begin()``."""
    return sessionmaker(engine, expire_on_commit=False)


def make_writer_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work that write: on SQLite they take the write lock when they
    begin (``BEGIN IMMEDIATE``, waiting up to the busy timeout for it), so a transaction
    that reads before it writes cannot be refused halfway; PostgreSQL is unaffected."""
    return sessionmaker(
        engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}), expire_on_commit=False
    )
