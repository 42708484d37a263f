"""The ancestry of an entity: the chain of Location entities that led to its file.

An entity's parents are the ``kind: Location`` entities of its location whose file
names, among its targets, the file the entity was read from. Targets are stored as
written (relative paths, URLs, globs), so they are resolved against the address of
the file that holds them. The walk goes up from the entity until no parent is found.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog_store.catalog_writer import NotFoundError
from catalog_store.db.tables import EntityRow, LocationFileRow
from catalog_store.queries.entity_queries import entity_by_key
from catalog_store.queries.entity_reader import (
    ENTITY_COLUMNS,
    StoredEntity,
    build_entities,
    chunked,
)

MAX_ANCESTRY_ITEMS = 100
"""Most entities one ancestry walk visits."""
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class _Node:
    row: StoredEntity
    location_id: str | None
    address: str | None


def stringify_ref(entity: dict[str, Any]) -> str:
    """Backstage's string form of an entity's ref: ``kind:namespace/name``, with kind
    and namespace lower-cased."""
    metadata = entity.get("metadata") or {}
    kind = str(entity.get("kind", "")).lower()
    namespace = str(metadata.get("namespace") or "default").lower()
    return f"{kind}:{namespace}/{metadata.get('name', '')}"


def resolve_target(base_address: str, target: str) -> str:
    """Resolve a Location target against the address of the file that names it."""
    if target.startswith("file:"):
        target = target[len("file:") :]
    if "://" in base_address or "://" in target:
        return urljoin(base_address, target)
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_address), target))


def target_matches(base_address: str, target: str, address: str) -> bool:
    """Whether ``target``, written in the file at ``base_address``, names ``address``."""
    resolved = resolve_target(base_address, target)
    if _GLOB_CHARS.intersection(target):
        return fnmatch.fnmatchcase(address, resolved)
    return resolved == address


def _load_nodes(session: Session, where: Any) -> list[_Node]:
    stmt = select(*ENTITY_COLUMNS, EntityRow.location_id, EntityRow.source_address).where(where)
    nodes = []
    for values in session.execute(stmt):
        fields: tuple[Any, ...] = tuple(values)
        nodes.append(_Node(StoredEntity(*fields[: len(ENTITY_COLUMNS)]), fields[-2], fields[-1]))
    return nodes


def _parent_keys(session: Session, node: _Node) -> list[str]:
    if node.location_id is None or node.address is None:
        return []
    files = session.execute(
        select(LocationFileRow.address, LocationFileRow.targets, LocationFileRow.entity_refs).where(
            LocationFileRow.location_id == node.location_id
        )
    )
    keys: set[str] = set()
    for address, targets, refs in files:
        if address == node.address:
            continue
        for target in targets or []:
            text = target[1] if isinstance(target, list) and len(target) > 1 else target
            if isinstance(text, str) and target_matches(address, text, node.address):
                keys.update(
                    ref.lower() for ref in refs or [] if ref.lower().startswith("location:")
                )
                break
    keys.discard(node.row.entity_ref)
    return sorted(keys)


def entity_ancestry(session: Session, key: str) -> dict[str, Any]:
    """Backstage's ancestry response for the entity with lower-cased ref ``key``.

    Returns:
        ``{"rootEntityRef", "items": [{"entity", "parentEntityRefs"}]}``, the entity
        itself first.

    Raises:
        NotFoundError: No entity has that ref.
    """
    root = entity_by_key(session, key)
    if root is None:
        raise NotFoundError(f"No such entity {key}")
    nodes = _load_nodes(session, EntityRow.id == root.id)
    todo = deque(nodes)
    seen = {root.entity_ref}
    visited: list[tuple[_Node, list[str]]] = []
    while todo and len(visited) < MAX_ANCESTRY_ITEMS:
        node = todo.popleft()
        parents: list[_Node] = []
        for part in chunked(_parent_keys(session, node)):
            parents.extend(_load_nodes(session, EntityRow.entity_ref.in_(part)))
        visited.append((node, [p.row.entity_ref for p in parents]))
        for parent in parents:
            if parent.row.entity_ref not in seen:
                seen.add(parent.row.entity_ref)
                todo.append(parent)
    entities = build_entities(session, [node.row for node, _ in visited])
    refs = {
        node.row.entity_ref: stringify_ref(e)
        for (node, _), e in zip(visited, entities, strict=True)
    }
    items = [
        {"entity": entity, "parentEntityRefs": [refs.get(p, p) for p in parent_keys]}
        for (_node, parent_keys), entity in zip(visited, entities, strict=True)
    ]
    return {"rootEntityRef": stringify_ref(entities[0]), "items": items}
