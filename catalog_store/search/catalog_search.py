"""A search index that follows the catalog database through its change log.

:class:`CatalogSearch` loads every entity once, remembering the catalog's change counter
(``catalog_state.change_seq``). :meth:`CatalogSearch.refresh` then reads only the change
log rows after that counter and re-indexes or removes just those entities. Writers take
counter values in commit order, so every change at or below a counter value read is
already visible: nothing is skipped, and several servers on one database, each
following the same log, converge on the same index.

:meth:`CatalogSearch.refresh_if_due` is cheap enough to call before every query: at most
once per ``max_age_s`` it reads the counter (one primary-key read) and refreshes only
when the counter moved. Queries never wait for a refresh another thread is running.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from catalog_store.db.tables import EntityChangeRow, EntityRow
from catalog_store.queries.entity_reader import chunked
from catalog_store.queries.facet_cache import current_change_seq
from catalog_store.search.documents import SearchDocument, document_of
from catalog_store.search.index import SearchIndex
from catalog_store.search.query import ParsedQuery
from catalog_store.search.results import SearchPage

log = logging.getLogger(__name__)

DEFAULT_MAX_AGE_S = 1.0
FULL_RELOAD_SHARE = 0.5
"""Reload everything when more than this share of the indexed entities changed..."""
FULL_RELOAD_MIN = 1_000
"""...and more than this many."""
LOAD_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class RefreshStats:
    """What a refresh did.

    Attributes:
        change_seq: The change counter the index now reflects.
        upserted: Entities indexed anew.
        removed: Entities removed.
        full: Whether everything was reloaded.
    """

    change_seq: int
    upserted: int
    removed: int
    full: bool


def _documents(rows: Iterable[tuple[str, str]]) -> Iterator[tuple[str, SearchDocument | None]]:
    for entity_id, body in rows:
        try:
            entity = json.loads(body)
        except ValueError:
            yield entity_id, None
            continue
        yield entity_id, document_of(entity_id, entity) if isinstance(entity, dict) else None


class CatalogSearch:
    """The catalog's search index, kept up to date from the database.

    Loading is lazy: the first search (or :meth:`refresh`) loads the catalog.
    """

    def __init__(
        self, sessions: sessionmaker[Session], *, max_age_s: float = DEFAULT_MAX_AGE_S
    ) -> None:
        """Follow the catalog of ``sessions``.

        Args:
            sessions: The catalog database's session factory.
            max_age_s: How often :meth:`refresh_if_due` looks at the change counter.
        """
        self._sessions = sessions
        self.max_age_s = max_age_s
        self._index = SearchIndex()
        self._seq: int | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @property
    def index(self) -> SearchIndex:
        """The index (loaded or not)."""
        return self._index

    @property
    def change_seq(self) -> int | None:
        """The change counter the index reflects; None before the first load."""
        return self._seq

    def load(self) -> RefreshStats:
        """Index every entity anew and remember the change counter."""
        with self._lock:
            return self._load()

    def refresh(self) -> RefreshStats:
        """Apply the changes logged since the last load or refresh (loading first if needed)."""
        with self._lock:
            return self._refresh()

    def refresh_if_due(self, max_age_s: float | None = None) -> bool:
        """Refresh when the counter was last read more than ``max_age_s`` ago.

        Returns at once, without refreshing, while another thread refreshes (unless
        nothing is loaded yet, when it waits for that load).

        Args:
            max_age_s: Overrides the instance's ``max_age_s``.

        Returns:
            Whether the counter was read.
        """
        age = self.max_age_s if max_age_s is None else max_age_s
        if self._seq is not None and time.monotonic() - self._checked < age:
            return False
        if not self._lock.acquire(blocking=self._seq is None):
            return False
        try:
            if self._seq is not None and time.monotonic() - self._checked < age:
                return False
            self._refresh()
            return True
        finally:
            self._lock.release()

    def search(self, query: str | ParsedQuery, *, limit: int = 20, offset: int = 0) -> SearchPage:
        """Refresh if due, then search (see :meth:`SearchIndex.search`).

        A database error during the refresh is logged and the last loaded index answers;
        only a first load that fails raises.
        """
        try:
            self.refresh_if_due()
        except SQLAlchemyError:
            if self._seq is None:
                raise
            log.warning("search index refresh failed; answering from the last loaded index")
        return self._index.search(query, limit=limit, offset=offset)

    def _load(self) -> RefreshStats:
        with self._sessions() as session:
            seq = current_change_seq(session) or 0
            rows = session.execute(select(EntityRow.id, EntityRow.body)).yield_per(LOAD_BATCH)
            documents = [doc for _, doc in _documents(rows) if doc is not None]
        self._index.replace_all(documents)
        self._seq = seq
        self._checked = time.monotonic()
        return RefreshStats(seq, len(documents), 0, full=True)

    def _refresh(self) -> RefreshStats:
        if self._seq is None:
            return self._load()
        last = self._seq
        with self._sessions() as session:
            seq = current_change_seq(session) or 0
            self._checked = time.monotonic()
            if seq == last:
                return RefreshStats(seq, 0, 0, full=False)
            ids: list[str] = []
            if seq > last:
                ids = list(
                    session.scalars(
                        select(EntityChangeRow.entity_id)
                        .where(EntityChangeRow.seq > last, EntityChangeRow.seq <= seq)
                        .distinct()
                    )
                )
            reload = seq < last or len(ids) > max(
                FULL_RELOAD_MIN, FULL_RELOAD_SHARE * len(self._index)
            )
            if not reload:
                upserts, removed = self._read(session, ids)
        if reload:
            if seq < last:
                log.info("catalog change counter went back (%s < %s); reloading", seq, last)
            return self._load()
        self._index.apply(upserts, removed)
        self._seq = seq
        return RefreshStats(seq, len(upserts), len(removed), full=False)

    @staticmethod
    def _read(session: Session, ids: Sequence[str]) -> tuple[list[SearchDocument], list[str]]:
        found: dict[str, SearchDocument | None] = {}
        for part in chunked(ids):
            rows = session.execute(
                select(EntityRow.id, EntityRow.body).where(EntityRow.id.in_(part))
            )
            found.update(_documents(rows))
        upserts = [doc for doc in found.values() if doc is not None]
        removed = [entity_id for entity_id in ids if found.get(entity_id) is None]
        return upserts, removed
