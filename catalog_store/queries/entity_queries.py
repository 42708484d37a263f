"""Read queries over the stored catalog: lists, single entities, batches and facets.

Every query selects entity ids with filter conditions on the ``search`` table, then
fetches the rows of just those ids; :mod:`catalog_store.queries.entity_reader` turns
rows into served entities.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.db.tables import EntityRow, SearchRow
from catalog_store.model import InvalidEntityRef, parse_entity_ref
from catalog_store.queries.cursor import OrderField, decode_json_cursor, encode_json_cursor
from catalog_store.queries.entity_reader import ENTITY_COLUMNS, StoredEntity, chunked
from catalog_store.queries.filter_sql import FilterCompiler, RowEstimator, entity_condition
from catalog_store.queries.filters import FilterNode, normalise_key
from catalog_store.queries.ordering import is_nullable, order_clauses, sort_value

MAX_LIST_LIMIT = 10000
"""Largest page ``GET /entities`` serves; larger limits are lowered to it."""
MAX_BATCH_REFS = 1000
"""Most refs one ``by-refs`` request may ask for (the client sends at most 1000)."""
MAX_FACETS = 50
"""Most facets one request may ask for."""


@dataclass(frozen=True, slots=True)
class ListPage:
    """A page of ``GET /entities``: the entity ids in order and the next page's cursor."""

    ids: list[str]
    next_after: str | None


def parse_after(after: str) -> tuple[int | None, int | None]:
    """Decode an ``after`` cursor of ``GET /entities`` into ``(limit, offset)``.

    Raises:
        CatalogInputError: The cursor is malformed.
    """
    payload = decode_json_cursor(after, "after cursor")
    values = []
    for name in ("limit", "offset"):
        value = payload.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise CatalogInputError(f"Malformed after cursor, {name} was not a number")
        if value is not None and value < 0:
            raise CatalogInputError(f"Malformed after cursor, {name} was negative")
        values.append(value)
    return values[0], values[1]


def list_entity_ids(
    session: Session,
    *,
    filter_node: FilterNode | None,
    order: Sequence[OrderField] = (),
    offset: int | None = None,
    limit: int | None = None,
) -> ListPage:
    """Select the ids of one page of ``GET /entities``.

    Without ``order`` entities come by entity ref; with it, by each field in turn
    (nulls last) and then by uid.

    Args:
        session: An open session.
        filter_node: The filter, or None for every entity.
        order: Sort directives.
        offset: Entities to skip.
        limit: Page size (lowered to :data:`MAX_LIST_LIMIT`); None for all entities.

    Returns:
        The ids and, when more entities follow, the ``after`` cursor of the next page.
    """
    if limit is not None:
        limit = min(limit, MAX_LIST_LIMIT)
    columns: list[ColumnElement[Any]] = [EntityRow.id.label("id")]
    for index, directive in enumerate(order):
        columns.append(sort_value(directive.field).label(f"sort_{index}"))
    if not order:
        columns.append(EntityRow.entity_ref.label("sort_ref"))
    inner = select(*columns)
    if filter_node is not None:
        inner = inner.where(
            entity_condition(session, filter_node, ordered_scan=not order and limit is not None)
        )
    sub = inner.subquery()
    terms = []
    if order:
        for index, directive in enumerate(order):
            terms.extend(
                order_clauses(
                    sub.c[f"sort_{index}"],
                    sub.c.id,
                    order=directive.order,
                    nullable=is_nullable(directive.field),
                )[:-1]
            )
        terms.append(sub.c.id.asc())
    else:
        terms.append(sub.c.sort_ref.asc())
    stmt = select(sub.c.id).order_by(*terms)
    if offset:
        stmt = stmt.offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    ids = list(session.scalars(stmt))
    if limit is None or len(ids) <= limit:
        return ListPage(ids, None)
    next_after = encode_json_cursor({"limit": limit, "offset": (offset or 0) + limit})
    return ListPage(ids[:limit], next_after)


