"""Processing catalog files in worker processes while the crawl (and the writer) go on.

Parsing and validating YAML is most of the CPU work of a large first load, and it needs
nothing but the file's bytes, so a crawl that meets many files to process hands them to
a small process pool and collects the results in crawl order. A file that names
placeholders (``$text``, ``$json``, ...) reads other files while it is processed, so it
is processed in the crawling process, as are the first files of a crawl unless one of
them is large (for a few small files, starting processes would cost more than it saves).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from sys import intern

from catalog_store.ingest.file_processing import FileContext, FileResult, process_file
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import SourceError
from catalog_store.yaml_documents import LineIndex

POOL_AFTER_FILES = 8
"""A crawl starts its worker processes at the file to process after this many ..."""
POOL_FOR_BYTES = 512 * 1024
"""... or at the first file of at least this size (an ``org.yaml`` of thousands of
people takes seconds to process)."""
IN_FLIGHT_PER_WORKER = 64
"""Files handed out ahead of the crawl, per worker. The window is wide because the crawl
takes results in order: while one worker spends seconds on a large file (an ``org.yaml``
early in the crawl), the others go on with the files after it instead of waiting."""
IN_FLIGHT_BYTES = 32 * 1024 * 1024
"""... and no more once this much file content is out with the workers."""


def default_workers() -> int:
    """Worker processes on this machine: two, or none on a single CPU."""
    return 2 if (os.cpu_count() or 1) > 1 else 0


@dataclass(frozen=True, slots=True)
class FixedAnnotation:
    """The ``managed-by-location`` annotation of one file, computed by the crawl."""

    value: str

    def __call__(self, _address: str) -> str:
        """The annotation, whatever the address."""
        return self.value


@dataclass(frozen=True, slots=True)
class WorkerContext:
    """The picklable part of a :class:`FileContext` that files without placeholders need."""

    location_type: str
    origin_annotation: str
    rules: KindRules
    skip_remote_placeholders: bool


def _no_reader(target: str, _base: str) -> tuple[str, bytes]:
    raise SourceError(f"{target}: placeholders are not read in worker processes")


NO_LINES = LineIndex("")
"""Stands for a file's line index on the way back from a worker (see :func:`attach_lines`)."""


def process_in_worker(
    address: str, display: str, raw: bytes, context: WorkerContext, annotation: str
) -> FileResult:
    """:func:`process_file` for a file without placeholders, in a worker process.

    The result travels back compacted: without the file's text, which the crawling
    process already holds, and with its repeated strings (search keys, common values,
    relation refs) interned, so each is pickled once per file rather than once per row.
    """
    full = FileContext(
        location_type=context.location_type,
        origin_annotation=context.origin_annotation,
        rules=context.rules,
        reader=_no_reader,
        annotation=FixedAnnotation(annotation),
        skip_remote_placeholders=context.skip_remote_placeholders,
    )
    result = process_file(address, display, raw, full)
    for candidate in result.entities:
        candidate.lines = NO_LINES
        candidate.search_keys = [intern(key) for key in candidate.search_keys]
        candidate.search_values = [
            value if value is None else intern(value) for value in candidate.search_values
        ]
        candidate.relation_rows = [
            (intern(source), intern(kind), intern(target_ref), intern(target))
            for source, kind, target_ref, target in candidate.relation_rows
        ]
    return result


def attach_lines(result: FileResult, raw: bytes) -> FileResult:
    """Give a worker's result the line index of its file again, read from ``raw``."""
    lines = LineIndex(raw)
    for candidate in result.entities:
        candidate.lines = lines
    return result


PendingResult = Callable[[], FileResult]


class FileProcessor:
    """Processes the files of one crawl, in worker processes once there are many."""

    def __init__(self, context: FileContext, workers: int | None = None) -> None:
        self._context = context
        self._workers = default_workers() if workers is None else workers
        self._worker_context = WorkerContext(
            location_type=context.location_type,
            origin_annotation=context.origin_annotation,
            rules=context.rules,
            skip_remote_placeholders=context.skip_remote_placeholders,
        )
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        self._submitted = 0
        self._bytes_out = 0

    @property
    def pool_started(self) -> bool:
        """Whether worker processes are running for this crawl."""
        return self._pool is not None

    @property
    def in_flight_limit(self) -> int:
        """How many files may be handed out ahead of the crawl."""
        return self._workers * IN_FLIGHT_PER_WORKER

    @property
    def has_room(self) -> bool:
        """Whether the workers hold less file content than :data:`IN_FLIGHT_BYTES`."""
        return self._bytes_out < IN_FLIGHT_BYTES

    def start(self, address: str, display: str, raw: bytes) -> PendingResult:
        """Begin processing a file; the returned callable waits for its result."""
        self._submitted += 1
        pool = self._pool_for(raw)
        if pool is None:
            return lambda: process_file(address, display, raw, self._context)
        annotation = self._context.annotation(address)
        try:
            future: Future[FileResult] = pool.submit(
                process_in_worker, address, display, raw, self._worker_context, annotation
            )
        except (BrokenProcessPool, RuntimeError, OSError):
            self._broken = True
            return lambda: process_file(address, display, raw, self._context)

        self._bytes_out += len(raw)

        def result() -> FileResult:
            try:
                return attach_lines(future.result(), raw)
            except BrokenProcessPool:
                self._broken = True
                return process_file(address, display, raw, self._context)
            finally:
                self._bytes_out -= len(raw)

        return result

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _pool_for(self, raw: bytes) -> ProcessPoolExecutor | None:
        if self._workers <= 0 or self._broken or b"$" in raw:
            return None
        if self._pool is None:
            if self._submitted <= POOL_AFTER_FILES and len(raw) < POOL_FOR_BYTES:
                return None
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers, mp_context=multiprocessing.get_context("spawn")
            )
        return self._pool
