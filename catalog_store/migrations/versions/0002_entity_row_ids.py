"""entity row ids

``search`` and ``relations`` refer to entities by a small integer row id instead of the
36-character uid: millions of search rows and their indexes shrink, and joins to
``entities`` become rowid lookups on SQLite. The three tables are rebuilt and their rows
copied, so an existing catalog keeps every entity, relation and search row.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

ENTITY_COLUMNS = (
    "id, entity_ref, kind, namespace, name, location_id, source_address, body, content_hash, "
    "generation, created_at, updated_at, orphan_since, change_seq"
)


def _entity_columns() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity_ref", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("namespace", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=True),
        sa.Column("source_address", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("orphan_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("entity_ref"),
    ]


def _relation_columns(origin: str, origin_type: Any) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(origin, origin_type, nullable=False),
        sa.Column("source_key", sa.String(length=400), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("target_ref", sa.String(length=400), nullable=False),
        sa.Column("target_key", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _search_columns(entity: str, origin: str, kind: Any) -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column(entity, kind, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column(origin, kind, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    ]


def _replace_tables(create_next: Callable[[], None], copy_statements: list[str]) -> None:
    """Create ``*_next`` tables, copy the rows over, and put them in the old tables' place."""
    create_next()
    for statement in copy_statements:
        op.execute(statement)
    for name in ("search", "relations", "entities"):
        op.drop_table(name)
    for name in ("entities", "relations", "search"):
        op.rename_table(f"{name}_next", name)


def _create_indexes(entity: str, origin: str, relation_origin: str) -> None:
    op.create_index("ix_entities_change_seq", "entities", ["change_seq"])
    op.create_index("ix_entities_kind", "entities", ["kind"])
    op.create_index("ix_entities_location_id", "entities", ["location_id"])
    op.create_index("ix_entities_name_id", "entities", ["name", "id"])
    op.create_index(f"ix_relations_{relation_origin}", "relations", [relation_origin])
    op.create_index("ix_relations_source_key", "relations", ["source_key"])
    op.create_index("ix_relations_target_key", "relations", ["target_key"])
    op.create_index(f"ix_search_{entity}", "search", [entity])
    op.create_index("ix_search_key_value", "search", ["key", "value", entity])
    op.create_index(f"ix_search_{origin}", "search", [origin])


def upgrade() -> None:
    def create_next() -> None:
        op.create_table(
            "entities_next",
            sa.Column("row_id", ROW_ID, autoincrement=True, nullable=False),
            *_entity_columns(),
            sa.PrimaryKeyConstraint("row_id"),
            sa.UniqueConstraint("id"),
        )
        op.create_table(
            "relations_next",
            *_relation_columns("origin_row_id", ROW_ID),
            sa.ForeignKeyConstraint(
                ["origin_row_id"], ["entities_next.row_id"], ondelete="CASCADE"
            ),
        )
        op.create_table(
            "search_next",
            *_search_columns("entity_row_id", "origin_row_id", ROW_ID),
            sa.ForeignKeyConstraint(
                ["entity_row_id"], ["entities_next.row_id"], ondelete="CASCADE"
            ),
            sa.ForeignKeyConstraint(
                ["origin_row_id"], ["entities_next.row_id"], ondelete="CASCADE"
            ),
        )

    _replace_tables(
        create_next,
        [
            f"INSERT INTO entities_next ({ENTITY_COLUMNS}) "
            f"SELECT {ENTITY_COLUMNS} FROM entities ORDER BY entity_ref",
            "INSERT INTO relations_next "
            "(origin_row_id, source_key, type, target_ref, target_key) "
            "SELECT e.row_id, r.source_key, r.type, r.target_ref, r.target_key "
            "FROM relations r JOIN entities_next e ON e.id = r.originating_entity_id "
            "ORDER BY r.id",
            "INSERT INTO search_next (entity_row_id, key, value, origin_row_id) "
            "SELECT e.row_id, s.key, s.value, o.row_id FROM search s "
            "JOIN entities_next e ON e.id = s.entity_id "
            "LEFT JOIN entities_next o ON o.id = s.origin_id ORDER BY s.id",
        ],
    )
    _create_indexes("entity_row_id", "origin_row_id", "origin_row_id")


def downgrade() -> None:
    uid = sa.String(length=36)

    def create_next() -> None:
        op.create_table("entities_next", *_entity_columns(), sa.PrimaryKeyConstraint("id"))
        op.create_table(
            "relations_next",
            *_relation_columns("originating_entity_id", uid),
            sa.ForeignKeyConstraint(
                ["originating_entity_id"], ["entities_next.id"], ondelete="CASCADE"
            ),
        )
        op.create_table(
            "search_next",
            *_search_columns("entity_id", "origin_id", uid),
            sa.ForeignKeyConstraint(["entity_id"], ["entities_next.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint(["origin_id"], ["entities_next.id"], ondelete="CASCADE"),
        )

    _replace_tables(
        create_next,
        [
            f"INSERT INTO entities_next ({ENTITY_COLUMNS}) SELECT {ENTITY_COLUMNS} FROM entities",
            "INSERT INTO relations_next "
            "(originating_entity_id, source_key, type, target_ref, target_key) "
            "SELECT e.id, r.source_key, r.type, r.target_ref, r.target_key "
            "FROM relations r JOIN entities e ON e.row_id = r.origin_row_id ORDER BY r.id",
            "INSERT INTO search_next (entity_id, key, value, origin_id) "
            "SELECT e.id, s.key, s.value, o.id FROM search s "
            "JOIN entities e ON e.row_id = s.entity_row_id "
            "LEFT JOIN entities o ON o.row_id = s.origin_row_id ORDER BY s.id",
        ],
    )
    _create_indexes("entity_id", "origin_id", "originating_entity_id")
