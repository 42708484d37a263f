"""Field selection, cursors, location queries and ancestry target resolution."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from catalog_store.catalog_writer import CatalogInputError, LocationInfo
from catalog_store.queries.ancestry import resolve_target, stringify_ref, target_matches
from catalog_store.queries.cursor import (
    FullTextFilter,
    OrderField,
    QueryCursor,
    decode_json_cursor,
    decode_query_cursor,
    encode_json_cursor,
)
from catalog_store.queries.fields import parse_fields, project, wants_root
from catalog_store.queries.filters import KeyMatch
from catalog_store.queries.location_queries import node_matches, query_locations

ENTITY: dict[str, Any] = {
    "kind": "Component",
    "metadata": {
        "name": "x",
        "annotations": {"backstage.io/orphan": "true", "a.b": "1"},
        "tags": ["t"],
    },
    "spec": {"owner": "me", "nested": {"deep": 1}},
    "relations": [{"type": "ownedBy", "targetRef": "group:default/me"}],
}


def test_parse_fields() -> None:
    assert parse_fields(["kind, metadata.name", "", "kind", "spec"]) == (
        "kind",
        "metadata.name",
        "spec",
    )
    assert parse_fields([]) is None
    assert parse_fields([" , "]) is None
    for bad in (["a[0]"], [",".join(f"f{i}" for i in range(101))], ["x" * 301]):
        with pytest.raises(CatalogInputError):
            parse_fields(bad)


def test_project_keeps_selected_subtrees_and_keys_with_dots() -> None:
    assert project(ENTITY, ("kind", "metadata.annotations.backstage.io/orphan", "spec.nested")) == {
        "kind": "Component",
        "metadata": {"annotations": {"backstage.io/orphan": "true"}},
        "spec": {"nested": {"deep": 1}},
    }
    assert project(ENTITY, ("metadata.annotations.a.b", "metadata.name")) == {
        "metadata": {"annotations": {"a.b": "1"}, "name": "x"}
    }
    assert project(ENTITY, ("metadata", "metadata.name")) == {"metadata": ENTITY["metadata"]}
    assert project(ENTITY, ("metadata.nothing", "spec.owner.deeper", "relations")) == {
        "relations": ENTITY["relations"]
    }
    assert project(ENTITY, None) == ENTITY


def test_wants_root() -> None:
    assert wants_root(None, "relations")
    assert wants_root(("relations.type",), "relations")
    assert not wants_root(("relationsx", "kind"), "relations")


def test_json_cursors_round_trip_and_reject_garbage() -> None:
    assert decode_json_cursor(encode_json_cursor({"a": [1, "é"]})) == {"a": [1, "é"]}
    for bad in (
        "",
        "!!!",
        base64.b64encode(b"[1]").decode(),
        base64.b64encode(b"{").decode(),
        "a" * 70000,
    ):
        with pytest.raises(CatalogInputError):
            decode_json_cursor(bad)


def test_query_cursor_round_trip() -> None:
    cursor = QueryCursor(
        filter=("kind=component",),
        order_fields=(OrderField("metadata.name", "desc"),),
        full_text=FullTextFilter("abc", ("metadata.name",)),
        order_field_values=("x", "uid-1"),
        first_sort_field_values=("a", None),
        is_previous=True,
        total_items=12,
        limit=5,
    )
    assert decode_query_cursor(cursor.encode()) == cursor
    predicate = QueryCursor(query={"kind": "x"})
    decoded = json.loads(base64.b64decode(predicate.encode()))
    assert decoded["query"] == {"kind": "x"}
    assert "filter" not in decoded
    assert decode_query_cursor(predicate.encode()) == predicate


@pytest.mark.parametrize(
    "payload",
    [
        {"isPrevious": "yes"},
        {"totalItems": -1},
        {"totalItems": True},
        {"orderFields": [{"field": "a", "order": "up"}]},
        {"orderFields": "a"},
        {"orderFieldValues": [1]},
        {"orderFieldValues": ["a", "b", "c"]},
        {"filter": [1]},
        {"fullTextFilter": {"term": 1}},
        {"limit": "5"},
    ],
)
def test_malformed_query_cursors(payload: dict[str, Any]) -> None:
    with pytest.raises(CatalogInputError):
        decode_query_cursor(encode_json_cursor(payload))


def test_location_queries() -> None:
    locations = [LocationInfo(f"id-{i}", "url", f"https://h/{i}") for i in (3, 1, 2)]
    page = query_locations(locations, limit=2)
    assert [loc.id for loc in page.items] == ["id-1", "id-2"]
    assert page.total_items == 3
    assert page.next_cursor is not None
    rest = query_locations(locations, cursor=page.next_cursor)
    assert [loc.id for loc in rest.items] == ["id-3"]
    assert rest.next_cursor is None
    only = query_locations(locations, query={"target": {"$in": ["HTTPS://H/2"]}})
    assert [loc.id for loc in only.items] == ["id-2"]
    with pytest.raises(CatalogInputError):
        query_locations(locations, cursor=encode_json_cursor({"limit": "x"}))
    assert node_matches(KeyMatch("type"), {"type": "url"})
    assert not node_matches(KeyMatch("id", prefix="x"), {"id": "abc"})


def test_target_resolution() -> None:
    assert resolve_target("/repo/catalog.yaml", "./svc/a.yaml") == "/repo/svc/a.yaml"
    assert resolve_target("/repo/catalog.yaml", "file:../x.yaml") == "/x.yaml"
    assert resolve_target("https://h/o/r/blob/main/catalog.yaml", "./a/b.yaml") == (
        "https://h/o/r/blob/main/a/b.yaml"
    )
    assert target_matches("/repo/all.yaml", "./svc/*.yaml", "/repo/svc/x.yaml")
    assert not target_matches("/repo/all.yaml", "./svc/*.yaml", "/repo/other/x.yaml")
    assert target_matches("/repo/all.yaml", "/abs/x.yaml", "/abs/x.yaml")


def test_stringify_ref() -> None:
    assert stringify_ref({"kind": "Component", "metadata": {"name": "My-Svc"}}) == (
        "component:default/My-Svc"
    )
    assert stringify_ref({"kind": "Group", "metadata": {"name": "a", "namespace": "Ops"}}) == (
        "group:ops/a"
    )
