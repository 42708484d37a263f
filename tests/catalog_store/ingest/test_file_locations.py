"""Ingesting file locations: trees, placeholders, incremental runs, errors, orphans."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from catalog_store.db.tables import CatalogStateRow, EntityChangeRow, RelationRow
from tests.catalog_store.ingest.conftest import (
    ServiceFactory,
    component,
    entities,
    entity_rows,
    stored_errors,
    write,
)
from tests.conftest import CatalogDb


def test_location_tree_with_globs_and_multi_documents(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec:
          targets: [./org.yaml, ./teams/**/catalog-info.yaml]
    """,
    )
    write(
        tmp_path / "org.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata: {name: alice}
        spec: {memberOf: [team-a]}
    """,
    )
    write(tmp_path / "teams/a/catalog-info.yaml", component("svc-a") + "---\n" + component("svc-b"))
    write(tmp_path / "teams/b/deep/catalog-info.yaml", component("svc-c", owner="group:team-a"))

    stats = make_service(str(tmp_path / "all.yaml")).refresh_all()

    assert sorted(entities(catalog_db)) == [
        "component:default/svc-a",
        "component:default/svc-b",
        "component:default/svc-c",
        "group:default/team-a",
        "location:default/root",
        "user:default/alice",
    ]
    (result,) = stats.values()
    assert (result.added, result.errors) == (6, [])
    body = entities(catalog_db)["component:default/svc-c"]
    annotations = body["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"] == (
        f"file:{tmp_path / 'teams/b/deep/catalog-info.yaml'}"
    )
    assert annotations["backstage.io/managed-by-origin-location"] == f"file:{tmp_path / 'all.yaml'}"
    assert body["metadata"]["namespace"] == "default"
    with catalog_db.sessions() as session:
        relations = {
            (r.source_key, r.type, r.target_key) for r in session.scalars(select(RelationRow))
        }
    assert ("group:default/team-a", "ownerOf", "component:default/svc-c") in relations
    assert ("component:default/svc-c", "ownedBy", "group:default/team-a") in relations
    assert ("user:default/alice", "memberOf", "group:default/team-a") in relations
    assert ("group:default/team-a", "hasMember", "user:default/alice") in relations


def test_placeholders_are_substituted_relative_to_the_file(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(tmp_path / "api/spec.yaml", "openapi: 3.0.0\ninfo: {title: T, version: '1'}\n")
    write(tmp_path / "api/data.json", '{"x": [1, 2]}')
    write(tmp_path / "api/extra.yaml", "a: b\n")
    write(
        tmp_path / "api/catalog-info.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: API
        metadata:
          name: petstore
          annotations: {}
        spec:
          type: openapi
          lifecycle: production
          owner: team-a
          definition:
            $text: ./spec.yaml
          json:
            $json: ./data.json
          yaml:
            $yaml: ./extra.yaml
    """,
    )
    make_service(str(tmp_path / "api/catalog-info.yaml")).refresh_all()
    spec = entities(catalog_db)["api:default/petstore"]["spec"]
    assert spec["definition"].startswith("openapi: 3.0.0")
    assert spec["json"] == {"x": [1, 2]}
    assert spec["yaml"] == {"a": "b"}


