"""Cursor-paged entity queries (``/entities/by-query``), as Backstage's ``queryEntities``.

The first request gives the filter (filter strings or a predicate), an optional sort
field, an optional full-text filter, a limit and an offset; every later request gives
only the cursor of the previous response (and optionally a new limit). Pages are cut
with keyset conditions on ``(sort value, uid)``, so walking the cursors never skips or
repeats an entity even while others are added. The total is counted on the first
request only and carried in the cursor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.db.tables import EntityRow, SearchRow
from catalog_store.queries.cursor import FullTextFilter, OrderField, QueryCursor
from catalog_store.queries.filter_sql import entity_condition
from catalog_store.queries.filters import (
    MAX_FILTER_SETS,
    FilterNode,
    combine,
    escape_like,
    normalise_key,
    parse_filter_params,
)
from catalog_store.queries.ordering import (
    check_order_field,
    is_nullable,
    keyset_condition,
    order_clauses,
    sort_value,
)
from catalog_store.queries.predicates import parse_predicate

DEFAULT_QUERY_LIMIT = 200
"""Page size when the request gives none."""
MAX_QUERY_LIMIT = 1000
"""Largest page served; larger limits are lowered to it."""
MAX_FULL_TEXT_LENGTH = 200
"""Longest full-text term accepted."""


@dataclass(frozen=True, slots=True)
class QueryPage:
    """One page: entity ids in order, the total, and the cursors around the page."""

    ids: list[str]
    total_items: int
    next_cursor: str | None
    prev_cursor: str | None


def initial_cursor(
    *,
    filter_strings: Sequence[str] | None = None,
    query: Any = None,
    order_fields: Sequence[OrderField] = (),
    full_text: FullTextFilter | None = None,
) -> QueryCursor:
    """The cursor state of a first request, validated.

    Raises:
        CatalogInputError: A malformed filter, predicate, sort or full-text filter.
    """
    for directive in order_fields:
        check_order_field(directive.field, directive.order)
    if full_text is not None:
        term = full_text.term.strip()
        if len(term) > MAX_FULL_TEXT_LENGTH:
            raise CatalogInputError(
                f"Invalid fullTextFilterTerm, longer than {MAX_FULL_TEXT_LENGTH} characters"
            )
        fields = full_text.fields
        if fields is not None:
            fields = tuple(f.strip() for f in fields if f.strip()) or None
            if fields is not None and len(fields) > MAX_FILTER_SETS:
                raise CatalogInputError("Invalid fullTextFilterFields, too many fields")
        full_text = FullTextFilter(term, fields) if term else None
    cursor = QueryCursor(
        filter=tuple(filter_strings) if filter_strings else None,
        query=query,
        order_fields=tuple(order_fields),
        full_text=full_text,
    )
    query_filter(cursor)
    return cursor


def query_filter(cursor: QueryCursor) -> FilterNode | None:
    """The filter tree of a cursor (its filter strings AND its predicate).

    Raises:
        CatalogInputError: The filter or predicate is malformed or over the caps.
    """
    legacy = parse_filter_params(cursor.filter) if cursor.filter else None
    predicate = parse_predicate(cursor.query) if cursor.query is not None else None
    return combine(legacy, predicate)


def _full_text_condition(
    full_text: FullTextFilter, sort_field: OrderField | None
) -> ColumnElement[bool]:
    fields = full_text.fields or (sort_field.field if sort_field else "metadata.uid",)
    keys = sorted({normalise_key(field) for field in fields})
    pattern = "%" + escape_like(full_text.term.lower()) + "%"
    matches = select(SearchRow.entity_row_id).where(
        SearchRow.key.in_(keys), SearchRow.value.like(pattern, escape="\\")
    )
    return EntityRow.row_id.in_(matches)


def _edge_values(row: Any, has_sort: bool) -> tuple[str | None, ...]:
    return (row.sort_value, row.id) if has_sort else (row.id,)


def query_page(
    session: Session,
    cursor: QueryCursor,
    *,
    limit: int | None = None,
    offset: int | None = None,
    count_total: bool = True,
) -> QueryPage:
    """Run one page of a paged query.

    Args:
        session: An open session.
        cursor: The state: :func:`initial_cursor` for a first request, or a decoded
            cursor of an earlier page.
        limit: Page size; when None, the cursor's or :data:`DEFAULT_QUERY_LIMIT`;
            lowered to :data:`MAX_QUERY_LIMIT`; 0 returns no entities but still counts.
        offset: Entities to skip (first requests only).
        count_total: False reports a total of 0 instead of counting (first requests).

    Returns:
        The page.

    Raises:
        CatalogInputError: A malformed cursor or a negative limit or offset.
    """
    if limit is None:
        limit = cursor.limit if cursor.limit is not None else DEFAULT_QUERY_LIMIT
    if limit < 0 or (offset is not None and offset < 0):
        raise CatalogInputError("Invalid limit or offset, must be zero or greater")
    limit = min(limit, MAX_QUERY_LIMIT)
    is_initial = cursor.order_field_values is None
    sort_field = cursor.order_fields[0] if cursor.order_fields else None
    node = query_filter(cursor)
    text_condition = None
    if cursor.full_text is not None and cursor.full_text.term:
        text_condition = _full_text_condition(cursor.full_text, sort_field)

    def conditions(scan: bool) -> list[ColumnElement[bool]]:
        # Walking the uid order up to a limit: check big leaves per entity. Counting,
        # or sorting every match by a field: narrow with lists and columns instead.
        terms = [] if text_condition is None else [text_condition]
        if node is not None:
            terms.insert(
                0, entity_condition(session, node, use_columns=not scan, ordered_scan=scan)
            )
        return terms

    total = cursor.total_items
    if total is None:
        total = 0
        if count_total:
            count = select(func.count()).select_from(EntityRow).where(*conditions(False))
            total = int(session.scalar(count) or 0)

    columns: list[ColumnElement[Any]] = [EntityRow.id.label("id")]
    if sort_field is not None:
        columns.append(sort_value(sort_field.field).label("sort_value"))
    sub = select(*columns).where(*conditions(sort_field is None)).subquery()
    value = sub.c.sort_value if sort_field is not None else None
    order = sort_field.order if sort_field is not None else "asc"
    nullable = sort_field is not None and is_nullable(sort_field.field)
    forward = not cursor.is_previous
    stmt = select(*sub.c).order_by(
        *order_clauses(value, sub.c.id, order=order, nullable=nullable, forward=forward)
    )
    if cursor.order_field_values is not None:
        stmt = stmt.where(
            keyset_condition(
                value, sub.c.id, cursor.order_field_values, order=order, forward=forward
            )
        )
    if is_initial and offset:
        stmt = stmt.offset(offset)
    rows = (
        list(session.execute(stmt.limit(limit if cursor.is_previous else limit + 1)))
        if limit > 0
        else []
    )
    if cursor.is_previous:
        rows.reverse()
    has_more = limit > 0 and (cursor.is_previous or len(rows) > limit)
    rows = rows[:limit]

    has_sort = sort_field is not None
    first_values = cursor.first_sort_field_values
    if first_values is None and rows:
        first_values = _edge_values(rows[0], has_sort)
    base = replace(cursor, total_items=total, first_sort_field_values=first_values, limit=limit)
    next_cursor = None
    if has_more and rows:
        next_cursor = replace(
            base, order_field_values=_edge_values(rows[-1], has_sort), is_previous=False
        ).encode()
    prev_cursor = None
    if not is_initial and rows and _edge_values(rows[0], has_sort) != first_values:
        prev_cursor = replace(
            base, order_field_values=_edge_values(rows[0], has_sort), is_previous=True
        ).encode()
    return QueryPage([row.id for row in rows], total, next_cursor, prev_cursor)
