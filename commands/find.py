"""``find QUERY``: catalog entities ranked by the fuzzy search, with filters."""

from __future__ import annotations

from dataclasses import dataclass

from catalog_store.search import QueryError, SearchHit
from commands.errors import CommandError
from commands.services import Discovery
from commands.targets import clean_query

PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class FindAnswer:
    """One page of ``find`` results.

    Attributes:
        query: The query as searched.
        hits: The entities of this page, best first, each with why it matched.
        total: How many entities matched in all.
        offset: How many results come before this page.
        limit: The page size.
    """

    query: str
    hits: tuple[SearchHit, ...]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        """Whether another page follows."""
        return self.offset + len(self.hits) < self.total


def find(discovery: Discovery, text: str, *, limit: int = PAGE_SIZE, offset: int = 0) -> FindAnswer:
    """Answer ``find``.

    Args:
        discovery: The services.
        text: Words and filters, e.g. ``kind:api checkout``.
        limit: Results per page (1 to :data:`MAX_PAGE_SIZE`).
        offset: Results to skip.

    Raises:
        commands.errors.CommandError: the query is empty or has an unknown filter.
    """
    query = clean_query(text)
    if not query:
        raise CommandError("Tell me what to find, for example `find kind:api checkout`.")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    try:
        page = discovery.search.search(query, limit=limit, offset=max(0, offset))
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    return FindAnswer(query, tuple(page.hits), page.total, page.offset, page.limit)
