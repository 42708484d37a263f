"""Alembic environment of the workflow tables, on the engine in ``config.attributes``.

Its revisions are recorded in their own version table, beside the catalog's.
"""

from __future__ import annotations

from catalog_store.db.alembic_chains import run_chain_migrations
from workflows.migrations import VERSION_TABLE, WORKFLOW_METADATA

run_chain_migrations(WORKFLOW_METADATA, VERSION_TABLE, "workflow")
