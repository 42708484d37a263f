"""Pausing Python's cyclic garbage collector around work that builds many acyclic objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small, acyclic objects.

    Reference counting still frees them. With the collector running, each of its passes
    walks every object still alive (rows in flight, results waiting their turn), which for
    millions of objects costs seconds and finds nothing. Pausing is process-wide; the state
    found on entry comes back on exit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
