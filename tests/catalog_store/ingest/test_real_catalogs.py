"""The five real public catalogs in ../shared/fixtures/catalogs: every entity lands or gets
a precise error (file, line, entity), and nothing reaches the network."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from catalog_store.db.tables import LocationFileRow, ProcessingErrorRow
from catalog_store.ingest.config import LocationSpec
from catalog_store.model import entity_ref_of
from tests.catalog_store.ingest.conftest import ALL_KINDS, ServiceFactory, entities
from tests.conftest import CatalogDb

EXAMPLES = "backstage__backstage/packages/catalog-model/examples"
ROOTS = {
    "backstage__backstage": [
        f"{EXAMPLES}/all.yaml",
        f"{EXAMPLES}/acme-corp.yaml",
        f"{EXAMPLES}/all-environments.yaml",
        f"{EXAMPLES}/components/different-namespace.yaml",
        f"{EXAMPLES}/components/invalid-component.yaml",
        f"{EXAMPLES}/apis/config-schema-api.yaml",
        f"{EXAMPLES}/apis/local-ai-model-server-api.yaml",
        f"{EXAMPLES}/ai-resources/company-ai-marketplace.yaml",
    ],
    "backstage__demo": [
        "backstage__demo/catalog-info.yaml",
        "backstage__demo/examples/*.yaml",
        "backstage__demo/demo-template/template/template.yaml",
    ],
    "giantswarm": [
        "giantswarm__backstage-catalogs/catalogs/*.yaml",
        "giantswarm__backstage-catalogs/templates/*/template.yaml",
        "giantswarm__backstage-catalogs/templates/app-deployment/edit-template.yaml",
    ],
    "roadie": [
        "RoadieHQ__roadie-backstage-plugins/catalog-info.yaml",
        "RoadieHQ__roadie-backstage-plugins/entities/**/*.yaml",
    ],
    "rhdh": [
        "redhat-developer__rhdh/catalog-entities/all.yaml",
        "redhat-developer__rhdh/catalog-entities/e2e-test-resources/*.yaml",
    ],
}


def entity_documents(path: Path) -> list[str]:
    """The lower-cased refs of the entity documents of a file."""
    refs = []
    for document in yaml.safe_load_all(path.read_text()):
        if isinstance(document, dict) and {"apiVersion", "kind", "metadata"} <= document.keys():
            refs.append(entity_ref_of(document).key)
    return refs


@pytest.mark.parametrize("catalog", sorted(ROOTS))
def test_every_entity_lands_or_has_a_precise_error(
    catalog: str, shared_fixtures: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    root = shared_fixtures / "catalogs"
    service = make_service(
        *(LocationSpec("file", str(root / target)) for target in ROOTS[catalog]),
        base_dir=root,
        rules=ALL_KINDS,
    )
    service.refresh_all()

    stored = entities(catalog_db)
    with catalog_db.sessions() as session:
        files = session.scalars(select(LocationFileRow.address)).all()
        errors = session.scalars(select(ProcessingErrorRow)).all()
    assert files, "nothing was read"
    checked = 0
    for address in files:
        for key in entity_documents(Path(address)):
            checked += 1
            body = stored.get(key)
            if body is not None:
                where = body["metadata"]["annotations"]["backstage.io/managed-by-location"]
                if where == f"file:{address}":
                    continue
            precise = [
                e
                for e in errors
                if e.entity_ref == key
                and address.endswith(e.address)
                and e.line is not None
                and e.message
            ]
            assert precise, f"{address}: {key} neither landed nor got an error"
    assert checked >= 10
    for error in errors:
        assert error.message and (error.line is not None or error.entity_ref is None)


def test_the_deliberately_invalid_name_is_reported_with_file_line_and_field(
    shared_fixtures: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    target = shared_fixtures / "catalogs" / EXAMPLES / "components/invalid-component.yaml"
    make_service(str(target)).refresh_all()
    assert entities(catalog_db) == {}
    with catalog_db.sessions() as session:
        rendered = {
            f"{e.address}:{e.line}: {e.field}" for e in session.scalars(select(ProcessingErrorRow))
        }
    assert "invalid-component.yaml:4: metadata.name" in rendered


def test_all_five_catalogs_together(
    shared_fixtures: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    root = shared_fixtures / "catalogs"
    targets = [t for catalog in sorted(ROOTS) for t in ROOTS[catalog]]
    service = make_service(
        *(LocationSpec("file", str(root / t)) for t in targets), base_dir=root, rules=ALL_KINDS
    )
    service.refresh_all()
    stored = entities(catalog_db)
    assert len(stored) >= 230
    kinds = {body["kind"] for body in stored.values()}
    assert {
        "Component",
        "API",
        "Group",
        "User",
        "Template",
        "Location",
        "System",
        "Domain",
        "Resource",
        "AiResource",
        "Environment",
    } <= kinds
    assert "component:alternative/different-namespace" in stored or any(
        ref.split(":")[1].startswith("alternative/") for ref in stored
    )
    (again,) = {sum(s.files_read for s in service.refresh_all().values())}
    assert again <= 3  # only files whose entities were refused are read again
