"""build_search_rows: Backstage's buildEntitySearch rows for an entity and its relations."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from model_fixture_data import FixtureDocument

from catalog_store.model import EntityRef, Relation, build_search_rows, derive_relations

ARTIST_WEB: dict[str, Any] = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "Artist-Web",
        "etag": "abc",
        "description": "The place to be, for GREAT artists",
        "labels": {"example.com/custom": "Custom_Label_Value"},
        "annotations": {"backstage.io/techdocs-ref": "dir:."},
        "tags": ["java", "Data"],
        "links": [
            {"url": "https://admin.example-org.com", "title": "Admin"},
            {"url": "https://logs.example-org.com", "title": "Logs"},
        ],
    },
    "spec": {
        "type": "website",
        "lifecycle": "production",
        "owner": "artist-relations-team",
        "providesApis": ["artist-api"],
        "deployment": {"replicas": 3, "canary": False, "region": None, "ratio": 0.5},
    },
    "relations": [{"type": "ownedBy", "targetRef": "group:default/ignored"}],
    "status": {"items": [{"type": "x", "level": "info", "message": "ignored"}]},
}


def test_representative_entity() -> None:
    relations, _ = derive_relations(ARTIST_WEB)
    assert build_search_rows(ARTIST_WEB, relations) == [
        ("apiversion", "backstage.io/v1alpha1"),
        ("kind", "component"),
        ("metadata.description", "the place to be, for great artists"),
        ("metadata.labels.example.com/custom", "custom_label_value"),
        ("metadata.annotations.backstage.io/techdocs-ref", "dir:."),
        ("metadata.tags", "java"),
        ("metadata.tags.java", "true"),
        ("metadata.tags", "data"),
        ("metadata.tags.data", "true"),
        ("metadata.links.url", "https://admin.example-org.com"),
        ("metadata.links.title", "admin"),
        ("metadata.links.url", "https://logs.example-org.com"),
        ("metadata.links.title", "logs"),
        ("spec.type", "website"),
        ("spec.lifecycle", "production"),
        ("spec.owner", "artist-relations-team"),
        ("spec.providesapis", "artist-api"),
        ("spec.providesapis.artist-api", "true"),
        ("spec.deployment.replicas", "3"),
        ("spec.deployment.canary", "false"),
        ("spec.deployment.region", None),
        ("spec.deployment.ratio", "0.5"),
        ("metadata.name", "artist-web"),
        ("metadata.namespace", None),
        ("metadata.uid", None),
        ("metadata.namespace", "default"),
        ("relations.ownedby", "group:default/artist-relations-team"),
        ("relations.providesapi", "api:default/artist-api"),
    ]


def test_special_keys_when_present() -> None:
    entity = copy.deepcopy(ARTIST_WEB)
    entity["metadata"].update({"namespace": "Ops", "uid": "E01199AB-08cc"})
    rows = build_search_rows(entity, [])
    assert rows[-3:] == [
        ("metadata.name", "artist-web"),
        ("metadata.namespace", "ops"),
        ("metadata.uid", "e01199ab-08cc"),
    ]
    assert ("metadata.namespace", "default") not in rows
    assert not any(key == "metadata.etag" for key, _ in rows)


def test_skipped_paths() -> None:
    entity = {
        "status": {"x": 1},
        "attachments": [{"y": 2}],
        "relations": [{"z": 3}],
        "a": "a",
        "metadata": {
            "b": "b",
            "name": "name",
            "namespace": "namespace",
            "uid": "uid",
            "etag": "etag",
            "c": "c",
        },
        "d": "d",
    }
    assert build_search_rows(entity, []) == [
        ("a", "a"),
        ("metadata.b", "b"),
        ("metadata.c", "c"),
        ("d", "d"),
        ("metadata.name", "name"),
        ("metadata.namespace", "namespace"),
        ("metadata.uid", "uid"),
    ]


def test_lists_and_nesting() -> None:
    entity = {
        "metadata": {"name": "n"},
        "a": ["b", "c", "b"],
        "root": {"list": [{"a": 1}, {"a": 2}], "m": [[1, "x"]]},
    }
    rows = build_search_rows(entity, [])
    assert rows[:8] == [
        ("a", "b"),
        ("a.b", "true"),
        ("a", "c"),
        ("a.c", "true"),
        ("root.list.a", "1"),
        ("root.list.a", "2"),
        ("root.m", "1"),
        ("root.m", "x"),
    ]
    assert ("root.m.x", "true") in rows


def test_list_item_rows_do_not_repeat_a_key_seen_in_another_case() -> None:
    rows = build_search_rows({"metadata": {"name": "n"}, "tags": ["Java", "java"]}, [])
    assert rows[:3] == [("tags", "java"), ("tags.java", "true"), ("metadata.name", "n")]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (7, "7"),
        (-3, "-3"),
        (1.0, "1"),
        (0.5, "0.5"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (123456789012.25, "123456789012.25"),
        (float("inf"), "infinity"),
        (2**53 - 1, "9007199254740991"),
        (12345678901234567890, "12345678901234567000"),
        (10**400, "infinity"),
        (-(10**400), "-infinity"),
        (None, None),
        ("MiXeD", "mixed"),
    ],
)
def test_scalar_values(value: Any, text: str | None) -> None:
    rows = build_search_rows({"metadata": {"name": "n"}, "v": value}, [])
    assert rows[0] == ("v", text)


def test_containers_and_unknown_values_give_no_row_of_their_own() -> None:
    rows = build_search_rows({"metadata": {"name": "n"}, "e": {}, "l": [], "o": object()}, [])
    assert [key for key, _ in rows] == [
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "metadata.namespace",
    ]


def test_length_limits() -> None:
    entity = {
        "metadata": {"name": "n"},
        "long": "x" * 201,
        "edge": "y" * 200,
        "k" * 201: "dropped",
        "k" * 200: "kept",
        "emoji": "\N{GRINNING FACE}" * 100,
        "emojis": "\N{GRINNING FACE}" * 101,
    }
    rows = dict(build_search_rows(entity, []))
    assert rows["long"] is None
    assert rows["edge"] == "y" * 200
    assert "k" * 201 not in rows
    assert rows["k" * 200] == "kept"
    # Backstage counts JavaScript string length: UTF-16 code units.
    assert rows["emoji"] == "\N{GRINNING FACE}" * 100
    assert rows["emojis"] is None


def test_relation_rows_use_only_the_entity_s_own_relations() -> None:
    me = EntityRef("Component", "default", "Artist-Web")
    team = EntityRef("Group", "Default", "Team-A")
    relations = [
        Relation(me, "ownedBy", team),
        Relation(team, "ownerOf", me),
        Relation(me, "ownedBy", team),
        Relation(me, "dependsOn", EntityRef("Resource", "default", "DB")),
    ]
    rows = build_search_rows(ARTIST_WEB, relations)
    relation_rows = [row for row in rows if row[0].startswith("relations.")]
    assert relation_rows == [
        ("relations.ownedby", "group:default/team-a"),
        ("relations.dependson", "resource:default/db"),
    ]


def test_rows_are_distinct() -> None:
    entity = {"metadata": {"name": "n"}, "spec": {"a": ["x", "x"], "b": [{"c": 1}, {"c": 1}]}}
    rows = build_search_rows(entity, [])
    assert len(rows) == len(set(rows))
    assert rows.count(("spec.a", "x")) == 1


def test_deep_and_self_referencing_documents_do_not_hang() -> None:
    node: dict[str, Any] = {"leaf": 1}
    for _ in range(3000):
        node = {"a": node, "b": [node]}
    spec: dict[str, Any] = {"x": 1}
    spec["self"] = spec
    assert build_search_rows({"metadata": {"name": "n"}, "spec": node}, [])
    assert ("spec.x", "1") in build_search_rows({"metadata": {"name": "n"}, "spec": spec}, [])


def test_fixture_entities_give_rows(fixture_document: FixtureDocument) -> None:
    entity = fixture_document.entity
    relations, _ = derive_relations(entity)
    rows = build_search_rows(entity, relations)
    assert len(rows) == len(set(rows))
    assert all(key == key.lower() and len(key) <= 200 for key, _ in rows)
    assert all(value is None or (value == value.lower() and len(value) <= 200) for _, value in rows)
    assert ("kind", entity["kind"].lower()) in rows


def test_artist_lookup_fixture(fixtures_dir: Path) -> None:
    examples = fixtures_dir / "backstage/backstage/packages/catalog-model/examples"
    path = examples / "components/artist-lookup-component.yaml"
    entity = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = build_search_rows(entity, derive_relations(entity)[0])
    assert ("metadata.links.icon", "dashboard") in rows
    assert ("metadata.tags.java", "true") in rows
    assert ("relations.ownedby", "group:default/team-a") in rows
    assert ("relations.partof", "system:default/artist-engagement-portal") in rows
    assert not any(key == "relations.ownerof" for key, _ in rows)
