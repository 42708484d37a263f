"""Opaque cursors: base64 of a JSON object, as Backstage's catalog encodes them.

The ``by-query`` cursor carries the whole query (filter strings or predicate, order,
full-text filter), the sort values of the page edge, the total and the page size, so
that later pages need only the cursor. A cursor that came from a predicate query holds a
``query`` key, which is how Backstage's client decides to send the next page by POST.
Decoding validates the shape; the filter inside is parsed again, under the same caps
as a fresh request.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from catalog_store.catalog_writer import CatalogInputError

MAX_CURSOR_LENGTH = 65536
"""Longest cursor text accepted."""


def encode_json_cursor(payload: dict[str, Any]) -> str:
    """Encode a JSON object as a cursor string."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(text.encode()).decode("ascii")


def decode_json_cursor(cursor: str, name: str = "cursor") -> dict[str, Any]:
    """Decode a cursor string into its JSON object.

    Raises:
        CatalogInputError: The cursor is empty, too long, or not base64 JSON of an object.
    """
    if not cursor:
        raise CatalogInputError(f"Invalid {name}, must not be empty")
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise CatalogInputError(f"Malformed {name}, too long")
    try:
        payload = json.loads(base64.b64decode(cursor.encode("ascii"), validate=False))
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise CatalogInputError(f"Malformed {name}, could not be parsed") from exc
    if not isinstance(payload, dict):
        raise CatalogInputError(f"Malformed {name}, not an object")
    return payload


@dataclass(frozen=True, slots=True)
class OrderField:
    """One sort directive: a dotted field and ``asc`` or ``desc``."""

    field: str
    order: str = "asc"

    def as_json(self) -> dict[str, str]:
        """The ``{field, order}`` JSON form."""
        return {"field": self.field, "order": self.order}


@dataclass(frozen=True, slots=True)
class FullTextFilter:
    """A case-insensitive substring to look for in some fields."""

    term: str
    fields: tuple[str, ...] | None = None

    def as_json(self) -> dict[str, Any]:
        """The ``{term, fields?}`` JSON form."""
        out: dict[str, Any] = {"term": self.term}
        if self.fields is not None:
            out["fields"] = list(self.fields)
        return out


@dataclass(frozen=True, slots=True)
class QueryCursor:
    """The state of a paged ``by-query`` walk."""

    filter: tuple[str, ...] | None = None
    query: Any = None
    order_fields: tuple[OrderField, ...] = ()
    full_text: FullTextFilter | None = None
    order_field_values: tuple[str | None, ...] | None = None
    first_sort_field_values: tuple[str | None, ...] | None = None
    is_previous: bool = False
    total_items: int | None = None
    limit: int | None = None

    def encode(self) -> str:
        """The opaque cursor string."""
        payload: dict[str, Any] = {
            "orderFields": [o.as_json() for o in self.order_fields],
            "orderFieldValues": list(self.order_field_values or ()),
            "isPrevious": self.is_previous,
        }
        if self.filter is not None:
            payload["filter"] = list(self.filter)
        if self.query is not None:
            payload["query"] = self.query
        if self.full_text is not None:
            payload["fullTextFilter"] = self.full_text.as_json()
        if self.first_sort_field_values is not None:
            payload["firstSortFieldValues"] = list(self.first_sort_field_values)
        if self.total_items is not None:
            payload["totalItems"] = self.total_items
        if self.limit is not None:
            payload["limit"] = self.limit
        return encode_json_cursor(payload)


def _string_list(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogInputError(f"Malformed cursor, {name} must be a list of strings")
    return tuple(value)


def _value_list(value: Any, name: str) -> tuple[str | None, ...]:
    if not isinstance(value, list) or not all(v is None or isinstance(v, str) for v in value):
        raise CatalogInputError(f"Malformed cursor, {name} must be a list of strings or nulls")
    if len(value) > 2:
        raise CatalogInputError(f"Malformed cursor, {name} has too many values")
    return tuple(value)


def _order_fields(value: Any) -> tuple[OrderField, ...]:
    if not isinstance(value, list):
        raise CatalogInputError("Malformed cursor, orderFields must be a list")
    out = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("field"), str)
            or item.get("order") not in ("asc", "desc")
        ):
            raise CatalogInputError("Malformed cursor, bad orderFields entry")
        out.append(OrderField(item["field"], item["order"]))
    return tuple(out)


def _full_text(value: Any) -> FullTextFilter | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("term"), str):
        raise CatalogInputError("Malformed cursor, bad fullTextFilter")
    fields = value.get("fields")
    return FullTextFilter(
        value["term"], None if fields is None else _string_list(fields, "fullTextFilter.fields")
    )


def decode_query_cursor(cursor: str) -> QueryCursor:
    """Decode and validate a ``by-query`` cursor.

    Raises:
        CatalogInputError: The cursor is malformed.
    """
    payload = decode_json_cursor(cursor)
    is_previous = payload.get("isPrevious", False)
    total = payload.get("totalItems")
    if not isinstance(is_previous, bool):
        raise CatalogInputError("Malformed cursor, isPrevious must be a boolean")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool) or total < 0):
        raise CatalogInputError("Malformed cursor, totalItems must be a number")
    limit = payload.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
        raise CatalogInputError("Malformed cursor, limit must be a number")
    raw_filter = payload.get("filter")
    raw_first = payload.get("firstSortFieldValues")
    return QueryCursor(
        filter=None if raw_filter is None else _string_list(raw_filter, "filter"),
        query=payload.get("query"),
        order_fields=_order_fields(payload.get("orderFields", [])),
        full_text=_full_text(payload.get("fullTextFilter")),
        order_field_values=_value_list(payload.get("orderFieldValues", []), "orderFieldValues")
        or None,
        first_sort_field_values=None
        if raw_first is None
        else _value_list(raw_first, "firstSortFieldValues"),
        is_previous=is_previous,
        total_items=total,
        limit=limit,
    )
