"""``/entities/by-query``: cursors, ordering, totals, full-text search and predicates."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.catalog_store.api.conftest import Catalog
from tests.catalog_store.api.factories import component, entity, insert_entity
from tests.conftest import CatalogDb

BASE = "/api/catalog"


@pytest.fixture
def many(catalog_db: CatalogDb) -> dict[str, dict[str, Any]]:
    """43 entities with repeated, missing and mixed-case sort values."""
    made: dict[str, dict[str, Any]] = {}
    with catalog_db.sessions.begin() as session:
        for i in range(36):
            owner = None if i % 5 == 0 else f"Team-{i % 4}"
            body = component(f"svc-{i:02d}", owner=owner or "x", type_="service")
            if owner is None:
                del body["spec"]["owner"]
            uid = insert_entity(session, body)
            made[uid] = {"name": f"svc-{i:02d}", "owner": owner.lower() if owner else None}
        for i in range(7):
            uid = insert_entity(session, entity("Resource", f"db-{i}", {"type": "database"}))
            made[uid] = {"name": f"db-{i}", "owner": None}
    return made


def walk(
    client: TestClient, method: str, first: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Follow nextCursor to the end; return the items and the responses."""
    items: list[dict[str, Any]] = []
    responses = []
    request: dict[str, Any] = first
    for _ in range(100):
        if method == "GET":
            response = client.get(f"{BASE}/entities/by-query", params=request)
        else:
            response = client.post(f"{BASE}/entities/by-query", json=request)
        assert response.status_code == 200, response.text
        body = response.json()
        responses.append(body)
        items.extend(body["items"])
        cursor = body["pageInfo"].get("nextCursor")
        if not cursor:
            return items, responses
        request = {"cursor": cursor}
    raise AssertionError("cursor walk did not end")


def expected_order(
    made: dict[str, dict[str, Any]], field: str, order: str, kind: str | None = None
) -> list[str]:
    rows = [(uid, m) for uid, m in made.items() if kind is None or m["name"].startswith(kind)]
    with_value = sorted((m[field], uid) for uid, m in rows if m[field] is not None)
    if order == "desc":
        with_value.reverse()
    nulls = sorted((uid for uid, m in rows if m[field] is None), reverse=order == "desc")
    return [uid for _, uid in with_value] + nulls


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("limit", [1, 4, 7, 50])
def test_cursor_walks_cover_everything_once_in_order(
    client: TestClient, many: dict[str, dict[str, Any]], method: str, order: str, limit: int
) -> None:
    if method == "GET":
        first: dict[str, Any] = {
            "orderField": f"spec.owner,{order}",
            "limit": limit,
            "fields": "metadata.uid,metadata.name",
        }
    else:
        first = {
            "orderBy": [{"field": "spec.owner", "order": order}],
            "limit": limit,
            "fields": ["metadata.uid", "metadata.name"],
        }
    items, responses = walk(client, method, first)
    uids = [item["metadata"]["uid"] for item in items]
    assert uids == expected_order(many, "owner", order)
    assert all(body["totalItems"] == len(many) for body in responses)
    assert all(len(body["items"]) <= limit for body in responses)
    assert "prevCursor" not in responses[0]["pageInfo"]


def test_prev_cursors_walk_back_over_the_same_pages(
    client: TestClient, many: dict[str, dict[str, Any]]
) -> None:
    _, forward = walk(
        client, "GET", {"orderField": "metadata.name,desc", "limit": 6, "filter": "kind=component"}
    )
    pages = [[i["metadata"]["name"] for i in body["items"]] for body in forward]
    assert sum(len(p) for p in pages) == 36
    back: list[list[str]] = [pages[-1]]
    cursor = forward[-1]["pageInfo"].get("prevCursor")
    while cursor:
        body = client.get(f"{BASE}/entities/by-query", params={"cursor": cursor}).json()
        back.append([i["metadata"]["name"] for i in body["items"]])
        cursor = body["pageInfo"].get("prevCursor")
        assert body["pageInfo"].get("nextCursor")
    assert back[::-1] == pages


