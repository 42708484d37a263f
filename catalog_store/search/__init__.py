"""Fuzzy discovery search over the catalog: typo-tolerant, abbreviation-aware, kept
up to date from the catalog's change log.

Use :class:`CatalogSearch` in a server (it follows the database), :class:`SearchIndex`
directly over documents, and :func:`parse_query` for the query language.
"""

from catalog_store.search.catalog_search import CatalogSearch, RefreshStats
from catalog_store.search.documents import FIELDS, SearchDocument, document_of
from catalog_store.search.handle import SearchIndexHandle
from catalog_store.search.index import SearchIndex
from catalog_store.search.query import (
    FILTER_KEYS,
    FilterClause,
    ParsedQuery,
    QueryError,
    browse_query,
    parse_query,
)
from catalog_store.search.results import FieldMatch, SearchHit, SearchPage

__all__ = [
    "FIELDS",
    "FILTER_KEYS",
    "CatalogSearch",
    "FieldMatch",
    "FilterClause",
    "ParsedQuery",
    "QueryError",
    "RefreshStats",
    "SearchDocument",
    "SearchHit",
    "SearchIndex",
    "SearchIndexHandle",
    "SearchPage",
    "browse_query",
    "document_of",
    "parse_query",
]
