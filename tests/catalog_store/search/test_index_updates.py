"""Updating an index in place: upserts, removals, renames, and the rebuild once many
slots are retired; queries keep seeing whole versions."""

from __future__ import annotations

import threading

import pytest

from catalog_store.search import SearchDocument, SearchIndex, document_of, index_state
from tests.catalog_store.search.conftest import refs


def doc(uid: str, name: str, kind: str = "Component", **metadata: object) -> SearchDocument:
    entity = {"kind": kind, "metadata": {"name": name, **metadata}, "spec": {"owner": "team-a"}}
    found = document_of(uid, entity)
    assert found is not None
    return found


def test_upsert_replace_and_remove() -> None:
    index = SearchIndex([doc("1", "payment-service"), doc("2", "ledger-service")])
    assert refs(index.search("payment").hits) == ["component:default/payment-service"]

    index.apply([doc("1", "payment-service", description="Moves money around")])
    assert refs(index.search("money").hits) == ["component:default/payment-service"]
    assert index.search("payment").total == 1
    assert len(index) == 2

    index.apply([doc("3", "refund-worker")], removed_ids=["2", "unknown"])
    assert index.search("ledger").total == 0
    assert refs(index.search("refund").hits) == ["component:default/refund-worker"]
    assert len(index) == 2
    assert index.document("Component:default/refund-worker") is not None
    assert index.document("component:default/ledger-service") is None


def test_a_rename_and_a_new_uid_for_the_same_ref() -> None:
    index = SearchIndex([doc("1", "payment-service")])
    index.apply([doc("1", "payments-gateway")])
    assert refs(index.search("payment service").hits) == ["component:default/payments-gateway"]
    assert index.document("component:default/payment-service") is None
    assert refs(index.search("gateway").hits) == ["component:default/payments-gateway"]

    index.apply([doc("9", "payments-gateway", title="Gateway v2")])
    page = index.search("gateway")
    assert [hit.entity_id for hit in page.hits] == ["9"]
    assert len(index) == 1


def test_new_words_and_ref_order_after_updates() -> None:
    index = SearchIndex([doc(str(i), f"svc-{i:03d}") for i in range(0, 100, 2)])
    index.apply([doc(str(i), f"svc-{i:03d}") for i in range(1, 100, 2)])
    listed = refs(index.search("kind:component", limit=100).hits)
    assert listed == [f"component:default/svc-{i:03d}" for i in range(100)]
    index.apply([doc("x", "zanzibar-quokka")])
    assert refs(index.search("quoka").hits) == ["component:default/zanzibar-quokka"]


def test_many_retired_slots_trigger_a_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_state, "REBUILD_MIN", 5)
    index = SearchIndex([doc(str(i), f"svc-{i}") for i in range(20)])
    for round_ in range(5):
        index.apply([doc(str(i), f"svc-{i}", description=f"round {round_}") for i in range(10)])
    state = index._state
    assert state.retired <= 10
    assert state.size < 20 + 5 * 10
    assert index.search("round 4").total == 10
    assert len(index) == 20


def test_queries_during_updates_see_whole_versions() -> None:
    index = SearchIndex([doc(str(i), f"service-{i}", description="alpha") for i in range(200)])
    stop = threading.Event()
    failures: list[str] = []

    def update() -> None:
        word = 0
        while not stop.is_set():
            word += 1
            text = "alpha" if word % 2 else "beta"
            index.apply([doc(str(i), f"service-{i}", description=text) for i in range(200)])

    def query() -> None:
        for _ in range(200):
            alpha = index.search("alpha kind:component", limit=5).total
            beta = index.search("beta kind:component", limit=5).total
            if alpha not in (0, 200) or beta not in (0, 200):
                failures.append(f"alpha={alpha} beta={beta}")

    writer = threading.Thread(target=update)
    readers = [threading.Thread(target=query) for _ in range(3)]
    writer.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    stop.set()
    writer.join()
    assert failures == []
    assert len(index) == 200
