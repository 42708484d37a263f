"""Fixtures of the search tests: the example catalog as an index, and ingested into a
real database (SQLite, and PostgreSQL when ``CALLBOARD_TEST_POSTGRES_URL`` is set)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.model import KNOWN_KINDS
from catalog_store.search import SearchHit, SearchIndex
from tests.conftest import REPO, CatalogDb

EXAMPLES = REPO / "examples" / "catalog"


def example_entities() -> list[dict[str, Any]]:
    """Every entity document of the example catalog."""
    found = []
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(document, dict) and {"apiVersion", "kind", "metadata"} <= set(document):
                found.append(document)
    return found


def refs(hits: list[SearchHit]) -> list[str]:
    """The entity refs of hits, in order."""
    return [hit.entity_ref for hit in hits]


@pytest.fixture(scope="module")
def examples_index() -> SearchIndex:
    """The example catalog, indexed straight from its YAML files."""
    return SearchIndex.from_entities(example_entities())


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    """A writable copy of the example catalog."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "catalog"))


@pytest.fixture
def ingested(catalog_db: CatalogDb, examples_copy: Path, tmp_path: Path) -> CatalogService:
    """The copy of the example catalog ingested into ``catalog_db``."""
    config = IngestConfig(
        locations=(LocationSpec("file", str(examples_copy / "all.yaml")),),
        rules=({"allow": sorted(KNOWN_KINDS)},),
        base_dir=tmp_path,
        reading_hosts=(),
        git_cache_dir=tmp_path / "git-cache",
    )
    service = CatalogService(catalog_db.sessions, config)
    service.refresh_all()
    return service
