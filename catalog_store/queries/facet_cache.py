"""A small cache of facet counts, valid while the catalog's change counter stands still.

Every write to the catalog bumps ``catalog_state.change_seq``; facet counts computed at
one value of the counter stay right until it moves, so repeated facet requests (a
catalog page asks for several on every visit) cost one primary-key read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from catalog_store.db.tables import CatalogStateRow

T = TypeVar("T")
MAX_ENTRIES = 256


def current_change_seq(session: Session) -> int | None:
    """The catalog's change counter, or None when it has no row."""
    value = session.scalar(select(CatalogStateRow.change_seq).where(CatalogStateRow.id == 1))
    return None if value is None else int(value)


class ChangeKeyedCache:
    """Results keyed by a request key and the change counter they were computed at."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[Hashable, int], object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the cached value of ``key`` at the current counter, or compute it.

        Args:
            session: The session to read the counter (and compute) in.
            key: A hashable description of the request.
            compute: Computes the value when it is not cached.
        """
        seq = current_change_seq(session)
        if seq is None:
            return compute()
        entry_key = (key, seq)
        with self._lock:
            if entry_key in self._entries:
                self._entries.move_to_end(entry_key)
                return self._entries[entry_key]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            self._entries[entry_key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value
