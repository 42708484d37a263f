"""What the HTTP API needs of a search index."""

from __future__ import annotations

from typing import Protocol

from catalog_store.search.query import ParsedQuery
from catalog_store.search.results import SearchPage


class SearchIndexHandle(Protocol):
    """Anything that answers queries: a :class:`~catalog_store.search.SearchIndex` or a
    :class:`~catalog_store.search.CatalogSearch` (which refreshes itself first)."""

    def search(self, query: str | ParsedQuery, *, limit: int = 20, offset: int = 0) -> SearchPage:
        """Run a query (see :meth:`catalog_store.search.SearchIndex.search`)."""
        ...
