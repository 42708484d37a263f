"""Error bodies, bearer-token authentication, and refusal of unbounded requests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from catalog_store.api.auth import bearer_token, token_is_valid
from tests.catalog_store.api.conftest import Catalog, ClientFactory

BASE = "/api/catalog"


def test_unknown_routes_and_methods_get_backstage_bodies(client: TestClient) -> None:
    response = client.get(f"{BASE}/nothing/here?x=1")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"name": "NotFoundError", "message": f"No route for GET {BASE}/nothing/here"},
        "request": {"method": "GET", "url": f"{BASE}/nothing/here?x=1"},
        "response": {"statusCode": 404},
    }
    response = client.put(f"{BASE}/locations/x", json={})
    assert response.status_code == 405
    assert response.json()["response"] == {"statusCode": 405}


def test_paths_outside_the_catalog_keep_fastapi_errors(client: TestClient) -> None:
    response = client.get("/elsewhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_malformed_json_is_an_input_error(client: TestClient) -> None:
    response = client.post(
        f"{BASE}/entities/by-refs", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["name"] == "InputError"
    assert body["error"]["message"].startswith("Malformed request")
    assert body["request"] == {"method": "POST", "url": f"{BASE}/entities/by-refs"}


def test_unexpected_failures_are_500_errors(
    client: TestClient, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    import catalog_store.api.entity_routes as routes

    def boom(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(routes, "entity_by_uid", boom)
    response = client.get(f"{BASE}/entities/by-uid/x")
    assert response.status_code == 500
    assert response.json()["error"] == {"name": "Error", "message": "Internal server error"}


def test_open_api_without_tokens(client: TestClient, catalog: Catalog) -> None:
    assert client.get(f"{BASE}/entities").status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer wrong", "Basic c2VjcmV0", "bearer  ", "Token secret-1"],
)
def test_tokens_are_required_when_configured(
    make_client: ClientFactory, catalog: Catalog, header: str | None
) -> None:
    client = make_client(["secret-1", "secret-2"])
    headers = {"Authorization": header} if header is not None else {}
    for method, path in [
        ("GET", "/entities"),
        ("GET", "/entities/by-name/component/default/artist-web"),
        ("POST", "/entities/by-refs"),
        ("POST", "/locations"),
        ("GET", "/locations"),
        ("POST", "/validate-entity"),
        ("DELETE", "/entities/by-uid/x"),
    ]:
        response = client.request(method, f"{BASE}{path}", headers=headers, content=b"{bad json")
        assert response.status_code == 401, (method, path)
        assert response.json()["error"]["name"] == "AuthenticationError"
        assert response.headers["www-authenticate"] == "Bearer"


def test_any_configured_token_is_accepted(make_client: ClientFactory, catalog: Catalog) -> None:
    client = make_client(["secret-1", "secret-2"])
    for token in ("secret-1", "secret-2"):
        response = client.get(
            f"{BASE}/entities/by-name/component/default/artist-web",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
    response = client.get(f"{BASE}/entities", headers={"authorization": "bearer secret-2"})
    assert response.status_code == 200


def test_token_helpers() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer   abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("") is None
    assert token_is_valid("abc", [b"x", b"abc"])
    assert not token_is_valid("abd", [b"abc"])
    assert not token_is_valid("", [b"abc"])


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/entities", [("filter", "kind=a")] * 101, "more than 100 filter parameters"),
        (
            "/entities",
            {"filter": ",".join(f"k{i}=v" for i in range(501))},
            "more than 500 conditions",
        ),
        (
            "/entities",
            [("filter", ",".join(f"k{i}=v" for i in range(100)))] * 6,
            "more than 500 conditions",
        ),
        ("/entities", {"filter": "k" * 201 + "=v"}, "key longer than 200"),
        ("/entities", {"filter": "k=" + "v" * 1025}, "value longer than 1024"),
        ("/entities", {"fields": ",".join(f"f{i}" for i in range(101))}, "more than 100 fields"),
        ("/entities", [("order", "asc:metadata.name")] * 11, "Too many order fields"),
        ("/entities/by-query", {"fullTextFilterTerm": "x" * 201}, "longer than 200"),
        ("/entity-facets", {"facet": "kind", "filter": "kind=x," * 501}, "more than 500"),
    ],
)
def test_oversized_requests_are_refused(
    client: TestClient, catalog: Catalog, path: str, params: object, message: str
) -> None:
    response = client.get(f"{BASE}{path}", params=params)
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"
    assert message in response.json()["error"]["message"]


def test_oversized_predicates_are_refused(client: TestClient, catalog: Catalog) -> None:
    deep: dict[str, object] = {"kind": "component"}
    for _ in range(20):
        deep = {"$not": deep}
    wide = {"$any": [{"kind": f"k{i}"} for i in range(101)]}
    many_values = {"kind": {"$in": [f"k{i}" for i in range(501)]}}
    for query in (deep, wide, many_values):
        response = client.post(f"{BASE}/entities/by-query", json={"query": query})
        assert response.status_code == 400, query
        assert response.json()["error"]["name"] == "InputError"


def test_large_limits_are_lowered(client: TestClient, catalog: Catalog) -> None:
    body = client.get(f"{BASE}/entities/by-query", params={"limit": 10**9}).json()
    assert len(body["items"]) == len(catalog.uids)
    assert len(client.get(f"{BASE}/entities", params={"limit": 10**9}).json()) == len(catalog.uids)
    response = client.get(f"{BASE}/entities", params={"limit": 10**11})
    assert response.status_code == 400
    assert "too large" in response.json()["error"]["message"]
