"""Writing entity rows with their relations and search rows.

An updated entity has its own relations and search rows replaced; relation rows are also
indexed in the search table (``relations.<type>``) on whichever side of the relation
exists, so Backstage's ``relations.*`` filters work in both directions whatever order the
entities arrive in. Entities whose relations changed because of another entity get a new
change counter value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from catalog_store.db.tables import EntityRow, RelationRow, SearchRow
from catalog_store.ingest.change_log import ChangeCounter, chunks
from catalog_store.ingest.file_processing import EntityCandidate
from catalog_store.model import build_search_rows

MAX_SEARCH_VALUE = 200

# Core tables: plain ``executemany`` inserts, without the ORM's per-row bookkeeping.
ENTITY_TABLE = cast(Table, EntityRow.__table__)
RELATION_TABLE = cast(Table, RelationRow.__table__)
SEARCH_TABLE = cast(Table, SearchRow.__table__)
RELATION_COLUMNS = ("originating_entity_id", "source_key", "type", "target_ref", "target_key")
SEARCH_COLUMNS = ("entity_id", "key", "value")


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert plain rows (values in ``columns`` order) with one ``executemany``.

    On SQLite the statement goes straight to the driver, which skips SQLAlchemy's per-row
    parameter processing (the columns here are plain strings, which need none); other
    databases take SQLAlchemy's batched multi-row ``INSERT``.
    """
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        preparer = connection.dialect.identifier_preparer
        names = ", ".join(preparer.quote(name) for name in columns)
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({marks})"
        connection.exec_driver_sql(statement, list(rows))
        return
    connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])


class EntityWriter:
    """Inserts and updates entities of one location inside the caller's transaction."""

    def __init__(
        self, session: Session, location_id: str, counter: ChangeCounter, now: datetime
    ) -> None:
        self.session = session
        self.location_id = location_id
        self.counter = counter
        self.now = now
        self.bulk = False

    def write(
        self,
        inserts: list[tuple[str, EntityCandidate]],
        updates: list[tuple[str, EntityCandidate, int]],
    ) -> None:
        """Store new entities (``(id, candidate)``) and changed ones (``(id, candidate,
        generation)``) with their relations and search rows."""
        if not inserts and not updates:
            return
        seq = self.counter.seq
        touched: set[str] = set()
        if updates:
            ids = [u[0] for u in updates]
            for part in chunks(ids):
                touched.update(
                    self.session.scalars(
                        select(RelationRow.target_key).where(
                            RelationRow.originating_entity_id.in_(part)
                        )
                    )
                )
                self.session.execute(
                    delete(RelationRow).where(RelationRow.originating_entity_id.in_(part))
                )
                own_rows = and_(
                    SearchRow.entity_id.in_(part),
                    or_(SearchRow.origin_id.is_(None), SearchRow.origin_id.in_(part)),
                )
                self.session.execute(
                    delete(SearchRow).where(or_(own_rows, SearchRow.origin_id.in_(part)))
                )
            self.session.execute(
                update(EntityRow),
                [
                    {**self._entity_values(i, c, seq), "generation": generation + 1}
                    for i, c, generation in updates
                ],
            )
        if inserts:
            self.session.execute(
                ENTITY_TABLE.insert(),
                [
                    {**self._entity_values(i, c, seq), "generation": 1, "created_at": self.now}
                    for i, c in inserts
                ],
            )
        relation_rows: list[tuple[str, str, str, str, str]] = []
        search_rows: list[tuple[str, str, str | None]] = []
        written = [(i, c) for i, c, _ in updates] + inserts
        for entity_id, candidate in written:
            for relation in candidate.relations:
                relation_rows.append(
                    (
                        entity_id,
                        relation.source.key,
                        relation.type,
                        str(relation.target),
                        relation.target.key,
                    )
                )
                if relation.target.key != candidate.key:
                    touched.add(relation.target.key)
                if relation.source.key != candidate.key:
                    touched.add(relation.source.key)
            with_uid = dict(candidate.body)
            with_uid["metadata"] = {**candidate.body["metadata"], "uid": entity_id}
            search_rows.extend(
                (entity_id, key, value) for key, value in build_search_rows(with_uid, ())
            )
        insert_rows(self.session, RELATION_TABLE, RELATION_COLUMNS, relation_rows)
        insert_rows(self.session, SEARCH_TABLE, SEARCH_COLUMNS, search_rows)
        self.counter.log(((i, c.key) for i, c in written), "upsert")
        if self.bulk:
            return  # relations are indexed once at the end; every entity shares this seq
        self._index_relations([i for i, _ in written], [i for i, _ in inserts])
        touched -= {c.key for _, c in written}
        if touched:
            self.counter.touch(touched)

    def index_all_relations(self) -> None:
        """Search rows for every relation whose source entity exists (after a bulk load)."""
        source = aliased(EntityRow)
        rows = (
            select(
                source.id,
                literal("relations.") + func.lower(RelationRow.type),
                RelationRow.target_key,
                RelationRow.originating_entity_id,
            )
            .join(source, source.entity_ref == RelationRow.source_key)
            .where(func.length(RelationRow.target_key) <= MAX_SEARCH_VALUE)
        )
        target = SearchRow.entity_id, SearchRow.key, SearchRow.value, SearchRow.origin_id
        self.session.execute(insert(SearchRow).from_select(target, rows))

    def _index_relations(self, written: list[str], inserted: list[str]) -> None:
        """Search rows ``relations.<type>`` for the relations of the written entities, on
        whichever side exists, and for relations that already pointed at new entities."""
        source = aliased(EntityRow)
        key = literal("relations.") + func.lower(RelationRow.type)
        columns = (source.id, key, RelationRow.target_key, RelationRow.originating_entity_id)
        fits = func.length(RelationRow.target_key) <= MAX_SEARCH_VALUE
        target = SearchRow.entity_id, SearchRow.key, SearchRow.value, SearchRow.origin_id
        for part in chunks(written):
            rows = (
                select(*columns)
                .join(source, source.entity_ref == RelationRow.source_key)
                .where(RelationRow.originating_entity_id.in_(part), fits)
            )
            self.session.execute(insert(SearchRow).from_select(target, rows))
        written_set = set(written)
        for part in chunks(inserted):
            rows = (
                select(*columns)
                .join(source, source.entity_ref == RelationRow.source_key)
                .where(source.id.in_(part), fits)
            )
            if written_set:
                rows = rows.where(RelationRow.originating_entity_id.not_in(list(written_set)))
            self.session.execute(insert(SearchRow).from_select(target, rows))

    def _entity_values(
        self, entity_id: str, candidate: EntityCandidate, seq: int
    ) -> dict[str, Any]:
        ref = candidate.ref
        return {
            "id": entity_id,
            "entity_ref": candidate.key,
            "kind": ref.kind.lower(),
            "namespace": ref.namespace.lower(),
            "name": ref.name.lower(),
            "location_id": self.location_id,
            "source_address": candidate.address,
            "body": json.dumps(candidate.body, separators=(",", ":"), ensure_ascii=False),
            "content_hash": candidate.content_hash,
            "updated_at": self.now,
            "orphan_since": None,
            "change_seq": seq,
        }
