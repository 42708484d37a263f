"""partial search origin index

Only the rows of ``relations.<type>`` keys have an ``origin_row_id``: about one search row
in five. The index on it now holds those rows only, so it is smaller and quicker to build.
Lookups by origin (``origin_row_id = ?``, and the cascade when an entity is deleted)
imply the index's condition, so both engines still use it.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

NAME = "ix_search_origin_row_id"
HAS_ORIGIN = sa.text("origin_row_id IS NOT NULL")


def upgrade() -> None:
    op.drop_index(NAME, table_name="search")
    op.create_index(
        NAME,
        "search",
        ["origin_row_id"],
        sqlite_where=HAS_ORIGIN,
        postgresql_where=HAS_ORIGIN,
    )


def downgrade() -> None:
    op.drop_index(NAME, table_name="search")
    op.create_index(NAME, "search", ["origin_row_id"])
