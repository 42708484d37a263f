"""catalog tables

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "entity_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("entity_ref", sa.String(length=400), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("entity_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_changes_seq"), ["seq"], unique=False)

    op.create_table(
        "locations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("target_key", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revision", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target_key"),
    )
    op.create_table(
        "entities",
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
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entity_ref"),
    )
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entities_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_entities_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_entities_location_id"), ["location_id"], unique=False)
        batch_op.create_index("ix_entities_name_id", ["name", "id"], unique=False)

    op.create_table(
        "location_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dependencies", sa.JSON(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("entity_refs", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("location_files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_location_files_location_address", ["location_id", "address"], unique=True
        )

    op.create_table(
        "processing_errors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("entity_ref", sa.String(length=400), nullable=True),
        sa.Column("field", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["locations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("processing_errors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_processing_errors_entity_ref"), ["entity_ref"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_processing_errors_location_id"), ["location_id"], unique=False
        )

    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("originating_entity_id", sa.String(length=36), nullable=False),
        sa.Column("source_key", sa.String(length=400), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("target_ref", sa.String(length=400), nullable=False),
        sa.Column("target_key", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["originating_entity_id"], ["entities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relations_originating_entity_id"),
            ["originating_entity_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_relations_source_key"), ["source_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_relations_target_key"), ["target_key"], unique=False)

    op.create_table(
        "search",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("origin_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(["entity_id"], ["entities.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["origin_id"], ["entities.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("search", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_search_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index("ix_search_key_value", ["key", "value", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_search_origin_id"), ["origin_id"], unique=False)

    op.bulk_insert(
        sa.table(
            "catalog_state", sa.column("id", sa.Integer), sa.column("change_seq", sa.BigInteger)
        ),
        [{"id": 1, "change_seq": 0}],
    )


def downgrade() -> None:
    with op.batch_alter_table("search", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_search_origin_id"))
        batch_op.drop_index("ix_search_key_value")
        batch_op.drop_index(batch_op.f("ix_search_entity_id"))

    op.drop_table("search")
    with op.batch_alter_table("relations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relations_target_key"))
        batch_op.drop_index(batch_op.f("ix_relations_source_key"))
        batch_op.drop_index(batch_op.f("ix_relations_originating_entity_id"))

    op.drop_table("relations")
    with op.batch_alter_table("processing_errors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_processing_errors_location_id"))
        batch_op.drop_index(batch_op.f("ix_processing_errors_entity_ref"))

    op.drop_table("processing_errors")
    with op.batch_alter_table("location_files", schema=None) as batch_op:
        batch_op.drop_index("ix_location_files_location_address")

    op.drop_table("location_files")
    with op.batch_alter_table("entities", schema=None) as batch_op:
        batch_op.drop_index("ix_entities_name_id")
        batch_op.drop_index(batch_op.f("ix_entities_location_id"))
        batch_op.drop_index(batch_op.f("ix_entities_kind"))
        batch_op.drop_index(batch_op.f("ix_entities_change_seq"))

    op.drop_table("entities")
    op.drop_table("locations")
    with op.batch_alter_table("entity_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_changes_seq"))

    op.drop_table("entity_changes")
    op.drop_table("catalog_state")
