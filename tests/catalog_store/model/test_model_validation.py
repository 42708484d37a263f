"""Unit tests of validate_entity: one rule at a time, valid and invalid values."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from catalog_store.model import KNOWN_KINDS, FieldError, validate_entity
from catalog_store.model.errors import PathPart

COMPONENT: dict[str, Any] = {
    "apiVersion": "backstage.io/v1alpha1",
    "kind": "Component",
    "metadata": {
        "name": "artist-web",
        "description": "The place to be, for great artists",
        "labels": {"example.com/custom": "custom_label_value"},
        "annotations": {"backstage.io/techdocs-ref": "dir:."},
        "tags": ["java", "data"],
        "links": [{"url": "https://admin.example-org.com", "title": "Admin", "icon": "dashboard"}],
    },
    "spec": {"type": "website", "lifecycle": "production", "owner": "artist-relations-team"},
}

BACKSTAGE = "backstage.io/v1alpha1"
KIND_EXAMPLES: dict[str, dict[str, Any]] = {
    "Component": COMPONENT,
    "API": {
        "apiVersion": BACKSTAGE,
        "kind": "API",
        "metadata": {"name": "artist-api"},
        "spec": {
            "type": "openapi",
            "lifecycle": "production",
            "owner": "team-a",
            "definition": "openapi: 3.0.0",
        },
    },
    "Resource": {
        "apiVersion": BACKSTAGE,
        "kind": "Resource",
        "metadata": {"name": "artists-db"},
        "spec": {"type": "database", "owner": "team-a"},
    },
    "System": {
        "apiVersion": BACKSTAGE,
        "kind": "System",
        "metadata": {"name": "portal"},
        "spec": {"owner": "team-a"},
    },
    "Domain": {
        "apiVersion": BACKSTAGE,
        "kind": "Domain",
        "metadata": {"name": "artists"},
        "spec": {"owner": "team-a"},
    },
    "Group": {
        "apiVersion": BACKSTAGE,
        "kind": "Group",
        "metadata": {"name": "team-a"},
        "spec": {"type": "team", "children": []},
    },
    "User": {
        "apiVersion": BACKSTAGE,
        "kind": "User",
        "metadata": {"name": "guest"},
        "spec": {"memberOf": ["team-a"]},
    },
    "Location": {
        "apiVersion": BACKSTAGE,
        "kind": "Location",
        "metadata": {"name": "all"},
        "spec": {},
    },
    "Template": {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "react-ssr-template"},
        "spec": {"type": "website", "steps": [{"action": "fetch:template"}]},
    },
}
"""A minimal valid entity of each built-in kind."""

OPTIONAL_SPEC_FIELDS: dict[str, dict[str, Any]] = {
    "Component": {"consumesApis": ["a"], "dependsOn": ["resource:db"]},
    "Group": {"members": ["a"], "profile": {}},
    "User": {"profile": {}},
    "Location": {"targets": ["./a.yaml", "./b.yaml"]},
    "Template": {
        "parameters": [{"title": "x"}],
        "output": {"links": [{"title": "Repo"}]},
        "secrets": {},
    },
}
"""Valid optional spec fields, added where a test breaks something inside them."""

REQUIRED_SPEC_FIELDS = [
    ("Component", "type"),
    ("Component", "lifecycle"),
    ("Component", "owner"),
    ("API", "type"),
    ("API", "lifecycle"),
    ("API", "owner"),
    ("API", "definition"),
    ("Resource", "type"),
    ("Resource", "owner"),
    ("System", "owner"),
    ("Domain", "owner"),
    ("Group", "type"),
    ("Group", "children"),
    ("User", "memberOf"),
    ("Template", "type"),
    ("Template", "steps"),
]


def changed(base: dict[str, Any], path: tuple[PathPart, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with the value at ``path`` replaced (or added)."""
    entity = copy.deepcopy(base)
    node: Any = entity
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return entity


def removed(base: dict[str, Any], path: tuple[PathPart, ...]) -> dict[str, Any]:
    """A deep copy of ``base`` without the value at ``path``."""
    entity = copy.deepcopy(base)
    node: Any = entity
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return entity


