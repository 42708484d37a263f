"""The workflow tables' own Alembic chain (version table ``workflows_alembic_version``).

Every workflow that keeps state (notifications, and later the scaffolder's tasks and the
orchestrator) adds its revisions here and its ``MetaData`` to :data:`WORKFLOW_METADATA`.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, MetaData

from workflows.notifications.tables import metadata as notification_metadata

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "workflows_alembic_version"
WORKFLOW_METADATA: tuple[MetaData, ...] = (notification_metadata,)
"""The models the migrations must match, one ``MetaData`` per workflow."""


def workflow_alembic_config(engine: Engine) -> Config:
    """An Alembic configuration of the workflow migrations, bound to ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate_workflow_tables(engine: Engine) -> None:
    """Bring the workflow tables to the newest revision (idempotent)."""
    command.upgrade(workflow_alembic_config(engine), "head")
