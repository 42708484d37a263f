"""The catalog's write side: locations, refreshes, orphans, validation.

Each location is processed in one transaction: its files are read (git fetched first,
outside the transaction), unchanged files skipped by content hash, and the result written
with :class:`LocationApplier`. A location that fails to read keeps everything it had.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.catalog_writer import (
    AddLocationResult,
    CatalogInputError,
    ConflictError,
    LocationInfo,
    NotFoundError,
    ProcessingError,
)
from catalog_store.db.engine import SQLITE_UNCHECKED_OPTION
from catalog_store.db.tables import EntityRow, LocationFileRow, LocationRow
from catalog_store.ingest.apply import ApplyStats, LocationApplier
from catalog_store.ingest.bulk_load import bulk_load, catalog_is_empty
from catalog_store.ingest.change_log import ChangeCounter, chunks
from catalog_store.ingest.config import LOCATION_TYPES, IngestConfig, LocationSpec
from catalog_store.ingest.crawler import Crawler
from catalog_store.ingest.file_processing import FileContext
from catalog_store.ingest.file_records import load_previous_files
from catalog_store.ingest.git_source import redact_url
from catalog_store.ingest.location_opening import (
    OpenedLocation,
    file_context,
    open_location,
    rule_list,
)
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import SourceError
from catalog_store.model import derive_relations, parse_entity_ref, validate_entity

log = logging.getLogger(__name__)


class _NoLongerEmpty(Exception):
    """A first load found the catalog no longer empty once its transaction began."""


class CatalogService:
    """Implements :class:`catalog_store.catalog_writer.CatalogWriter` and the refresh loop."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        config: IngestConfig,
        http: httpx.Client | None = None,
    ) -> None:
        self.sessions = sessions
        self.config = config
        self.http = http or httpx.Client(timeout=config.http_timeout_seconds, follow_redirects=True)
        self._sqlite = sessions.kw["bind"].dialect.name == "sqlite"
        self._write_lock = threading.RLock()

    # -- locations ------------------------------------------------------------------------

    def sync_config_locations(self) -> list[str]:
        """Make the stored config locations match the configuration; returns their ids.

        Locations dropped from the configuration stop being read: their entities become
        orphans and go after the grace period. Replicas starting together may race to
        insert the same location; the loser reads the winner's rows.
        """
        try:
            return self._sync_config_locations_once()
        except IntegrityError:
            return self._sync_config_locations_once()

    def _sync_config_locations_once(self) -> list[str]:
        """One attempt of :meth:`sync_config_locations`."""
        wanted = {spec.key: spec for spec in self.config.locations}
        ids: list[str] = []
        with self._writing(), self.sessions.begin() as session:
            rows = session.scalars(select(LocationRow).where(LocationRow.origin == "config")).all()
            known = {row.target_key: row for row in rows}
            for key, spec in wanted.items():
                row = known.get(key)
                if row is None:
                    row = self._new_location(session, spec, origin="config")
                elif row.status == "removed":
                    row.status = "pending"
                ids.append(row.id)
            now = datetime.now(UTC)
            for key, row in known.items():
                if key not in wanted and row.status != "removed":
                    row.status = "removed"
                    self._orphan_location_entities(session, row.id, now)
        return ids

    def add_location(self, *, type: str, target: str, dry_run: bool = False) -> AddLocationResult:
        """Register a location and process it at once (``dry_run``: read it, store nothing)."""
        spec = self._checked_spec(type, target)
        if dry_run:
            return self._dry_run(spec)
        with self._writing(), self.sessions.begin() as session:
            if session.scalar(select(LocationRow).where(LocationRow.target_key == spec.key)):
                raise ConflictError(f"Location {type}:{target} already exists")
            row = self._new_location(session, spec, origin="api")
            location = _info(row)
        stats = self.refresh_location(location.id)
        with self.sessions() as session:
            bodies = session.scalars(
                select(EntityRow.body).where(EntityRow.location_id == location.id)
            ).all()
        return AddLocationResult(
            location=location, entities=[json.loads(b) for b in bodies], errors=stats.errors
        )

    def list_locations(self) -> list[LocationInfo]:
        """Every location that is read (removed config locations excluded)."""
        with self.sessions() as session:
            rows = session.scalars(
                select(LocationRow)
                .where(LocationRow.status != "removed")
                .order_by(LocationRow.created_at, LocationRow.id)
            )
            return [_info(row) for row in rows]

    def get_location(self, location_id: str) -> LocationInfo:
        """One location by id."""
        with self.sessions() as session:
            row = session.get(LocationRow, location_id)
            if row is None:
                raise NotFoundError(f"Found no location with ID {location_id}")
            return _info(row)

    def get_location_by_entity(self, entity_ref: str) -> LocationInfo:
        """The root location that provides an entity."""
        key = _ref_key(entity_ref)
        with self.sessions() as session:
            location_id = session.scalar(
                select(EntityRow.location_id).where(EntityRow.entity_ref == key)
            )
            row = session.get(LocationRow, location_id) if location_id else None
            if row is None:
                raise NotFoundError(f"Found no location for entity {entity_ref}")
            return _info(row)

    def delete_location(self, location_id: str) -> None:
        """Remove a location and every entity it provided."""
        with self._writing(), self.sessions.begin() as session:
            row = session.get(LocationRow, location_id)
            if row is None:
                raise NotFoundError(f"Found no location with ID {location_id}")
            counter = ChangeCounter(session)
            entries = session.execute(
                select(EntityRow.id, EntityRow.entity_ref).where(
                    EntityRow.location_id == location_id
                )
            ).all()
            counter.log(((e.id, e.entity_ref) for e in entries), "delete")
            session.execute(delete(EntityRow).where(EntityRow.location_id == location_id))
            session.delete(row)

    # -- refresh --------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Whether the catalog holds no entity at all."""
        with self.sessions() as session:
            return catalog_is_empty(session)

    def refresh_all(self) -> dict[str, ApplyStats]:
        """Process every location once; a failing location does not stop the others."""
        self.sync_config_locations()
        with self.sessions() as session:
            ids = session.scalars(
                select(LocationRow.id)
                .where(LocationRow.status != "removed")
                .order_by(LocationRow.created_at, LocationRow.id)
            ).all()
        results: dict[str, ApplyStats] = {}
        for location_id in ids:
            try:
                results[location_id] = self.refresh_location(location_id)
            except NotFoundError:
                continue
            except Exception:
                log.exception("processing location %s failed", location_id)
        return results

    def refresh_location(self, location_id: str) -> ApplyStats:
        """Read one location and apply it in one transaction."""
        with self.sessions() as session:
            row = session.get(LocationRow, location_id)
            if row is None:
                raise NotFoundError(f"Found no location with ID {location_id}")
            spec = LocationSpec.from_row(row.type, row.target, row.options)
            origin = f"{row.type}:{_safe_target(row.type, row.target)}"
        try:
            opened = open_location(spec, self.config, self.http)
        except SourceError as exc:
            return self._record_failure(location_id, origin, str(exc))
        context = file_context(spec, opened, self.config, origin)
        with self._writing():
            try:
                stats = self._apply_location(
                    location_id, opened, context, unchecked=self._sqlite and self.is_empty()
                )
            except _NoLongerEmpty:
                stats = self._apply_location(location_id, opened, context, unchecked=False)
        log.info(
            "location %s: %d added, %d updated, %d unchanged, %d orphaned, %d files read, "
            "%d unchanged files, %d errors",
            origin,
            stats.added,
            stats.updated,
            stats.unchanged,
            stats.orphaned,
            stats.files_read,
            stats.files_unchanged,
            len(stats.errors),
        )
        return stats

    def _apply_location(
        self, location_id: str, opened: OpenedLocation, context: FileContext, *, unchecked: bool
    ) -> ApplyStats:
        """Crawl and apply one location in one transaction.

        Args:
            unchecked: Begin with SQLite's foreign key checks off, for a first load into an
                empty catalog (it writes entities before the rows that reference them and
                deletes nothing); if the catalog is no longer empty once the transaction
                has begun, it is rolled back at once (:class:`_NoLongerEmpty`).
        """
        with self.sessions.begin() as session:
            if unchecked:
                session.connection(execution_options={SQLITE_UNCHECKED_OPTION: True})
            row = session.get(LocationRow, location_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"Found no location with ID {location_id}")
            previous = load_previous_files(session, location_id)
            crawler = Crawler(opened.trees, context, previous)
            now = datetime.now(UTC)
            applier = LocationApplier(session, row, now)
            first_load = not previous and catalog_is_empty(session)
            if unchecked and not first_load:
                raise _NoLongerEmpty
            with bulk_load(session, applier.writer, enabled=first_load):
                applier.apply(crawler.crawl(opened.roots), previous)
            stats = applier.finish(
                complete=crawler.complete, previous=previous, extra_errors=crawler.root_errors
            )
            row.processed_at = now
            row.revision = opened.revision
            row.status = "ok" if not stats.errors else f"{len(stats.errors)} error(s)"
        return stats

    def refresh_entity(self, entity_ref: str) -> None:
        """Re-process the location that provides an entity."""
        self.refresh_location(self.get_location_by_entity(entity_ref).id)

    def cleanup_orphans(self, now: datetime | None = None) -> int:
        """Delete orphans older than the grace period; returns how many went."""
        cutoff = (now or datetime.now(UTC)) - timedelta(seconds=self.config.orphan_grace_seconds)
        with self._writing(), self.sessions.begin() as session:
            doomed = session.execute(
                select(EntityRow.id, EntityRow.entity_ref).where(
                    EntityRow.orphan_since.is_not(None), EntityRow.orphan_since <= cutoff
                )
            ).all()
            counter = ChangeCounter(session)
            if doomed:
                counter.log(((d.id, d.entity_ref) for d in doomed), "delete")
            for part in chunks([d.id for d in doomed]):
                session.execute(delete(EntityRow).where(EntityRow.id.in_(part)))
            empty_removed = select(LocationRow.id).where(
                LocationRow.status == "removed",
                ~select(EntityRow.id).where(EntityRow.location_id == LocationRow.id).exists(),
            )
            session.execute(delete(LocationRow).where(LocationRow.id.in_(empty_removed)))
        return len(doomed)

    # -- entities -------------------------------------------------------------------------

    def delete_entity(self, uid: str) -> None:
        """Delete one entity; it comes back at its location's next refresh if still there."""
        with self._writing(), self.sessions.begin() as session:
            row = session.scalars(select(EntityRow).where(EntityRow.id == uid)).first()
            if row is None:
                raise NotFoundError(f"Entity with uid {uid} not found")
            ChangeCounter(session).log([(row.id, row.entity_ref)], "delete")
            if row.location_id is not None:
                session.execute(
                    update(LocationFileRow)
                    .where(
                        LocationFileRow.location_id == row.location_id,
                        LocationFileRow.address == row.source_address,
                    )
                    .values(content_hash="")
                )
            session.delete(row)

    def validate_entity(self, entity: Mapping[str, Any], location: str) -> list[ProcessingError]:
        """Check an entity as ingestion would (envelope, fields, refs, rules)."""
        where = location or "(request)"
        errors = [ProcessingError(where, e.message, field=e.path) for e in validate_entity(entity)]
        if not errors:
            _, relation_errors = derive_relations(entity)
            errors = [ProcessingError(where, e.message, field=e.path) for e in relation_errors]
        rules = KindRules.from_config(rule_list(self.config.rules))
        kind = str(entity.get("kind", ""))
        if not errors and not rules.allows(kind):
            errors.append(ProcessingError(where, rules.refusal(kind), field="kind"))
        return errors

    # -- internals ------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """SQLite has one writer: writes of this process take turns instead of failing."""
        if self._sqlite:
            with self._write_lock:
                yield
        else:
            yield

    def _new_location(self, session: Session, spec: LocationSpec, *, origin: str) -> LocationRow:
        row = LocationRow(
            id=str(uuid.uuid4()),
            type=spec.type,
            target=spec.target,
            target_key=spec.key,
            origin=origin,
            options=spec.options(),
            created_at=datetime.now(UTC),
            status="pending",
        )
        session.add(row)
        session.flush()
        return row

    def _orphan_location_entities(self, session: Session, location_id: str, now: datetime) -> None:
        entries = session.execute(
            select(EntityRow.id, EntityRow.entity_ref).where(
                EntityRow.location_id == location_id, EntityRow.orphan_since.is_(None)
            )
        ).all()
        if entries:
            counter = ChangeCounter(session)
            session.execute(
                update(EntityRow)
                .where(EntityRow.location_id == location_id, EntityRow.orphan_since.is_(None))
                .values(orphan_since=now, change_seq=counter.seq)
            )
            counter.log(((e.id, e.entity_ref) for e in entries), "upsert")

    def _checked_spec(self, type: str, target: str) -> LocationSpec:
        if type not in LOCATION_TYPES:
            raise CatalogInputError(
                f"Unknown location type {type!r}; use one of {', '.join(LOCATION_TYPES)}"
            )
        if not target or len(target) > 2000:
            raise CatalogInputError("Location target must be a non-empty string")
        scheme = urlsplit(target).scheme.lower()
        local = type == "file" or (type == "git" and scheme in ("", "file"))
        if local:
            path = Path(target.removeprefix("file://").removeprefix("file:"))
            roots = self.config.allowed_file_roots or (self.config.base_dir,)
            resolved = (self.config.base_dir / path).resolve()
            if not any(resolved.is_relative_to(root.resolve()) for root in roots):
                raise CatalogInputError(
                    f"{type} locations on this server must lie under {', '.join(map(str, roots))}"
                )
        elif type == "git" and scheme not in ("https", "http", "ssh", "git"):
            raise CatalogInputError(f"git locations need an https, ssh or git URL, not {scheme}:")
        return LocationSpec(type=type, target=target)

    def _record_failure(self, location_id: str, origin: str, message: str) -> ApplyStats:
        log.warning("location %s could not be read: %s", origin, message)
        error = ProcessingError(origin, message)
        with self._writing(), self.sessions.begin() as session:
            row = session.get(LocationRow, location_id)
            if row is None:
                raise NotFoundError(f"Found no location with ID {location_id}")
            applier = LocationApplier(session, row, datetime.now(UTC))
            stats = applier.finish(complete=False, previous={}, extra_errors=[error])
            row.status = f"error: {message[:500]}"
        return stats

    def _dry_run(self, spec: LocationSpec) -> AddLocationResult:
        location = LocationInfo(id=str(uuid.uuid4()), type=spec.type, target=spec.target)
        try:
            opened = open_location(spec, self.config, self.http)
        except SourceError as exc:
            raise CatalogInputError(str(exc)) from None
        context = file_context(spec, opened, self.config, f"{spec.type}:{spec.target}")
        crawler = Crawler(opened.trees, context, {})
        result = AddLocationResult(location=location)
        for visit in crawler.crawl(opened.roots):
            result.errors.extend(visit.errors)
            if visit.result is not None:
                result.errors.extend(visit.result.errors)
                result.entities.extend(c.body for c in visit.result.entities)
        result.errors.extend(crawler.root_errors)
        return result


def _info(row: LocationRow) -> LocationInfo:
    return LocationInfo(id=row.id, type=row.type, target=_safe_target(row.type, row.target))


def _safe_target(type: str, target: str) -> str:
    return redact_url(target) if type in ("git", "url") else target


def _ref_key(entity_ref: str) -> str:
    try:
        return parse_entity_ref(entity_ref).key
    except ValueError as exc:
        raise CatalogInputError(str(exc)) from None
