"""The workflow migrations create exactly the tables the models declare, on both engines."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.conftest import CatalogDb
from workflows.migrations import VERSION_TABLE, WORKFLOW_METADATA, migrate_workflow_tables


def test_migrations_match_the_models_and_are_idempotent(db: CatalogDb) -> None:
    migrate_workflow_tables(db.engine)
    names = {name for metadata in WORKFLOW_METADATA for name in metadata.tables}
    assert names <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        for metadata in WORKFLOW_METADATA:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": lambda name, kind, _p, own=metadata.tables: (
                        kind != "table" or name in own
                    )
                },
            )
            assert compare_metadata(context, metadata) == []
        version = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    assert version == "workflows_0001"
