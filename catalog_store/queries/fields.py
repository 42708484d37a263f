"""The ``fields`` parameter: keeping only some dotted paths of each entity.

``fields=metadata.name,metadata.annotations,spec`` keeps those subtrees and prunes the
rest, as Backstage's ``parseEntityTransformParams`` does. A path part may itself hold
dots (``metadata.annotations.backstage.io/orphan``): at each level the shortest run of
parts that names an existing key is taken. Paths that lead nowhere add nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from catalog_store.catalog_writer import CatalogInputError

MAX_FIELDS = 100
"""Most paths one request may select."""
MAX_FIELD_LENGTH = 300
"""Longest path accepted."""

Fields = tuple[str, ...]


def parse_fields(values: Iterable[str]) -> Fields | None:
    """Parse ``fields`` parameters (repeated and/or comma-separated).

    Args:
        values: The raw parameter values.

    Returns:
        The distinct paths in order, or None when none was given (keep everything).

    Raises:
        CatalogInputError: A path uses ``[`` (array selectors are not supported), is
            too long, or there are too many paths.
    """
    fields: list[str] = []
    for value in values:
        fields.extend(part.strip() for part in value.split(","))
    kept = tuple(dict.fromkeys(f for f in fields if f))
    if not kept:
        return None
    if len(kept) > MAX_FIELDS:
        raise CatalogInputError(f"Invalid fields, more than {MAX_FIELDS} fields requested")
    for field in kept:
        if "[" in field:
            raise CatalogInputError("invalid fields, array type fields are not supported")
        if len(field) > MAX_FIELD_LENGTH:
            raise CatalogInputError(
                f"Invalid fields, a field is longer than {MAX_FIELD_LENGTH} characters"
            )
    return kept


def wants_root(fields: Fields | None, root: str) -> bool:
    """Whether the selection may include the top-level key ``root`` of an entity."""
    if fields is None:
        return True
    return any(f == root or f.startswith(root + ".") for f in fields)


def _resolve(entity: Mapping[str, Any], field: str) -> list[str] | None:
    parts = field.split(".")
    keys: list[str] = []
    node: Any = entity
    start = 0
    while start < len(parts):
        if not isinstance(node, Mapping):
            return None
        for end in range(start + 1, len(parts) + 1):
            candidate = ".".join(parts[start:end])
            if candidate in node:
                keys.append(candidate)
                node = node[candidate]
                start = end
                break
        else:
            return None
    return keys


def project(entity: Mapping[str, Any], fields: Fields | None) -> dict[str, Any]:
    """Keep only the selected paths of an entity.

    Args:
        entity: The full entity.
        fields: The selected paths; None keeps the whole entity.

    Returns:
        A new object with the selected subtrees (shared, not copied).
    """
    if fields is None:
        return dict(entity)
    output: dict[str, Any] = {}
    whole: set[tuple[str, ...]] = set()
    resolved = [keys for field in fields if (keys := _resolve(entity, field))]
    for keys in sorted(resolved, key=len):
        if any(tuple(keys[:n]) in whole for n in range(1, len(keys))):
            continue
        whole.add(tuple(keys))
        target = output
        node: Any = entity
        for key in keys[:-1]:
            node = node[key]
            child = target.get(key)
            if not isinstance(child, dict):
                child = target[key] = {}
            target = child
        target[keys[-1]] = node[keys[-1]]
    return output
