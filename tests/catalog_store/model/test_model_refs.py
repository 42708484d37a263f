"""Entity references: parsing, string forms, identity keys and errors."""

from __future__ import annotations

from typing import Any

import pytest

from catalog_store.model import EntityRef, InvalidEntityRef, entity_ref_of, parse_entity_ref


@pytest.mark.parametrize(
    ("ref", "kwargs", "expected"),
    [
        ("component:default/foo", {}, EntityRef("component", "default", "foo")),
        ("Component:Team-Ns/Artist-Web", {}, EntityRef("Component", "Team-Ns", "Artist-Web")),
        ("group:foo", {}, EntityRef("group", "default", "foo")),
        ("foo", {"default_kind": "Group"}, EntityRef("Group", "default", "foo")),
        ("ns/foo", {"default_kind": "Group"}, EntityRef("Group", "ns", "foo")),
        ("user:foo", {"default_kind": "Group"}, EntityRef("user", "default", "foo")),
        (
            "foo",
            {"default_kind": "API", "default_namespace": "ops"},
            EntityRef("API", "ops", "foo"),
        ),
        (
            "other/foo",
            {"default_kind": "API", "default_namespace": "ops"},
            EntityRef("API", "other", "foo"),
        ),
        (
            "foo",
            {"default_kind": "Group", "default_namespace": ""},
            EntityRef("Group", "default", "foo"),
        ),
        # Backstage: a '/' before the first ':' makes the rest the name.
        ("ns/b:c", {"default_kind": "Group"}, EntityRef("Group", "ns", "b:c")),
        # Only the first ':' and the first '/' separate parts.
        ("k:ns/a/b", {}, EntityRef("k", "ns", "a/b")),
        ("k:a:b", {}, EntityRef("k", "default", "a:b")),
        ({"kind": "Group", "name": "x"}, {}, EntityRef("Group", "default", "x")),
        ({"kind": "Group", "namespace": "n", "name": "x"}, {}, EntityRef("Group", "n", "x")),
        ({"name": "x"}, {"default_kind": "User"}, EntityRef("User", "default", "x")),
        (
            {"name": "x", "namespace": None},
            {"default_kind": "User", "default_namespace": "n"},
            EntityRef("User", "n", "x"),
        ),
    ],
)
def test_parse_entity_ref(ref: Any, kwargs: dict[str, Any], expected: EntityRef) -> None:
    assert parse_entity_ref(ref, **kwargs) == expected


@pytest.mark.parametrize(
    ("ref", "kwargs", "fragment"),
    [
        ("", {}, "must not be empty"),
        (None, {}, "must not be empty"),
        ({}, {}, "must not be empty"),
        (":foo", {}, "was not on the form"),
        ("foo:", {}, "was not on the form"),
        ("k:/foo", {}, "was not on the form"),
        ("/foo", {"default_kind": "Group"}, "was not on the form"),
        ("ns/", {"default_kind": "Group"}, "was not on the form"),
        ("k:ns/", {}, "was not on the form"),
        ("foo", {}, "missing or empty kind"),
        ("ns/foo", {}, "missing or empty kind"),
        ({"name": "x"}, {}, "missing or empty kind"),
        ({"kind": "", "name": "x"}, {"default_kind": "Group"}, "missing or empty kind"),
        ({"kind": "Group"}, {}, "missing or empty name"),
        ({"kind": "Group", "name": ""}, {}, "missing or empty name"),
        ({"kind": "Group", "namespace": "", "name": "x"}, {}, "missing or empty namespace"),
        ({"kind": 5, "name": "x"}, {}, "kind that is not a string"),
        ({"kind": "Group", "name": ["x"]}, {}, "name that is not a string"),
        (5, {}, "must be a string or a mapping"),
        (["group:x"], {}, "must be a string or a mapping"),
    ],
)
def test_parse_entity_ref_errors(ref: Any, kwargs: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidEntityRef, match=fragment):
        parse_entity_ref(ref, **kwargs)


def test_invalid_entity_ref_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="missing or empty kind"):
        parse_entity_ref("just-a-name")


@pytest.mark.parametrize(
    ("ref", "text", "key"),
    [
        (
            EntityRef("Component", "default", "artist-web"),
            "component:default/artist-web",
            "component:default/artist-web",
        ),
        (EntityRef("Group", "Team-NS", "Team-A"), "group:team-ns/Team-A", "group:team-ns/team-a"),
        (EntityRef("API", "default", "Petstore"), "api:default/Petstore", "api:default/petstore"),
    ],
)
def test_string_form_and_key(ref: EntityRef, text: str, key: str) -> None:
    assert str(ref) == text
    assert ref.key == key


@pytest.mark.parametrize(
    "text",
    [
        "component:default/foo",
        "group:team-ns/Team-A",
        "api:ops/Petstore",
        "resource:default/a.b_c",
        "k:ns/a/b",
    ],
)
def test_string_round_trip(text: str) -> None:
    assert str(parse_entity_ref(text)) == text


@pytest.mark.parametrize(
    "ref",
    [
        EntityRef("Component", "Default", "Artist-Web"),
        EntityRef("api", "ops", "x"),
        EntityRef("Group", "a", "B.c"),
    ],
)
def test_parse_of_string_form_keeps_identity(ref: EntityRef) -> None:
    parsed = parse_entity_ref(str(ref))
    assert parsed.key == ref.key
    assert parsed.name == ref.name


def test_key_is_case_insensitive_identity() -> None:
    refs = {
        parse_entity_ref("Component:Default/Artist-Web").key,
        parse_entity_ref("component:default/artist-web").key,
        parse_entity_ref("artist-web", default_kind="COMPONENT").key,
        parse_entity_ref({"kind": "component", "name": "ARTIST-WEB"}).key,
    }
    assert refs == {"component:default/artist-web"}


def test_refs_are_hashable_values() -> None:
    a = EntityRef("Group", "default", "team-a")
    assert a == EntityRef("Group", "default", "team-a")
    assert len({a, EntityRef("Group", "default", "team-a")}) == 1
    with pytest.raises(AttributeError):
        a.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ({"kind": "Component", "metadata": {"name": "a"}}, EntityRef("Component", "default", "a")),
        (
            {"kind": "Group", "metadata": {"name": "t", "namespace": "ops"}},
            EntityRef("Group", "ops", "t"),
        ),
        (
            {"kind": "User", "metadata": {"name": "u", "namespace": None}},
            EntityRef("User", "default", "u"),
        ),
    ],
)
def test_entity_ref_of(entity: dict[str, Any], expected: EntityRef) -> None:
    assert entity_ref_of(entity) == expected


@pytest.mark.parametrize(
    "entity",
    [
        {"metadata": {"name": "a"}},
        {"kind": "", "metadata": {"name": "a"}},
        {"kind": "Component"},
        {"kind": "Component", "metadata": []},
        {"kind": "Component", "metadata": {}},
        {"kind": "Component", "metadata": {"name": 5}},
        {"kind": "Component", "metadata": {"name": "a", "namespace": ""}},
    ],
)
def test_entity_ref_of_errors(entity: dict[str, Any]) -> None:
    with pytest.raises(InvalidEntityRef):
        entity_ref_of(entity)
