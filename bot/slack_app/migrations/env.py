"""Alembic environment of the Slack app's tables, on the engine in ``config.attributes``.

Its revisions are recorded in their own version table, beside the catalog's.
"""

from __future__ import annotations

from bot.slack_app.tables import metadata
from catalog_store.db.alembic_chains import run_chain_migrations

VERSION_TABLE = "slack_alembic_version"

run_chain_migrations((metadata,), VERSION_TABLE, "Slack")
