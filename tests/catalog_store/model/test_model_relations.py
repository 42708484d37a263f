"""derive_relations on Backstage's example catalog and on hand-made edge cases."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from model_fixture_data import FixtureDocument

from catalog_store.model import (
    RELATION_API_CONSUMED_BY,
    RELATION_API_PROVIDED_BY,
    RELATION_CHILD_OF,
    RELATION_CONSUMES_API,
    RELATION_DEPENDENCY_OF,
    RELATION_DEPENDS_ON,
    RELATION_HAS_MEMBER,
    RELATION_HAS_PART,
    RELATION_MEMBER_OF,
    RELATION_OWNED_BY,
    RELATION_OWNER_OF,
    RELATION_PARENT_OF,
    RELATION_PART_OF,
    RELATION_PROVIDES_API,
    FieldError,
    Relation,
    derive_relations,
    parse_entity_ref,
)

EXAMPLES = Path("catalogs/backstage__backstage/packages/catalog-model/examples")

REVERSE = {
    RELATION_OWNED_BY: RELATION_OWNER_OF,
    RELATION_PART_OF: RELATION_HAS_PART,
    RELATION_DEPENDS_ON: RELATION_DEPENDENCY_OF,
    RELATION_PROVIDES_API: RELATION_API_PROVIDED_BY,
    RELATION_CONSUMES_API: RELATION_API_CONSUMED_BY,
    RELATION_MEMBER_OF: RELATION_HAS_MEMBER,
    RELATION_CHILD_OF: RELATION_PARENT_OF,
}
REVERSE.update({b: a for a, b in list(REVERSE.items())})


def triples(relations: list[Relation]) -> set[tuple[str, str, str]]:
    """Relations as (source key, type, target key)."""
    return {(r.source.key, r.type, r.target.key) for r in relations}


def both_ways(source: str, relation: str, target: str) -> set[tuple[str, str, str]]:
    return {(source, relation, target), (target, REVERSE[relation], source)}


def load(fixtures: Path, relative: str | Path) -> list[dict[str, Any]]:
    text = (fixtures / relative).read_text(encoding="utf-8")
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def derive_all(entities: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    for entity in entities:
        relations, errors = derive_relations(entity)
        assert errors == []
        found |= triples(relations)
    return found


def test_relation_type_spelling() -> None:
    assert [RELATION_OWNED_BY, RELATION_OWNER_OF, RELATION_PART_OF, RELATION_HAS_PART] == [
        "ownedBy",
        "ownerOf",
        "partOf",
        "hasPart",
    ]
    assert [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF, RELATION_PROVIDES_API] == [
        "dependsOn",
        "dependencyOf",
        "providesApi",
    ]
    assert [RELATION_API_PROVIDED_BY, RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY] == [
        "apiProvidedBy",
        "consumesApi",
        "apiConsumedBy",
    ]
    assert [RELATION_MEMBER_OF, RELATION_HAS_MEMBER, RELATION_CHILD_OF, RELATION_PARENT_OF] == [
        "memberOf",
        "hasMember",
        "childOf",
        "parentOf",
    ]


def test_acme_org(fixtures_dir: Path) -> None:
    group, location = load(
        fixtures_dir, "backstage/backstage/packages/catalog-model/examples/acme/org.yaml"
    )
    relations, errors = derive_relations(group)
    assert errors == []
    assert relations == [
        Relation(
            parse_entity_ref("Group:default/acme-corp"),
            RELATION_PARENT_OF,
            parse_entity_ref("Group:default/infrastructure"),
        ),
        Relation(
            parse_entity_ref("Group:default/infrastructure"),
            RELATION_CHILD_OF,
            parse_entity_ref("Group:default/acme-corp"),
        ),
    ]
    assert derive_relations(location) == ([], [])


def test_artist_lookup_component(fixtures_dir: Path) -> None:
    (component,) = load(fixtures_dir, EXAMPLES / "components/artist-lookup-component.yaml")
    relations, errors = derive_relations(component)
    assert errors == []
    assert [(str(r.source), r.type, str(r.target)) for r in relations] == [
        ("component:default/artist-lookup", "ownedBy", "group:default/team-a"),
        ("group:default/team-a", "ownerOf", "component:default/artist-lookup"),
        ("component:default/artist-lookup", "partOf", "system:default/artist-engagement-portal"),
        ("system:default/artist-engagement-portal", "hasPart", "component:default/artist-lookup"),
    ]


def test_all_components_tree(fixtures_dir: Path) -> None:
    (location,) = load(fixtures_dir, EXAMPLES / "all-components.yaml")
    entities = [
        e for target in location["spec"]["targets"] for e in load(fixtures_dir, EXAMPLES / target)
    ]
    assert len(entities) == 13
    found = derive_all(entities)
    expected: set[tuple[str, str, str]] = set()
    for source, relation, target in [
        ("component:default/artist-lookup", RELATION_OWNED_BY, "group:default/team-a"),
        (
            "component:default/artist-lookup",
            RELATION_PART_OF,
            "system:default/artist-engagement-portal",
        ),
        ("component:default/petstore", RELATION_OWNED_BY, "group:default/team-c"),
        ("component:default/petstore", RELATION_PROVIDES_API, "api:default/petstore"),
        ("component:default/petstore", RELATION_PROVIDES_API, "api:default/streetlights"),
        ("component:default/petstore", RELATION_PROVIDES_API, "api:default/hello-world"),
        ("component:default/playback-order", RELATION_OWNED_BY, "group:default/guest"),
        ("component:default/podcast-api", RELATION_OWNED_BY, "group:default/team-b"),
        ("component:default/podcast-api", RELATION_PART_OF, "system:default/podcast"),
        ("component:default/queue-proxy", RELATION_OWNED_BY, "group:default/team-b"),
        ("component:default/queue-proxy", RELATION_PART_OF, "system:default/podcast"),
        ("component:default/searcher", RELATION_OWNED_BY, "user:default/guest"),
        ("component:default/playback-sdk", RELATION_OWNED_BY, "group:default/team-c"),
        ("component:default/playback-sdk", RELATION_PART_OF, "system:default/audio-playback"),
        ("component:default/www-artist", RELATION_OWNED_BY, "group:default/team-a"),
        (
            "component:default/www-artist",
            RELATION_PART_OF,
            "system:default/artist-engagement-portal",
        ),
        ("component:default/shuffle-api", RELATION_OWNED_BY, "user:default/guest"),
        ("component:default/shuffle-api", RELATION_PART_OF, "system:default/audio-playback"),
        ("component:default/wayback-archive", RELATION_OWNED_BY, "group:default/team-a"),
        ("component:default/wayback-archive", RELATION_PROVIDES_API, "api:default/wayback-archive"),
        ("component:default/wayback-archive-ingestion", RELATION_OWNED_BY, "group:default/team-d"),
        (
            "component:default/wayback-archive-ingestion",
            RELATION_PART_OF,
            "component:default/wayback-archive",
        ),
        ("component:default/wayback-archive-storage", RELATION_OWNED_BY, "group:default/team-a"),
        (
            "component:default/wayback-archive-storage",
            RELATION_PART_OF,
            "component:default/wayback-archive",
        ),
        ("component:default/wayback-search", RELATION_OWNED_BY, "group:default/team-a"),
        ("component:default/wayback-search", RELATION_PROVIDES_API, "api:default/wayback-search"),
        ("component:default/wayback-search", RELATION_CONSUMES_API, "api:default/wayback-archive"),
    ]:
        expected |= both_ways(source, relation, target)
    assert found == expected


def test_team_a_group_and_users(fixtures_dir: Path) -> None:
    entities = load(
        fixtures_dir, "backstage/backstage/packages/catalog-model/examples/acme/team-a-group.yaml"
    )
    found = derive_all(entities)
    expected = both_ways("group:default/team-a", RELATION_CHILD_OF, "group:default/backstage")
    for user in ["breanna.davison", "janelle.dawe", "nigel.manning", "guest"]:
        expected |= both_ways(f"user:default/{user}", RELATION_MEMBER_OF, "group:default/team-a")
    # The guest of namespace "development" names its group with an explicit namespace.
    expected |= both_ways("user:development/guest", RELATION_MEMBER_OF, "group:default/team-a")
    assert found == expected


def test_explicit_namespace_in_a_reference_wins(fixtures_dir: Path) -> None:
    (component,) = load(fixtures_dir, EXAMPLES / "components/different-namespace.yaml")
    assert triples(derive_relations(component)[0]) == both_ways(
        "component:alternative/different-namespace", RELATION_OWNED_BY, "group:default/team-a"
    )


def test_namespace_is_inherited_from_the_entity(fixtures_dir: Path) -> None:
    (component,) = load(fixtures_dir, EXAMPLES / "components/different-namespace.yaml")
    component["spec"]["owner"] = "team-a"
    component["spec"]["consumesApis"] = ["petstore", "default/streetlights", "api:other/x"]
    found = triples(derive_relations(component)[0])
    me = "component:alternative/different-namespace"
    assert found == (
        both_ways(me, RELATION_OWNED_BY, "group:alternative/team-a")
        | both_ways(me, RELATION_CONSUMES_API, "api:alternative/petstore")
        | both_ways(me, RELATION_CONSUMES_API, "api:default/streetlights")
        | both_ways(me, RELATION_CONSUMES_API, "api:other/x")
    )


def test_every_fixture_relation_has_its_reverse(fixture_document: FixtureDocument) -> None:
    relations, errors = derive_relations(fixture_document.entity)
    found = triples(relations)
    assert len(found) == len(relations), "relations are not deduplicated"
    for source, relation, target in found:
        assert (target, REVERSE[relation], source) in found
    assert errors == [], errors


ENTITY_BASE: dict[str, Any] = {
    "apiVersion": "backstage.io/v1alpha1",
    "metadata": {"name": "me", "namespace": "ns"},
}


@pytest.mark.parametrize(
    ("kind", "spec", "expected"),
    [
        ("Component", {"owner": "user:jo"}, [("ownedBy", "user:ns/jo")]),
        ("Component", {"subcomponentOf": "parent"}, [("partOf", "component:ns/parent")]),
        ("Component", {"system": "sys"}, [("partOf", "system:ns/sys")]),
        (
            "Component",
            {"providesApis": ["a", "b"]},
            [("providesApi", "api:ns/a"), ("providesApi", "api:ns/b")],
        ),
        ("Component", {"consumesApis": ["x/a"]}, [("consumesApi", "api:x/a")]),
        ("Component", {"dependsOn": ["resource:db"]}, [("dependsOn", "resource:ns/db")]),
        ("Component", {"dependencyOf": ["component:app"]}, [("dependencyOf", "component:ns/app")]),
        (
            "API",
            {"owner": "team", "system": "sys"},
            [("ownedBy", "group:ns/team"), ("partOf", "system:ns/sys")],
        ),
        ("Resource", {"owner": "team"}, [("ownedBy", "group:ns/team")]),
        (
            "Resource",
            {"dependsOn": ["resource:b"], "dependencyOf": ["component:c"]},
            [("dependsOn", "resource:ns/b"), ("dependencyOf", "component:ns/c")],
        ),
        ("Resource", {"system": "sys"}, [("partOf", "system:ns/sys")]),
        (
            "System",
            {"owner": "team", "domain": "dom"},
            [("ownedBy", "group:ns/team"), ("partOf", "domain:ns/dom")],
        ),
        (
            "Domain",
            {"owner": "team", "subdomainOf": "top"},
            [("ownedBy", "group:ns/team"), ("partOf", "domain:ns/top")],
        ),
        (
            "User",
            {"memberOf": ["g1", "other/g2"]},
            [("memberOf", "group:ns/g1"), ("memberOf", "group:other/g2")],
        ),
        ("Group", {"parent": "p"}, [("childOf", "group:ns/p")]),
        ("Group", {"children": ["c"]}, [("parentOf", "group:ns/c")]),
        ("Group", {"members": ["u"]}, [("hasMember", "user:ns/u")]),
        ("Template", {"owner": "team"}, [("ownedBy", "group:ns/team")]),
        ("Location", {"target": "./x.yaml"}, []),
        ("AiResource", {"owner": "team"}, []),
    ],
)
def test_relation_fields_of_each_kind(
    kind: str, spec: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    entity = {**copy.deepcopy(ENTITY_BASE), "kind": kind, "spec": spec}
    relations, errors = derive_relations(entity)
    assert errors == []
    me = f"{kind.lower()}:ns/me"
    outgoing = [(r.type, r.target.key) for r in relations if r.source.key == me]
    assert outgoing == expected
    incoming = [(REVERSE[r.type], r.source.key) for r in relations if r.target.key == me]
    assert incoming == expected


def test_dependencies_need_a_kind() -> None:
    entity = {
        **ENTITY_BASE,
        "kind": "Component",
        "spec": {"owner": "t", "dependsOn": ["db", "resource:db"]},
    }
    relations, errors = derive_relations(entity)
    assert [e.path for e in errors] == ["spec.dependsOn[0]"]
    assert "missing or empty kind" in errors[0].message
    assert ("component:ns/me", "dependsOn", "resource:ns/db") in triples(relations)
    assert ("group:ns/t", "ownerOf", "component:ns/me") in triples(relations)


@pytest.mark.parametrize(
    ("spec", "path", "fragment"),
    [
        ({"owner": ":x"}, "spec.owner", "was not on the form"),
        ({"owner": "group:"}, "spec.owner", "was not on the form"),
        ({"owner": "t", "providesApis": ["ok", ""]}, "spec.providesApis[1]", "must not be empty"),
        (
            {"owner": "t", "providesApis": ["ok", 5]},
            "spec.providesApis[1]",
            "must be an entity reference string (got number)",
        ),
        (
            {"owner": {"kind": "Group", "name": "x"}},
            "spec.owner",
            "must be an entity reference string (got object)",
        ),
        ({"owner": "t", "consumesApis": [["nested"]]}, "spec.consumesApis[0]", "(got list)"),
    ],
)
def test_bad_reference_gives_a_field_error(spec: dict[str, Any], path: str, fragment: str) -> None:
    entity = {**ENTITY_BASE, "kind": "Component", "spec": spec}
    relations, errors = derive_relations(entity)
    assert [e.path for e in errors] == [path]
    assert fragment in errors[0].message
    assert all(
        r.source.key == "component:ns/me" or r.target.key == "component:ns/me" for r in relations
    )


def test_empty_values_are_skipped_like_backstage() -> None:
    entity = {
        **ENTITY_BASE,
        "kind": "Component",
        "spec": {"owner": "", "system": None, "providesApis": []},
    }
    assert derive_relations(entity) == ([], [])


def test_duplicates_are_removed() -> None:
    spec = {"owner": "team", "providesApis": ["a", "API:a", "api:ns/A"], "consumesApis": ["a"]}
    relations, errors = derive_relations({**ENTITY_BASE, "kind": "Component", "spec": spec})
    assert errors == []
    assert [(r.type, r.target.key) for r in relations if r.source.key == "component:ns/me"] == [
        ("ownedBy", "group:ns/team"),
        ("providesApi", "api:ns/a"),
        ("consumesApi", "api:ns/a"),
    ]
    assert len(relations) == 6


def test_kind_is_matched_case_insensitively_and_kept_as_written() -> None:
    relations, _ = derive_relations(
        {**ENTITY_BASE, "kind": "component", "spec": {"owner": "Team-A"}}
    )
    assert relations[0].source.kind == "component"
    assert relations[0].target == parse_entity_ref("Group:ns/Team-A")
    assert str(relations[0].target) == "group:ns/Team-A"


@pytest.mark.parametrize(
    ("entity", "path"),
    [
        ({"kind": "Component", "metadata": {}, "spec": {"owner": "t"}}, "metadata.name"),
        (
            {
                "kind": "Component",
                "metadata": {"name": "a", "namespace": 5},
                "spec": {"owner": "t"},
            },
            "metadata.namespace",
        ),
        ({"kind": "Component", "metadata": [], "spec": {"owner": "t"}}, "metadata"),
    ],
)
def test_entity_without_a_usable_ref(entity: dict[str, Any], path: str) -> None:
    relations, errors = derive_relations(entity)
    assert relations == []
    assert [e.path for e in errors] == [path]


@pytest.mark.parametrize(
    "entity",
    [
        {},
        {"kind": 5},
        {"kind": "Component"},
        {"kind": "Component", "spec": "x"},
        {"kind": "Unknown", "spec": {"owner": "x"}},
    ],
)
def test_nothing_to_derive(entity: dict[str, Any]) -> None:
    assert derive_relations(entity) == ([], [])


def test_non_mapping_input_gives_an_error_not_an_exception() -> None:
    relations, errors = derive_relations([])  # type: ignore[arg-type]
    assert relations == []
    assert errors == [FieldError((), "must be an object to derive relations")]
