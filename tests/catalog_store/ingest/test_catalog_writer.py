"""The write side the API uses: registering, removing and refreshing locations, deleting
and validating entities."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from catalog_store.catalog_writer import CatalogInputError, ConflictError, NotFoundError
from catalog_store.db.tables import EntityChangeRow
from tests.catalog_store.ingest.conftest import (
    ServiceFactory,
    component,
    entities,
    entity_rows,
    write,
)
from tests.conftest import CatalogDb


def test_add_location_processes_it_and_refuses_a_second_registration(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc"))
    service = make_service()
    result = service.add_location(type="file", target=str(path))
    assert [e["metadata"]["name"] for e in result.entities] == ["svc"]
    assert service.get_location(result.location.id) == result.location
    assert service.get_location_by_entity("component:svc") == result.location
    assert service.list_locations() == [result.location]
    with pytest.raises(ConflictError):
        service.add_location(type="file", target=str(path))


def test_dry_run_reads_without_storing(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc") + "---\nkind: Component\n")
    service = make_service()
    result = service.add_location(type="file", target=str(path), dry_run=True)
    assert [e["metadata"]["name"] for e in result.entities] == ["svc"]
    assert [str(e) for e in result.errors] == [
        "c.yaml:10: apiVersion: required",
        "c.yaml:10: metadata: required",
    ]
    assert service.list_locations() == []
    assert entities(catalog_db) == {}


def test_bad_location_requests_are_input_errors(
    tmp_path: Path, make_service: ServiceFactory
) -> None:
    service = make_service()
    with pytest.raises(CatalogInputError, match="Unknown location type"):
        service.add_location(type="ftp", target="x")
    with pytest.raises(CatalogInputError, match="file locations on this server must lie under"):
        service.add_location(type="file", target="/etc/passwd")
    with pytest.raises(CatalogInputError, match="git locations on this server must lie under"):
        service.add_location(type="git", target="file:///srv/private-repo")
    with pytest.raises(CatalogInputError, match="need an https, ssh or git URL"):
        service.add_location(type="git", target="ext::sh -c touch% /tmp/pwned")
    with pytest.raises(NotFoundError):
        service.delete_location("nope")


def test_delete_location_removes_its_entities_and_logs_the_deletes(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc"))
    service = make_service()
    location = service.add_location(type="file", target=str(path)).location
    service.delete_location(location.id)
    assert entities(catalog_db) == {}
    with catalog_db.sessions() as session:
        assert session.scalars(select(EntityChangeRow.op)).all() == ["upsert", "delete"]


def test_a_deleted_entity_comes_back_at_the_next_refresh(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc"))
    service = make_service(str(path))
    service.refresh_all()
    uid = entity_rows(catalog_db)["component:default/svc"].id
    service.delete_entity(uid)
    assert entities(catalog_db) == {}
    service.refresh_all()
    assert list(entities(catalog_db)) == ["component:default/svc"]
    with pytest.raises(NotFoundError):
        service.delete_entity(uid)


def test_config_locations_removed_from_the_configuration_orphan_their_entities(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc"))
    make_service(str(path)).refresh_all()
    make_service().refresh_all()
    assert entity_rows(catalog_db)["component:default/svc"].orphan_since is not None
    assert make_service().list_locations() == []


def test_validate_entity_checks_fields_refs_and_rules(make_service: ServiceFactory) -> None:
    service = make_service(rules=({"allow": ["Component"]},))
    good = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "svc"},
        "spec": {"type": "service", "lifecycle": "production", "owner": "team-a"},
    }
    assert service.validate_entity(good, "url:https://example.com/c.yaml") == []
    missing = {**good, "spec": {"type": "service", "lifecycle": "production"}}
    assert [str(e) for e in service.validate_entity(missing, "x")] == ["x: spec.owner: required"]
    group = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": "g"},
        "spec": {"type": "team", "children": []},
    }
    (refused,) = service.validate_entity(group, "x")
    assert "not allowed by catalog.rules" in refused.message
