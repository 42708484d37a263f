"""Sorting entities by a dotted field, nulls last, with a stable tie-break on the uid.

The sort value of a field is its (lower-cased) search value; an entity with several
values sorts by the smallest, one without any sorts last in either direction. Kind,
namespace, name and uid are read from the ``entities`` columns, which hold the same
lower-cased values. Keyset conditions let a cursor resume right after (or before) the
last row it served.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select
from sqlalchemy.sql.elements import UnaryExpression

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.db.tables import EntityRow, SearchRow
from catalog_store.queries.filters import MAX_KEY_LENGTH

MAX_ORDER_FIELDS = 10
"""Most sort directives one request may give."""

_COLUMN_SORTS: dict[str, Any] = {
    "kind": EntityRow.kind,
    "metadata.namespace": EntityRow.namespace,
    "metadata.name": EntityRow.name,
    "metadata.uid": EntityRow.id,
}


def check_order_field(field: str, order: str) -> None:
    """Validate one sort directive.

    Raises:
        CatalogInputError: The field is empty or too long, or the order is not asc/desc.
    """
    if not field or len(field) > MAX_KEY_LENGTH:
        raise CatalogInputError("Invalid order field, must be a non-empty dotted path")
    if order not in ("asc", "desc"):
        raise CatalogInputError("Invalid order field order, must be asc or desc")


def is_nullable(field: str) -> bool:
    """Whether entities may lack a sort value for ``field``."""
    return field.lower() not in _COLUMN_SORTS


def sort_value(field: str) -> ColumnElement[Any]:
    """The SQL expression of an entity's sort value for ``field``."""
    key = field.lower()
    column = _COLUMN_SORTS.get(key)
    if column is not None:
        return column  # type: ignore[no-any-return]
    return (
        select(func.min(SearchRow.value))
        .where(SearchRow.entity_row_id == EntityRow.row_id, SearchRow.key == key)
        .scalar_subquery()
    )


def _direction(expression: ColumnElement[Any], descending: bool) -> UnaryExpression[Any]:
    return expression.desc() if descending else expression.asc()


def order_clauses(
    value: ColumnElement[Any] | None,
    uid: ColumnElement[Any],
    *,
    order: str = "asc",
    nullable: bool = True,
    forward: bool = True,
) -> list[UnaryExpression[Any]]:
    """ORDER BY terms: nulls last, then the value, then the uid, all in one direction.

    Args:
        value: The sort value column, or None to sort by uid alone.
        uid: The entity id column.
        order: ``asc`` or ``desc``.
        nullable: Whether ``value`` may be null (adds the nulls-last term).
        forward: False walks the order backwards (for previous pages).
    """
    descending = (order == "desc") == forward
    if value is None:
        return [_direction(uid, not forward)]
    terms = []
    if nullable:
        flag = case((value.is_(None), literal_column("1")), else_=literal_column("0"))
        terms.append(_direction(flag, not forward))
    terms.append(_direction(value, descending))
    terms.append(_direction(uid, descending))
    return terms


def _compare(column: ColumnElement[Any], value: Any, greater: bool) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = column > value if greater else column < value
    return condition


def keyset_condition(
    value: ColumnElement[Any] | None,
    uid: ColumnElement[Any],
    edge: tuple[str | None, ...],
    *,
    order: str = "asc",
    forward: bool = True,
) -> ColumnElement[bool]:
    """Rows strictly after (``forward``) or before the edge row in the sort order.

    Args:
        value: The sort value column, or None when sorting by uid alone.
        uid: The entity id column.
        edge: ``(value, uid)`` of the edge row, or ``(uid,)`` without a sort value.
        order: ``asc`` or ``desc``.
        forward: True for rows after the edge, False for rows before it.

    Raises:
        CatalogInputError: The edge does not fit the sort (a tampered cursor).
    """
    if value is None:
        if len(edge) != 1 or edge[0] is None:
            raise CatalogInputError("Malformed cursor, order values do not match the order")
        return _compare(uid, edge[0], forward)
    if len(edge) != 2 or edge[1] is None:
        raise CatalogInputError("Malformed cursor, order values do not match the order")
    edge_value, edge_uid = edge
    greater = (order == "asc") == forward
    if edge_value is None:
        same_null = and_(value.is_(None), _compare(uid, edge_uid, greater))
        return same_null if forward else or_(value.is_not(None), same_null)
    beyond = or_(
        _compare(value, edge_value, greater),
        and_(value == edge_value, _compare(uid, edge_uid, greater)),
    )
    return or_(value.is_(None), beyond) if forward else and_(value.is_not(None), beyond)
