"""A first load into an empty catalog builds the search and relation indexes once, at the
end; a load that fails leaves the indexes as they were."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from catalog_store.db.tables import Base, EntityRow, SearchRow
from catalog_store.ingest import apply, bulk_load
from catalog_store.ingest.service import CatalogService
from tests.catalog_store.ingest.conftest import ServiceFactory, component, entities, write
from tests.conftest import CatalogDb


def uid_of(db: CatalogDb, ref: str) -> str:
    with db.sessions() as session:
        return str(session.scalar(select(EntityRow.id).where(EntityRow.entity_ref == ref)))


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
        "ix_search_entity_row_id",
        "ix_search_origin_row_id",
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


def relation_search_rows(db: CatalogDb) -> set[tuple[str, str, str, str]]:
    """``(entity, key, value, originating entity)`` of every ``relations.*`` search row."""
    holder, origin = aliased(EntityRow), aliased(EntityRow)
    with db.sessions() as session:
        rows = session.execute(
            select(holder.entity_ref, SearchRow.key, SearchRow.value, origin.entity_ref)
            .join(holder, holder.row_id == SearchRow.entity_row_id)
            .join(origin, origin.row_id == SearchRow.origin_row_id)
            .where(SearchRow.key.like("relations.%"))
        ).all()
    return {(r[0], r[1], r[2] or "", r[3]) for r in rows}


RELATED_FILES = {
    "a.yaml": component("svc", owner="team-a", dependsOn=["component:later"])
    + "---\n"
    + component("lonely", owner="team-missing"),
    "b.yaml": component("later", owner="team-a"),
    "c.yaml": (
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
        "spec:\n  type: team\n  children: []\n"
    ),
}
RELATED_ROWS = {
    ("component:default/svc", "relations.ownedby", "group:default/team-a", "component:default/svc"),
    ("group:default/team-a", "relations.ownerof", "component:default/svc", "component:default/svc"),
    (
        "component:default/svc",
        "relations.dependson",
        "component:default/later",
        "component:default/svc",
    ),
    (
        "component:default/later",
        "relations.dependencyof",
        "component:default/svc",
        "component:default/svc",
    ),
    (
        "component:default/later",
        "relations.ownedby",
        "group:default/team-a",
        "component:default/later",
    ),
    (
        "group:default/team-a",
        "relations.ownerof",
        "component:default/later",
        "component:default/later",
    ),
    (
        "component:default/lonely",
        "relations.ownedby",
        "group:default/team-missing",
        "component:default/lonely",
    ),
}


def catalog_location(tmp_path: Path) -> str:
    """A Location naming the files of :data:`RELATED_FILES` in order."""
    for name, text in RELATED_FILES.items():
        write(tmp_path / name, text)
    targets = "".join(f"  - ./{name}\n" for name in RELATED_FILES)
    root = "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: root\n"
    return str(write(tmp_path / "all.yaml", f"{root}spec:\n  targets:\n{targets}"))


@pytest.mark.parametrize("batch", [1, 500])
def test_a_first_load_indexes_relations_on_whichever_side_exists(
    tmp_path: Path,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    monkeypatch: pytest.MonkeyPatch,
    batch: int,
) -> None:
    """With one file per batch, relations reach sources written in earlier batches, later
    batches, or never; with one batch, every source is there."""
    monkeypatch.setattr(apply, "BATCH", batch)
    make_service(catalog_location(tmp_path)).refresh_all()
    assert relation_search_rows(catalog_db) == RELATED_ROWS


def test_a_later_load_indexes_the_same_relation_rows(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(tmp_path / "first" / "x.yaml", component("unrelated"))
    make_service(str(tmp_path / "first" / "x.yaml")).refresh_all()
    make_service(str(tmp_path / "first" / "x.yaml"), catalog_location(tmp_path)).refresh_all()
    assert relation_search_rows(catalog_db) == RELATED_ROWS | {
        (
            "component:default/unrelated",
            "relations.ownedby",
            "group:default/team-a",
            "component:default/unrelated",
        ),
        (
            "group:default/team-a",
            "relations.ownerof",
            "component:default/unrelated",
            "component:default/unrelated",
        ),
    }


def first_load_statements(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> list[str]:
    """The SQL statements of a first load of 30 components, in order."""
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(catalog_db.engine, "before_cursor_execute", record)
    write(tmp_path / "c.yaml", "---\n".join(component(f"svc-{i}") for i in range(30)))
    make_service(str(tmp_path / "c.yaml")).refresh_all()
    event.remove(catalog_db.engine, "before_cursor_execute", record)
    return statements


def test_a_first_load_writes_without_foreign_key_checks_and_leaves_them_on(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    statements = first_load_statements(tmp_path, make_service, catalog_db)
    sqlite = catalog_db.engine.dialect.name == "sqlite"
    assert statements.count("PRAGMA foreign_keys=OFF") == (1 if sqlite else 0)
    assert len(entities(catalog_db)) == 30
    # Every connection of the pool, the load's own included, checks references again.
    with ExitStack() as stack:
        connections = [stack.enter_context(catalog_db.engine.connect()) for _ in range(6)]
        for connection in connections:
            with pytest.raises(IntegrityError):
                connection.execute(
                    insert(SearchRow).values(entity_row_id=10**9, key="kind", value="x")
                )
            connection.rollback()


def test_a_first_load_that_finds_the_catalog_filled_checks_foreign_keys(
    tmp_path: Path,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(tmp_path / "c.yaml", "---\n".join(component(f"svc-{i}") for i in range(3)))
    service = make_service(str(tmp_path / "c.yaml"))
    service.refresh_all()
    write(tmp_path / "c.yaml", "---\n".join(component(f"svc-{i}") for i in range(1, 5)))
    # Another writer filled the catalog between the check and the transaction.
    monkeypatch.setattr(CatalogService, "is_empty", lambda _self: True)
    attempts: list[bool] = []
    apply_location = CatalogService._apply_location

    def spy(self: CatalogService, *args: Any, unchecked: bool) -> Any:
        attempts.append(unchecked)
        return apply_location(self, *args, unchecked=unchecked)

    monkeypatch.setattr(CatalogService, "_apply_location", spy)
    (stats,) = service.refresh_all().values()
    sqlite = catalog_db.engine.dialect.name == "sqlite"
    assert attempts == ([True, False] if sqlite else [False])
    assert (stats.added, stats.unchanged, stats.orphaned) == (2, 2, 1)
    service.delete_entity(uid_of(catalog_db, "component:default/svc-4"))
    with catalog_db.sessions() as session:
        rows = set(session.scalars(select(EntityRow.row_id)))
        assert set(session.scalars(select(SearchRow.entity_row_id))) == rows


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_first_load_sorts_index_entries_in_small_runs_then_restores_the_cache(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    """SQLite only: its sort runs follow its cache size; PostgreSQL has its own settings."""
    with catalog_db.engine.connect() as connection:
        configured = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    statements = first_load_statements(tmp_path, make_service, catalog_db)
    small = statements.index(f"PRAGMA cache_size=-{bulk_load.SORT_RUN_KIB}")
    restored = statements.index(f"PRAGMA cache_size={configured}")
    builds = [i for i, statement in enumerate(statements) if statement.startswith("CREATE INDEX")]
    assert len(builds) == 6 and small < min(builds) and max(builds) < restored
    with ExitStack() as stack:
        connections = [stack.enter_context(catalog_db.engine.connect()) for _ in range(6)]
        for connection in connections:
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar_one() == configured
