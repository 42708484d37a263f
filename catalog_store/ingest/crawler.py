"""Walking a location's tree of files: ``kind: Location`` targets, globs, cycles, and skipping
files that have not changed since the last run."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice

from catalog_store.catalog_writer import ProcessingError
from catalog_store.ingest.file_processing import (
    FileContext,
    FileResult,
    LocationTarget,
    content_hash,
)
from catalog_store.ingest.file_workers import FileProcessor
from catalog_store.ingest.sources import SourceError, SourceTree

log = logging.getLogger(__name__)

MAX_FILES_PER_LOCATION = 200_000


@dataclass(frozen=True, slots=True)
class PreviousFile:
    """What a file produced the last time it was processed."""

    content_hash: str
    dependencies: Mapping[str, str]
    targets: list[LocationTarget]
    entity_refs: list[str]
    errors: list[ProcessingError] = field(default_factory=list)


@dataclass(slots=True)
class Visit:
    """One file reached by the crawl: processed anew, or unchanged since last time."""

    address: str
    display: str
    content_hash: str
    result: FileResult | None
    targets: list[LocationTarget] = field(default_factory=list)
    errors: list[ProcessingError] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        """Whether the file (and everything it includes) is as it was last time."""
        return self.result is None


class TreeSet:
    """The source trees a location may read from, by location type."""

    def __init__(self, trees: Mapping[str, SourceTree]) -> None:
        self._trees = dict(trees)

    def for_type(self, location_type: str) -> SourceTree:
        """The tree of a target type; SourceError when the type cannot be read here."""
        tree = self._trees.get(location_type)
        if tree is None:
            raise SourceError(f"targets of type {location_type!r} cannot be read from here")
        return tree

    def for_address(self, address: str) -> SourceTree:
        """The tree that holds an address."""
        kind = "url" if address.startswith(("http://", "https://")) else "file"
        return self.for_type(kind)


class Crawler:
    """Breadth-first walk from a location's root targets.

    Files already queued are read and handed to worker processes ahead of the walk
    (see :mod:`catalog_store.ingest.file_workers`); visits still come out in walk order.
    """

    def __init__(
        self,
        trees: TreeSet,
        context: FileContext,
        previous: Mapping[str, PreviousFile],
        *,
        workers: int | None = None,
    ) -> None:
        self._trees = trees
        self._context = context
        self._previous = previous
        self._workers = workers
        self._parents: dict[str, str | None] = {}
        self._started: dict[str, Callable[[], Visit]] = {}
        self.complete = True
        self.root_errors: list[ProcessingError] = []

    def crawl(self, roots: list[LocationTarget]) -> Iterator[Visit]:
        """Yield every file reachable from ``roots``, each once."""
        processor = FileProcessor(self._context, self._workers)
        try:
            yield from self._crawl(roots, processor)
        finally:
            processor.close()
            self._started.clear()

    def _crawl(self, roots: list[LocationTarget], processor: FileProcessor) -> Iterator[Visit]:
        queue: deque[tuple[str, str | None]] = deque()
        for root in roots:
            addresses, errors = self._resolve(root, None)
            if errors:
                self.complete = False
                self.root_errors.extend(errors)
            for address in addresses:
                if address not in self._parents:
                    self._parents[address] = None
                    queue.append((address, None))
        while queue:
            address, _parent = queue.popleft()
            if len(self._parents) > MAX_FILES_PER_LOCATION:
                raise SourceError(f"more than {MAX_FILES_PER_LOCATION} files in one location")
            pending = self._started.pop(address, None) or self._begin(address, processor)
            for ahead, _ in islice(queue, processor.in_flight_limit):
                if not processor.has_room:
                    break
                if ahead not in self._started:
                    self._started[ahead] = self._begin(ahead, processor)
            visit = pending()
            for target in visit.targets:
                children, errors = self._resolve(target, address)
                visit.errors.extend(errors)
                for child in children:
                    if child == address or child in self._ancestors(address):
                        visit.errors.append(self._cycle_error(address, child, target))
                    elif child not in self._parents:
                        self._parents[child] = address
                        queue.append((child, address))
            yield visit

    def _begin(self, address: str, processor: FileProcessor) -> Callable[[], Visit]:
        """Read a file and start processing it if it changed; the callable gives the visit."""
        tree = self._trees.for_address(address)
        display = tree.display(address)
        try:
            raw = tree.read(address)
        except SourceError as exc:
            failed = FileResult(address=address, display=display, content_hash="", failed=True)
            message = str(exc).removeprefix(f"{display}: ")
            failed.errors.append(ProcessingError(display, message))
            unread = Visit(address, display, "", failed, targets=self._previous_targets(address))
            return lambda: unread
        digest = content_hash(raw)
        previous = self._previous.get(address)
        if (
            previous is not None
            and previous.content_hash == digest
            and self._same_dependencies(previous.dependencies)
        ):
            unchanged = Visit(address, display, digest, None, targets=list(previous.targets))
            return lambda: unchanged
        pending = processor.start(address, display, raw)

        def visit() -> Visit:
            result = pending()
            targets = self._previous_targets(address) if result.failed else list(result.targets)
            return Visit(address, display, digest, result, targets=targets)

        return visit

    def _previous_targets(self, address: str) -> list[LocationTarget]:
        """A file that cannot be read now keeps leading to what it led to before."""
        previous = self._previous.get(address)
        return list(previous.targets) if previous is not None else []

    def _same_dependencies(self, dependencies: Mapping[str, str]) -> bool:
        for address, digest in dependencies.items():
            try:
                if content_hash(self._trees.for_address(address).read(address)) != digest:
                    return False
            except SourceError:
                return False
        return True

    def _resolve(
        self, target: LocationTarget, base: str | None
    ) -> tuple[list[str], list[ProcessingError]]:
        try:
            tree = self._trees.for_type(target.type)
            return tree.resolve(target.target, relative_to=base), []
        except SourceError as exc:
            where = self._trees.for_address(base).display(base) if base else target.target
            error = ProcessingError(
                where, str(exc), line=target.line, field="spec.targets" if base else None
            )
            return [], [error]

    def _ancestors(self, address: str) -> list[str]:
        chain: list[str] = []
        current = self._parents.get(address)
        while current is not None and len(chain) < 1000:
            chain.append(current)
            current = self._parents.get(current)
        return chain

    def _cycle_error(self, address: str, child: str, target: LocationTarget) -> ProcessingError:
        tree = self._trees.for_address(address)
        chain = [child, *reversed(self._ancestors(address)), address, child]
        start = chain.index(child, 1) if child in chain[1:-1] else 0
        path = " -> ".join(tree.display(a) for a in chain[start:] if a)
        return ProcessingError(
            tree.display(address), f"location cycle: {path}", line=target.line, field="spec.targets"
        )
