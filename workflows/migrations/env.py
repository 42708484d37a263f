"""Alembic environment of the workflow tables, on the engine in ``config.attributes``.

Its revisions are recorded in their own version table, beside the catalog's.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from workflows.migrations import VERSION_TABLE, WORKFLOW_METADATA

config = context.config


def run_migrations_online() -> None:
    """Run every pending migration in one transaction."""
    engine = config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError("the workflow migrations need an engine in config.attributes")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=list(WORKFLOW_METADATA),
            version_table=VERSION_TABLE,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
