"""SQLAlchemy 2.0 models of the catalog's tables.

The read model follows Backstage's catalog: one row per entity with its final body,
the relations it takes part in, and a flattened ``search`` table of ``(key, value)``
rows that makes Backstage's filter expressions fast. Every write bumps one change
counter so that readers (the search index) can follow the catalog incrementally.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROW_ID = BigInteger().with_variant(Integer(), "sqlite")
"""The type of entity row ids: SQLite's ``INTEGER PRIMARY KEY`` (the rowid itself)."""


class Base(DeclarativeBase):
    """Declarative base of every Callboard table."""


class LocationRow(Base):
    """A root location: from configuration or registered through the API."""

    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    target_key: Mapped[str] = mapped_column(String(64), unique=True)
    origin: Mapped[str] = mapped_column(String(16))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revision: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(Text, default="pending")


class LocationFileRow(Base):
    """One file read while processing a location, with what it produced last time."""

    __tablename__ = "location_files"
    __table_args__ = (
        Index("ix_location_files_location_address", "location_id", "address", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    dependencies: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    targets: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    entity_refs: Mapped[list[str]] = mapped_column(JSON, default=list)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class EntityRow(Base):
    """The final form of one entity, as the API serves it (relations apart).

    ``id`` is the entity's uid (``metadata.uid``); ``row_id``, a small integer, is what the
    millions of ``search`` and ``relations`` rows refer to.
    """

    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_name_id", "name", "id"),)

    row_id: Mapped[int] = mapped_column(ROW_ID, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    entity_ref: Mapped[str] = mapped_column(String(400), unique=True)
    kind: Mapped[str] = mapped_column(String(100), index=True)
    namespace: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    source_address: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    generation: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    orphan_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)


class RelationRow(Base):
    """A directed relation; ``origin_row_id`` is the entity whose spec produced it."""

    __tablename__ = "relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    origin_row_id: Mapped[int] = mapped_column(
        ROW_ID, ForeignKey("entities.row_id", ondelete="CASCADE"), index=True
    )
    source_key: Mapped[str] = mapped_column(String(400), index=True)
    type: Mapped[str] = mapped_column(String(64))
    target_ref: Mapped[str] = mapped_column(String(400))
    target_key: Mapped[str] = mapped_column(String(400), index=True)


class SearchRow(Base):
    """A flattened ``(key, value)`` pair of an entity, lower-cased, for filters and facets.

    Rows of ``relations.<type>`` keys carry ``origin_row_id``, the entity whose spec
    produced the relation, so they follow that entity's changes even when they describe
    another. Other rows have none, and only the rows that have one are in its index.
    """

    __tablename__ = "search"
    __table_args__ = (
        Index("ix_search_key_value", "key", "value", "entity_row_id"),
        Index(
            "ix_search_origin_row_id",
            "origin_row_id",
            sqlite_where=text("origin_row_id IS NOT NULL"),
            postgresql_where=text("origin_row_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_row_id: Mapped[int] = mapped_column(
        ROW_ID, ForeignKey("entities.row_id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(String(200))
    origin_row_id: Mapped[int | None] = mapped_column(
        ROW_ID, ForeignKey("entities.row_id", ondelete="CASCADE")
    )


class ProcessingErrorRow(Base):
    """An error met while processing a location: the file, line, entity and field it concerns."""

    __tablename__ = "processing_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    location_id: Mapped[str] = mapped_column(
        ForeignKey("locations.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    entity_ref: Mapped[str | None] = mapped_column(String(400), index=True)
    field: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CatalogStateRow(Base):
    """A single row holding the catalog's change counter."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class EntityChangeRow(Base):
    """The change log: every upsert or delete of an entity, under the counter value of its write."""

    __tablename__ = "entity_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    entity_id: Mapped[str] = mapped_column(String(36))
    entity_ref: Mapped[str] = mapped_column(String(400))
    op: Mapped[str] = mapped_column(String(8))