def test_unchanged_reingest_writes_nothing_and_one_change_touches_one_file(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./a.yaml, ./b.yaml]}
    """,
    )
    write(tmp_path / "a.yaml", component("svc-a"))
    write(tmp_path / "b.yaml", component("svc-b"))
    service = make_service(str(tmp_path / "all.yaml"))
    service.refresh_all()
    before = entity_rows(catalog_db)
    with catalog_db.sessions() as session:
        seq_before = session.scalar(select(CatalogStateRow.change_seq))

    (again,) = service.refresh_all().values()
    assert (again.files_read, again.files_unchanged, again.added, again.updated) == (0, 3, 0, 0)
    with catalog_db.sessions() as session:
        assert session.scalar(select(CatalogStateRow.change_seq)) == seq_before

    write(tmp_path / "b.yaml", component("svc-b", owner="team-b"))
    (changed,) = service.refresh_all().values()
    assert (changed.files_read, changed.files_unchanged, changed.updated) == (1, 2, 1)
    after = entity_rows(catalog_db)
    assert (
        after["component:default/svc-a"].change_seq == before["component:default/svc-a"].change_seq
    )
    assert after["component:default/svc-b"].generation == 2
    assert after["component:default/svc-b"].id == before["component:default/svc-b"].id
    with catalog_db.sessions() as session:
        changes = session.execute(
            select(EntityChangeRow.entity_ref).where(EntityChangeRow.seq > seq_before)
        ).scalars()
        assert set(changes) == {"component:default/svc-b"}


def test_a_changed_placeholder_file_makes_its_entity_stale(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(tmp_path / "doc.txt", "v1")
    write(tmp_path / "c.yaml", component("svc", definition={"$text": "./doc.txt"}))
    service = make_service(str(tmp_path / "c.yaml"))
    service.refresh_all()
    write(tmp_path / "doc.txt", "v2")
    (stats,) = service.refresh_all().values()
    assert stats.updated == 1
    assert entities(catalog_db)["component:default/svc"]["spec"]["definition"] == "v2"


def test_an_invalid_entity_keeps_its_last_good_version_and_names_file_line_field(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "payments.yaml", component("payments") + "---\n" + component("other"))
    service = make_service(str(path))
    service.refresh_all()
    broken = textwrap.dedent("""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: payments
        spec:
          type: service
          lifecycle: production
        ---
    """).lstrip()
    write(tmp_path / "payments.yaml", broken + component("other", owner="team-b"))

    service.refresh_all()

    stored = entities(catalog_db)
    assert stored["component:default/payments"]["spec"]["owner"] == "team-a"
    assert stored["component:default/other"]["spec"]["owner"] == "team-b"
    assert stored_errors(catalog_db) == ["payments.yaml:5: spec.owner: required"]
    assert entity_rows(catalog_db)["component:default/payments"].orphan_since is None


def test_malformed_yaml_keeps_the_file_entities_and_reports_the_line(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    path = write(tmp_path / "c.yaml", component("svc"))
    service = make_service(str(path))
    service.refresh_all()
    path.write_text("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: [x\n")
    service.refresh_all()
    assert "component:default/svc" in entities(catalog_db)
    (error,) = stored_errors(catalog_db)
    assert error.startswith("c.yaml:4: invalid YAML")
    assert entity_rows(catalog_db)["component:default/svc"].orphan_since is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        (b"a: &a [*a]\n", "nested deeper"),
        (
            (
                "a: &a ["
                + ",".join(['"lol"'] * 10)
                + "]\n"
                + "".join(
                    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
                    for i in range(6)
                )
            ).encode(),
            "alias bomb",
        ),
    ],
    ids=["binary", "recursive-alias", "billion-laughs"],
)
def test_hostile_files_fail_cleanly(
    tmp_path: Path,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    content: bytes,
    message: str,
) -> None:
    (tmp_path / "bad.yaml").write_bytes(content)
    write(tmp_path / "good.yaml", component("svc"))
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./bad.yaml, ./good.yaml]}
    """,
    )
    make_service(str(tmp_path / "all.yaml")).refresh_all()
    assert "component:default/svc" in entities(catalog_db)
    (error,) = stored_errors(catalog_db)
    assert error.startswith("bad.yaml") and message in error


