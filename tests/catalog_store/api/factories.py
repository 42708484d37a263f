"""Rows of stored entities for API tests, written straight into the catalog tables.

The rows follow the storage contract of ``catalog_store.db.tables``: the body without
uid, etag, relations and status; the relation rows of the entity in both directions;
the search rows of ``build_search_rows``; and processing errors by entity ref.
"""

from __future__ import annotations

import copy
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from catalog_store.db.tables import (
    CatalogStateRow,
    EntityRow,
    LocationFileRow,
    LocationRow,
    ProcessingErrorRow,
    RelationRow,
    SearchRow,
)
from catalog_store.model import build_search_rows, derive_relations, entity_ref_of

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def component(
    name: str,
    *,
    owner: str = "team-a",
    type_: str = "service",
    namespace: str | None = None,
    tags: Sequence[str] = (),
    lifecycle: str = "production",
    **spec: Any,
) -> dict[str, Any]:
    """A Component entity."""
    metadata: dict[str, Any] = {"name": name}
    if namespace is not None:
        metadata["namespace"] = namespace
    if tags:
        metadata["tags"] = list(tags)
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": metadata,
        "spec": {"type": type_, "lifecycle": lifecycle, "owner": owner, **spec},
    }


def entity(
    kind: str, name: str, spec: Mapping[str, Any] | None = None, **metadata: Any
) -> dict[str, Any]:
    """An entity of any kind."""
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": name, **metadata},
        "spec": dict(spec or {}),
    }


def add_location(session: Session, target: str, *, location_id: str | None = None) -> str:
    """Insert a registered location row; returns its id."""
    location_id = location_id or str(uuid.uuid4())
    session.execute(
        insert(LocationRow).values(
            id=location_id,
            type="file",
            target=target,
            target_key=hashlib.sha256(target.encode()).hexdigest(),
            origin="api",
            options={},
            created_at=NOW,
            status="ok",
        )
    )
    return location_id


def add_location_file(
    session: Session,
    location_id: str,
    address: str,
    *,
    targets: Sequence[str] = (),
    entity_refs: Sequence[str] = (),
) -> None:
    """Insert the record of one file read for a location."""
    session.execute(
        insert(LocationFileRow).values(
            location_id=location_id,
            address=address,
            content_hash="x",
            dependencies={},
            targets=[["file", target, 1] for target in targets],
            entity_refs=sorted(entity_refs),
        )
    )


def insert_entity(
    session: Session,
    body: Mapping[str, Any],
    *,
    uid: str | None = None,
    location_id: str | None = None,
    address: str | None = None,
    orphan: bool = False,
    errors: Iterable[tuple[str | None, str]] = (),
    change_seq: int = 1,
) -> str:
    """Store one entity with its relations, search rows and processing errors.

    Returns:
        The entity's uid.
    """
    uid = uid or str(uuid.uuid4())
    stored = copy.deepcopy(dict(body))
    ref = entity_ref_of(stored)
    metadata = stored["metadata"]
    metadata.setdefault("namespace", "default")
    annotations = metadata.setdefault("annotations", {})
    where = f"file:{address or '/catalog/' + ref.name + '.yaml'}"
    annotations.setdefault("backstage.io/managed-by-location", where)
    annotations.setdefault("backstage.io/managed-by-origin-location", where)
    relations, _ = derive_relations(stored)
    searched = copy.deepcopy(stored)
    searched["metadata"]["uid"] = uid
    text = json.dumps(stored, sort_keys=True)
    row_id = session.scalar(
        insert(EntityRow)
        .values(
            id=uid,
            entity_ref=ref.key,
            kind=ref.kind.lower(),
            namespace=ref.namespace.lower(),
            name=ref.name.lower(),
            location_id=location_id,
            source_address=address,
            body=text,
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            generation=1,
            created_at=NOW,
            updated_at=NOW,
            orphan_since=NOW if orphan else None,
            change_seq=change_seq,
        )
        .returning(EntityRow.row_id)
    )
    if relations:
        session.execute(
            insert(RelationRow),
            [
                {
                    "origin_row_id": row_id,
                    "source_key": r.source.key,
                    "type": r.type,
                    "target_ref": str(r.target),
                    "target_key": r.target.key,
                }
                for r in relations
            ],
        )
    rows = build_search_rows(searched, relations)
    session.execute(
        insert(SearchRow), [{"entity_row_id": row_id, "key": k, "value": v} for k, v in rows]
    )
    error_rows = [
        {
            "location_id": location_id,
            "address": address or "/catalog/x.yaml",
            "line": 1,
            "entity_ref": ref.key,
            "field": field,
            "message": message,
            "created_at": NOW,
        }
        for field, message in errors
    ]
    session.execute(
        update(CatalogStateRow)
        .where(CatalogStateRow.id == 1)
        .values(change_seq=CatalogStateRow.change_seq + 1)
    )
    if error_rows:
        if location_id is None:
            raise ValueError("processing errors need the entity's location_id")
        session.execute(insert(ProcessingErrorRow), error_rows)
    return uid
