"""Alembic environment of the Slack app's tables, on the engine in ``config.attributes``.

Its revisions are recorded in their own version table, beside the catalog's.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from bot.slack_app.tables import metadata

VERSION_TABLE = "slack_alembic_version"

config = context.config


def run_migrations_online() -> None:
    """Run every pending migration in one transaction."""
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("the Slack migrations need an engine in config.attributes")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=VERSION_TABLE,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
