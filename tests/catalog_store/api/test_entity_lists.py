"""``GET /entities``: Backstage's filter semantics, field selection, order and paging."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from tests.catalog_store.api.conftest import Catalog
from tests.catalog_store.api.factories import component, insert_entity
from tests.conftest import CatalogDb

BASE = "/api/catalog"


def names(client: TestClient, **params: Any) -> list[str]:
    response = client.get(f"{BASE}/entities", params=params)
    assert response.status_code == 200, response.text
    return sorted(e["metadata"]["name"] for e in response.json())


def test_without_filters_every_entity_comes_ordered_by_ref(
    client: TestClient, catalog: Catalog
) -> None:
    body = client.get(f"{BASE}/entities").json()
    refs = [
        f"{e['kind'].lower()}:{e['metadata']['namespace']}/{e['metadata']['name'].lower()}"
        for e in body
    ]
    assert refs == sorted(refs)
    assert len(body) == len(catalog.uids)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["kind=component"], ["artist-web", "playback-order", "queue-proxy", "Wayback-Search"]),
        (["kind=Component,spec.owner=TEAM-A"], ["artist-web", "playback-order"]),
        (["kind=component,spec.type=website"], ["artist-web"]),
        (["kind=group", "kind=user"], ["jdoe", "team-a", "team-b"]),
        (["kind=group,kind=user"], ["jdoe", "team-a", "team-b"]),
        (["kind=component,spec.system"], ["artist-web"]),
        (["metadata.tags=java"], ["artist-web"]),
        (["metadata.tags.python"], ["Wayback-Search"]),
        (["metadata.tags.python=true"], ["Wayback-Search"]),
        (["relations.ownedby=group:default/team-b"], ["db", "Wayback-Search"]),
        (["relations.ownedBy=Group:Default/Team-B"], ["db", "Wayback-Search"]),
        (["relations.memberof=group:default/team-a"], ["jdoe"]),
        (["metadata.namespace=ops"], ["queue-proxy"]),
        (["metadata.name=wayback-search"], ["Wayback-Search"]),
        (["metadata.annotations.backstage.io/orphan=true"], []),
        (["spec.lifecycle=experimental", "spec.type=database"], ["db", "playback-order"]),
        (["kind=component,spec.type=nothing"], []),
        (["metadata.title=team a"], ["team-a"]),
        ([" kind = api , "], ["order-api"]),
        ([","], None),
    ],
)
def test_filters(
    client: TestClient, catalog: Catalog, filters: list[str], expected: list[str] | None
) -> None:
    got = names(client, filter=filters)
    if expected is None:
        assert len(got) == len(catalog.uids)
    else:
        assert got == sorted(expected)


def test_a_key_without_value_asserts_existence(client: TestClient, catalog: Catalog) -> None:
    assert names(client, filter="spec.dependsOn") == ["playback-order"]
    assert names(client, filter="kind=group,spec.type") == ["team-a", "team-b"]
    # Like Backstage's search rows, an empty list gives no row to match.
    assert names(client, filter="kind=group,spec.children") == []


def test_fields_keep_only_the_selected_paths(client: TestClient, catalog: Catalog) -> None:
    response = client.get(
        f"{BASE}/entities",
        params={
            "filter": "kind=component,spec.type=website",
            "fields": "kind,metadata.name,metadata.annotations.backstage.io/managed-by-location",
        },
    )
    assert response.json() == [
        {
            "kind": "Component",
            "metadata": {
                "name": "artist-web",
                "annotations": {"backstage.io/managed-by-location": "file:/catalog/svc/c.yaml"},
            },
        }
    ]


def test_fields_can_be_repeated_and_select_relations_and_status(
    client: TestClient, catalog: Catalog
) -> None:
    response = client.get(
        f"{BASE}/entities",
        params=[
            ("filter", "metadata.name=playback-order"),
            ("fields", "relations"),
            ("fields", "status,metadata.uid"),
            ("fields", "spec.nothing"),
        ],
    )
    [entity] = response.json()
    assert set(entity) == {"relations", "status", "metadata"}
    assert entity["metadata"] == {"uid": catalog.uids["playback-order"]}
    assert len(entity["status"]["items"]) == 2
    assert entity["relations"][0]["type"] == "dependsOn"


def test_order_parameters(client: TestClient, catalog: Catalog) -> None:
    body = client.get(
        f"{BASE}/entities", params={"filter": "kind=component", "order": "desc:metadata.name"}
    ).json()
    assert [e["metadata"]["name"] for e in body] == [
        "Wayback-Search",
        "queue-proxy",
        "playback-order",
        "artist-web",
    ]
    body = client.get(
        f"{BASE}/entities",
        params=[
            ("filter", "kind=component"),
            ("order", "asc:spec.type"),
            ("order", "desc:metadata.name"),
        ],
    ).json()
    assert [e["metadata"]["name"] for e in body] == [
        "Wayback-Search",
        "queue-proxy",
        "playback-order",
        "artist-web",
    ]
    body = client.get(
        f"{BASE}/entities", params={"filter": "kind=component", "order": "asc:spec.system"}
    ).json()
    assert body[0]["metadata"]["name"] == "artist-web"


def test_offset_limit_and_after_pages_with_link_headers(
    client: TestClient, catalog: Catalog
) -> None:
    seen: list[str] = []
    response = client.get(
        f"{BASE}/entities", params={"limit": 3, "offset": 1, "fields": "metadata.uid"}
    )
    pages = 0
    while True:
        assert response.status_code == 200
        seen.extend(e["metadata"]["uid"] for e in response.json())
        pages += 1
        link = response.headers.get("link")
        if link is None:
            break
        url, rel = link.split(";")
        assert rel.strip() == 'rel="next"'
        parsed = urlparse(url.strip("<> "))
        assert parsed.path == f"{BASE}/entities"
        query = parse_qs(parsed.query)
        assert "offset" not in query
        assert query["fields"] == ["metadata.uid"]
        response = client.get(f"{parsed.path}?{parsed.query}")
    assert len(seen) == len(catalog.uids) - 1 == len(set(seen))
    assert pages == 4
    all_uids = [e["metadata"]["uid"] for e in client.get(f"{BASE}/entities").json()]
    assert seen == all_uids[1:]


def test_limit_without_more_pages_has_no_link(client: TestClient, catalog: Catalog) -> None:
    response = client.get(f"{BASE}/entities", params={"limit": 100})
    assert "link" not in response.headers
    assert len(response.json()) == len(catalog.uids)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "Invalid limit"),
        ({"limit": "x"}, "Invalid limit"),
        ({"offset": "-1"}, "Invalid offset"),
        ({"after": "not-base64!"}, "Malformed after cursor"),
        ({"after": ""}, "must not be empty"),
        ({"order": "sideways:metadata.name"}, "Invalid order parameter"),
        ({"filter": "=x"}, "Invalid filter"),
        ({"fields": "metadata.tags[0]"}, "array type fields are not supported"),
    ],
)
def test_bad_parameters_are_input_errors(
    client: TestClient, catalog: Catalog, params: dict[str, str], message: str
) -> None:
    response = client.get(f"{BASE}/entities", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"
    assert message in response.json()["error"]["message"]


def test_long_lists_are_streamed_whole(client: TestClient, catalog_db: CatalogDb) -> None:
    with catalog_db.sessions.begin() as session:
        for i in range(1234):
            insert_entity(session, component(f"svc-{i:04d}", owner=f"team-{i % 7}"))
    body = client.get(
        f"{BASE}/entities", params={"filter": "kind=component", "fields": "metadata.name"}
    ).json()
    assert [e["metadata"]["name"] for e in body] == [f"svc-{i:04d}" for i in range(1234)]
    assert names(client, filter="spec.owner=team-3,kind=component") == [
        f"svc-{i:04d}" for i in range(3, 1234, 7)
    ]
