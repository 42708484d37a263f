"""Writing one location's crawl into the database, inside the caller's transaction.

Unchanged entities are not touched; a changed entity has its row, relations and search
rows replaced; an entity claimed by another location is refused (the first owner keeps
it unless it is an orphan); entities the location no longer provides become orphans.
Every write shares one value of the catalog's change counter.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from catalog_store.catalog_writer import ProcessingError
from catalog_store.db.tables import (
    EntityRow,
    LocationRow,
)
from catalog_store.ingest.change_log import ChangeCounter, chunks
from catalog_store.ingest.crawler import PreviousFile, Visit
from catalog_store.ingest.entity_writes import EntityWriter, Update
from catalog_store.ingest.file_processing import EntityCandidate
from catalog_store.ingest.file_records import (
    delete_file_records,
    file_record_values,
    insert_file_records,
    mark_file_stale,
    replace_location_errors,
    save_file_record,
)
from catalog_store.yaml_documents import LineIndex

BATCH = 500
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


class LocationApplier:
    """Applies the visits of one location's crawl."""

    def __init__(self, session: Session, location: LocationRow, now: datetime) -> None:
        self.session = session
        self.location = location
        self.now = now
        self.counter = ChangeCounter(session)
        self.writer = EntityWriter(session, location.id, self.counter, now)
        self.stats = ApplyStats()
        self._claimed: dict[str, tuple[str, int, LineIndex]] = {}
        self._stale_refs: set[str] = set()
        self._seen: set[str] = set()
        self._visited: set[str] = set()
        self._errors: list[ProcessingError] = []
        self._owners: dict[str, str] = {}
        self._refused: dict[str, list[ProcessingError]] = {}
        self._previous: dict[str, PreviousFile] = {}
        self._new_files: list[tuple[str, dict[str, Any]]] = []

    def apply(self, visits: Iterable[Visit], previous: dict[str, PreviousFile]) -> None:
        """Write every visit; :meth:`finish` completes the run."""
        self._previous = previous
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
                    self._errors.extend(before.errors)
                continue
            self.stats.files_read += 1
            self._errors.extend(result.errors)
            if result.failed:
                if before is not None:
                    self._seen.update(before.entity_refs)
                else:
                    self._save_file(visit, content_hash="", refs=[], errors=result.errors)
                continue
            if before is not None:
                self._stale_refs.update(before.entity_refs)
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
        self._flush_new_files()

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
            mark_file_stale(self.session, self.location.id, address, refused)
        if complete:
            gone = [a for a in previous if a not in self._visited]
            for address in gone:
                self._stale_refs.update(previous[address].entity_refs)
            self._mark_orphans()
            delete_file_records(self.session, self.location.id, gone)
        replace_location_errors(self.session, self.location.id, self._errors, self.now)
        self.stats.errors = list(self._errors)
        return self.stats

    def _save_file(
        self,
        visit: Visit,
        *,
        content_hash: str,
        refs: list[str],
        errors: Sequence[ProcessingError],
        dependencies: dict[str, str] | None = None,
    ) -> None:
        if visit.address not in self._previous:
            # No record yet (the location is locked for this run): insert with the others.
            values = file_record_values(
                content_hash=content_hash,
                targets=visit.targets,
                refs=refs,
                errors=errors,
                dependencies=dependencies,
            )
            self._new_files.append((visit.address, values))
            if len(self._new_files) >= BATCH:
                self._flush_new_files()
            return
        save_file_record(
            self.session,
            self.location.id,
            visit.address,
            content_hash=content_hash,
            targets=visit.targets,
            refs=refs,
            errors=errors,
            dependencies=dependencies,
        )

    def _flush_new_files(self) -> None:
        insert_file_records(self.session, self.location.id, self._new_files)
        self._new_files = []

    # -- entities -------------------------------------------------------------------------

    def _upsert(self, candidates: list[EntityCandidate]) -> None:
        fresh: list[EntityCandidate] = []
        for candidate in candidates:
            first = self._claimed.get(candidate.key)
            if first is not None:
                self._refuse(
                    candidate,
                    f"duplicate entity {candidate.ref}: already defined at {_where(*first)}",
                )
                continue
            self._claimed[candidate.key] = (
                candidate.display,
                candidate.document_index,
                candidate.lines,
            )
            fresh.append(candidate)
        existing = self._existing([c.key for c in fresh])
        new_ids = iter(new_uids(len(fresh) - len(existing)))
        inserts: list[tuple[str, EntityCandidate]] = []
        updates: list[Update] = []
        unorphan: list[tuple[str, str]] = []
        for candidate in fresh:
            row = existing.get(candidate.key)
            if row is None:
                inserts.append((next(new_ids), candidate))
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
            updates.append((row.id, row.row_id, candidate, row.generation))
        if unorphan:
            self.session.execute(
                update(EntityRow)
                .where(EntityRow.id.in_([i for i, _ in unorphan]))
                .values(orphan_since=None, change_seq=self.counter.seq)
            )
            self.counter.log(unorphan, "upsert")
        self.writer.write(inserts, updates)
        self.stats.added += len(inserts)
        self.stats.updated += len(updates)

    def _refuse(self, candidate: EntityCandidate, message: str) -> None:
        """Report a candidate that cannot be stored now; its file is read again next time."""
        error = ProcessingError(
            candidate.display, message, line=candidate.line, entity_ref=candidate.key
        )
        self._errors.append(error)
        self._refused.setdefault(candidate.address, []).append(error)

    def _existing(self, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for part in chunks(keys):
            for row in self.session.execute(
                select(
                    EntityRow.id,
                    EntityRow.row_id,
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
        """Orphan what re-read or vanished files no longer provide; adopt returning ones."""
        candidates = sorted(self._stale_refs - self._seen)
        newly: list[tuple[str, str]] = []
        for part in chunks(candidates):
            newly.extend(
                (r.id, r.entity_ref)
                for r in self.session.execute(
                    select(EntityRow.id, EntityRow.entity_ref).where(
                        EntityRow.location_id == self.location.id,
                        EntityRow.entity_ref.in_(part),
                        EntityRow.orphan_since.is_(None),
                    )
                )
            )
        orphans = self.session.execute(
            select(EntityRow.id, EntityRow.entity_ref).where(
                EntityRow.location_id == self.location.id, EntityRow.orphan_since.is_not(None)
            )
        ).all()
        back = [(r.id, r.entity_ref) for r in orphans if r.entity_ref in self._seen]
        for entries, value in ((newly, self.now), (back, None)):
            for part in chunks([i for i, _ in entries]):
                self.session.execute(
                    update(EntityRow)
                    .where(EntityRow.id.in_(part))
                    .values(orphan_since=value, change_seq=self.counter.seq)
                )
            self.counter.log(entries, "upsert")
        self.stats.orphaned = len(newly)


def new_uids(count: int) -> list[str]:
    """``count`` random (version 4) uuids, drawn from the system's random source at once."""
    random = os.urandom(16 * count)
    return [str(uuid.UUID(bytes=random[i : i + 16], version=4)) for i in range(0, 16 * count, 16)]


def _where(display: str, document_index: int, lines: LineIndex) -> str:
    line = lines.line(document_index)
    return display if line is None else f"{display}:{line}"
