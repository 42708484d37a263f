"""Files processed in worker processes give exactly what processing them in the crawling
process gives, errors and their lines included, and visits keep the crawl's order."""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest

from catalog_store.ingest import file_workers
from catalog_store.ingest.crawler import Crawler, TreeSet, Visit
from catalog_store.ingest.file_processing import (
    FileContext,
    FileResult,
    LocationTarget,
    process_file,
)
from catalog_store.ingest.file_workers import POOL_AFTER_FILES, POOL_FOR_BYTES, FileProcessor
from catalog_store.ingest.placeholders import tree_reader
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import FileTree
from tests.catalog_store.ingest.conftest import component, write

FILES = POOL_AFTER_FILES + 6


def context_for(tree: FileTree) -> FileContext:
    """The processing context of a file location over ``tree``."""
    return FileContext(
        location_type="file",
        origin_annotation="file:/catalog/all.yaml",
        rules=KindRules.everything(),
        reader=tree_reader(tree, None),
        annotation=tree.annotation,
    )


def catalog(root: Path) -> None:
    """Files with valid entities, a file with field errors, and one with a placeholder."""
    for i in range(FILES):
        write(root / f"f{i:02d}" / "catalog-info.yaml", component(f"svc-{i}", owner=f"team-{i}"))
    write(
        root / "f03" / "catalog-info.yaml",
        component("broken") + "---\n" + component("also-broken").replace("owner:", "ownr:"),
    )
    write(root / "f05" / "notes.txt", "Read me.")
    write(
        root / "f05" / "catalog-info.yaml",
        component("described").replace(
            "metadata:\n", "metadata:\n  description:\n    $text: ./notes.txt\n"
        ),
    )


def produced(result: FileResult) -> tuple[object, ...]:
    """Everything of a file's result that the writer stores."""
    return (
        result.address,
        result.content_hash,
        [str(e) for e in result.errors],
        result.dependencies,
        [
            (
                c.key,
                c.body_json,
                c.relation_rows,
                c.search_keys,
                c.search_values,
                c.content_hash,
                c.line,
            )
            for c in result.entities
        ],
    )


def summary(visits: list[Visit]) -> list[tuple[object, ...]]:
    """What a crawl produced, in order."""
    out: list[tuple[object, ...]] = []
    for visit in visits:
        assert visit.result is not None
        out.append((visit.content_hash, [str(e) for e in visit.errors], produced(visit.result)))
    return out


def crawl(root: Path, workers: int) -> list[Visit]:
    """Every visit of a crawl of ``root/**/catalog-info.yaml``."""
    tree = FileTree(root, max_bytes=1_000_000)
    crawler = Crawler(TreeSet({"file": tree}), context_for(tree), {}, workers=workers)
    target = LocationTarget("file", str(root / "**" / "catalog-info.yaml"), None)
    return list(crawler.crawl([target]))


def test_worker_processes_give_what_the_crawling_process_gives(tmp_path: Path) -> None:
    catalog(tmp_path)
    inline = summary(crawl(tmp_path, workers=0))
    assert summary(crawl(tmp_path, workers=2)) == inline
    assert len(inline) == FILES
    errors = [e for visit in inline for e in visit[2][2]]  # type: ignore[index]
    assert errors == ["f03/catalog-info.yaml:14: spec.owner: required"]
    described = [v[2] for v in inline if str(v[2][0]).endswith("f05/catalog-info.yaml")]  # type: ignore[index]
    assert '"description":"Read me."' in str(described)


def exit_worker(*_args: object) -> None:
    """Stands for a worker process that dies (killed, out of memory)."""
    os._exit(1)


def test_the_pool_starts_only_after_the_first_files(tmp_path: Path) -> None:
    catalog(tmp_path)
    tree = FileTree(tmp_path, max_bytes=1_000_000)
    context = context_for(tree)
    processor = FileProcessor(context, workers=1)
    addresses = tree.resolve(str(tmp_path / "**" / "catalog-info.yaml"), relative_to=None)
    try:
        pending = []
        for count, address in enumerate(addresses, start=1):
            raw = tree.read(address)
            pending.append((address, raw, processor.start(address, tree.display(address), raw)))
            if count <= POOL_AFTER_FILES:
                assert not processor.pool_started
        assert processor.pool_started
        for address, raw, result in pending:
            assert produced(result()) == produced(
                process_file(address, tree.display(address), raw, context)
            )
    finally:
        processor.close()
    assert not processor.pool_started


