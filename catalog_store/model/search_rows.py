"""The search rows of an entity, as Backstage's stitcher builds them (``buildEntitySearch``).

Every leaf of the entity becomes a ``(key, value)`` row: keys are dotted paths,
list items repeat their list's key, and a string item ``x`` of a list at ``k`` also
gives the row ``(k.x, "true")`` so that several items can be required at once.
Keys and values are lower-cased; keys longer than 200 characters are dropped and
values longer than 200 characters are stored as None.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from catalog_store.model.refs import DEFAULT_NAMESPACE, InvalidEntityRef, entity_ref_of
from catalog_store.model.relations import Relation

MAX_KEY_LENGTH = 200
MAX_VALUE_LENGTH = 200
MAX_DEPTH = 100
"""Deeper parts of an entity are not indexed."""
MAX_CONTAINERS = 100_000
"""Objects and lists indexed per entity at most; the rest is not indexed."""

SKIPPED_PATHS = frozenset(
    {
        "attachments",
        "relations",
        "status",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "metadata.etag",
    }
)
"""Paths left out of the generic walk: not worth indexing, or added as special rows."""

_NOT_SCALAR = object()
_EXACT_INTEGER = 2**53
"""Integers from here on are JavaScript numbers that have lost their last digits."""


def _number_text(value: float) -> str:
    """Format a float the way JavaScript's ``String(number)`` does."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    if not isinstance(exponent, int):
        return repr(value)
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exponent += len(digit_tuple) - len(digits)
    k = len(digits)
    n = exponent + k
    if k <= n <= 21:
        body = digits + "0" * (n - k)
    elif 0 < n <= 21:
        body = f"{digits[:n]}.{digits[n:]}"
    elif -6 < n <= 0:
        body = "0." + "0" * -n + digits
    else:
        mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
        body = f"{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return ("-" if sign else "") + body


def _scalar_text(value: Any) -> Any:
    """Return a leaf's text, None for null, or ``_NOT_SCALAR`` for containers and others."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if -_EXACT_INTEGER < value < _EXACT_INTEGER:
            return str(value)
        try:
            return _number_text(float(value))
        except OverflowError:
            return "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return _NOT_SCALAR


def _key_text(key: Any) -> str:
    text = _scalar_text(key)
    if text is None:
        return "null"
    return text if isinstance(text, str) else str(key)


class _Walk:
    """Collects the distinct search rows of an entity's leaves in document order."""

    __slots__ = ("keys", "remaining", "rows", "seen")

    def __init__(self) -> None:
        self.rows: list[tuple[str, str | None]] = []
        self.seen: set[tuple[str, str | None]] = set()
        self.keys: set[str] = set()
        self.remaining = MAX_CONTAINERS

    def emit(self, key: str, value: str | None) -> None:
        """Add the row for one leaf: lower-cased, length-limited, once."""
        lowered = key.lower()
        self.keys.add(lowered)
        if len(lowered) > MAX_KEY_LENGTH or (
            not lowered.isascii() and _utf16_length(lowered) > MAX_KEY_LENGTH
        ):
            return
        if value is not None:
            value = value.lower()
            if len(value) > MAX_VALUE_LENGTH or (
                not value.isascii() and _utf16_length(value) > MAX_VALUE_LENGTH
            ):
                value = None
        row = (lowered, value)
        if row not in self.seen:
            self.seen.add(row)
            self.rows.append(row)

    def child(self, path: str, value: Any, depth: int) -> None:
        """Visit one value found at ``path`` (a key's value or a list's item)."""
        if type(value) is str:
            self.emit(path, value)
        elif isinstance(value, dict | list | tuple | Mapping):
            if depth < MAX_DEPTH:
                self.container(path, value, depth + 1)
        else:
            text = _scalar_text(value)
            if text is not _NOT_SCALAR:
                self.emit(path, text)

    def container(self, path: str, node: Any, depth: int) -> None:
        """Visit the entries of an object or the items of a list."""
        self.remaining -= 1
        if self.remaining < 0:
            return
        if isinstance(node, list | tuple):
            for item in node:
                self.child(path, item, depth)
                if type(item) is str:
                    item_key = f"{path}.{item}"
                    if item_key.lower() not in self.keys:
                        self.emit(item_key, "true")
            return
        for key, value in node.items():
            name = key if type(key) is str else _key_text(key)
            child_path = f"{path}.{name}" if path else name
            if child_path not in SKIPPED_PATHS:
                self.child(child_path, value, depth)


def _utf16_length(text: str) -> int:
    """Length as JavaScript counts it (UTF-16 code units), which Backstage's limits use."""
    return len(text.encode("utf-16-le")) // 2


def _own_relations(entity: Mapping[str, Any], relations: Iterable[Relation]) -> list[Relation]:
    try:
        own_key = entity_ref_of(entity).key
    except InvalidEntityRef:
        return list(relations)
    return [relation for relation in relations if relation.source.key == own_key]


def build_search_rows(
    entity: Mapping[str, Any], relations: Iterable[Relation]
) -> list[tuple[str, str | None]]:
    """Flatten an entity and its relations into the rows of the search table.

    Args:
        entity: The entity body. Its ``relations``, ``status`` and ``attachments``
            are not walked; ``metadata.etag`` is left out.
        relations: Relations to index as ``relations.<type>`` rows; those whose
            source is another entity (the reverse halves from ``derive_relations``)
            are ignored.

    Returns:
        Distinct ``(key, value)`` rows, lower-cased, in document order, followed by
        ``metadata.name``, ``metadata.namespace`` (also ``"default"`` when absent),
        ``metadata.uid`` and the relation rows.
    """
    if not isinstance(entity, Mapping):
        return []
    walk = _Walk()
    walk.container("", entity, 0)
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        metadata = {}
    namespace = metadata.get("namespace")
    for field, value in (
        ("name", metadata.get("name")),
        ("namespace", namespace),
        ("uid", metadata.get("uid")),
    ):
        text = _scalar_text(value)
        walk.emit(f"metadata.{field}", None if text is _NOT_SCALAR else text)
    if not namespace:
        walk.emit("metadata.namespace", DEFAULT_NAMESPACE)
    for relation in _own_relations(entity, relations):
        walk.emit(f"relations.{relation.type}", relation.target.key)

    return walk.rows
