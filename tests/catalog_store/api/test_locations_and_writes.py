"""Locations, refresh, entity deletion and entity validation, through the writer."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from catalog_store.catalog_writer import LocationInfo
from tests.catalog_store.api.fake_writer import FakeWriter

BASE = "/api/catalog"


def test_location_lifecycle(client: TestClient, writer: FakeWriter) -> None:
    writer.entities_by_target["https://example.com/catalog-info.yaml"] = [
        {"kind": "Component", "metadata": {"name": "x"}}
    ]
    created = client.post(
        f"{BASE}/locations", json={"type": "url", "target": "https://example.com/catalog-info.yaml"}
    )
    assert created.status_code == 201
    body = created.json()
    assert body == {
        "location": {
            "id": "loc-1",
            "type": "url",
            "target": "https://example.com/catalog-info.yaml",
        },
        "entities": [{"kind": "Component", "metadata": {"name": "x"}}],
    }
    listed = client.get(f"{BASE}/locations").json()
    assert listed == [{"data": body["location"]}]
    assert client.get(f"{BASE}/locations/loc-1").json() == body["location"]
    again = client.post(
        f"{BASE}/locations", json={"type": "url", "target": "https://example.com/catalog-info.yaml"}
    )
    assert again.status_code == 409
    assert again.json()["error"]["name"] == "ConflictError"
    assert client.delete(f"{BASE}/locations/loc-1").status_code == 204
    missing = client.get(f"{BASE}/locations/loc-1")
    assert missing.status_code == 404
    assert missing.json()["error"]["name"] == "NotFoundError"
    assert client.delete(f"{BASE}/locations/loc-1").status_code == 404


def test_dry_runs_report_existence_and_errors(client: TestClient, writer: FakeWriter) -> None:
    dry = client.post(
        f"{BASE}/locations?dryRun=true", json={"type": "url", "target": "https://e/x.yaml"}
    )
    assert dry.status_code == 201
    assert dry.json()["exists"] is False
    assert ("add_location", ("url", "https://e/x.yaml", True)) in writer.calls
    assert writer.locations == {}
    client.post(f"{BASE}/locations", json={"type": "url", "target": "https://e/x.yaml"})
    dry = client.post(
        f"{BASE}/locations?dryRun=yes", json={"type": "url", "target": "https://e/x.yaml"}
    )
    assert dry.json()["exists"] is True
    broken = client.post(
        f"{BASE}/locations?dryRun=1", json={"type": "url", "target": "https://e/broken.yaml"}
    )
    assert broken.status_code == 400
    assert "bad yaml" in broken.json()["error"]["message"]


def test_on_conflict_refresh_answers_with_the_existing_location(
    client: TestClient, writer: FakeWriter
) -> None:
    first = client.post(
        f"{BASE}/locations", json={"type": "url", "target": "https://e/y.yaml"}
    ).json()
    again = client.post(
        f"{BASE}/locations?onConflict=refresh", json={"type": "url", "target": "https://e/y.yaml"}
    )
    assert again.status_code == 201
    assert again.json() == {"location": first["location"], "entities": [], "exists": True}
    bad = client.post(
        f"{BASE}/locations?onConflict=merge", json={"type": "url", "target": "https://e/y.yaml"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "body",
    [{"type": "url"}, {"target": "x"}, {"type": "url", "target": "x", "extra": 1}, [], "text"],
)
def test_malformed_locations_are_refused(client: TestClient, body: Any) -> None:
    response = client.post(f"{BASE}/locations", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"


def test_unknown_location_types_are_input_errors(client: TestClient) -> None:
    response = client.post(f"{BASE}/locations", json={"type": "ftp", "target": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Unknown location type ftp"


def test_location_by_entity(client: TestClient, writer: FakeWriter) -> None:
    writer.locations["l1"] = LocationInfo("l1", "url", "https://e/z.yaml")
    writer.location_of_entity["component:default/artist-web"] = "l1"
    response = client.get(f"{BASE}/locations/by-entity/Component/default/Artist-Web")
    assert response.json() == {"id": "l1", "type": "url", "target": "https://e/z.yaml"}
    assert client.get(f"{BASE}/locations/by-entity/component/default/none").status_code == 404


def test_locations_by_query_pages_and_filters(client: TestClient, writer: FakeWriter) -> None:
    for i in range(5):
        writer.locations[f"l{i}"] = LocationInfo(
            f"l{i}", "url" if i % 2 else "file", f"/t/{i}.yaml"
        )
    body = client.post(f"{BASE}/locations/by-query", json={"limit": 2}).json()
    assert [loc["id"] for loc in body["items"]] == ["l0", "l1"]
    assert body["totalItems"] == 5
    seen = [loc["id"] for loc in body["items"]]
    while "nextCursor" in body["pageInfo"]:
        body = client.post(
            f"{BASE}/locations/by-query", json={"cursor": body["pageInfo"]["nextCursor"]}
        ).json()
        seen.extend(loc["id"] for loc in body["items"])
    assert seen == [f"l{i}" for i in range(5)]
    body = client.post(f"{BASE}/locations/by-query", json={"query": {"type": "URL"}}).json()
    assert [loc["id"] for loc in body["items"]] == ["l1", "l3"]
    body = client.post(
        f"{BASE}/locations/by-query", json={"query": {"target": {"$hasPrefix": "/t/4"}}}
    ).json()
    assert [loc["id"] for loc in body["items"]] == ["l4"]
    assert client.post(f"{BASE}/locations/by-query", json={"limit": 0}).status_code == 400


def test_refresh(client: TestClient, writer: FakeWriter) -> None:
    writer.known_refs.add("component:default/artist-web")
    response = client.post(f"{BASE}/refresh", json={"entityRef": "Component:default/Artist-Web"})
    assert response.status_code == 200
    assert ("refresh_entity", "component:default/artist-web") in writer.calls
    missing = client.post(f"{BASE}/refresh", json={"entityRef": "component:default/none"})
    assert missing.status_code == 404
    assert client.post(f"{BASE}/refresh", json={"entityRef": "no-kind"}).status_code == 400
    assert client.post(f"{BASE}/refresh", json={}).status_code == 400
    assert client.post(f"{BASE}/refresh", json={"entityRef": "a:b", "x": 1}).status_code == 400


def test_delete_entity_by_uid(client: TestClient, writer: FakeWriter) -> None:
    writer.known_uids.add("u-1")
    assert client.delete(f"{BASE}/entities/by-uid/u-1").status_code == 204
    assert ("delete_entity", "u-1") in writer.calls
    response = client.delete(f"{BASE}/entities/by-uid/u-1")
    assert response.status_code == 404
    assert response.json()["error"]["name"] == "NotFoundError"


GOOD = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {"name": "x"},
    "spec": {"owner": "me", "type": "service", "lifecycle": "p"},
}


def test_validate_entity(client: TestClient, writer: FakeWriter) -> None:
    ok = client.post(
        f"{BASE}/validate-entity", json={"entity": GOOD, "location": "url:https://e/x"}
    )
    assert ok.status_code == 200
    assert ok.content == b""
    assert writer.calls[-1] == ("validate_entity", (GOOD, "url:https://e/x"))
    bad = dict(GOOD, spec={"type": "service"})
    response = client.post(
        f"{BASE}/validate-entity", json={"entity": bad, "location": "url:https://e/x"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"name": "InputError", "message": "spec: must have required property 'owner'"}]
    }


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"entity": GOOD}, "InputError"),
        ({"entity": "x", "location": "url:x"}, "TypeError"),
        ({"entity": {"kind": "A", "metadata": {"name": "x"}}, "location": "url:x"}, "TypeError"),
        ({"entity": dict(GOOD, metadata={}), "location": "url:x"}, "TypeError"),
        ({"entity": GOOD, "location": "no-colon"}, "TypeError"),
        ([1, 2], "InputError"),
    ],
)
def test_validate_entity_envelope_errors(client: TestClient, body: Any, name: str) -> None:
    response = client.post(f"{BASE}/validate-entity", json=body)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["name"] == name