def test_a_large_file_starts_the_pool_at_once(tmp_path: Path) -> None:
    people = "---\n".join(
        f"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: person-{i}\n"
        f"  description: {'x' * 200}\nspec:\n  memberOf: [team-a]\n"
        for i in range(POOL_FOR_BYTES // 250)
    )
    write(tmp_path / "small.yaml", component("svc"))
    write(tmp_path / "org.yaml", people)
    tree = FileTree(tmp_path, max_bytes=10_000_000)
    context = context_for(tree)
    processor = FileProcessor(context, workers=1)
    try:
        small = tree.read(str(tmp_path / "small.yaml"))
        processor.start(str(tmp_path / "small.yaml"), "small.yaml", small)()
        assert not processor.pool_started
        raw = tree.read(str(tmp_path / "org.yaml"))
        assert len(raw) >= POOL_FOR_BYTES
        result = processor.start(str(tmp_path / "org.yaml"), "org.yaml", raw)
        assert processor.pool_started
        assert produced(result()) == produced(
            process_file(str(tmp_path / "org.yaml"), "org.yaml", raw, context)
        )
    finally:
        processor.close()


def test_a_dead_worker_falls_back_to_the_crawling_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog(tmp_path)
    tree = FileTree(tmp_path, max_bytes=1_000_000)
    context = context_for(tree)
    monkeypatch.setattr(file_workers, "process_in_worker", exit_worker)
    processor = FileProcessor(context, workers=1)
    addresses = tree.resolve(str(tmp_path / "**" / "catalog-info.yaml"), relative_to=None)
    try:
        pending = []
        for address in addresses:
            raw = tree.read(address)
            pending.append((address, raw, processor.start(address, tree.display(address), raw)))
        assert processor.pool_started
        for address, raw, result in pending:
            assert produced(result()) == produced(
                process_file(address, tree.display(address), raw, context)
            )
    finally:
        processor.close()


def test_one_cpu_means_no_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert file_workers.default_workers() == 0
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert file_workers.default_workers() == 2


def test_files_behind_a_slow_one_go_to_the_workers_until_the_byte_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog(tmp_path)
    started: list[str] = []
    start = FileProcessor.start

    def recording_start(self: FileProcessor, address: str, display: str, raw: bytes) -> object:
        started.append(display)
        return start(self, address, display, raw)

    monkeypatch.setattr(FileProcessor, "start", recording_start)
    tree = FileTree(tmp_path, max_bytes=1_000_000)
    target = LocationTarget("file", str(tmp_path / "**" / "catalog-info.yaml"), None)

    def started_before_the_first_visit() -> int:
        started.clear()
        crawler = Crawler(TreeSet({"file": tree}), context_for(tree), {}, workers=2)
        visits = crawler.crawl([target])
        assert isinstance(visits, Generator)
        try:
            next(visits)
            return len(started)
        finally:
            visits.close()

    # The whole catalog is handed out while the first file is still being waited for.
    assert started_before_the_first_visit() == FILES
    # With room for about three files' content, handing out stops there, once the
    # workers hold their first files (the pool starts after POOL_AFTER_FILES).
    size = len((tmp_path / "f10" / "catalog-info.yaml").read_bytes())
    monkeypatch.setattr(file_workers, "IN_FLIGHT_BYTES", 3 * size)
    assert POOL_AFTER_FILES + 3 <= started_before_the_first_visit() <= POOL_AFTER_FILES + 4


def test_the_byte_count_goes_down_as_results_are_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog(tmp_path)
    tree = FileTree(tmp_path, max_bytes=1_000_000)
    processor = FileProcessor(context_for(tree), workers=1)
    addresses = tree.resolve(str(tmp_path / "**" / "catalog-info.yaml"), relative_to=None)
    raws = [tree.read(address) for address in addresses]
    monkeypatch.setattr(file_workers, "IN_FLIGHT_BYTES", sum(len(raw) for raw in raws[-3:]))
    monkeypatch.setattr(file_workers, "POOL_AFTER_FILES", 0)
    try:
        pending = [
            processor.start(address, tree.display(address), raw)
            for address, raw in zip(addresses[-3:], raws[-3:], strict=True)
        ]
        assert processor.pool_started and not processor.has_room
        pending[0]()
        assert processor.has_room
        for result in pending[1:]:
            result()
    finally:
        processor.close()