def entity_by_key(session: Session, key: str) -> StoredEntity | None:
    """The row of an entity by its lower-cased ref ``kind:namespace/name``."""
    values = session.execute(select(*ENTITY_COLUMNS).where(EntityRow.entity_ref == key)).first()
    return None if values is None else StoredEntity(*values)


def entity_by_uid(session: Session, uid: str) -> StoredEntity | None:
    """The row of an entity by its uid."""
    values = session.execute(select(*ENTITY_COLUMNS).where(EntityRow.id == uid)).first()
    return None if values is None else StoredEntity(*values)


def ref_key(ref: str) -> str | None:
    """The lower-cased storage key of an entity ref string, or None if unparsable."""
    try:
        return parse_entity_ref(ref).key
    except InvalidEntityRef:
        return None


def entities_by_refs(
    session: Session, refs: Sequence[str], filter_node: FilterNode | None = None
) -> list[StoredEntity | None]:
    """Rows for a batch of refs, in the same order, None where no (matching) entity.

    Raises:
        CatalogInputError: More than :data:`MAX_BATCH_REFS` refs.
    """
    if len(refs) > MAX_BATCH_REFS:
        raise CatalogInputError(f"Too many entity refs, at most {MAX_BATCH_REFS} per request")
    keys = [ref_key(ref) for ref in refs]
    wanted = sorted({key for key in keys if key is not None})
    found: dict[str, StoredEntity] = {}
    for part in chunked(wanted):
        stmt = select(*ENTITY_COLUMNS).where(EntityRow.entity_ref.in_(part))
        if filter_node is not None:
            stmt = stmt.where(entity_condition(session, filter_node, checks_only=True))
        for values in session.execute(stmt):
            row = StoredEntity(*values)
            found[row.entity_ref] = row
    return [None if key is None else found.get(key) for key in keys]


def entity_facets(
    session: Session, facets: Sequence[str], filter_node: FilterNode | None = None
) -> dict[str, list[dict[str, object]]]:
    """Count the entities per value of each facet, over the entities the filter keeps.

    Args:
        session: An open session.
        facets: Dotted field names, as given (the response is keyed by them).
        filter_node: The filter, or None for every entity.

    Returns:
        ``{facet: [{"value", "count"}]}``, values sorted; values are lower-cased, as
        stored in the search table. The search rows of an entity are distinct, so
        counting rows counts entities.

    Raises:
        CatalogInputError: No facet, or more than :data:`MAX_FACETS`.
    """
    if not facets:
        raise CatalogInputError("Missing facet parameter")
    if len(facets) > MAX_FACETS:
        raise CatalogInputError(f"Too many facets, at most {MAX_FACETS} per request")
    keys = sorted({normalise_key(facet) for facet in facets})
    stmt = (
        select(SearchRow.key, SearchRow.value, func.count())
        .where(SearchRow.value.is_not(None))
        .group_by(SearchRow.key, SearchRow.value)
    )
    if filter_node is None:
        stmt = stmt.where(SearchRow.key.in_(keys))
    else:
        estimator = RowEstimator(session)
        selective = estimator.node(filter_node) <= estimator.cap
        compiler = FilterCompiler(
            estimator if selective else None, id_column=SearchRow.entity_row_id
        )
        condition = compiler.condition(filter_node)
        if selective:
            # Few entities: walk their rows by entity id (the key term must not use an index).
            stmt = stmt.where(condition, SearchRow.key.concat("").in_(keys))
        else:
            stmt = stmt.where(SearchRow.key.in_(keys), condition)
    counts: dict[str, list[dict[str, object]]] = {key: [] for key in keys}
    for key, value, count in session.execute(stmt):
        counts[key].append({"value": value, "count": int(count)})
    for values in counts.values():
        values.sort(key=lambda item: str(item["value"]))
    return {facet: counts[facet.lower()] for facet in facets}
