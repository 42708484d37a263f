"""Paged, filtered listing of registered locations (``POST /locations/by-query``).

Locations are few, so the predicate is evaluated in memory over each location's
``{id, type, target}``, case-insensitively. Pages follow the location id; the cursor
carries the limit, the last id and the predicate, as Backstage's does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalog_store.catalog_writer import CatalogInputError, LocationInfo
from catalog_store.queries.cursor import decode_json_cursor, encode_json_cursor
from catalog_store.queries.filters import AllOf, AnyOf, FilterNode, KeyMatch
from catalog_store.queries.predicates import parse_predicate

DEFAULT_LOCATIONS_LIMIT = 1000
MAX_LOCATIONS_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class LocationsPage:
    """One page of locations, the number matching in all, and the next cursor."""

    items: list[LocationInfo]
    total_items: int
    next_cursor: str | None


def node_matches(node: FilterNode, document: Mapping[str, str]) -> bool:
    """Evaluate a filter against a flat document of lower-cased keys and values."""
    if isinstance(node, KeyMatch):
        value = document.get(node.key)
        if value is None:
            return False
        if node.values is not None and value not in node.values:
            return False
        return node.prefix is None or value.startswith(node.prefix)
    if isinstance(node, AllOf):
        return all(node_matches(child, document) for child in node.children)
    if isinstance(node, AnyOf):
        return any(node_matches(child, document) for child in node.children)
    return not node_matches(node.child, document)


def query_locations(
    locations: Sequence[LocationInfo],
    *,
    cursor: str | None = None,
    limit: int | None = None,
    query: Any = None,
) -> LocationsPage:
    """Filter and page locations.

    Args:
        locations: Every registered location.
        cursor: The cursor of the previous page; when given, ``limit`` and ``query``
            come from it.
        limit: Page size (default and maximum 1000).
        query: A filter predicate over ``id``, ``type`` and ``target``.

    Raises:
        CatalogInputError: A malformed cursor, limit or predicate.
    """
    after_id: str | None = None
    if cursor is not None:
        payload = decode_json_cursor(cursor)
        limit, after_id, query = payload.get("limit"), payload.get("afterId"), payload.get("query")
        if not isinstance(limit, int) or (after_id is not None and not isinstance(after_id, str)):
            raise CatalogInputError("Malformed cursor")
    limit = DEFAULT_LOCATIONS_LIMIT if limit is None else limit
    if limit < 1:
        raise CatalogInputError("Limit must be a positive integer >= 1")
    limit = min(limit, MAX_LOCATIONS_LIMIT)
    node = parse_predicate(query) if query is not None else None
    matching = sorted(
        (
            location
            for location in locations
            if node is None
            or node_matches(node, {k: v.lower() for k, v in location.as_json().items()})
        ),
        key=lambda location: location.id,
    )
    remaining = [loc for loc in matching if after_id is None or loc.id > after_id]
    items = remaining[:limit]
    next_cursor = None
    if len(remaining) > limit:
        payload = {"limit": limit, "afterId": items[-1].id}
        if query is not None:
            payload["query"] = query
        next_cursor = encode_json_cursor(payload)
    return LocationsPage(items, len(matching), next_cursor)
