"""Backstage entity filters: parsing ``filter=`` query strings and predicates into trees.

A filter is a small tree: :class:`KeyMatch` leaves (``key`` exists, ``key`` has one of
some values, or ``key`` starts with a prefix) joined by :class:`AllOf`, :class:`AnyOf`
and :class:`Negation`.

The query-string form follows Backstage's ``parseEntityFilterParams``: each ``filter``
parameter is a set of comma-separated conditions that must all hold (``key=value`` or a
bare ``key`` for existence; several values for one key mean any of them), and the entity
must match at least one of the sets. Keys and values are compared lower-cased.
:mod:`catalog_store.queries.filter_sql` turns the trees into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from catalog_store.catalog_writer import CatalogInputError

MAX_FILTER_SETS = 100
"""Most ``filter`` parameters (or ``$any`` branches) one request may carry."""
MAX_CONDITIONS = 500
"""Most conditions (each value of ``$in`` or of a repeated key counts) in one filter."""
MAX_KEY_LENGTH = 200
"""Longest key accepted; the search table stores no longer keys."""
MAX_VALUE_LENGTH = 1024
"""Longest value accepted (the search table stores at most 200 characters)."""
MAX_DEPTH = 16
"""Deepest nesting of ``$all``/``$any``/``$not`` accepted."""


@dataclass(frozen=True, slots=True)
class KeyMatch:
    """Entities with a search row for ``key``; with ``values``, one of them; with
    ``prefix``, a value that starts with it. Key, values and prefix are lower-cased."""

    key: str
    values: tuple[str, ...] | None = None
    prefix: str | None = None


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every child holds (no children: always true)."""

    children: tuple[FilterNode, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one child holds (no children: never true)."""

    children: tuple[FilterNode, ...]


@dataclass(frozen=True, slots=True)
class Negation:
    """The child does not hold."""

    child: FilterNode


FilterNode = KeyMatch | AllOf | AnyOf | Negation


class ConditionBudget:
    """Counts conditions while a filter is parsed and refuses filters over the caps."""

    def __init__(self, limit: int = MAX_CONDITIONS) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, count: int = 1) -> None:
        """Account for ``count`` more conditions.

        Raises:
            CatalogInputError: The filter has more than the allowed number of conditions.
        """
        self.used += count
        if self.used > self.limit:
            raise CatalogInputError(
                f"Invalid filter, more than {self.limit} conditions in one request"
            )


def normalise_key(key: str) -> str:
    """Lower-case and check a filter key.

    Raises:
        CatalogInputError: The key is empty or too long.
    """
    if not key:
        raise CatalogInputError("Invalid filter, empty key")
    if len(key) > MAX_KEY_LENGTH:
        raise CatalogInputError(f"Invalid filter, key longer than {MAX_KEY_LENGTH} characters")
    return key.lower()


def normalise_value(value: str) -> str:
    """Lower-case and check a filter value.

    Raises:
        CatalogInputError: The value is too long.
    """
    if len(value) > MAX_VALUE_LENGTH:
        raise CatalogInputError(f"Invalid filter, value longer than {MAX_VALUE_LENGTH} characters")
    return value.lower()


def parse_filter_string(text: str, budget: ConditionBudget) -> FilterNode | None:
    """Parse one ``filter`` parameter such as ``kind=component,spec.type=service``.

    Args:
        text: Comma-separated ``key=value`` or ``key`` statements.
        budget: Shared condition counter of the request.

    Returns:
        The conditions joined with AND, or None when the text holds no statement.

    Raises:
        CatalogInputError: A statement has no key, or the caps are exceeded.
    """
    statements = [s.strip() for s in text.split(",")]
    by_key: dict[str, list[str]] = {}
    for statement in filter(None, statements):
        key, sep, value = statement.partition("=")
        key = key.strip()
        if not key:
            raise CatalogInputError(
                f"Invalid filter, '{statement}' is not a valid statement "
                "(expected a string on the form a=b or a= or a)"
            )
        budget.spend()
        values = by_key.setdefault(normalise_key(key), [])
        if sep:
            values.append(normalise_value(value.strip()))
    if not by_key:
        return None
    matches: list[FilterNode] = [
        KeyMatch(key, tuple(dict.fromkeys(values)) if values else None)
        for key, values in by_key.items()
    ]
    return matches[0] if len(matches) == 1 else AllOf(tuple(matches))


def parse_filter_params(filters: Sequence[str]) -> FilterNode | None:
    """Parse the repeated ``filter`` query parameters of a request.

    Args:
        filters: Every ``filter`` value, in order.

    Returns:
        The sets joined with OR, or None when no set holds a statement.

    Raises:
        CatalogInputError: A statement is malformed or the caps are exceeded.
    """
    if len(filters) > MAX_FILTER_SETS:
        raise CatalogInputError(
            f"Invalid filter, more than {MAX_FILTER_SETS} filter parameters in one request"
        )
    budget = ConditionBudget()
    sets = [node for text in filters if (node := parse_filter_string(text, budget)) is not None]
    if not sets:
        return None
    return sets[0] if len(sets) == 1 else AnyOf(tuple(sets))


def combine(*nodes: FilterNode | None) -> FilterNode | None:
    """AND together the given filters, skipping the absent ones."""
    present = tuple(node for node in nodes if node is not None)
    if not present:
        return None
    return present[0] if len(present) == 1 else AllOf(present)


def escape_like(text: str) -> str:
    """Escape ``%``, ``_`` and the escape character itself for a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