def paths(errors: list[FieldError]) -> list[str]:
    return [error.path for error in errors]


def only_error(entity: Any) -> FieldError:
    errors = validate_entity(entity)
    assert len(errors) == 1, errors
    return errors[0]


def test_known_kinds() -> None:
    expected = {"component", "api", "resource", "system", "domain", "group", "user", "location"}
    assert expected | {"template"} == KNOWN_KINDS


@pytest.mark.parametrize("kind", sorted(KIND_EXAMPLES))
def test_minimal_entity_of_each_kind_is_valid(kind: str) -> None:
    assert validate_entity(KIND_EXAMPLES[kind]) == []


def test_representative_component_is_valid() -> None:
    assert validate_entity(COMPONENT) == []


# --- envelope ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["apiVersion", "kind", "metadata"])
def test_envelope_field_required(field: str) -> None:
    errors = validate_entity(removed(COMPONENT, (field,)))
    assert FieldError((field,), "required") in errors


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("apiVersion",), "", "must not be empty"),
        (("apiVersion",), 1, "must be a string (got number)"),
        (("apiVersion",), "a/b/c", "must be [<DNS subdomain>/]<version>"),
        (("apiVersion",), "Backstage.io/v1", "must be [<DNS subdomain>/]<version>"),
        (("apiVersion",), "backstage.io/v1-alpha", "must be [<DNS subdomain>/]<version>"),
        (("kind",), "", "must not be empty"),
        (("kind",), None, "must be a string (got null)"),
        (("kind",), "Compo nent", "must be 1-63 characters of [a-zA-Z0-9], starting with a letter"),
        (("kind",), "1Component", "must be 1-63 characters of [a-zA-Z0-9], starting with a letter"),
        (("metadata",), [], "must be an object (got list)"),
        (("spec",), "x", "must be an object (got string)"),
        (("extra",), 1, "is not an allowed top-level field"),
        (("Spec",), {}, "is not an allowed top-level field"),
    ],
)
def test_envelope_errors(path: tuple[PathPart, ...], value: Any, message: str) -> None:
    errors = validate_entity(changed(COMPONENT, path, value))
    assert any(e.path_parts == path and e.message.startswith(message) for e in errors), errors


@pytest.mark.parametrize(
    "api_version", ["backstage.io/v1alpha1", "backstage.io/v1beta1", "v1", "my-company.net/v1", "1"]
)
def test_valid_api_versions(api_version: str) -> None:
    entity = changed(changed(COMPONENT, ("apiVersion",), api_version), ("kind",), "Thing")
    assert validate_entity(entity) == []


def test_relations_and_status_shapes() -> None:
    entity = changed(
        COMPONENT, ("relations",), [{"type": "ownedBy", "targetRef": "group:default/a"}]
    )
    entity["status"] = {
        "items": [{"type": "backstage.io/catalog-processing", "level": "error", "message": "m"}]
    }
    assert validate_entity(entity) == []
    bad = changed(entity, ("relations",), [{"type": "owned by", "targetRef": "", "extra": 1}])
    bad["status"] = {
        "items": [{"type": "t", "level": "fatal", "message": 5, "error": {"message": "m"}}]
    }
    assert sorted(paths(validate_entity(bad))) == [
        "relations[0].extra",
        "relations[0].targetRef",
        "relations[0].type",
        "status.items[0].error.name",
        "status.items[0].level",
        "status.items[0].message",
    ]


# --- metadata.name and namespace ---------------------------------------------------------

VALID_NAMES = ["a", "A", "1", "a-b", "a_b", "a.b", "Artist-Web_2.0", "x" * 63, "1abc", "a--b"]
INVALID_NAMES = [
    "-a",
    "a-",
    "_a",
    "a_",
    ".a",
    "a.",
    "a b",
    "x" * 64,
    "a/b",
    "a:b",
    "ä",
    "${{ values.name }}",
]


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_names(name: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "name"), name)) == []


