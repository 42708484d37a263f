"""Assembling the entities the API serves from their stored rows.

A stored body lacks what the catalog adds when serving: ``metadata.uid`` (the row id),
``metadata.etag`` (from the content hash and change counter), ``relations`` (every
relation row whose source is the entity), the ``backstage.io/orphan`` annotation of
orphans, and ``status.items`` for processing errors. Relations and errors for a whole
page of entities are each fetched with one query per chunk of refs.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog_store.db.tables import EntityRow, ProcessingErrorRow, RelationRow
from catalog_store.queries.fields import Fields, project, wants_root

ORPHAN_ANNOTATION = "backstage.io/orphan"
PROCESSING_STATUS_TYPE = "backstage.io/catalog-processing"
IN_CHUNK = 500
"""Most values in one ``IN (...)`` list."""


@dataclass(frozen=True, slots=True)
class StoredEntity:
    """The columns of an ``entities`` row that serving an entity needs."""

    id: str
    entity_ref: str
    body: str
    content_hash: str
    change_seq: int
    orphan_since: datetime | None


ENTITY_COLUMNS = (
    EntityRow.id,
    EntityRow.entity_ref,
    EntityRow.body,
    EntityRow.content_hash,
    EntityRow.change_seq,
    EntityRow.orphan_since,
)
"""The columns to select for :class:`StoredEntity`, in its field order."""


def chunked(items: Sequence[str], size: int = IN_CHUNK) -> Iterator[Sequence[str]]:
    """Slices of ``items`` no longer than ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def entity_etag(content_hash: str, change_seq: int) -> str:
    """The ``metadata.etag`` of an entity: a short hash of its content and last change.

    Args:
        content_hash: The entity's ``content_hash`` column.
        change_seq: The entity's ``change_seq`` column.

    Returns:
        Sixteen hexadecimal characters.
    """
    return hashlib.sha256(f"{content_hash}:{change_seq}".encode()).hexdigest()[:16]


def relations_by_source(session: Session, refs: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """The relations of each entity ref, sorted by type then target, without duplicates."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for part in chunked(refs):
        rows = session.execute(
            select(RelationRow.source_key, RelationRow.type, RelationRow.target_ref).where(
                RelationRow.source_key.in_(part)
            )
        )
        for source, type_, target in rows:
            found[source].add((type_, target))
    return {
        source: [{"type": t, "targetRef": target} for t, target in sorted(pairs)]
        for source, pairs in found.items()
    }


def _error_text(field: str | None, message: str) -> str:
    return f"{field}: {message}" if field else message


def status_items_by_ref(session: Session, refs: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The ``status.items`` of each entity ref, one per stored processing error."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for part in chunked(refs):
        rows = session.execute(
            select(
                ProcessingErrorRow.entity_ref, ProcessingErrorRow.field, ProcessingErrorRow.message
            )
            .where(ProcessingErrorRow.entity_ref.in_(part))
            .order_by(ProcessingErrorRow.id)
        )
        for ref, field, message in rows:
            text = _error_text(field, message)
            found[ref or ""].append(
                {
                    "type": PROCESSING_STATUS_TYPE,
                    "level": "error",
                    "message": f"InputError: {text}",
                    "error": {"name": "InputError", "message": text},
                }
            )
    return found


def assemble_entity(
    row: StoredEntity,
    relations: list[dict[str, str]] | None,
    status_items: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """Build the served entity of one row.

    Args:
        row: The stored row.
        relations: Its relations; None leaves ``relations`` out (not selected).
        status_items: Its processing errors; ``status`` is left out when empty or None.

    Returns:
        The entity JSON as Backstage's catalog serves it.
    """
    entity: dict[str, Any] = json.loads(row.body)
    metadata = entity.get("metadata")
    if not isinstance(metadata, dict):
        metadata = entity["metadata"] = {}
    metadata["uid"] = row.id
    metadata["etag"] = entity_etag(row.content_hash, row.change_seq)
    if row.orphan_since is not None:
        annotations = metadata.get("annotations")
        if not isinstance(annotations, dict):
            annotations = metadata["annotations"] = {}
        annotations[ORPHAN_ANNOTATION] = "true"
    if relations is not None:
        entity["relations"] = relations
    if status_items:
        entity["status"] = {"items": status_items}
    return entity


def build_entities(
    session: Session, rows: Sequence[StoredEntity], fields: Fields | None = None
) -> list[dict[str, Any]]:
    """Serve a page of rows: add relations and statuses, then apply the field selection.

    Relations and errors are only fetched when the selection can include them.

    Args:
        session: An open session.
        rows: The rows, in the order to serve them.
        fields: The ``fields`` selection, or None for whole entities.

    Returns:
        The entities, in the order of ``rows``.
    """
    refs = [row.entity_ref for row in rows]
    relations = relations_by_source(session, refs) if wants_root(fields, "relations") else None
    statuses = status_items_by_ref(session, refs) if wants_root(fields, "status") else None
    entities = []
    for row in rows:
        entity = assemble_entity(
            row,
            None if relations is None else relations.get(row.entity_ref, []),
            None if statuses is None else statuses.get(row.entity_ref),
        )
        entities.append(entity if fields is None else project(entity, fields))
    return entities


def load_rows_by_id(session: Session, ids: Sequence[str]) -> list[StoredEntity]:
    """Fetch rows by entity id, in the order of ``ids``; missing ids are skipped."""
    found: dict[str, StoredEntity] = {}
    for part in chunked(ids):
        for values in session.execute(select(*ENTITY_COLUMNS).where(EntityRow.id.in_(part))):
            found[values[0]] = StoredEntity(*values)
    return [found[i] for i in ids if i in found]


def dump_json(value: Any) -> str:
    """Compact JSON text of a response body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
