"""Writing one location's crawl into the database, inside the caller's transaction.

Unchanged entities are not touched; a changed entity has its row, relations and search
rows replaced; an entity claimed by another location is refused (the first owner keeps
it unless it is an orphan); entities the location no longer provides become orphans.
Every write shares one value of the catalog's change counter.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, literal, or_, select, update
from sqlalchemy.orm import Session, aliased

from catalog_store.catalog_writer import ProcessingError
from catalog_store.db.tables import (
    CatalogStateRow,
    EntityChangeRow,
    EntityRow,
    LocationFileRow,
    LocationRow,
    ProcessingErrorRow,
    RelationRow,
    SearchRow,
)
from catalog_store.ingest.crawler import PreviousFile, Visit
from catalog_store.ingest.file_processing import EntityCandidate, LocationTarget
from catalog_store.model import build_search_rows

BATCH = 500
IN_CHUNK = 900
MAX_SEARCH_VALUE = 200


@dataclass(slots=True)
class ApplyStats:
    """What one run changed."""

    files_read: int = 0
    files_unchanged: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    errors: list[ProcessingError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return bool(self.added or self.updated or self.orphaned)


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
        rows = [{"seq": self.seq, "entity_id": i, "entity_ref": r, "op": op} for i, r in entries]
        if rows:
            self._session.execute(insert(EntityChangeRow), rows)

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


def load_previous_files(session: Session, location_id: str) -> dict[str, PreviousFile]:
    """The file records of a location, by address."""
    rows = session.execute(
        select(LocationFileRow).where(LocationFileRow.location_id == location_id)
    ).scalars()
    return {
        row.address: PreviousFile(
            content_hash=row.content_hash,
            dependencies=row.dependencies or {},
            targets=[LocationTarget(type=t[0], target=t[1], line=t[2]) for t in row.targets or []],
            entity_refs=list(row.entity_refs or []),
        )
        for row in rows
    }


class LocationApplier:
    """Applies the visits of one location's crawl."""

    def __init__(self, session: Session, location: LocationRow, now: datetime) -> None:
        self.session = session
        self.location = location
        self.now = now
        self.counter = ChangeCounter(session)
        self.stats = ApplyStats()
        self._claimed: dict[str, str] = {}
        self._seen: set[str] = set()
        self._visited: set[str] = set()
        self._errors: list[ProcessingError] = []
        self._owners: dict[str, str] = {}
        self._refused: dict[str, list[ProcessingError]] = {}

    def apply(self, visits: Iterable[Visit], previous: dict[str, PreviousFile]) -> None:
        """Write every visit; :meth:`finish` completes the run."""
        pending: list[EntityCandidate] = []
        for visit in visits:
            self._visited.add(visit.address)
            self._errors.extend(visit.errors)
            before = previous.get(visit.address)
            result = visit.result
            if result is None:
                self.stats.files_unchanged += 1
                if before is not None:
                    self._seen.update(before.entity_refs)
                self._errors.extend(self._stored_errors(visit.address))
                continue
            self.stats.files_read += 1
            self._errors.extend(result.errors)
            if result.failed:
                if before is not None:
                    self._seen.update(before.entity_refs)
                else:
                    self._save_file(visit, content_hash="", refs=[], errors=result.errors)
                continue
            self._seen.update(result.kept_refs)
            pending.extend(result.entities)
            refs = [c.key for c in result.entities] + result.kept_refs
            self._save_file(
                visit,
                content_hash=visit.content_hash,
                refs=refs,
                errors=result.errors,
                dependencies=result.dependencies,
            )
            if len(pending) >= BATCH:
                self._upsert(pending)
                pending = []
        if pending:
            self._upsert(pending)

    def finish(
        self,
        *,
        complete: bool,
        previous: dict[str, PreviousFile],
        extra_errors: Sequence[ProcessingError] = (),
    ) -> ApplyStats:
        """Mark orphans, drop records of files no longer reached, and store the errors."""
        self._errors.extend(extra_errors)
        for address, refused in self._refused.items():
            stored = self._stored_errors(address)
            self.session.execute(
                update(LocationFileRow)
                .where(
                    LocationFileRow.location_id == self.location.id,
                    LocationFileRow.address == address,
                )
                .values(content_hash="", errors=[error_json(e) for e in [*stored, *refused]])
            )
        if complete:
            gone = [a for a in previous if a not in self._visited]
            if gone or self.stats.files_read:
                self._mark_orphans()
            for part in chunks(gone):
                self.session.execute(
                    delete(LocationFileRow).where(
                        LocationFileRow.location_id == self.location.id,
                        LocationFileRow.address.in_(part),
                    )
                )
        self._store_errors()
        self.stats.errors = list(self._errors)
        return self.stats

    # -- entities -------------------------------------------------------------------------

    def _upsert(self, candidates: list[EntityCandidate]) -> None:
        fresh: list[EntityCandidate] = []
        for candidate in candidates:
            first = self._claimed.get(candidate.key)
            if first is not None:
                self._refuse(
                    candidate, f"duplicate entity {candidate.ref}: already defined at {first}"
                )
                continue
            self._claimed[candidate.key] = candidate_display(candidate)
            fresh.append(candidate)
        existing = self._existing([c.key for c in fresh])
        inserts: list[tuple[str, EntityCandidate]] = []
        updates: list[tuple[str, EntityCandidate, int]] = []
        unorphan: list[tuple[str, str]] = []
        for candidate in fresh:
            row = existing.get(candidate.key)
            if row is None:
                inserts.append((str(uuid.uuid4()), candidate))
                self._seen.add(candidate.key)
                continue
            if row.location_id != self.location.id and row.orphan_since is None:
                owner = self._owner_target(row.location_id)
                self._refuse(
                    candidate,
                    f"entity {candidate.ref} is already provided by location "
                    f"{owner}; the first location keeps it",
                )
                continue
            self._seen.add(candidate.key)
            if row.location_id == self.location.id and row.content_hash == candidate.content_hash:
                self.stats.unchanged += 1
                if row.orphan_since is not None:
                    unorphan.append((row.id, row.entity_ref))
                continue
            updates.append((row.id, candidate, row.generation))
        if unorphan:
            self.session.execute(
                update(EntityRow)
                .where(EntityRow.id.in_([i for i, _ in unorphan]))
                .values(orphan_since=None, change_seq=self.counter.seq)
            )
            self.counter.log(unorphan, "upsert")
        self._write(inserts, updates)

    def _refuse(self, candidate: EntityCandidate, message: str) -> None:
        """Report a candidate that cannot be stored now; its file is read again next time."""
        error = ProcessingError(
            candidate.display, message, line=candidate.line, entity_ref=candidate.key
        )
        self._errors.append(error)
        self._refused.setdefault(candidate.address, []).append(error)

    def _write(
        self,
        inserts: list[tuple[str, EntityCandidate]],
        updates: list[tuple[str, EntityCandidate, int]],
    ) -> None:
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
            self.stats.updated += len(updates)
        if inserts:
            self.session.execute(
                insert(EntityRow),
                [
                    {**self._entity_values(i, c, seq), "generation": 1, "created_at": self.now}
                    for i, c in inserts
                ],
            )
            self.stats.added += len(inserts)
        relation_rows: list[dict[str, Any]] = []
        search_rows: list[dict[str, Any]] = []
        written = [(i, c) for i, c, _ in updates] + inserts
        for entity_id, candidate in written:
            for relation in candidate.relations:
                relation_rows.append(
                    {
                        "originating_entity_id": entity_id,
                        "source_key": relation.source.key,
                        "type": relation.type,
                        "target_ref": str(relation.target),
                        "target_key": relation.target.key,
                    }
                )
                if relation.target.key != candidate.key:
                    touched.add(relation.target.key)
                if relation.source.key != candidate.key:
                    touched.add(relation.source.key)
            with_uid = dict(candidate.body)
            with_uid["metadata"] = {**candidate.body["metadata"], "uid": entity_id}
            search_rows.extend(
                {"entity_id": entity_id, "key": key, "value": value}
                for key, value in build_search_rows(with_uid, ())
            )
        if relation_rows:
            self.session.execute(insert(RelationRow), relation_rows)
        if search_rows:
            self.session.execute(insert(SearchRow), search_rows)
        self._index_relations([i for i, _ in written], [i for i, _ in inserts])
        self.counter.log(((i, c.key) for i, c in written), "upsert")
        touched -= {c.key for _, c in written}
        if touched:
            self.counter.touch(touched)

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
            "location_id": self.location.id,
            "source_address": candidate.address,
            "body": json.dumps(candidate.body, separators=(",", ":"), ensure_ascii=False),
            "content_hash": candidate.content_hash,
            "updated_at": self.now,
            "orphan_since": None,
            "change_seq": seq,
        }

    def _existing(self, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for part in chunks(keys):
            for row in self.session.execute(
                select(
                    EntityRow.id,
                    EntityRow.entity_ref,
                    EntityRow.location_id,
                    EntityRow.content_hash,
                    EntityRow.orphan_since,
                    EntityRow.generation,
                ).where(EntityRow.entity_ref.in_(part))
            ):
                found[row.entity_ref] = row
        return found

    def _owner_target(self, location_id: str | None) -> str:
        if location_id is None:
            return "(none)"
        if location_id not in self._owners:
            row = self.session.get(LocationRow, location_id)
            self._owners[location_id] = f"{row.type}:{row.target}" if row else location_id
        return self._owners[location_id]

    def _mark_orphans(self) -> None:
        rows = self.session.execute(
            select(EntityRow.id, EntityRow.entity_ref, EntityRow.orphan_since).where(
                EntityRow.location_id == self.location.id
            )
        ).all()
        newly = [
            (r.id, r.entity_ref)
            for r in rows
            if r.entity_ref not in self._seen and r.orphan_since is None
        ]
        back = [
            (r.id, r.entity_ref)
            for r in rows
            if r.entity_ref in self._seen and r.orphan_since is not None
        ]
        for entries, value in ((newly, self.now), (back, None)):
            for part in chunks([i for i, _ in entries]):
                self.session.execute(
                    update(EntityRow)
                    .where(EntityRow.id.in_(part))
                    .values(orphan_since=value, change_seq=self.counter.seq)
                )
            self.counter.log(entries, "upsert")
        self.stats.orphaned = len(newly)

    # -- files and errors -----------------------------------------------------------------

    def _save_file(
        self,
        visit: Visit,
        *,
        content_hash: str,
        refs: list[str],
        errors: Sequence[ProcessingError],
        dependencies: dict[str, str] | None = None,
    ) -> None:
        values = {
            "content_hash": content_hash,
            "dependencies": dependencies or {},
            "targets": [[t.type, t.target, t.line] for t in visit.targets],
            "entity_refs": sorted(set(refs)),
            "errors": [error_json(e) for e in errors],
        }
        updated = self.session.execute(
            update(LocationFileRow)
            .where(
                LocationFileRow.location_id == self.location.id,
                LocationFileRow.address == visit.address,
            )
            .values(**values)
        )
        if updated.rowcount == 0:  # type: ignore[attr-defined]
            self.session.execute(
                insert(LocationFileRow).values(
                    location_id=self.location.id, address=visit.address, **values
                )
            )

    def _stored_errors(self, address: str) -> list[ProcessingError]:
        stored = self.session.scalar(
            select(LocationFileRow.errors).where(
                LocationFileRow.location_id == self.location.id, LocationFileRow.address == address
            )
        )
        return [ProcessingError(**e) for e in stored or []]

    def _store_errors(self) -> None:
        wanted = sorted({error_key(e): e for e in self._errors}.items())
        stored = self.session.execute(
            select(
                ProcessingErrorRow.address,
                ProcessingErrorRow.message,
                ProcessingErrorRow.line,
                ProcessingErrorRow.field,
                ProcessingErrorRow.entity_ref,
            ).where(ProcessingErrorRow.location_id == self.location.id)
        ).all()
        if sorted(error_key(ProcessingError(**r._asdict())) for r in stored) == [
            k for k, _ in wanted
        ]:
            return
        self.session.execute(
            delete(ProcessingErrorRow).where(ProcessingErrorRow.location_id == self.location.id)
        )
        if wanted:
            self.session.execute(
                insert(ProcessingErrorRow),
                [
                    {"location_id": self.location.id, "created_at": self.now, **error_json(e)}
                    for _, e in wanted
                ],
            )


def candidate_display(candidate: EntityCandidate) -> str:
    """``file:line`` of a candidate, for messages."""
    line = candidate.line
    return candidate.display if line is None else f"{candidate.display}:{line}"


def error_json(error: ProcessingError) -> dict[str, Any]:
    """A processing error as stored JSON."""
    return {
        "address": error.address,
        "message": error.message,
        "line": error.line,
        "field": error.field,
        "entity_ref": error.entity_ref,
    }


def error_key(error: ProcessingError) -> tuple[str, str, int, str, str]:
    """A sortable identity of an error."""
    return (
        error.address,
        error.message,
        error.line or 0,
        error.field or "",
        error.entity_ref or "",
    )
