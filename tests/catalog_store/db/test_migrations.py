"""Alembic migrations: they create exactly the tables the models declare, on both engines."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, select

from catalog_store.db.engine import (
    alembic_config,
    create_catalog_engine,
    make_sessionmaker,
    migrate,
)
from catalog_store.db.tables import Base, CatalogStateRow, EntityRow, RelationRow, SearchRow
from catalog_store.ingest.entity_writes import reserve_row_ids
from tests.conftest import CatalogDb


def test_migrations_match_the_models(catalog_db: CatalogDb) -> None:
    with catalog_db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_migrations_are_idempotent_and_seed_the_change_counter(catalog_db: CatalogDb) -> None:
    migrate(catalog_db.engine)
    assert "entities" in inspect(catalog_db.engine).get_table_names()
    with catalog_db.sessions() as session:
        assert session.scalar(select(CatalogStateRow.change_seq)) == 0


def test_the_origin_index_holds_relation_rows_only_and_serves_lookups_by_origin(
    catalog_db: CatalogDb,
) -> None:
    (index,) = [
        index
        for index in inspect(catalog_db.engine).get_indexes("search")
        if index["name"] == "ix_search_origin_row_id"
    ]
    assert index["column_names"] == ["origin_row_id"]
    with catalog_db.engine.begin() as connection:
        lookup = "SELECT id FROM search WHERE origin_row_id IN (1, 2)"
        if connection.dialect.name == "sqlite":
            where = connection.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'ix_search_origin_row_id'"
            ).scalar_one()
            plan = " ".join(
                str(row[-1]) for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}")
            )
        else:
            where = connection.exec_driver_sql(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_origin_row_id'"
            ).scalar_one()
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(str(row[0]) for row in connection.exec_driver_sql(f"EXPLAIN {lookup}"))
    assert "origin_row_id IS NOT NULL" in where
    assert "ix_search_origin_row_id" in plan


ENTITY_VALUES = (
    "'{uid}', '{ref}', 'component', 'default', '{name}', NULL, NULL, '{{}}', 'h', 1, "
    "'2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL, 1"
)


def test_row_ids_migration_keeps_entities_relations_and_search_rows(database_url: str) -> None:
    """A catalog stored under revision 0001 (uid references) comes through 0002 whole."""
    engine = create_catalog_engine(database_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0001")
        with engine.begin() as connection:
            for uid, name in (("uid-a", "a"), ("uid-b", "b")):
                values = ENTITY_VALUES.format(uid=uid, ref=f"component:default/{name}", name=name)
                connection.exec_driver_sql(f"INSERT INTO entities VALUES ({values})")
            connection.exec_driver_sql(
                "INSERT INTO relations (originating_entity_id, source_key, type, target_ref, "
                "target_key) VALUES ('uid-a', 'component:default/a', 'dependsOn', "
                "'component:default/b', 'component:default/b')"
            )
            connection.exec_driver_sql(
                "INSERT INTO search (entity_id, key, value, origin_id) VALUES "
                "('uid-a', 'metadata.name', 'a', NULL), "
                "('uid-b', 'relations.dependencyof', 'component:default/a', 'uid-a')"
            )
        command.upgrade(config, "head")
        with make_sessionmaker(engine)() as session:
            row_of = dict(session.execute(select(EntityRow.id, EntityRow.row_id)).all())
            assert set(row_of) == {"uid-a", "uid-b"}
            assert session.execute(
                select(SearchRow.entity_row_id, SearchRow.key, SearchRow.origin_row_id).order_by(
                    SearchRow.id
                )
            ).all() == [
                (row_of["uid-a"], "metadata.name", None),
                (row_of["uid-b"], "relations.dependencyof", row_of["uid-a"]),
            ]
            assert session.execute(
                select(RelationRow.origin_row_id, RelationRow.target_key)
            ).all() == [(row_of["uid-a"], "component:default/b")]
            # New rows get ids past the copied ones, and deleting an entity cascades.
            fresh = reserve_row_ids(session, 2)
            assert min(fresh) > max(row_of.values())
            session.execute(delete(EntityRow).where(EntityRow.id == "uid-a"))
            assert session.scalars(select(SearchRow.key)).all() == []
            assert session.scalars(select(RelationRow.id)).all() == []
            session.rollback()
        command.downgrade(config, "0001")
        with engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT entity_id, key, origin_id FROM search ORDER BY id"
            ).all() == [
                ("uid-a", "metadata.name", None),
                ("uid-b", "relations.dependencyof", "uid-a"),
            ]
            assert connection.exec_driver_sql(
                "SELECT originating_entity_id FROM relations"
            ).all() == [("uid-a",)]
    finally:
        engine.dispose()