def test_default_order_is_by_uid_and_limit_defaults(
    client: TestClient, many: dict[str, dict[str, Any]]
) -> None:
    body = client.get(f"{BASE}/entities/by-query").json()
    assert [i["metadata"]["uid"] for i in body["items"]] == sorted(many)
    assert body["pageInfo"] == {}
    assert body["totalItems"] == len(many)


def test_cursor_carries_the_filter(client: TestClient, many: dict[str, dict[str, Any]]) -> None:
    items, responses = walk(
        client,
        "GET",
        {
            "filter": ["spec.owner=team-1", "spec.owner=team-2"],
            "limit": 3,
            "orderField": "metadata.name,asc",
        },
    )
    names = [i["metadata"]["name"] for i in items]
    assert names == sorted(m["name"] for m in many.values() if m["owner"] in ("team-1", "team-2"))
    assert {body["totalItems"] for body in responses} == {len(names)}
    cursor = json.loads(base64.b64decode(responses[0]["pageInfo"]["nextCursor"]))
    assert cursor["filter"] == ["spec.owner=team-1", "spec.owner=team-2"]
    assert "query" not in cursor


def test_predicate_cursors_hold_the_query(
    client: TestClient, many: dict[str, dict[str, Any]]
) -> None:
    items, responses = walk(
        client, "POST", {"query": {"spec.owner": {"$in": ["TEAM-3", "team-0"]}}, "limit": 2}
    )
    assert len(items) == sum(1 for m in many.values() if m["owner"] in ("team-3", "team-0"))
    cursor = json.loads(base64.b64decode(responses[0]["pageInfo"]["nextCursor"]))
    assert cursor["query"] == {"spec.owner": {"$in": ["TEAM-3", "team-0"]}}


def test_offset_total_items_exclude_and_zero_limit(
    client: TestClient, many: dict[str, dict[str, Any]]
) -> None:
    all_uids = sorted(many)
    body = client.get(f"{BASE}/entities/by-query", params={"offset": 40, "limit": 10}).json()
    assert [i["metadata"]["uid"] for i in body["items"]] == all_uids[40:]
    body = client.get(
        f"{BASE}/entities/by-query", params={"limit": 5, "totalItems": "exclude"}
    ).json()
    assert body["totalItems"] == 0
    assert len(body["items"]) == 5
    body = client.get(f"{BASE}/entities/by-query", params={"limit": 0}).json()
    assert body == {"items": [], "totalItems": len(many), "pageInfo": {}}


def test_full_text_filter(client: TestClient, many: dict[str, dict[str, Any]]) -> None:
    params = {
        "fullTextFilterTerm": " SVC-1 ",
        "fullTextFilterFields": "metadata.name",
        "orderField": "metadata.name,asc",
    }
    body = client.get(f"{BASE}/entities/by-query", params=params).json()
    assert [i["metadata"]["name"] for i in body["items"]] == [f"svc-{i}" for i in range(10, 20)]
    assert body["totalItems"] == 10
    body = client.get(
        f"{BASE}/entities/by-query",
        params={"fullTextFilterTerm": "team-3", "fullTextFilterFields": "metadata.name,spec.owner"},
    ).json()
    assert body["totalItems"] == sum(1 for m in many.values() if m["owner"] == "team-3")
    # Without fields the term is looked for in the sort field (Backstage's default).
    body = client.get(
        f"{BASE}/entities/by-query",
        params={"fullTextFilterTerm": "DB-", "orderField": "metadata.name,asc"},
    ).json()
    assert body["totalItems"] == 7
    body = client.post(
        f"{BASE}/entities/by-query",
        json={"fullTextFilter": {"term": "vc-3", "fields": ["metadata.name"]}},
    ).json()
    assert sorted(i["metadata"]["name"] for i in body["items"]) == [
        f"svc-{i}" for i in range(30, 36)
    ]
    body = client.get(
        f"{BASE}/entities/by-query",
        params={"fullTextFilterTerm": "%", "fullTextFilterFields": "metadata.name"},
    ).json()
    assert body["totalItems"] == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "component", "spec.type": "website"}, ["artist-web"]),
        (
            {"$all": [{"kind": "Component"}, {"spec.owner": "team-a"}]},
            ["artist-web", "playback-order"],
        ),
        ({"$any": [{"kind": "user"}, {"metadata.name": "team-b"}]}, ["jdoe", "team-b"]),
        (
            {"$all": [{"kind": "component"}, {"$not": {"spec.owner": "team-a"}}]},
            ["queue-proxy", "Wayback-Search"],
        ),
        ({"kind": "component", "spec.system": {"$exists": True}}, ["artist-web"]),
        ({"kind": "group", "spec.system": {"$exists": False}}, ["team-a", "team-b"]),
        ({"metadata.name": {"$hasPrefix": "PLAY"}}, ["playback-order"]),
        ({"metadata.name": {"$hasPrefix": "%"}}, []),
        ({"spec.lifecycle": {"$in": ["experimental", "nope"]}}, ["playback-order"]),
        ({"spec.lifecycle": {"$in": []}}, []),
        (
            {"kind": {"$in": ["group", "user"]}, "metadata.namespace": "default"},
            ["jdoe", "team-a", "team-b"],
        ),
        ({"relations.ownedBy": "group:default/team-b"}, ["db", "Wayback-Search"]),
        ({"metadata.tags.java": True}, ["artist-web"]),
        ({"$not": {"metadata.namespace": "default"}}, ["queue-proxy"]),
        ({"$any": []}, []),
    ],
)
def test_predicates(
    client: TestClient, catalog: Catalog, query: dict[str, Any], expected: list[str]
) -> None:
    response = client.post(f"{BASE}/entities/by-query", json={"query": query})
    assert response.status_code == 200, response.text
    assert sorted(i["metadata"]["name"] for i in response.json()["items"]) == sorted(expected)