@pytest.mark.parametrize("name", INVALID_NAMES)
def test_invalid_names(name: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "name"), name))
    assert error.path == "metadata.name"
    assert error.message.startswith("must be 1-63 characters of [a-zA-Z0-9]")
    assert "(got '" in error.message


@pytest.mark.parametrize(
    ("name", "message"), [("", "must not be empty"), (5, "must be a string (got number)")]
)
def test_name_type_and_emptiness(name: Any, message: str) -> None:
    assert only_error(changed(COMPONENT, ("metadata", "name"), name)) == FieldError(
        "metadata.name", message
    )


def test_name_required() -> None:
    assert only_error(removed(COMPONENT, ("metadata", "name"))) == FieldError(
        "metadata.name", "required"
    )


@pytest.mark.parametrize("namespace", ["default", "a", "team-a", "a1-b2", "x" * 63])
def test_valid_namespaces(namespace: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "namespace"), namespace)) == []


@pytest.mark.parametrize(
    "namespace", ["Default", "a_b", "a.b", "-a", "a-", "a--b", "a b", "x" * 64]
)
def test_invalid_namespaces(namespace: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "namespace"), namespace))
    assert error.path == "metadata.namespace"
    assert error.message.startswith("must be 1-63 characters of [a-z0-9] separated by [-]")


@pytest.mark.parametrize(
    ("namespace", "message"),
    [
        ("", "must not be empty"),
        (None, "must be a string (got null)"),
        (["a"], "must be a string (got list)"),
    ],
)
def test_namespace_type_and_emptiness(namespace: Any, message: str) -> None:
    assert only_error(changed(COMPONENT, ("metadata", "namespace"), namespace)) == FieldError(
        "metadata.namespace", message
    )


# --- other metadata fields ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "must not be empty"),
        ("title", 5, "must be a string (got number)"),
        ("description", ["x"], "must be a string (got list)"),
        ("uid", "", "must not be empty"),
        ("etag", 1, "must be a string (got number)"),
        ("labels", ["a"], "must be an object (got list)"),
        ("annotations", "x", "must be an object (got string)"),
        ("tags", "java", "must be a list (got string)"),
        ("links", {"url": "https://x"}, "must be a list (got object)"),
    ],
)
def test_metadata_field_types(field: str, value: Any, message: str) -> None:
    assert only_error(changed(COMPONENT, ("metadata", field), value)) == FieldError(
        ("metadata", field), message
    )


def test_empty_description_and_title_with_spaces_are_valid() -> None:
    entity = changed(COMPONENT, ("metadata", "description"), "")
    entity["metadata"]["title"] = "  Artist Web  "
    assert validate_entity(entity) == []


@pytest.mark.parametrize("tag", ["java", "c++", "c#", "a-b", "go1", "x" * 63, "a+b-c#"])
def test_valid_tags(tag: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "tags"), ["ok", tag])) == []


@pytest.mark.parametrize(
    "tag", ["Java", "a b", "a_b", "a.b", "-a", "a-", "a--b", "go 1.15.3", "x" * 64]
)
def test_invalid_tags(tag: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "tags"), ["ok", tag]))
    assert error.path == "metadata.tags[1]"
    assert error.message.startswith("must be 1-63 characters of [a-z0-9+#] separated by [-]")


@pytest.mark.parametrize(
    ("tag", "message"), [("", "must not be empty"), (5, "must be a string (got number)")]
)
def test_tag_types(tag: Any, message: str) -> None:
    assert only_error(changed(COMPONENT, ("metadata", "tags"), [tag])) == FieldError(
        ("metadata", "tags", 0), message
    )


VALID_KEYS = [
    "backstage.io/techdocs-ref",
    "a",
    "goVersion",
    "example.com/x_y.Z",
    "argocd/app-name",
    "github.com/project-slug",
    "a.b.c/d",
]
INVALID_KEYS = [
    "a/b/c",
    "/x",
    "x/",
    "Example.com/x",
    "exa_mple.com/x",
    "a b",
    "x" * 64,
    "-a.com/x",
    "a..b/x",
]


