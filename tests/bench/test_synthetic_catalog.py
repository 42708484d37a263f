"""The synthetic catalog generator: valid entities, a clean ingest, and a one-file change."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bench.synthetic_catalog import CatalogLayout, generate, touch_one_file
from catalog_store.db.engine import create_catalog_engine, make_sessionmaker, migrate
from catalog_store.db.tables import EntityRow
from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.model import derive_relations, entity_ref_of, validate_entity

ENTITIES = 300
ALL_KINDS = ["Component", "API", "Resource", "System", "Domain", "Group", "User", "Location"]


def _documents(layout: CatalogLayout) -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for path in sorted(layout.root.rglob("*.yaml")):
        documents.extend(d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d)
    return documents


def _service(layout: CatalogLayout, database: Path) -> CatalogService:
    engine = create_catalog_engine(f"sqlite:///{database}")
    migrate(engine)
    config = IngestConfig(
        locations=(LocationSpec(type="file", target=str(layout.root_location)),),
        rules=({"allow": ALL_KINDS},),
        base_dir=layout.root,
        reading_hosts=(),
    )
    return CatalogService(make_sessionmaker(engine), config)


def test_generated_entities_are_valid_unique_and_deterministic(tmp_path: Path) -> None:
    layout = generate(tmp_path / "a", ENTITIES, git=False)
    documents = _documents(layout)

    assert len(documents) == layout.entities == ENTITIES
    assert layout.files == len(list(layout.root.rglob("*.yaml")))
    for document in documents:
        assert validate_entity(document) == [], document
        assert derive_relations(document)[1] == [], document
    refs = [entity_ref_of(d).key for d in documents]
    assert len(set(refs)) == len(refs)
    kinds = Counter(str(d["kind"]) for d in documents)
    assert kinds == Counter(layout.counts)
    assert kinds["Component"] > kinds["API"] > kinds["System"] > 0
    components = {d["metadata"]["name"] for d in documents if d["kind"] == "Component"}
    assert set(layout.component_names) <= components
    assert layout.owner_groups and layout.touch_file is not None

    again = generate(tmp_path / "b", ENTITIES, git=False)
    for path in layout.root.rglob("*.yaml"):
        twin = again.root / path.relative_to(layout.root)
        assert twin.read_bytes() == path.read_bytes()


def test_ingests_cleanly_and_picks_up_a_one_file_change(tmp_path: Path) -> None:
    layout = generate(tmp_path / "catalog", ENTITIES, git=True)
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=layout.root, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert len(log) == 1
    service = _service(layout, tmp_path / "catalog.db")

    (first,) = service.refresh_all().values()
    assert first.errors == []
    assert (first.added, first.files_read) == (layout.entities, layout.files)

    (unchanged,) = service.refresh_all().values()
    assert (unchanged.added, unchanged.updated, unchanged.files_read) == (0, 0, 0)
    assert unchanged.files_unchanged == layout.files

    changed_path = touch_one_file(layout)
    (changed,) = service.refresh_all().values()
    assert changed.errors == []
    assert (changed.files_read, changed.added, changed.updated, changed.orphaned) == (1, 0, 1, 0)
    assert changed_path == layout.touch_file
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=layout.root, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert len(log) == 2
    numstat = subprocess.run(
        ["git", "diff", "--numstat", "HEAD~1", "HEAD"],
        cwd=layout.root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert numstat[:2] == ["1", "1"]

    with service.sessions() as session:
        body = session.scalar(
            select(EntityRow.body).where(
                EntityRow.entity_ref == f"component:default/{layout.touch_component}"
            )
        )
    assert body is not None
    assert json.loads(body)["metadata"]["description"].endswith("(revision 1)")
