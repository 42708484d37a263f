"""Loading a first, large catalog into empty tables: the search table's secondary indexes
are dropped for the load and built once at the end, inside the same transaction.

Inserting millions of search rows into three B-tree indexes keyed on random values costs
far more than sorting them once. Only a load into an empty catalog does this; later
refreshes write into the indexed tables as usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Index, Table, exists, select
from sqlalchemy.orm import Session

from catalog_store.db.tables import EntityRow, SearchRow

SEARCH_TABLE = cast(Table, SearchRow.__table__)


def catalog_is_empty(session: Session) -> bool:
    """Whether the catalog holds no entity at all."""
    return not session.scalar(select(exists().where(EntityRow.id.is_not(None))))


@contextmanager
def deferred_search_indexes(session: Session, *, enabled: bool) -> Iterator[None]:
    """Drop the search table's non-unique indexes while the block loads, then rebuild them.

    If the block raises, the transaction rolls back and the drops with it.
    """
    if not enabled:
        yield
        return
    connection = session.connection()
    indexes: list[Index] = [index for index in SEARCH_TABLE.indexes if not index.unique]
    for index in indexes:
        index.drop(connection)
    yield
    for index in indexes:
        index.create(connection)
