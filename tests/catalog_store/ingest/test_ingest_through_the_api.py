"""What ingestion writes, read back through the catalog API: relation filters in both
directions (whatever order the entities arrive in), errors in status, orphans."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalog_store.api import create_catalog_router, install_error_handlers
from catalog_store.ingest.service import CatalogService
from tests.catalog_store.ingest.conftest import ServiceFactory, component, write
from tests.conftest import CatalogDb

REPO = Path(__file__).resolve().parents[3]
GROUP = """apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {{name: {name}, description: {description}}}
spec: {{type: team, children: []}}
"""


def client_for(db: CatalogDb, service: CatalogService) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(
        create_catalog_router(sessions=db.sessions, writer=service), prefix="/api/catalog"
    )
    return TestClient(app)


def names(client: TestClient, *filters: str) -> list[str]:
    params = [("filter", f) for f in filters] + [("fields", "kind,metadata.name")]
    response = client.get("/api/catalog/entities", params=params)
    assert response.status_code == 200, response.text
    return sorted(f"{e['kind']}:{e['metadata']['name']}" for e in response.json())


def test_relation_filters_follow_both_directions_in_any_order(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./a-components.yaml, ./z-groups.yaml]}
    """,
    )
    write(tmp_path / "a-components.yaml", component("svc-a") + "---\n" + component("svc-b"))
    write(tmp_path / "z-groups.yaml", GROUP.format(name="team-a", description="first"))
    service = make_service(str(tmp_path / "all.yaml"))
    service.refresh_all()
    client = client_for(catalog_db, service)

    assert names(client, "relations.ownedBy=group:default/team-a") == [
        "Component:svc-a",
        "Component:svc-b",
    ]
    assert names(client, "relations.ownerof=component:default/svc-b") == ["Group:team-a"]

    write(tmp_path / "z-groups.yaml", GROUP.format(name="team-a", description="second"))
    service.refresh_all()
    assert names(client, "relations.ownerOf=component:default/svc-a") == ["Group:team-a"]

    write(
        tmp_path / "a-components.yaml",
        component("svc-a") + "---\n" + component("svc-b", owner="team-b"),
    )
    service.refresh_all()
    assert names(client, "relations.ownerOf") == ["Group:team-a"]
    assert names(client, "relations.ownerOf=component:default/svc-b") == []
    assert names(client, "kind=component,relations.ownedBy=group:default/team-b") == [
        "Component:svc-b"
    ]


def test_the_example_catalog_through_the_api(
    make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    service = make_service(str(REPO / "examples/catalog/all.yaml"), base_dir=REPO / "examples")
    (stats,) = service.refresh_all().values()
    assert stats.errors == []
    client = client_for(catalog_db, service)
    assert names(client, "kind=component,spec.owner=payments-team") == [
        "Component:ledger-service",
        "Component:payment-service",
    ]
    assert names(client, "relations.hasMember=user:default/alice") == ["Group:payments-team"]
    assert names(client, "relations.childOf=group:default/engineering") == [
        "Group:checkout-team",
        "Group:payments-team",
        "Group:platform-team",
    ]
    assert names(client, "relations.apiConsumedBy=component:default/order-service") == [
        "API:payments-api"
    ]
    entity = client.get("/api/catalog/entities/by-name/api/default/payments-api").json()
    assert entity["spec"]["definition"].startswith('syntax = "proto3";')
    assert {"type": "apiProvidedBy", "targetRef": "component:default/payment-service"} in entity[
        "relations"
    ]
    facets = client.get("/api/catalog/entity-facets", params={"facet": "kind"}).json()
    counts = {f["value"]: f["count"] for f in facets["facets"]["kind"]}
    assert counts["component"] == 5 and counts["group"] == 5


def test_errors_show_in_status_and_orphans_are_annotated(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc") + "---\n" + component("old"))
    service = make_service(str(path))
    service.refresh_all()
    path.write_text(component("svc").replace('  owner: "team-a"\n', ""))
    service.refresh_all()
    client = client_for(catalog_db, service)
    svc = client.get("/api/catalog/entities/by-name/component/default/svc").json()
    (item,) = svc["status"]["items"]
    assert item["type"] == "backstage.io/catalog-processing"
    assert "spec.owner" in item["message"]
    old = client.get("/api/catalog/entities/by-name/component/default/old").json()
    assert old["metadata"]["annotations"]["backstage.io/orphan"] == "true"