@pytest.mark.parametrize("key", VALID_KEYS)
@pytest.mark.parametrize("field", ["labels", "annotations"])
def test_valid_keys(field: str, key: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", field), {key: "value"})) == []


@pytest.mark.parametrize("key", INVALID_KEYS)
@pytest.mark.parametrize("field", ["labels", "annotations"])
def test_invalid_keys(field: str, key: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", field), {key: "value"}))
    assert error.path_parts == ("metadata", field, key)
    assert error.message.startswith("key must be [<DNS subdomain>/]<name>")


def test_key_path_keeps_dotted_key_after_map_name() -> None:
    error = only_error(
        changed(COMPONENT, ("metadata", "annotations"), {"backstage.io/techdocs-ref": 5})
    )
    assert error.path == "metadata.annotations.backstage.io/techdocs-ref"
    assert error.path_parts == ("metadata", "annotations", "backstage.io/techdocs-ref")
    assert error.message == "must be a string (got number)"


def test_non_string_key() -> None:
    error = only_error(changed(COMPONENT, ("metadata", "labels"), {1: "a"}))
    assert error == FieldError("metadata.labels.1", "key must be a string")


@pytest.mark.parametrize("value", ["", "abc", "go1.15.3", "A_b-c.D", "x" * 63])
def test_valid_label_values(value: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "labels"), {"k": value})) == []


@pytest.mark.parametrize("value", ["a b", "-a", "a-", "x" * 64, "Random value Generator"])
def test_invalid_label_values(value: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "labels"), {"k": value}))
    assert error.path == "metadata.labels.k"
    assert error.message.startswith("must be empty or 1-63 characters")


@pytest.mark.parametrize("value", ["", "a b", "any text at all: {x}", "x" * 500])
def test_annotation_values_are_any_string(value: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "annotations"), {"k": value})) == []


@pytest.mark.parametrize("value", [5, None, ["a"], {"a": "b"}])
def test_annotation_values_must_be_strings(value: Any) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "annotations"), {"k": value}))
    assert error.path == "metadata.annotations.k"
    assert error.message.startswith("must be a string")


@pytest.mark.parametrize(
    "url",
    [
        "http://foo",
        "https://www.foo.com/",
        "https://foo:8080/sub/page/?query=value&another=val",
        "https://foo.com/page#fragment",
        "ftp://ftp.some.domain.com/path",
        "xyz://custom-protocol:4444/path",
        "mailto:team@example.com",
        "https://[::1]:7007/api",
        "https://user@host.example.com/x y",
    ],
)
def test_valid_link_urls(url: str) -> None:
    assert validate_entity(changed(COMPONENT, ("metadata", "links"), [{"url": url}])) == []


@pytest.mark.parametrize(
    "url",
    [
        "abc",
        "   abc",
        "/relative/path",
        "example.com",
        "http://",
        "https://a b/",
        "https://host:99999/",
    ],
)
def test_invalid_link_urls(url: str) -> None:
    error = only_error(changed(COMPONENT, ("metadata", "links"), [{"url": url}]))
    assert error.path == "metadata.links[0].url"
    assert error.message.startswith("must be an absolute URL")


@pytest.mark.parametrize(
    ("link", "path", "message"),
    [
        ({"title": "x"}, "metadata.links[0].url", "required"),
        ({"url": ""}, "metadata.links[0].url", "must not be empty"),
        ({"url": 5}, "metadata.links[0].url", "must be a string (got number)"),
        ({"url": "https://x", "title": ""}, "metadata.links[0].title", "must not be empty"),
        (
            {"url": "https://x", "title": "   "},
            "metadata.links[0].title",
            "must not be blank (got '   ')",
        ),
        ({"url": "https://x", "icon": ""}, "metadata.links[0].icon", "must not be empty"),
        ({"url": "https://x", "type": ""}, "metadata.links[0].type", "must not be empty"),
        (
            {"url": "https://x", "type": 1},
            "metadata.links[0].type",
            "must be a string (got number)",
        ),
        ("https://x", "metadata.links[0]", "must be an object (got string)"),
    ],
)
def test_link_errors(link: Any, path: str, message: str) -> None:
    assert only_error(changed(COMPONENT, ("metadata", "links"), [link])) == FieldError(
        path, message
    )


