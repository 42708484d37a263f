"""Single-entity reads: the served entity's shape, by uid, by name, and ancestry."""

from __future__ import annotations

from fastapi.testclient import TestClient

from catalog_store.queries.entity_reader import entity_etag
from tests.catalog_store.api.conftest import Catalog

BASE = "/api/catalog"


def test_by_name_serves_the_full_entity(client: TestClient, catalog: Catalog) -> None:
    response = client.get(f"{BASE}/entities/by-name/component/default/artist-web")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    entity = response.json()
    assert entity["kind"] == "Component"
    metadata = entity["metadata"]
    assert metadata["uid"] == catalog.uids["artist-web"]
    assert len(metadata["etag"]) == 16
    assert metadata["namespace"] == "default"
    assert metadata["annotations"]["backstage.io/managed-by-location"] == "file:/catalog/svc/c.yaml"
    assert "backstage.io/orphan" not in metadata["annotations"]
    assert entity["relations"] == [
        {"type": "ownedBy", "targetRef": "group:default/team-a"},
        {"type": "partOf", "targetRef": "system:default/audio-playback"},
    ]
    assert "status" not in entity


def test_by_name_is_case_insensitive_and_keeps_the_original_case(
    client: TestClient, catalog: Catalog
) -> None:
    response = client.get(f"{BASE}/entities/by-name/Component/DEFAULT/wayback-SEARCH")
    assert response.status_code == 200
    assert response.json()["metadata"]["name"] == "Wayback-Search"


def test_relations_include_those_other_entities_originate(
    client: TestClient, catalog: Catalog
) -> None:
    group = client.get(f"{BASE}/entities/by-name/group/default/team-a").json()
    assert group["relations"] == [
        {"type": "hasMember", "targetRef": "user:default/jdoe"},
        {"type": "ownerOf", "targetRef": "api:default/order-api"},
        {"type": "ownerOf", "targetRef": "component:default/artist-web"},
        {"type": "ownerOf", "targetRef": "component:default/playback-order"},
        {"type": "ownerOf", "targetRef": "system:default/audio-playback"},
    ]


def test_processing_errors_become_status_items(client: TestClient, catalog: Catalog) -> None:
    entity = client.get(f"{BASE}/entities/by-name/component/default/playback-order").json()
    assert entity["status"]["items"] == [
        {
            "type": "backstage.io/catalog-processing",
            "level": "error",
            "message": "InputError: spec.owner: team-x is unknown",
            "error": {"name": "InputError", "message": "spec.owner: team-x is unknown"},
        },
        {
            "type": "backstage.io/catalog-processing",
            "level": "error",
            "message": "InputError: second problem",
            "error": {"name": "InputError", "message": "second problem"},
        },
    ]


def test_orphans_carry_the_orphan_annotation(client: TestClient, catalog: Catalog) -> None:
    entity = client.get(f"{BASE}/entities/by-name/component/ops/queue-proxy").json()
    assert entity["metadata"]["annotations"]["backstage.io/orphan"] == "true"


def test_by_uid(client: TestClient, catalog: Catalog) -> None:
    uid = catalog.uids["order-api"]
    response = client.get(f"{BASE}/entities/by-uid/{uid}")
    assert response.status_code == 200
    assert response.json()["metadata"]["name"] == "order-api"


def test_missing_entities_are_404_with_backstage_bodies(
    client: TestClient, catalog: Catalog
) -> None:
    response = client.get(f"{BASE}/entities/by-uid/nope")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"name": "NotFoundError", "message": "No entity with uid nope"},
        "request": {"method": "GET", "url": f"{BASE}/entities/by-uid/nope"},
        "response": {"statusCode": 404},
    }
    response = client.get(f"{BASE}/entities/by-name/component/default/ghost")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "No entity named 'ghost' found, with kind 'component' in namespace 'default'"
    )


def test_etag_changes_with_content_and_change_counter() -> None:
    assert entity_etag("abc", 1) != entity_etag("abc", 2)
    assert entity_etag("abc", 1) != entity_etag("abd", 1)
    assert entity_etag("abc", 1) == entity_etag("abc", 1)


def test_ancestry_follows_location_targets(client: TestClient, catalog: Catalog) -> None:
    response = client.get(f"{BASE}/entities/by-name/component/default/artist-web/ancestry")
    assert response.status_code == 200
    body = response.json()
    assert body["rootEntityRef"] == "component:default/artist-web"
    assert [(i["entity"]["metadata"]["name"], i["parentEntityRefs"]) for i in body["items"]] == [
        ("artist-web", ["location:default/root"]),
        ("root", []),
    ]
    assert body["items"][0]["entity"]["metadata"]["uid"] == catalog.uids["artist-web"]


def test_ancestry_of_a_root_entity_and_of_a_missing_one(
    client: TestClient, catalog: Catalog
) -> None:
    body = client.get(f"{BASE}/entities/by-name/location/default/root/ancestry").json()
    assert body["rootEntityRef"] == "location:default/root"
    assert [i["parentEntityRefs"] for i in body["items"]] == [[]]
    teams = client.get(f"{BASE}/entities/by-name/user/default/jdoe/ancestry").json()
    assert teams["items"][0]["parentEntityRefs"] == ["location:default/root"]
    missing = client.get(f"{BASE}/entities/by-name/user/default/nobody/ancestry")
    assert missing.status_code == 404
    assert missing.json()["error"]["name"] == "NotFoundError"
