"""``POST /entities/by-refs`` and ``/entity-facets``."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.catalog_store.api.conftest import Catalog
from tests.catalog_store.api.factories import component, insert_entity
from tests.conftest import CatalogDb

BASE = "/api/catalog"


def test_by_refs_keeps_the_order_and_gives_null_for_missing(
    client: TestClient, catalog: Catalog
) -> None:
    refs = [
        "component:default/artist-web",
        "component:default/ghost",
        "Group:team-b",
        "not a ref",
        "component:ops/queue-proxy",
        "component:default/artist-web",
    ]
    response = client.post(f"{BASE}/entities/by-refs", json={"entityRefs": refs})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i and i["metadata"]["name"] for i in items] == [
        "artist-web",
        None,
        "team-b",
        None,
        "queue-proxy",
        "artist-web",
    ]
    assert items[0]["relations"]
    assert items[0]["metadata"]["uid"] == catalog.uids["artist-web"]


def test_by_refs_with_fields_filter_and_query(client: TestClient, catalog: Catalog) -> None:
    refs = [
        "component:default/artist-web",
        "component:default/wayback-search",
        "group:default/team-a",
    ]
    body = client.post(
        f"{BASE}/entities/by-refs?filter=kind=component",
        json={"entityRefs": refs, "fields": ["metadata.name"]},
    ).json()
    assert body["items"] == [
        {"metadata": {"name": "artist-web"}},
        {"metadata": {"name": "Wayback-Search"}},
        None,
    ]
    body = client.post(
        f"{BASE}/entities/by-refs",
        json={"entityRefs": refs, "query": {"spec.owner": "team-a"}, "fields": ["kind"]},
    ).json()
    assert body["items"] == [{"kind": "Component"}, None, None]
    body = client.post(f"{BASE}/entities/by-refs?fields=kind", json={"entityRefs": refs[2:]}).json()
    assert body["items"] == [{"kind": "Group"}]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"entityRefs": "component:default/x"},
        {"entityRefs": [1]},
        {"entityRefs": ["a:b"] * 1001},
    ],
)
def test_by_refs_refuses_malformed_bodies(client: TestClient, catalog: Catalog, body: Any) -> None:
    response = client.post(f"{BASE}/entities/by-refs", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"


def test_facets_count_entities_per_value(client: TestClient, catalog: Catalog) -> None:
    response = client.get(
        f"{BASE}/entity-facets", params=[("facet", "kind"), ("facet", "spec.type")]
    )
    assert response.status_code == 200
    assert response.json() == {
        "facets": {
            "kind": [
                {"value": "api", "count": 1},
                {"value": "component", "count": 4},
                {"value": "group", "count": 2},
                {"value": "location", "count": 1},
                {"value": "resource", "count": 1},
                {"value": "system", "count": 1},
                {"value": "user", "count": 1},
            ],
            "spec.type": [
                {"value": "database", "count": 1},
                {"value": "openapi", "count": 1},
                {"value": "service", "count": 3},
                {"value": "team", "count": 2},
                {"value": "website", "count": 1},
            ],
        }
    }


def test_facets_with_filters_and_predicates(client: TestClient, catalog: Catalog) -> None:
    body = client.get(
        f"{BASE}/entity-facets", params={"facet": "metadata.tags", "filter": "kind=component"}
    ).json()
    assert body == {
        "facets": {
            "metadata.tags": [
                {"value": "java", "count": 1},
                {"value": "python", "count": 1},
                {"value": "web", "count": 1},
            ]
        }
    }
    body = client.get(
        f"{BASE}/entity-facets",
        params=[
            ("facet", "spec.owner"),
            ("filter", "kind=component,spec.lifecycle=production"),
            ("filter", "kind=api"),
        ],
    ).json()
    assert body["facets"]["spec.owner"] == [
        {"value": "group:ops/team-c", "count": 1},
        {"value": "team-a", "count": 2},
        {"value": "team-b", "count": 1},
    ]
    body = client.post(
        f"{BASE}/entity-facets",
        json={"facets": ["relations.ownedBy", "Kind"], "query": {"$not": {"kind": "component"}}},
    ).json()
    assert body["facets"]["relations.ownedBy"] == [
        {"value": "group:default/team-a", "count": 2},
        {"value": "group:default/team-b", "count": 1},
    ]
    assert {f["value"] for f in body["facets"]["Kind"]} == {
        "api",
        "group",
        "location",
        "resource",
        "system",
        "user",
    }
    body = client.get(f"{BASE}/entity-facets", params={"facet": "spec.unknown"}).json()
    assert body == {"facets": {"spec.unknown": []}}


def test_facets_follow_catalog_changes(
    client: TestClient, catalog: Catalog, catalog_db: CatalogDb
) -> None:
    params = {"facet": "spec.type", "filter": "kind=component"}
    before = client.get(f"{BASE}/entity-facets", params=params).json()["facets"]["spec.type"]
    assert {"value": "service", "count": 3} in before
    with catalog_db.sessions.begin() as session:
        insert_entity(session, component("new-one"))
    after = client.get(f"{BASE}/entity-facets", params=params).json()["facets"]["spec.type"]
    assert {"value": "service", "count": 4} in after


def test_facets_need_a_facet(client: TestClient, catalog: Catalog) -> None:
    for response in (
        client.get(f"{BASE}/entity-facets"),
        client.get(f"{BASE}/entity-facets", params={"facet": ""}),
        client.post(f"{BASE}/entity-facets", json={"facets": []}),
        client.post(f"{BASE}/entity-facets", json={"query": {}}),
        client.get(f"{BASE}/entity-facets", params=[("facet", f"f{i}") for i in range(51)]),
    ):
        assert response.status_code == 400
        assert response.json()["error"]["name"] == "InputError"