def test_link_icon_follows_name_format() -> None:
    error = only_error(
        changed(COMPONENT, ("metadata", "links"), [{"url": "https://x", "icon": "kind:group"}])
    )
    assert error.path == "metadata.links[0].icon"
    assert error.message.startswith("must be 1-63 characters of [a-zA-Z0-9]")


# --- kind rules ------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "field"), REQUIRED_SPEC_FIELDS)
def test_required_spec_fields(kind: str, field: str) -> None:
    assert only_error(removed(KIND_EXAMPLES[kind], ("spec", field))) == FieldError(
        ("spec", field), "required"
    )


@pytest.mark.parametrize("kind", [k for k in sorted(KIND_EXAMPLES) if k != "Location"])
def test_spec_required_for_built_in_kinds(kind: str) -> None:
    assert only_error(removed(KIND_EXAMPLES[kind], ("spec",))) == FieldError("spec", "required")


@pytest.mark.parametrize(
    ("kind", "path", "value", "message"),
    [
        ("Component", ("spec", "owner"), 5, "must be a string (got number)"),
        ("Component", ("spec", "owner"), "", "must not be empty"),
        ("Component", ("spec", "owner"), ["a"], "must be a string (got list)"),
        ("Component", ("spec", "system"), None, "must be a string (got null)"),
        ("Component", ("spec", "providesApis"), "x", "must be a list (got string)"),
        ("Component", ("spec", "consumesApis", 0), 5, "must be a string (got number)"),
        ("Component", ("spec", "dependsOn", 0), "", "must not be empty"),
        ("Component", ("spec", "subcomponentOf"), {}, "must be a string (got object)"),
        ("API", ("spec", "definition"), {"$text": "./x.yaml"}, "must be a string (got object)"),
        ("Resource", ("spec", "dependsOn"), "a", "must be a list (got string)"),
        ("System", ("spec", "domain"), "", "must not be empty"),
        ("Domain", ("spec", "subdomainOf"), 1, "must be a string (got number)"),
        ("Group", ("spec", "children"), "team-b", "must be a list (got string)"),
        ("Group", ("spec", "members", 0), None, "must be a string (got null)"),
        ("Group", ("spec", "profile"), "x", "must be an object (got string)"),
        ("Group", ("spec", "profile", "email"), "", "must not be empty"),
        ("User", ("spec", "memberOf"), None, "must be a list (got null)"),
        ("User", ("spec", "profile", "displayName"), 5, "must be a string (got number)"),
        ("Location", ("spec", "target"), "", "must not be empty"),
        ("Location", ("spec", "targets", 1), 5, "must be a string (got number)"),
        (
            "Location",
            ("spec", "presence"),
            "maybe",
            "must be one of 'required', 'optional' (got 'maybe')",
        ),
        ("Template", ("spec", "steps"), {}, "must be a list (got object)"),
        ("Template", ("spec", "steps", 0), "x", "must be an object (got string)"),
        (
            "Template",
            ("spec", "parameters"),
            "x",
            "must be an object or a list of objects (got string)",
        ),
        ("Template", ("spec", "parameters", 0), "x", "must be an object (got string)"),
        ("Template", ("spec", "output"), [], "must be an object (got list)"),
        ("Template", ("spec", "output", "repoUrl"), 5, "must be a string (got number)"),
        ("Template", ("spec", "output", "links", 0, "url"), "", "must not be empty"),
        ("Template", ("spec", "secrets", "schema"), "x", "must be an object (got string)"),
        ("Template", ("spec", "owner"), "", "must not be empty"),
    ],
)
def test_spec_field_errors(kind: str, path: tuple[PathPart, ...], value: Any, message: str) -> None:
    base = copy.deepcopy(KIND_EXAMPLES[kind])
    base["spec"].update(OPTIONAL_SPEC_FIELDS.get(kind, {}))
    assert validate_entity(base) == []
    assert only_error(changed(base, path, value)) == FieldError(path, message)


