"""The search query language: free text with ``key:value`` filters.

``payment srvice kind:component owner:payments-team tag:java`` looks for the words
``payment srvice`` among components owned by ``payments-team`` and tagged ``java``.
Filter values may be quoted (``owner:"payments-team"``); a key given twice, or a value
list ``kind:api,component``, means either value; different keys must all hold. Values
compare case-insensitively. ``component:default/x`` (an entity reference) and URLs are
free text, not filters (``system:`` is the filter). Every other ``key:`` is refused with
a :class:`QueryError` naming the valid keys.

The cost of a query is bounded: text beyond :data:`MAX_QUERY_CHARS` characters is
ignored, and so are words beyond :data:`MAX_TERMS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from catalog_store.model import KNOWN_KINDS
from catalog_store.search.text import split_words

FILTER_KEYS = ("kind", "owner", "tag", "system", "lifecycle", "namespace", "type")
"""The keys a query can filter by."""
MAX_QUERY_CHARS = 256
MAX_TERMS = 12
MAX_FILTER_VALUES = 20
_FILTER_EXAMPLES = {
    "kind": "component",
    "owner": "payments-team",
    "tag": "java",
    "system": "payments",
    "lifecycle": "production",
    "namespace": "default",
    "type": "service",
}
_KINDS = frozenset(kind.lower() for kind in KNOWN_KINDS)
_PART = re.compile(
    r"""
    (?P<key>[^\W\d_][\w.-]*):(?:"(?P<quoted>[^"]*)"?|(?P<value>\S*))
    | "(?P<phrase>[^"]*)"?
    | (?P<word>\S+)
    """,
    re.VERBOSE,
)


class QueryError(ValueError):
    """A query that cannot be run; the message says why and what to type instead."""


@dataclass(frozen=True, slots=True)
class FilterClause:
    """One filter: the entity's ``key`` must have one of ``values`` (lower-cased)."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A parsed query.

    Attributes:
        terms: The case-folded words of the free text, in order (at most :data:`MAX_TERMS`).
        filters: Clauses that must all hold.
        text: The free text as typed (filters removed).
        truncated: Whether part of the query was ignored for being too long.
    """

    terms: tuple[str, ...] = ()
    filters: tuple[FilterClause, ...] = ()
    text: str = ""
    truncated: bool = False

    def filter_values(self, key: str) -> list[tuple[str, ...]]:
        """The value lists of every clause on ``key``."""
        return [clause.values for clause in self.filters if clause.key == key]

    def with_filters(self, filters: Mapping[str, Iterable[str]]) -> ParsedQuery:
        """This query with more clauses (each key's values are alternatives).

        Raises:
            QueryError: A key is not a filter key, or a value list is empty.
        """
        clauses = list(self.filters)
        for key, values in filters.items():
            clauses.append(_clause(key, list(values)))
        return ParsedQuery(self.terms, tuple(clauses), self.text, self.truncated)


def _unknown_key(key: str) -> QueryError:
    return QueryError(
        f"Unknown filter {key!r}: valid filters are " + ", ".join(f"{k}:" for k in FILTER_KEYS)
    )


def _clause(key: str, values: list[str]) -> FilterClause:
    name = key.strip().lower()
    if name not in FILTER_KEYS:
        raise _unknown_key(key)
    cleaned: list[str] = []
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if part and part not in cleaned:
                cleaned.append(part)
    if not cleaned:
        raise QueryError(
            f"The filter {name}: needs a value, for example {name}:{_FILTER_EXAMPLES[name]}"
        )
    return FilterClause(name, tuple(cleaned[:MAX_FILTER_VALUES]))


def _is_free_text(key: str, value: str) -> bool:
    """``component:default/x`` and ``https://…`` are text, not filters."""
    if value.startswith("//"):
        return True
    return key.lower() in _KINDS and key.lower() not in FILTER_KEYS


def parse_query(text: str) -> ParsedQuery:
    """Parse a query into words and filters.

    Args:
        text: What was typed.

    Returns:
        The parsed query; at least one of its words or filters is present.

    Raises:
        QueryError: The query is empty, has nothing to search for (only punctuation or
            symbols), uses an unknown filter key, or a filter without a value.
    """
    if not isinstance(text, str) or not text.strip():
        raise QueryError(
            "The query is empty: type words to search for, or a filter such as kind:component"
        )
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    values: dict[str, list[str]] = {}
    free: list[str] = []
    for match in _PART.finditer(text):
        key = match.group("key")
        if key is not None:
            quoted = match.group("quoted")
            value = quoted if quoted is not None else match.group("value") or ""
            if _is_free_text(key, value):
                free.append(match.group(0))
                continue
            if key.lower() not in FILTER_KEYS:
                raise _unknown_key(key)
            values.setdefault(key.lower(), []).append(value)
        else:
            free.append(match.group("phrase") or match.group("word") or "")
    clauses = tuple(_clause(key, found) for key, found in values.items())
    free_text = " ".join(part for part in free if part.strip())
    terms = split_words(free_text)
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    if not terms and not clauses:
        raise QueryError(
            "The query has no letters or digits to search for: type a name, a word of a "
            "title or description, or a filter such as kind:component"
        )
    return ParsedQuery(tuple(terms), clauses, free_text, truncated)


def browse_query(filters: Mapping[str, Iterable[str]] | None = None) -> ParsedQuery:
    """A query without words: every entity that passes ``filters``.

    Raises:
        QueryError: A key is not a filter key, or a value list is empty.
    """
    return ParsedQuery().with_filters(filters or {})


__all__ = [
    "FILTER_KEYS",
    "FilterClause",
    "ParsedQuery",
    "QueryError",
    "browse_query",
    "parse_query",
]
