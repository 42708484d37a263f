"""Filter SQL: every plan shape keeps exactly the entities the filter describes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from catalog_store.db.tables import EntityRow, SearchRow
from catalog_store.queries.entity_queries import entity_facets, list_entity_ids
from catalog_store.queries.filter_sql import FilterCompiler, RowEstimator
from catalog_store.queries.filters import AllOf, AnyOf, FilterNode, KeyMatch, parse_filter_params
from catalog_store.queries.predicates import parse_predicate
from tests.catalog_store.api.factories import component, entity, insert_entity
from tests.conftest import CatalogDb


@pytest.fixture
def db(catalog_db: CatalogDb) -> CatalogDb:
    with catalog_db.sessions.begin() as session:
        for i in range(30):
            insert_entity(
                session,
                component(
                    f"c-{i}",
                    owner=f"team-{i % 3}",
                    type_="service" if i % 2 else "website",
                    tags=["java"] if i % 5 == 0 else [],
                    namespace="ops" if i == 7 else None,
                ),
            )
        for i in range(5):
            insert_entity(session, entity("Group", f"team-{i}", {"type": "team"}))
    return catalog_db


FILTERS: list[FilterNode | None] = [
    parse_filter_params(["kind=component,spec.owner=team-1,spec.type=service"]),
    parse_filter_params(["kind=component,spec.type=website", "kind=group"]),
    parse_filter_params(["metadata.tags=java,spec.owner=team-0"]),
    parse_filter_params(["metadata.namespace=ops"]),
    parse_filter_params(["kind=group,kind=component,metadata.name=c-3"]),
    parse_filter_params(["spec.owner,spec.type=service"]),
    parse_predicate(
        {
            "$all": [
                {"kind": "component"},
                {"$not": {"spec.owner": "team-2"}},
                {"$any": [{"metadata.tags.java": True}, {"spec.type": "website"}]},
            ]
        }
    ),
    parse_predicate({"kind": {"$hasPrefix": "COMP"}, "metadata.name": {"$hasPrefix": "c-1"}}),
    parse_predicate({"$not": {"kind": "component"}}),
    parse_predicate({"metadata.uid": {"$exists": True}, "kind": {"$in": ["group"]}}),
]


def _matches(node: FilterNode, doc: dict[str, list[str]]) -> bool:
    if isinstance(node, KeyMatch):
        return any(
            (node.values is None or v in node.values)
            and (node.prefix is None or v.startswith(node.prefix))
            for v in doc.get(node.key, [])
        )
    if isinstance(node, AllOf):
        return all(_matches(c, doc) for c in node.children)
    if isinstance(node, AnyOf):
        return any(_matches(c, doc) for c in node.children)
    return not _matches(node.child, doc)


def expected(db: CatalogDb, node: FilterNode) -> list[str]:
    """The matching names, computed in Python from the search rows."""
    with db.sessions() as session:
        rows = session.execute(
            select(SearchRow.entity_row_id, SearchRow.key, SearchRow.value)
        ).all()
        names = dict(session.execute(select(EntityRow.row_id, EntityRow.name)).all())
    docs: dict[int, dict[str, list[str]]] = {}
    for entity_id, key, value in rows:
        docs.setdefault(entity_id, {}).setdefault(key, []).append(value or "")
    return sorted(names[i] for i, doc in docs.items() if _matches(node, doc))


@pytest.mark.parametrize("index", range(len(FILTERS)))
def test_every_plan_shape_gives_the_same_entities(db: CatalogDb, index: int) -> None:
    node = FILTERS[index]
    assert node is not None
    want = expected(db, node)
    with db.sessions() as session:
        dialect = session.get_bind().dialect.name
        compilers = [
            FilterCompiler(),
            FilterCompiler(RowEstimator(session), dialect),
            FilterCompiler(RowEstimator(session, cap=1), dialect),
            FilterCompiler(RowEstimator(session, cap=1000), dialect, checks_only=True),
            FilterCompiler(None, "sqlite"),
        ]
        for compiler in compilers:
            got = session.scalars(select(EntityRow.name).where(compiler.condition(node))).all()
            assert sorted(got) == want, compiler.__dict__
        ids = list_entity_ids(session, filter_node=node).ids
        assert len(ids) == len(want)


@pytest.mark.parametrize("index", range(len(FILTERS)))
def test_facets_agree_with_lists(db: CatalogDb, index: int) -> None:
    node = FILTERS[index]
    with db.sessions() as session:
        ids = list_entity_ids(session, filter_node=node).ids
        facets = entity_facets(session, ["metadata.uid"], node)
        assert sorted(str(f["value"]) for f in facets["metadata.uid"]) == sorted(ids)
        assert all(f["count"] == 1 for f in facets["metadata.uid"])


def test_selective_leaves_drive_conjunctions(db: CatalogDb) -> None:
    node = parse_filter_params(["spec.type=service,spec.owner=team-1"])
    assert node is not None
    with db.sessions() as session:
        estimator = RowEstimator(session, cap=10)
        assert estimator.leaf(parse_filter_params(["spec.owner=team-1"])) == 10  # type: ignore[arg-type]
        assert estimator.leaf(parse_filter_params(["spec.type=service"])) == 11  # type: ignore[arg-type]
        condition = FilterCompiler(estimator, "sqlite").condition(node)
        sql = str(
            select(EntityRow.id).where(condition).compile(compile_kwargs={"literal_binds": True})
        )
        assert sql.count("EXISTS") == 1
        listed = sql[sql.index("IN (SELECT") :]
        assert "'team-1'" in listed
        assert "'service'" not in listed
