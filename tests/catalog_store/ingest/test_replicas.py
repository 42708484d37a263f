"""Several replicas on one PostgreSQL: concurrent refreshes of the same locations give one
consistent catalog, no duplicates and no failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from catalog_store.db.tables import EntityRow, RelationRow, SearchRow
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from tests.catalog_store.ingest.conftest import ALL_KINDS, component, write
from tests.conftest import postgres_database


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def test_two_replicas_refreshing_at_once(tmp_path: Path, postgres_url: str) -> None:
    for team in range(4):
        docs = "---\n".join(component(f"svc-{team}-{i}", owner=f"team-{team}") for i in range(50))
        write(tmp_path / f"team-{team}/catalog-info.yaml", docs)
    config = IngestConfig(
        locations=tuple(
            LocationSpec("file", str(tmp_path / f"team-{team}/catalog-info.yaml"))
            for team in range(4)
        ),
        rules=ALL_KINDS,
        base_dir=tmp_path,
        reading_hosts=(),
    )
    engines = [create_catalog_engine(postgres_url) for _ in range(2)]
    migrate(engines[0])
    replicas = [CatalogService(make_sessionmaker(engine), config) for engine in engines]
    failures: list[BaseException] = []

    def run(service: CatalogService) -> None:
        try:
            for _ in range(3):
                service.refresh_all()
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(replica,)) for replica in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    with make_sessionmaker(engines[0])() as session:
        assert session.scalar(select(func.count()).select_from(EntityRow)) == 200
        assert session.scalar(select(func.count()).select_from(RelationRow)) == 400
        duplicated = session.execute(
            select(SearchRow.entity_row_id, SearchRow.key, SearchRow.value, func.count())
            .group_by(SearchRow.entity_row_id, SearchRow.key, SearchRow.value)
            .having(func.count() > 1)
        ).all()
        assert duplicated == []
    for engine in engines:
        engine.dispose()
