"""Shared answers (groups, users, owner lineages) are remembered until the catalog changes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from catalog_store.ownership import Ownership
from catalog_store.ownership.generation_cache import GenerationCache
from tests.catalog_store.ownership.conftest import (
    CATALOG_FILES,
    counting_statements,
    ingest_catalog,
)
from tests.conftest import CatalogDb


class Counter:
    """A change counter the test moves by hand."""

    def __init__(self) -> None:
        self.value: int | None = 1

    def __call__(self) -> int | None:
        return self.value


def test_answers_are_kept_per_generation_and_dropped_when_it_moves() -> None:
    generation = Counter()
    cache = GenerationCache(generation, max_entries=2)
    calls: list[str] = []

    def compute(key: str) -> str:
        calls.append(key)
        return f"{key}@{generation.value}"

    assert cache.get("a", lambda: compute("a")) == "a@1"
    assert cache.get("a", lambda: compute("a")) == "a@1"
    assert calls == ["a"]
    generation.value = 2
    assert cache.get("a", lambda: compute("a")) == "a@2"
    assert calls == ["a", "a"]
    cache.get("b", lambda: compute("b"))
    cache.get("c", lambda: compute("c"))
    assert len(cache) == 2
    cache.get("a", lambda: compute("a"))
    assert calls[-1] == "a", "the least recently used answer went first"


def test_without_a_known_generation_nothing_is_kept() -> None:
    generation = Counter()
    generation.value = None
    cache = GenerationCache(generation)
    calls = []
    for _ in range(3):
        cache.get("a", lambda: calls.append(1) or "x")
    assert len(calls) == 3
    assert len(GenerationCache(None)) == 0
    with pytest.raises(ValueError, match="max_entries"):
        GenerationCache(generation, max_entries=0)


def test_an_answer_computed_while_the_generation_moved_is_not_kept() -> None:
    generation = Counter()
    cache = GenerationCache(generation)

    def moving() -> str:
        generation.value = 5
        return "old"

    assert cache.get("a", moving) == "old"
    assert cache.get("a", lambda: "new") == "new"


def test_concurrent_readers_get_one_consistent_answer() -> None:
    cache = GenerationCache(lambda: 1)
    answers: list[int] = []

    def read() -> None:
        for _ in range(200):
            answers.append(cache.get("k", lambda: 42))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) == {42} and len(answers) == 800


def lean(entity: dict[str, Any]) -> dict[str, Any]:
    """An entity as written: what the catalog serves without uid, etag, relations, status."""
    metadata = {k: v for k, v in entity["metadata"].items() if k not in ("uid", "etag")}
    rest = {k: v for k, v in entity.items() if k not in ("relations", "status", "metadata")}
    return {**rest, "metadata": metadata}


def test_owner_and_chain_matches_the_separate_answers(acme_db: CatalogDb) -> None:
    ownership = Ownership(acme_db.sessions)
    for ref in ("ledger", "widget", "personal-tool", "ghost-owned", "lonely", "nothing-here"):
        owner, chain = ownership.owner_and_chain(ref)
        assert owner == ownership.owner_of(ref), ref
        assert [dict(e) for e in chain] == [lean(e) for e in ownership.owner_chain(ref)], ref


def test_a_warm_owner_and_chain_costs_one_statement(acme_db: CatalogDb) -> None:
    ownership = Ownership(acme_db.sessions, generation=lambda: 1, entity_answers=2)
    ownership.owner_and_chain("widget")
    first = ownership.owner_and_chain("personal-tool")
    with counting_statements(acme_db) as warm:
        again = ownership.owner_and_chain("component:default/widget")
    assert len(warm) == 0, "the entity asked for before is remembered"
    ownership.owner_and_chain("ledger")
    ownership.owner_and_chain("personal-tool")
    with counting_statements(acme_db) as shared:
        assert ownership.owner_and_chain("widget") == again
    assert len(shared) == 1, "the entity's place in the graph; its owner's part is remembered"
    assert ownership.owner_and_chain("personal-tool") == first


def test_entity_answers_are_read_again_in_a_new_generation(acme_db: CatalogDb) -> None:
    generation = Counter()
    ownership = Ownership(acme_db.sessions, generation=generation)
    first = ownership.entity_with_owner("widget")
    assert first is not None and first.entity["metadata"]["uid"]
    with counting_statements(acme_db) as warm:
        assert ownership.entity_with_owner("widget") is first
    assert len(warm) == 0
    generation.value = 2
    with counting_statements(acme_db) as fresh:
        again = ownership.entity_with_owner("widget")
    assert len(fresh) >= 1 and again == first and again is not first


def test_group_answers_are_remembered_until_the_catalog_changes(
    acme_db: CatalogDb, tmp_path: Path
) -> None:
    generation = Counter()
    ownership = Ownership(acme_db.sessions, generation=generation)
    first = ownership.owner_of("ledger")
    with counting_statements(acme_db) as again:
        assert ownership.owner_of("ledger") == first
    assert len(again) == 1, "only the entity itself is read; the owner group is remembered"
    files = dict(CATALOG_FILES)
    files["org.yaml"] = files["org.yaml"].replace("members: [zed]", "members: [zed, bob]")
    ingest_catalog(acme_db, tmp_path / "catalog", files)
    squad = ownership.group("ledger-squad")
    assert squad is not None
    stale = [m.name for m in squad.members]
    generation.value = 2
    fresh = ownership.group("ledger-squad")
    assert fresh is not None
    assert [m.name for m in fresh.members] == sorted({*stale, "bob"})
