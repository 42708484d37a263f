"""``GET /api/search/query`` in the shape of Backstage's search backend: documents, ranks,
highlights, paging cursors, filters, errors in the catalog API's body, and bearer tokens."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalog_store.api import install_error_handlers
from catalog_store.api.search_routes import POST_TAG, PRE_TAG, create_search_router
from catalog_store.ingest.service import CatalogService
from catalog_store.search import CatalogSearch, SearchIndex
from tests.conftest import CatalogDb

QUERY = "/api/search/query"


def client_for(index: SearchIndex | CatalogSearch, tokens: Sequence[str] = ()) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(create_search_router(index, api_tokens=tokens), prefix="/api/search")
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(examples_index: SearchIndex) -> TestClient:
    return client_for(examples_index)


def test_the_result_set_has_backstages_shape(client: TestClient) -> None:
    response = client.get(QUERY, params={"term": "payment srvice", "types[0]": "software-catalog"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"results", "numberOfResults", "nextPageCursor"} or set(body) == {
        "results",
        "numberOfResults",
    }
    first = body["results"][0]
    assert first["type"] == "software-catalog"
    assert first["rank"] == 1
    assert first["document"] == {
        "title": "Payment Service",
        "text": "Authorises and captures card payments through the acquirer.",
        "location": "/catalog/default/component/payment-service",
        "kind": "Component",
        "namespace": "default",
        "name": "payment-service",
        "owner": "payments-team",
        "lifecycle": "production",
        "type": "service",
        "componentType": "service",
        "authorization": {"resourceRef": "component:default/payment-service"},
    }
    highlight = first["highlight"]
    assert (highlight["preTag"], highlight["postTag"]) == (PRE_TAG, POST_TAG)
    assert highlight["fields"]["title"] == f"{PRE_TAG}Payment{POST_TAG} {PRE_TAG}Service{POST_TAG}"
    assert highlight["fields"]["name"] == f"{PRE_TAG}payment{POST_TAG}-{PRE_TAG}service{POST_TAG}"
    assert {"field": "name", "text": "payment-service", "terms": ["payment", "service"]} in first[
        "matches"
    ]
    assert 0 < first["score"] <= 1
    assert [r["rank"] for r in body["results"]] == list(range(1, len(body["results"]) + 1))
    assert body["numberOfResults"] >= len(body["results"])


def test_filters_combine_with_the_term(client: TestClient) -> None:
    body = client.get(QUERY, params={"term": "payments", "filters[kind]": "API"}).json()
    assert [r["document"]["name"] for r in body["results"]] == ["payments-api", "ledger-api"]
    both = client.get(QUERY, params={"term": "payments kind:component", "filters[kind]": "api"})
    assert both.json() == {"results": [], "numberOfResults": 0}
    listed = client.get(
        QUERY,
        params=[("filters[kind][0]", "api"), ("filters[kind][1]", "resource"), ("term", "")],
    ).json()
    assert {r["document"]["kind"] for r in listed["results"]} == {"API", "Resource"}
    assert listed["numberOfResults"] == 5
    typed = client.get(QUERY, params={"term": "", "filters[componentType]": "website"}).json()
    assert [r["document"]["name"] for r in typed["results"]] == ["checkout-web"]


def test_pages_follow_the_cursors(client: TestClient) -> None:
    everything = client.get(QUERY, params={"term": "service", "pageLimit": "100"}).json()
    names = [r["document"]["name"] for r in everything["results"]]
    assert "nextPageCursor" not in everything and len(names) > 3
    seen: list[str] = []
    params = {"term": "service", "pageLimit": "2"}
    page = client.get(QUERY, params=params).json()
    assert "previousPageCursor" not in page
    while True:
        seen.extend(r["document"]["name"] for r in page["results"])
        assert page["numberOfResults"] == len(names)
        if "nextPageCursor" not in page:
            break
        cursor = page["nextPageCursor"]
        assert base64.b64decode(cursor).decode().isdigit()
        page = client.get(QUERY, params={**params, "pageCursor": cursor}).json()
        assert "previousPageCursor" in page
    assert seen == names
    ranks = client.get(QUERY, params={**params, "pageCursor": "MQ=="}).json()["results"]
    assert [r["rank"] for r in ranks] == [3, 4]


def test_other_document_types_find_nothing(client: TestClient) -> None:
    body = client.get(QUERY, params={"term": "payment", "types[0]": "techdocs"}).json()
    assert body == {"results": [], "numberOfResults": 0}


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"term": "payment colour:blue"}, "Unknown filter 'colour'"),
        ({"term": "x", "filters[colour]": "blue"}, "filters[kind]"),
        ({"term": "🔥🔥"}, "no letters or digits"),
        ({"term": "x", "pageLimit": "0"}, "pageLimit"),
        ({"term": "x", "pageLimit": "abc"}, "pageLimit"),
        ({"term": "x", "pageLimit": "1000"}, "pageLimit"),
        ({"term": "x", "pageCursor": "not-base64!"}, "pageCursor"),
        ({"term": "x", "pageCursor": base64.b64encode(b"-1").decode()}, "pageCursor"),
        ({"term": "x", "pageCursor": base64.b64encode(b"999999").decode()}, "pageCursor"),
        ({"term": "kind:"}, "needs a value"),
    ],
)
def test_bad_parameters_answer_400_in_the_catalog_error_body(
    client: TestClient, params: dict[str, str], fragment: str
) -> None:
    response = client.get(QUERY, params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["name"] == "InputError"
    assert fragment in body["error"]["message"]
    assert body["request"]["method"] == "GET"
    assert body["request"]["url"].startswith(QUERY + "?")
    assert body["response"] == {"statusCode": 400}


def test_a_huge_term_is_cut_not_refused(client: TestClient) -> None:
    garbage = client.get(QUERY, params={"term": "pmts " + "y" * 10_000})
    assert garbage.status_code == 200
    assert garbage.json()["numberOfResults"] == 0
    padded = client.get(QUERY, params={"term": "pmts" + " " * 10_000 + "ignored"})
    assert padded.status_code == 200
    assert padded.json()["results"][0]["document"]["name"] == "payment-service"


def test_bearer_tokens_are_required_when_configured(examples_index: SearchIndex) -> None:
    guarded = client_for(examples_index, tokens=["s3cret"])
    missing = guarded.get(QUERY, params={"term": "pmts"})
    assert missing.status_code == 401
    assert missing.json()["error"]["name"] == "AuthenticationError"
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    wrong = guarded.get(QUERY, params={"term": "pmts"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    right = guarded.get(QUERY, params={"term": "pmts"}, headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200
    assert right.json()["results"][0]["document"]["name"] == "payment-service"


def test_the_api_over_a_catalog_database(catalog_db: CatalogDb, ingested: CatalogService) -> None:
    api = client_for(CatalogSearch(catalog_db.sessions))
    body = api.get(QUERY, params={"term": "checkout api"}).json()
    assert body["results"][0]["document"]["location"] == "/catalog/default/api/checkout-api"
    users = api.get(QUERY, params={"term": "alice", "filters[kind]": "User"}).json()
    assert users["results"][0]["document"]["text"] == "Alice Moreau"