def test_template_step_rules() -> None:
    base = KIND_EXAMPLES["Template"]
    assert only_error(changed(base, ("spec", "steps"), [{"id": "x"}])) == FieldError(
        "spec.steps[0].action", "required"
    )
    step: dict[str, Any] = {
        "action": "a",
        "id": None,
        "if": 5,
        "input": [],
        "backstage:permissions": {"tags": [1]},
    }
    assert sorted(paths(validate_entity(changed(base, ("spec", "steps"), [step])))) == [
        "spec.steps[0].backstage:permissions.tags[0]",
        "spec.steps[0].id",
        "spec.steps[0].if",
        "spec.steps[0].input",
    ]
    ok = {"action": "", "if": "${{ parameters.x }}", "input": {}, "name": ""}
    assert (
        validate_entity(changed(base, ("spec", "steps"), [ok, {"action": "b", "if": False}])) == []
    )


def test_template_parameters_as_object_or_list() -> None:
    base = KIND_EXAMPLES["Template"]
    assert validate_entity(changed(base, ("spec", "parameters"), {"title": "x"})) == []
    assert (
        validate_entity(changed(base, ("spec", "parameters"), [{"title": "x"}, {"title": "y"}]))
        == []
    )
    bad = {"backstage:permissions": {"tags": "x"}}
    assert only_error(changed(base, ("spec", "parameters"), [bad])) == FieldError(
        "spec.parameters[0].backstage:permissions.tags", "must be a list (got string)"
    )


@pytest.mark.parametrize("spec_type", ["mcp-server", "ai-model-server"])
def test_remote_api_types_need_remotes_not_definition(spec_type: str) -> None:
    spec = {"type": spec_type, "lifecycle": "experimental", "owner": "team-a"}
    entity = changed(
        KIND_EXAMPLES["API"], ("spec",), {**spec, "remotes": [{"type": "http", "url": "http://x"}]}
    )
    assert validate_entity(entity) == []
    assert only_error(changed(entity, ("spec", "remotes"), [])) == FieldError(
        "spec.remotes", "must have at least 1 item(s)"
    )
    assert only_error(changed(entity, ("spec", "remotes"), [{"type": "http"}])) == FieldError(
        "spec.remotes[0].url", "required"
    )
    assert only_error(removed(entity, ("spec", "remotes"))) == FieldError(
        "spec.remotes", "required"
    )


def test_kind_matching_is_case_insensitive() -> None:
    entity = changed(removed(COMPONENT, ("spec", "owner")), ("kind",), "component")
    assert only_error(entity) == FieldError("spec.owner", "required")


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("backstage.io/v1alpha1", "AiResource"),
        ("backstage.io/v1alpha1", "Environment"),
        ("my-company.net/v1", "Component"),
        ("backstage.io/v1beta2", "Template"),
        ("scaffolder.backstage.io/v1beta3", "Component"),
    ],
)
def test_unknown_kinds_and_versions_get_envelope_rules_only(api_version: str, kind: str) -> None:
    entity = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "x"},
        "spec": {"anything": [1, {"a": None}]},
    }
    assert validate_entity(entity) == []
    assert validate_entity(removed(entity, ("spec",))) == []
    assert only_error(changed(entity, ("spec",), [])) == FieldError(
        "spec", "must be an object (got list)"
    )
    assert only_error(changed(entity, ("metadata", "name"), "a b")).path == "metadata.name"


# --- whole-entity behaviour ------------------------------------------------------------


def test_keys_differing_only_in_case() -> None:
    entity = changed(COMPONENT, ("spec", "Owner"), "team-b")
    assert only_error(entity) == FieldError(
        "spec.Owner", "differs from key 'owner' only in letter case"
    )
    nested = changed(COMPONENT, ("metadata", "annotations"), {"a.io/X": "1", "a.io/x": "2"})
    assert only_error(nested).path == "metadata.annotations.a.io/x"