def test_a_file_over_the_size_limit_is_refused(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.write(component("svc").encode())
        handle.write(b"# " + b"x" * (50 * 1024 * 1024) + b"\n")
    make_service(str(big), max_file_bytes=10 * 1024 * 1024).refresh_all()
    assert entities(catalog_db) == {}
    (error,) = stored_errors(catalog_db)
    assert "50.0 MiB, over the 10.0 MiB limit" in error


def test_unknown_kinds_pass_with_envelope_validation_and_rules_refuse_kinds(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "c.yaml",
        """
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: gadget}
        spec: {anything: [1, 2]}
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: {name: team-a}
        spec: {type: team, children: []}
    """,
    )
    make_service(str(tmp_path / "c.yaml"), rules=({"allow": ["Widget"]},)).refresh_all()
    assert list(entities(catalog_db)) == ["widget:default/gadget"]
    assert stored_errors(catalog_db) == [
        "c.yaml:7: kind: kind 'Group' is not allowed by catalog.rules (allowed: Widget)"
    ]


def test_duplicate_names_in_one_file_keep_the_first(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(tmp_path / "c.yaml", component("svc") + "---\n" + component("SVC", owner="team-b"))
    make_service(str(tmp_path / "c.yaml")).refresh_all()
    assert entities(catalog_db)["component:default/svc"]["spec"]["owner"] == "team-a"
    assert stored_errors(catalog_db) == [
        "c.yaml:10: duplicate entity component:default/SVC: already defined at c.yaml:1"
    ]


def test_conflicting_locations_keep_the_first_owner(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    first = write(tmp_path / "one/c.yaml", component("svc"))
    second = write(tmp_path / "two/c.yaml", component("svc", owner="team-b"))
    service = make_service(str(first), str(second))
    service.refresh_all()
    assert entities(catalog_db)["component:default/svc"]["spec"]["owner"] == "team-a"
    (error,) = stored_errors(catalog_db)
    assert error.startswith(
        f"c.yaml:1: entity component:default/svc is already provided by location file:{first}"
    )
    service.refresh_all()
    assert len(stored_errors(catalog_db)) == 1


def test_location_cycles_missing_targets_and_escapes_are_reported(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "cat/a.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: a}
        spec: {targets: [./b.yaml, ./missing.yaml, ../outside.yaml]}
    """,
    )
    write(
        tmp_path / "cat/b.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: b}
        spec: {targets: [./a.yaml]}
    """,
    )
    write(tmp_path / "outside.yaml", component("sneaky"))
    make_service(str(tmp_path / "cat/a.yaml")).refresh_all()
    assert sorted(entities(catalog_db)) == ["location:default/a", "location:default/b"]
    errors = stored_errors(catalog_db)
    assert "b.yaml:4: spec.targets: location cycle: a.yaml -> b.yaml -> a.yaml" in errors
    assert "a.yaml:4: spec.targets: missing.yaml: file not found" in errors
    assert any("'../outside.yaml' points outside" in e for e in errors)


def test_orphans_are_marked_then_removed_after_the_grace_period(
    tmp_path: Path, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./a.yaml, ./b.yaml]}
    """,
    )
    write(tmp_path / "a.yaml", component("svc-a"))
    write(tmp_path / "b.yaml", component("svc-b") + "---\n" + component("svc-c"))
    service = make_service(str(tmp_path / "all.yaml"), orphan_grace_seconds=3600)
    service.refresh_all()
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./a.yaml]}
    """,
    )
    write(tmp_path / "a.yaml", component("svc-a") + "---\n" + component("svc-b"))
    (stats,) = service.refresh_all().values()
    rows = entity_rows(catalog_db)
    assert stats.orphaned == 1
    assert rows["component:default/svc-c"].orphan_since is not None
    assert rows["component:default/svc-b"].orphan_since is None

    assert service.cleanup_orphans() == 0
    assert service.cleanup_orphans(datetime.now(UTC) + timedelta(hours=2)) == 1
    assert "component:default/svc-c" not in entities(catalog_db)
    with catalog_db.sessions() as session:
        ops = (
            session.execute(
                select(EntityChangeRow.op).where(
                    EntityChangeRow.entity_ref == "component:default/svc-c"
                )
            )
            .scalars()
            .all()
        )
    assert ops[-1] == "delete"


def test_a_failure_mid_apply_leaves_nothing_half_written(
    tmp_path: Path,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write(
        tmp_path / "all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: root}
        spec: {targets: [./a.yaml, ./b.yaml]}
    """,
    )
    write(tmp_path / "a.yaml", component("svc-a"))
    write(tmp_path / "b.yaml", component("svc-b"))
    service = make_service(str(tmp_path / "all.yaml"))
    service.refresh_all()
    before = entities(catalog_db)
    write(tmp_path / "a.yaml", component("svc-a", owner="team-x"))
    write(tmp_path / "b.yaml", component("svc-b", owner="team-x"))

    from catalog_store.ingest import apply, entity_writes

    real_write = entity_writes.EntityWriter.write
    calls = {"n": 0}

    def crash_on_second_batch(self: entity_writes.EntityWriter, *args: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("crash mid-run")
        real_write(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "BATCH", 1)
    monkeypatch.setattr(entity_writes.EntityWriter, "write", crash_on_second_batch)
    service.refresh_all()
    assert entities(catalog_db) == before

    monkeypatch.setattr(entity_writes.EntityWriter, "write", real_write)
    service.refresh_all()
    assert {
        e["spec"]["owner"] for e in entities(catalog_db).values() if e["kind"] == "Component"
    } == {"team-x"}
