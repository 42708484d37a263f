"""Alembic chains of their own beside the catalog's: the Slack app's and the workflows'
tables are migrated on the catalog's engine, each recording its revisions in its own
version table."""

from __future__ import annotations

from collections.abc import Sequence

from alembic import context
from sqlalchemy import Engine, MetaData


def run_chain_migrations(metadata: Sequence[MetaData], version_table: str, name: str) -> None:
    """Run a chain's pending migrations (from its ``env.py``) in one transaction, on the
    engine handed over in ``config.attributes["engine"]``.

    Args:
        metadata: The models the chain's migrations build.
        version_table: Where the chain records its revision.
        name: The chain, for the error when no engine was handed over.
    """
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        raise RuntimeError(f"the {name} migrations need an engine in config.attributes")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=list(metadata),
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
