"""Loading a first, large catalog into empty tables.

Inserting millions of rows into B-tree indexes keyed on random values costs far more than
sorting them once, so a load into an empty catalog drops the non-unique indexes of the
``search`` and ``relations`` tables, writes entities and relations, indexes every relation
in the search table with one statement, and builds the indexes again, all inside the
same transaction. On PostgreSQL the tables are then analysed, since statistics from the
empty tables would steer the planner away from the new indexes. Later refreshes write into
the indexed tables as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Connection, Index, Table, exists, select
from sqlalchemy.orm import Session

from catalog_store.db.tables import EntityRow, RelationRow, SearchRow
from catalog_store.gc_pause import paused_gc
from catalog_store.ingest.entity_writes import EntityWriter

DEFERRED_TABLES = (cast(Table, RelationRow.__table__), cast(Table, SearchRow.__table__))


def catalog_is_empty(session: Session) -> bool:
    """Whether the catalog holds no entity at all."""
    return not session.scalar(select(exists().where(EntityRow.id.is_not(None))))


@contextmanager
def bulk_load(session: Session, writer: EntityWriter, *, enabled: bool) -> Iterator[None]:
    """Write the block's entities without index upkeep, then index everything once.

    The cyclic garbage collector is paused meanwhile (:func:`paused_gc`): the load keeps
    hundreds of thousands of rows and results alive at a time, and each full collection
    would walk them all.

    If the block raises, the transaction rolls back, and the dropped indexes with it.
    """
    if not enabled:
        yield
        return
    with paused_gc():
        yield from _deferred_indexes(session, writer)


def _deferred_indexes(session: Session, writer: EntityWriter) -> Iterator[None]:
    """Drop the deferred indexes, let the block write, and build them again."""
    connection = session.connection()
    deferred: list[list[Index]] = [
        [index for index in table.indexes if not index.unique] for table in DEFERRED_TABLES
    ]
    for indexes in deferred:
        for index in indexes:
            index.drop(connection)
    writer.bulk = True
    try:
        yield
    finally:
        writer.bulk = False
    relation_indexes, search_indexes = deferred
    with _sort_runs(connection):
        for index in relation_indexes:
            index.create(connection)
        writer.index_all_relations()
        for index in search_indexes:
            index.create(connection)
    if connection.dialect.name == "postgresql":
        # Fresh planner statistics, so the first queries use the new indexes.
        connection.exec_driver_sql("ANALYZE entities, relations, search")


SORT_RUN_KIB = 16 * 1024
"""SQLite's sort runs while indexes are built, in KiB."""


@contextmanager
def _sort_runs(connection: Connection) -> Iterator[None]:
    """On SQLite, build indexes from sort runs of :data:`SORT_RUN_KIB`.

    SQLite sorts an index's entries in runs as large as the page cache (``cache_size``)
    and merges them. Runs of 16 MiB sort in the processor's caches and in parallel on the
    sorter's threads; with the 64 MiB cache as runs, the search table's largest index
    takes about 45% longer. The cache size comes back afterwards.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{SORT_RUN_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(previous)}")