def test_an_empty_predicate_keeps_everything(client: TestClient, catalog: Catalog) -> None:
    body = client.post(f"{BASE}/entities/by-query", json={"query": {}}).json()
    assert body["totalItems"] == len(catalog.uids)
    assert client.post(f"{BASE}/entities/by-query").json()["totalItems"] == len(catalog.uids)


@pytest.mark.parametrize(
    "body",
    [
        {"query": {"kind": {"$contains": "x"}}},
        {"query": {"$all": {"kind": "x"}}},
        {"query": {"$all": [], "kind": "x"}},
        {"query": {"$weird": 1}},
        {"query": {"kind": ["a"]}},
        {"query": {"kind": {"$in": [{"a": 1}]}}},
        {"query": {"kind": {"$exists": "yes"}}},
        {"query": {"$not": "kind"}},
        {"cursor": ""},
        {"cursor": "bm90IGpzb24="},
        {"limit": -1},
        {"orderBy": [{"field": "metadata.name", "order": "up"}]},
        {"totalItems": "maybe"},
    ],
)
def test_malformed_predicate_queries_are_input_errors(
    client: TestClient, catalog: Catalog, body: dict[str, Any]
) -> None:
    response = client.post(f"{BASE}/entities/by-query", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["name"] == "InputError"


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": ""},
        {"cursor": "eyJvcmRlckZpZWxkcyI6IDV9"},
        {"orderField": "metadata.name,sideways"},
        {"totalItems": "some"},
        {"limit": "ten"},
    ],
)
def test_malformed_query_strings_are_input_errors(
    client: TestClient, catalog: Catalog, params: dict[str, str]
) -> None:
    response = client.get(f"{BASE}/entities/by-query", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["name"] == "InputError"


def test_tampered_cursor_values_are_refused(
    client: TestClient, many: dict[str, dict[str, Any]]
) -> None:
    body = client.get(
        f"{BASE}/entities/by-query", params={"limit": 2, "orderField": "metadata.name"}
    ).json()
    cursor = json.loads(base64.b64decode(body["pageInfo"]["nextCursor"]))
    cursor["orderFieldValues"] = ["only-one"]
    bad = base64.b64encode(json.dumps(cursor).encode()).decode()
    response = client.get(f"{BASE}/entities/by-query", params={"cursor": bad})
    assert response.status_code == 400
    cursor["orderFieldValues"] = []
    cursor["filter"] = ["kind=component"] * 101
    bad = base64.b64encode(json.dumps(cursor).encode()).decode()
    assert client.get(f"{BASE}/entities/by-query", params={"cursor": bad}).status_code == 400
