"""Helpers for ingestion tests: write catalog files, build a service, read what landed."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from catalog_store.db.tables import EntityRow, ProcessingErrorRow
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from tests.conftest import CatalogDb

ALL_KINDS = (
    {
        "allow": [
            "Component",
            "API",
            "Resource",
            "System",
            "Domain",
            "Group",
            "User",
            "Location",
            "Template",
            "AiResource",
            "Environment",
            "Widget",
            "Schedule",
        ]
    },
)


def write(path: Path, text: str) -> Path:
    """Write dedented text, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def component(name: str, owner: str = "team-a", **spec: Any) -> str:
    """A valid Component document."""
    body = {"type": "service", "lifecycle": "production", "owner": owner, **spec}
    lines = "\n".join(f"  {k}: {json.dumps(v)}" for k, v in body.items())
    return (
        f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
        f"spec:\n{lines}\n"
    )


ServiceFactory = Callable[..., CatalogService]


@pytest.fixture
def make_service(catalog_db: CatalogDb, tmp_path: Path) -> ServiceFactory:
    """Build a CatalogService over ``catalog_db`` with the given root locations."""

    def build(*locations: LocationSpec | str, **options: Any) -> CatalogService:
        specs = tuple(
            loc if isinstance(loc, LocationSpec) else LocationSpec("file", loc) for loc in locations
        )
        options.setdefault("rules", ALL_KINDS)
        options.setdefault("base_dir", tmp_path)
        options.setdefault("reading_hosts", ())
        options.setdefault("git_cache_dir", tmp_path / "git-cache")
        return CatalogService(catalog_db.sessions, IngestConfig(locations=specs, **options))

    return build


def entities(db: CatalogDb) -> dict[str, dict[str, Any]]:
    """Every stored entity body by lower-cased ref."""
    with db.sessions() as session:
        rows = session.execute(select(EntityRow.entity_ref, EntityRow.body)).all()
    return {ref: json.loads(body) for ref, body in rows}


def entity_rows(db: CatalogDb) -> dict[str, EntityRow]:
    """Every stored entity row by lower-cased ref."""
    with db.sessions() as session:
        return {row.entity_ref: row for row in session.scalars(select(EntityRow))}


def stored_errors(db: CatalogDb) -> list[str]:
    """Every stored processing error as ``file:line: field: message``."""
    with db.sessions() as session:
        rows = session.scalars(select(ProcessingErrorRow)).all()
    out = []
    for row in rows:
        where = row.address if row.line is None else f"{row.address}:{row.line}"
        out.append(
            f"{where}: {row.field}: {row.message}" if row.field else f"{where}: {row.message}"
        )
    return sorted(out)
