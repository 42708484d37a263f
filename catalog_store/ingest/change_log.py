"""The catalog's change counter and change log.

Every transaction that changes entities takes one new value of the counter (on its first
write only) and logs each entity it upserts or deletes under that value, so readers such
as a search index can follow the catalog with ``WHERE seq > :last``. Taking the value
locks the counter row until commit, so values become visible in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from catalog_store.db.tables import CatalogStateRow, EntityChangeRow, EntityRow
from catalog_store.ingest.row_inserts import insert_rows

IN_CHUNK = 900
CHANGE_TABLE = cast(Table, EntityChangeRow.__table__)
CHANGE_COLUMNS = ("seq", "entity_id", "entity_ref", "op")


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[Sequence[Any]]:
    """Slices of ``items`` small enough for one ``IN (...)`` list."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ChangeCounter:
    """Takes one value of the catalog's change counter, on the first write only."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._seq: int | None = None

    @property
    def seq(self) -> int:
        """The counter value of this transaction (bumped on first use)."""
        if self._seq is None:
            self._session.execute(
                update(CatalogStateRow)
                .where(CatalogStateRow.id == 1)
                .values(change_seq=CatalogStateRow.change_seq + 1)
            )
            value = self._session.scalar(
                select(CatalogStateRow.change_seq).where(CatalogStateRow.id == 1)
            )
            self._seq = int(value or 0)
        return self._seq

    def log(self, entries: Iterable[tuple[str, str]], op: str) -> None:
        """Record ``(entity_id, entity_ref)`` pairs in the change log."""
        rows = [(self.seq, i, r, op) for i, r in entries]
        insert_rows(self._session, CHANGE_TABLE, CHANGE_COLUMNS, rows)

    def touch(self, keys: set[str]) -> None:
        """Bump entities whose relations changed because another entity changed."""
        for part in chunks(sorted(keys)):
            rows = self._session.execute(
                select(EntityRow.id, EntityRow.entity_ref).where(EntityRow.entity_ref.in_(part))
            ).all()
            if rows:
                self._session.execute(
                    update(EntityRow)
                    .where(EntityRow.id.in_([r.id for r in rows]))
                    .values(change_seq=self.seq)
                )
                self.log(((r.id, r.entity_ref) for r in rows), "upsert")
