"""A first load into an empty catalog builds the search and relation indexes once, at the
end; a load that fails leaves the indexes as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from catalog_store.db.tables import Base
from tests.catalog_store.ingest.conftest import ServiceFactory, component, entities, write
from tests.conftest import CatalogDb


def search_indexes(db: CatalogDb) -> set[str]:
    """The index names of the tables a first load re-indexes."""
    inspector = inspect(db.engine)
    return {
        str(index["name"])
        for table in ("search", "relations")
        for index in inspector.get_indexes(table)
    }


def test_first_load_rebuilds_the_search_indexes(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    before = search_indexes(catalog_db)
    assert {
        "ix_search_key_value",
        "ix_search_entity_id",
        "ix_search_origin_id",
        "ix_relations_source_key",
        "ix_relations_target_key",
    } <= before
    write(tmp_path / "c.yaml", "---\n".join(component(f"svc-{i}") for i in range(30)))
    make_service(str(tmp_path / "c.yaml")).refresh_all()
    assert len(entities(catalog_db)) == 30
    assert search_indexes(catalog_db) == before
    with catalog_db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_failed_first_load_keeps_the_indexes(
    tmp_path: Path,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = search_indexes(catalog_db)
    write(tmp_path / "c.yaml", component("svc"))
    from catalog_store.ingest import entity_writes

    def crash(*_args: object) -> None:
        raise RuntimeError("crash mid-load")

    monkeypatch.setattr(entity_writes.EntityWriter, "write", crash)
    with pytest.raises(RuntimeError):
        make_service(str(tmp_path / "c.yaml")).refresh_location(
            make_service(str(tmp_path / "c.yaml")).sync_config_locations()[0]
        )
    assert search_indexes(catalog_db) == before
    assert entities(catalog_db) == {}
