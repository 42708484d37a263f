"""Following the catalog database: a first load, incremental refreshes from the change log
after files change, deletes, several index instances on one database, and a refresh
running while queries run. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import OperationalError

from catalog_store.db.engine import create_catalog_engine, make_sessionmaker
from catalog_store.db.tables import CatalogStateRow, EntityRow
from catalog_store.ingest.service import CatalogService
from catalog_store.search import CatalogSearch, catalog_search
from tests.catalog_store.search.conftest import refs
from tests.conftest import CatalogDb

PAYMENTS_FILE = "teams/payments/catalog-info.yaml"


def entity_count(db: CatalogDb) -> int:
    with db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(EntityRow)) or 0)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_search_loads_the_catalog(catalog_db: CatalogDb, ingested: CatalogService) -> None:
    search = CatalogSearch(catalog_db.sessions)
    assert search.change_seq is None
    page = search.search("payment srvice")
    assert page.hits[0].entity_ref == "component:default/payment-service"
    assert len(search.index) == entity_count(catalog_db)
    assert search.change_seq is not None and search.change_seq > 0


def test_a_changed_file_is_applied_incrementally(
    catalog_db: CatalogDb, ingested: CatalogService, examples_copy: Path
) -> None:
    search = CatalogSearch(catalog_db.sessions)
    search.load()
    before = search.change_seq
    assert search.search("money mover").total == 0

    edit(
        examples_copy / PAYMENTS_FILE,
        "callboard.dev/aliases: pmts, payments-api",
        "callboard.dev/aliases: pmts, payments-api, money-mover",
    )
    ingested.refresh_all()
    stats = search.refresh()

    assert not stats.full
    assert 1 <= stats.upserted < entity_count(catalog_db) / 2
    assert stats.removed == 0
    assert search.change_seq is not None and before is not None and search.change_seq > before
    hit = search.search("money mover").hits[0]
    assert hit.entity_ref == "component:default/payment-service"
    assert ("alias", "money-mover") in [(m.field, m.text) for m in hit.matches]


def test_a_deleted_entity_leaves_the_index(
    catalog_db: CatalogDb, ingested: CatalogService, examples_copy: Path
) -> None:
    search = CatalogSearch(catalog_db.sessions)
    search.load()
    assert refs(search.search("ledger api").hits)[0] == "api:default/ledger-api"
    path = examples_copy / PAYMENTS_FILE
    documents = path.read_text(encoding="utf-8").split("\n---\n")
    kept = [d for d in documents if "name: ledger-api\n" not in d]
    assert len(kept) == len(documents) - 1
    path.write_text("\n---\n".join(kept), encoding="utf-8")
    ingested.refresh_all()
    assert search.refresh().removed == 0, "an orphan stays in the catalog, and in the index"
    assert ingested.cleanup_orphans(now=datetime.now(UTC) + timedelta(days=30)) == 1

    stats = search.refresh()

    assert stats.removed == 1
    assert "api:default/ledger-api" not in refs(search.search("ledger api", limit=100).hits)
    assert search.index.document("api:default/ledger-api") is None
    assert len(search.index) == entity_count(catalog_db)


def test_a_counter_going_back_or_a_flood_of_changes_reloads_everything(
    catalog_db: CatalogDb,
    ingested: CatalogService,
    examples_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    search = CatalogSearch(catalog_db.sessions)
    search.load()
    with catalog_db.sessions.begin() as session:
        session.execute(update(CatalogStateRow).values(change_seq=0))
    stats = search.refresh()
    assert stats.full and stats.change_seq == 0
    assert len(search.index) == entity_count(catalog_db)

    monkeypatch.setattr(catalog_search, "FULL_RELOAD_MIN", 0)
    monkeypatch.setattr(catalog_search, "FULL_RELOAD_SHARE", 0.0)
    edit(examples_copy / PAYMENTS_FILE, "Double-entry ledger", "Triple-entry ledger")
    ingested.refresh_all()
    assert search.refresh().full
    assert refs(search.search("triple entry").hits)[0] == "component:default/ledger-service"


def test_refresh_if_due_reads_only_the_counter_when_nothing_changed(
    catalog_db: CatalogDb, ingested: CatalogService
) -> None:
    search = CatalogSearch(catalog_db.sessions, max_age_s=0.0)
    search.load()
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(catalog_db.engine, "before_cursor_execute", record)
    try:
        assert search.refresh_if_due() is True
        assert search.refresh_if_due(max_age_s=3600) is False
    finally:
        event.remove(catalog_db.engine, "before_cursor_execute", record)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1
    assert "catalog_state" in reads[0]


def test_two_indexes_on_one_database_agree(
    catalog_db: CatalogDb, ingested: CatalogService, examples_copy: Path
) -> None:
    other_engine = create_catalog_engine(catalog_db.url)
    try:
        first = CatalogSearch(catalog_db.sessions, max_age_s=0.0)
        second = CatalogSearch(make_sessionmaker(other_engine), max_age_s=0.0)
        first.load()
        edit(
            examples_copy / "teams/checkout/catalog-info.yaml",
            "description: Kafka topic of paid orders.",
            "description: Kafka topic of paid orders, replayed by the refund robot.",
        )
        ingested.refresh_all()
        second.load()
        queries = ["refund robot", "payment srvice", "checkout", "kind:api", "ordrs queue"]
        first.refresh()
        for query in queries:
            a = first.search(query, limit=50)
            b = second.search(query, limit=50)
            assert [(h.entity_ref, h.score) for h in a.hits] == [
                (h.entity_ref, h.score) for h in b.hits
            ], query
            assert a.total == b.total
        assert refs(first.search("refund robot").hits)[0] == "resource:default/orders-queue"
    finally:
        other_engine.dispose()


def test_refreshing_while_queries_run(
    catalog_db: CatalogDb, ingested: CatalogService, examples_copy: Path
) -> None:
    search = CatalogSearch(catalog_db.sessions, max_age_s=0.0)
    search.load()
    failures: list[BaseException] = []
    done = threading.Event()

    def query() -> None:
        try:
            while not done.is_set():
                hits = search.search("payment service", limit=3).hits
                if not hits or hits[0].entity_ref != "component:default/payment-service":
                    failures.append(AssertionError(refs(hits)))
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    readers = [threading.Thread(target=query) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for round_ in range(3):
            edit(
                examples_copy / PAYMENTS_FILE,
                "description: Double-entry ledger",
                f"description: Round {round_} double-entry ledger",
            )
            ingested.refresh_all()
            search.refresh()
            edit(
                examples_copy / PAYMENTS_FILE,
                f"description: Round {round_} double-entry ledger",
                "description: Double-entry ledger",
            )
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=30)
    assert failures == []


def test_search_answers_from_the_last_index_when_the_database_is_gone(
    catalog_db: CatalogDb, ingested: CatalogService
) -> None:
    sessions = make_sessionmaker(create_catalog_engine(catalog_db.url))
    search = CatalogSearch(sessions, max_age_s=0.0)
    search.load()
    unreachable = create_catalog_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    sessions.configure(bind=unreachable)
    try:
        assert refs(search.search("pmts").hits)[0] == "component:default/payment-service"
        with pytest.raises(OperationalError):
            CatalogSearch(sessions).search("pmts")
    finally:
        unreachable.dispose()