def test_all_errors_are_reported() -> None:
    entity = changed(COMPONENT, ("metadata", "name"), "invalid component")
    entity["metadata"]["tags"] = ["go", "go 1.15.3"]
    del entity["spec"]["owner"]
    entity["spec"]["providesApis"] = "artist-api"
    entity["extra"] = True
    assert sorted(paths(validate_entity(entity))) == [
        "extra",
        "metadata.name",
        "metadata.tags[1]",
        "spec.owner",
        "spec.providesApis",
    ]


def test_errors_are_capped() -> None:
    entity = changed(COMPONENT, ("metadata", "tags"), ["Bad Tag"] * 500)
    assert len(validate_entity(entity)) == 50


def test_validation_does_not_change_the_entity() -> None:
    entity = copy.deepcopy(COMPONENT)
    validate_entity(entity)
    assert entity == COMPONENT


def _deeply_nested(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"leaf": True}
    for _ in range(depth):
        node = {"a": node, "A": [node]}
    return node


class _Weird:
    def __str__(self) -> str:
        raise RuntimeError("no")


@pytest.mark.parametrize(
    "junk",
    [
        None,
        [],
        "x",
        5,
        1.5,
        True,
        b"bytes",
        {},
        {"metadata": []},
        {"metadata": None, "spec": None},
        {"apiVersion": None, "kind": [], "metadata": {"name": {}}},
        {
            "apiVersion": BACKSTAGE,
            "kind": "Component",
            "metadata": {"name": "x"},
            "spec": {"type": {"a": 1}},
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "API",
            "metadata": {"name": "x"},
            "spec": {"type": ["mcp-server"]},
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "Location",
            "metadata": {"name": "x"},
            "spec": {"presence": {}},
        },
        {1: 2, None: 3, (1, 2): 4},
        {
            "kind": "Component",
            "metadata": {"labels": {None: None}, "tags": [[], {}], "links": [None, []]},
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "Component",
            "metadata": {"name": "x"},
            "spec": _deeply_nested(3000),
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "Thing",
            "metadata": {"name": "x"},
            "spec": {f"k{i}": i for i in range(50_000)},
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "Thing",
            "metadata": {"name": "x", "annotations": {_Weird(): "x"}},
        },
        {
            "apiVersion": BACKSTAGE,
            "kind": "Thing",
            "metadata": {"name": "x"},
            "spec": {"s": {1, 2}, "o": object()},
        },
    ],
    ids=lambda value: type(value).__name__,
)
def test_never_raises(junk: Any) -> None:
    errors = validate_entity(junk)
    assert isinstance(errors, list)
    assert all(isinstance(error, FieldError) for error in errors)
    assert len(errors) <= 50


@pytest.mark.parametrize("junk", [None, [], "x", 5])
def test_non_objects_are_reported_at_the_root(junk: Any) -> None:
    error = only_error(junk)
    assert error.path == ""
    assert error.message.startswith("must be an object")


def test_self_referencing_document_does_not_hang() -> None:
    spec: dict[str, Any] = {"type": "service", "lifecycle": "x", "owner": "y"}
    spec["self"] = spec
    entity = changed(COMPONENT, ("spec",), spec)
    assert validate_entity(entity) == []


# --- FieldError --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        (("spec", "owner"), "spec.owner"),
        (("metadata", "tags", 2), "metadata.tags[2]"),
        (
            ("metadata", "annotations", "backstage.io/techdocs-ref"),
            "metadata.annotations.backstage.io/techdocs-ref",
        ),
        (("spec", "steps", 0, "input", "values", 1), "spec.steps[0].input.values[1]"),
        ((), ""),
    ],
)
def test_field_error_path_is_derived_from_parts(parts: tuple[PathPart, ...], path: str) -> None:
    error = FieldError(parts, "required")
    assert error.path == path
    assert error.path_parts == parts
    assert str(error) == (f"{path}: required" if path else "required")


def test_field_error_from_a_rendered_path() -> None:
    error = FieldError("spec.owner", "required")
    assert error.path == "spec.owner"
    assert str(error) == "spec.owner: required"
    assert error == FieldError(("spec", "owner"), "required")
    assert len({error, FieldError(("spec", "owner"), "required")}) == 1
