"""Parsing of query-string parameters the way Backstage's catalog parses them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from catalog_store.catalog_writer import CatalogInputError
from catalog_store.model import InvalidEntityRef, parse_entity_ref
from catalog_store.queries.cursor import OrderField
from catalog_store.queries.ordering import MAX_ORDER_FIELDS, check_order_field

_TRUE = frozenset({"y", "yes", "true", "1", "on"})
_FALSE = frozenset({"n", "no", "false", "0", "off"})
MAX_INT_PARAM = 2**31 - 1


def parse_int(value: str | None, name: str) -> int | None:
    """An integer parameter, or None when absent.

    Raises:
        CatalogInputError: The value is not a whole number.
    """
    if value is None:
        return None
    text = value.strip()
    if not text.lstrip("-").isdigit() or len(text) > 12:
        raise CatalogInputError(f"Invalid {name}, not an integer on the form 123")
    number = int(text)
    if number > MAX_INT_PARAM:
        raise CatalogInputError(f"Invalid {name}, too large")
    return number


def parse_yes_no(value: str | None, default: bool = False) -> bool:
    """A yes/no flag such as ``dryRun=true`` (y, yes, true, 1, on and their opposites)."""
    if value is None:
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return default


def split_commas(values: Iterable[str] | None) -> list[str]:
    """Every comma-separated item of repeated parameters, trimmed, empties dropped."""
    items: list[str] = []
    for value in values or ():
        items.extend(part.strip() for part in value.split(","))
    return [item for item in items if item]


def _checked(directives: list[OrderField]) -> list[OrderField]:
    if len(directives) > MAX_ORDER_FIELDS:
        raise CatalogInputError(f"Too many order fields, at most {MAX_ORDER_FIELDS}")
    for directive in directives:
        check_order_field(directive.field, directive.order)
    return directives


def parse_order_params(values: Sequence[str] | None) -> list[OrderField]:
    """``order=asc:metadata.name`` parameters of ``GET /entities``.

    Raises:
        CatalogInputError: A value is not ``<asc|desc>:<field>``.
    """
    directives = []
    for value in values or ():
        order, sep, field = value.partition(":")
        if not sep or order not in ("asc", "desc") or not field:
            raise CatalogInputError(
                f'Invalid order parameter "{value}", expected "<asc or desc>:<field name>"'
            )
        directives.append(OrderField(field, order))
    return _checked(directives)


def parse_order_field_params(values: Sequence[str] | None) -> list[OrderField]:
    """``orderField=metadata.name,asc`` parameters of ``GET /entities/by-query``.

    Raises:
        CatalogInputError: The order is neither ``asc`` nor ``desc``.
    """
    directives = []
    for value in values or ():
        field, _, order = value.partition(",")
        directives.append(OrderField(field.strip(), order.strip() or "asc"))
    return _checked(directives)


def entity_key(kind: str, namespace: str, name: str) -> str:
    """The lower-cased storage key of an entity named by its three parts."""
    return f"{kind}:{namespace}/{name}".lower()


def ref_to_key(ref: str, name: str = "entityRef") -> str:
    """The lower-cased storage key of an entity ref given in a request.

    Raises:
        CatalogInputError: The ref cannot be parsed.
    """
    try:
        return parse_entity_ref(ref).key
    except InvalidEntityRef as exc:
        raise CatalogInputError(f"Invalid {name}: {exc}") from exc
