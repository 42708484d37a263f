"""Writing entity rows with their relations and search rows.

An updated entity has its own relations and search rows replaced; relation rows are also
indexed in the search table (``relations.<type>``) on whichever side of the relation
exists, so Backstage's ``relations.*`` filters work in both directions whatever order the
entities arrive in. Entities whose relations changed because of another entity get a new
change counter value.
"""

from __future__ import annotations

from datetime import datetime
from itertools import repeat
from typing import Any, cast

from sqlalchemy import Table, and_, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.orm import Session, aliased

from catalog_store.db.tables import EntityRow, RelationRow, SearchRow
from catalog_store.ingest.change_log import ChangeCounter, chunks
from catalog_store.ingest.file_processing import UID_SEARCH_KEY, EntityCandidate
from catalog_store.ingest.row_inserts import insert_rows

MAX_SEARCH_VALUE = 200

Update = tuple[str, int, EntityCandidate, int]
"""A changed entity: its uid, its row id, the new candidate and its current generation."""

# Core tables: plain ``executemany`` inserts, without the ORM's per-row bookkeeping.
ENTITY_TABLE = cast(Table, EntityRow.__table__)
RELATION_TABLE = cast(Table, RelationRow.__table__)
SEARCH_TABLE = cast(Table, SearchRow.__table__)
RELATION_COLUMNS = ("origin_row_id", "source_key", "type", "target_ref", "target_key")
SEARCH_COLUMNS = ("entity_row_id", "key", "value")
RELATION_SEARCH_COLUMNS = ("entity_row_id", "key", "value", "origin_row_id")
ENTITY_COLUMNS = (
    "row_id",
    "id",
    "entity_ref",
    "kind",
    "namespace",
    "name",
    "location_id",
    "source_address",
    "body",
    "content_hash",
    "updated_at",
    "orphan_since",
    "change_seq",
    "generation",
    "created_at",
)


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
        self._loaded: dict[str, int] = {}
        self._waiting: list[tuple[str, str, str, int]] = []

    def write(self, inserts: list[tuple[str, EntityCandidate]], updates: list[Update]) -> None:
        """Store new entities (``(uid, candidate)``) and changed ones (:data:`Update`) with
        their relations and search rows."""
        if not inserts and not updates:
            return
        seq = self.counter.seq
        touched: set[str] = set()
        if updates:
            rows = [u[1] for u in updates]
            for part in chunks(rows):
                touched.update(
                    self.session.scalars(
                        select(RelationRow.target_key).where(RelationRow.origin_row_id.in_(part))
                    )
                )
                self.session.execute(delete(RelationRow).where(RelationRow.origin_row_id.in_(part)))
                own_rows = and_(
                    SearchRow.entity_row_id.in_(part),
                    or_(SearchRow.origin_row_id.is_(None), SearchRow.origin_row_id.in_(part)),
                )
                self.session.execute(
                    delete(SearchRow).where(or_(own_rows, SearchRow.origin_row_id.in_(part)))
                )
            self.session.execute(
                update(EntityRow),
                [
                    {**self._entity_values(row, uid, c, seq), "generation": generation + 1}
                    for uid, row, c, generation in updates
                ],
            )
        new_rows = reserve_row_ids(self.session, len(inserts))
        insert_rows(
            self.session,
            ENTITY_TABLE,
            ENTITY_COLUMNS,
            [
                (*self._entity_row(row, uid, c, seq), 1, self.now)
                for row, (uid, c) in zip(new_rows, inserts, strict=True)
            ],
        )
        written: list[tuple[int, str, EntityCandidate]] = [(r, i, c) for i, r, c, _ in updates]
        written.extend((row, uid, c) for row, (uid, c) in zip(new_rows, inserts, strict=True))
        relation_rows: list[tuple[int, str, str, str, str]] = []
        search_rows: list[tuple[int, str, str | None]] = []
        for row, uid, candidate in written:
            own_key = candidate.key
            for source_key, relation_type, target_ref, target_key in candidate.relation_rows:
                relation_rows.append((row, source_key, relation_type, target_ref, target_key))
                if target_key != own_key:
                    touched.add(target_key)
                if source_key != own_key:
                    touched.add(source_key)
            search_rows.extend(zip(repeat(row), candidate.search_keys, candidate.search_values))
            search_rows.append((row, UID_SEARCH_KEY, uid.lower()))
        insert_rows(self.session, RELATION_TABLE, RELATION_COLUMNS, relation_rows)
        insert_rows(self.session, SEARCH_TABLE, SEARCH_COLUMNS, search_rows)
        self.counter.log(((i, c.key) for _, i, c in written), "upsert")
        if self.bulk:
            self._index_loaded_relations(written, relation_rows)
            return  # every entity of a bulk load shares this seq: nothing else to bump
        self._index_relations([r for r, _, _ in written], new_rows)
        touched -= {c.key for _, _, c in written}
        if touched:
            self.counter.touch(touched)

    def index_all_relations(self) -> None:
        """Search rows for the relations of a bulk load whose source entity came after them.

        A bulk load starts from an empty catalog, so the entities it wrote are all there
        are: a relation whose source was not written by the end has no search row.
        """
        rows = [
            (self._loaded[source_key], key, target_key, origin_row)
            for source_key, key, target_key, origin_row in self._waiting
            if source_key in self._loaded
        ]
        insert_rows(self.session, SEARCH_TABLE, RELATION_SEARCH_COLUMNS, rows)
        self._waiting = []
        self._loaded = {}

    def _index_loaded_relations(
        self,
        written: list[tuple[int, str, EntityCandidate]],
        relation_rows: list[tuple[int, str, str, str, str]],
    ) -> None:
        """Search rows ``relations.<type>`` of a bulk load's relations whose source entity
        is already written; the others wait for :meth:`index_all_relations`."""
        loaded = self._loaded
        loaded.update((c.key, row) for row, _, c in written)
        rows: list[tuple[int, str, str, int]] = []
        for origin_row, source_key, relation_type, _, target_key in relation_rows:
            if len(target_key) > MAX_SEARCH_VALUE:
                continue
            key = f"relations.{relation_type.lower()}"
            source_id = loaded.get(source_key)
            if source_id is None:
                self._waiting.append((source_key, key, target_key, origin_row))
            else:
                rows.append((source_id, key, target_key, origin_row))
        insert_rows(self.session, SEARCH_TABLE, RELATION_SEARCH_COLUMNS, rows)

    def _index_relations(self, written: list[int], inserted: list[int]) -> None:
        """Search rows ``relations.<type>`` for the relations of the written entities, on
        whichever side exists, and for relations that already pointed at new entities."""
        source = aliased(EntityRow)
        key = literal("relations.") + func.lower(RelationRow.type)
        columns = (source.row_id, key, RelationRow.target_key, RelationRow.origin_row_id)
        fits = func.length(RelationRow.target_key) <= MAX_SEARCH_VALUE
        target = SearchRow.entity_row_id, SearchRow.key, SearchRow.value, SearchRow.origin_row_id
        for part in chunks(written):
            rows = (
                select(*columns)
                .join(source, source.entity_ref == RelationRow.source_key)
                .where(RelationRow.origin_row_id.in_(part), fits)
            )
            self.session.execute(insert(SearchRow).from_select(target, rows))
        written_set = set(written)
        for part in chunks(inserted):
            rows = (
                select(*columns)
                .join(source, source.entity_ref == RelationRow.source_key)
                .where(source.row_id.in_(part), fits)
            )
            if written_set:
                rows = rows.where(RelationRow.origin_row_id.not_in(list(written_set)))
            self.session.execute(insert(SearchRow).from_select(target, rows))

    def _entity_row(
        self, row_id: int, uid: str, candidate: EntityCandidate, seq: int
    ) -> tuple[Any, ...]:
        """The values of :data:`ENTITY_COLUMNS` up to ``change_seq``."""
        ref = candidate.ref
        return (
            row_id,
            uid,
            candidate.key,
            ref.kind.lower(),
            ref.namespace.lower(),
            ref.name.lower(),
            self.location_id,
            candidate.address,
            candidate.body_json,
            candidate.content_hash,
            self.now,
            None,
            seq,
        )

    def _entity_values(
        self, row_id: int, uid: str, candidate: EntityCandidate, seq: int
    ) -> dict[str, Any]:
        row = self._entity_row(row_id, uid, candidate, seq)
        return dict(zip(ENTITY_COLUMNS, row, strict=False))


def reserve_row_ids(session: Session, count: int) -> list[int]:
    """``count`` unused entity row ids, for rows this transaction is about to insert.

    On PostgreSQL they come from the column's sequence. On SQLite the caller has already
    written (it took the change counter), so it holds the database's write lock until it
    commits and the ids after the largest stay free.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(
            session.scalars(
                text(
                    "SELECT nextval(pg_get_serial_sequence('entities', 'row_id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": count},
            )
        )
    start = int(session.scalar(select(func.max(EntityRow.row_id))) or 0) + 1
    return list(range(start, start + count))
