"""Answers remembered until the catalog changes.

Groups, their parents and their members are shared by many entities (a team owns
hundreds of components), so the same group answer is asked for again and again. A
:class:`GenerationCache` keeps such answers for as long as the catalog's change counter
(``catalog_state.change_seq``, as the search index last saw it) stays the same, and
forgets everything the moment it moves. Without a generation source nothing is kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

Generation = Callable[[], int | None]
"""The catalog's current change counter, without I/O; None when it is not known yet."""

DEFAULT_MAX_ENTRIES = 4096
"""Most answers kept; the least recently used go first."""


class GenerationCache:
    """A bounded, thread-safe cache emptied whenever ``generation()`` changes."""

    def __init__(
        self, generation: Generation | None, *, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        """Keep up to ``max_entries`` answers per generation; keep none without a source."""
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, not {max_entries}")
        self._generation = generation
        self._max_entries = max_entries
        self._lock = threading.Lock()
        self._current: int | None = None
        self._items: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The remembered answer for ``key``, or ``compute()``'s, remembered.

        An answer computed while the generation moved is returned but not kept.
        """
        generation = self.generation()
        found, value = self.find(key, generation)
        if found:
            return value  # type: ignore[return-value]
        computed = compute()
        self.store(key, computed, generation)
        return computed

    def generation(self) -> int | None:
        """The generation now (None: nothing is kept)."""
        return self._generation() if self._generation is not None else None

    def find(self, key: Hashable, generation: int | None) -> tuple[bool, object]:
        """``(True, answer)`` when ``key`` is remembered for ``generation``; else
        ``(False, None)`` (and everything older is forgotten)."""
        if generation is None:
            return False, None
        with self._lock:
            if generation != self._current:
                self._items.clear()
                self._current = generation
                return False, None
            if key not in self._items:
                return False, None
            self._items.move_to_end(key)
            return True, self._items[key]

    def store(self, key: Hashable, value: object, generation: int | None) -> None:
        """Remember ``value`` for ``key`` if ``generation`` is still the current one."""
        if generation is None:
            return
        with self._lock:
            if generation == self._current:
                self._items[key] = value
                while len(self._items) > self._max_entries:
                    self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
