"""validate_entity against Backstage's official JSON schemas, on every fixture entity.

For each entity document in the shared fixtures: when the official schema rejects it,
validate_entity rejects it too and names the same fields; when validate_entity is the
stricter one, its extra errors are rules that Backstage keeps in code rather than in
its schemas (name, namespace, tag, key, label value, apiVersion, kind and link
formats, and keys that differ only in letter case). Broken copies of every entity
must be rejected by both, at the broken field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import jsonschema
import pytest
import yaml
from model_fixture_data import (
    BrokenCopy,
    FixtureDocument,
    OfficialSchemas,
    fixture_documents,
    require_fixtures,
)

from catalog_store.model import FieldError, validate_entity
from catalog_store.model.validation_formats import (
    API_VERSION_RULE,
    BLANK_RULE,
    ENTITY_NAME_RULE,
    KEY_RULE,
    KIND_RULE,
    LABEL_VALUE_RULE,
    NAMESPACE_RULE,
    TAG_RULE,
    URL_RULE,
)

CODE_ONLY_RULES = (
    ENTITY_NAME_RULE,
    NAMESPACE_RULE,
    TAG_RULE,
    f"key {KEY_RULE}",
    LABEL_VALUE_RULE,
    API_VERSION_RULE,
    KIND_RULE,
    URL_RULE,
    BLANK_RULE,
    "differs from key ",
)
"""Message openings of the rules that live in Backstage code, not in its JSON schemas."""

Path = tuple[str | int, ...]


def is_code_only_rule(error: FieldError) -> bool:
    return error.message.startswith(CODE_ONLY_RULES)


def schema_error_paths(error: jsonschema.ValidationError) -> list[Path]:
    """Where a schema error points, down to the missing or unexpected field."""
    base: Path = tuple(error.absolute_path)
    if error.validator == "required":
        match = re.match(r"'(.+)' is a required property", error.message)
        assert match, error.message
        return [(*base, match.group(1))]
    if error.validator == "additionalProperties":
        return [(*base, name) for name in re.findall(r"'([^']+)'", error.message.split("(", 1)[-1])]
    return [base]


def starts_with(path: Sequence[str | int], prefix: Sequence[str | int]) -> bool:
    return tuple(path[: len(prefix)]) == tuple(prefix)


def explain(ours: list[FieldError], schema_errors: list[jsonschema.ValidationError]) -> str:
    theirs = [f"{list(e.absolute_path)}: {e.message[:120]}" for e in schema_errors]
    return f"ours={[str(e) for e in ours]} schema={theirs}"


def test_fixture_entity_agrees_with_official_schema(
    fixture_document: FixtureDocument, official_schemas: OfficialSchemas
) -> None:
    entity = fixture_document.entity
    ours = validate_entity(entity)
    schema_errors = official_schemas.errors(entity)
    detail = explain(ours, schema_errors)
    if schema_errors:
        assert ours, f"the official schema rejects this entity but we accept it: {detail}"
    schema_paths = [path for error in schema_errors for path in schema_error_paths(error)]
    for path in schema_paths:
        assert any(starts_with(e.path_parts, path) for e in ours), (
            f"no error of ours at {path}: {detail}"
        )
    for error in ours:
        matches_schema = any(
            starts_with(error.path_parts, path) or starts_with(path, error.path_parts)
            for path in schema_paths
        )
        assert matches_schema or is_code_only_rule(error), (
            f"unexpected stricter error {error}: {detail}"
        )


def test_broken_copy_is_rejected_at_the_broken_field(
    broken_copy: BrokenCopy, official_schemas: OfficialSchemas
) -> None:
    ours = validate_entity(broken_copy.entity)
    schema_errors = official_schemas.errors(broken_copy.entity)
    detail = explain(ours, schema_errors)
    at_broken_field = [e for e in ours if e.path_parts == broken_copy.broken_path]
    assert at_broken_field, f"no error of ours at {broken_copy.broken_path}: {detail}"
    schema_paths = [path for error in schema_errors for path in schema_error_paths(error)]
    schema_flags_it = any(starts_with(broken_copy.broken_path, path) for path in schema_paths)
    if broken_copy.schema_rejects:
        assert schema_flags_it, f"the official schema accepts the broken field: {detail}"
    else:
        # The rule lives in FieldFormatEntityPolicy: the schema cannot see it, we must.
        assert not schema_flags_it, detail
        assert all(is_code_only_rule(e) for e in at_broken_field), detail


def test_fixture_corpus_is_the_real_one(fixture_document: FixtureDocument) -> None:
    entity = fixture_document.entity
    assert isinstance(entity.get("metadata"), dict)
    assert isinstance(entity.get("kind"), str)


def test_invalid_component_fixture_is_rejected_for_its_name() -> None:
    fixtures = require_fixtures()
    examples = fixtures / "catalogs/backstage__backstage/packages/catalog-model/examples"
    path = examples / "components/invalid-component.yaml"
    entity: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = validate_entity(entity)
    assert (
        FieldError(("metadata", "name"), f"{ENTITY_NAME_RULE} (got 'invalid component')") in errors
    )
    assert FieldError(("metadata", "tags", 1), f"{TAG_RULE} (got 'go 1.15.3')") in errors
    assert len(errors) == 2


def test_every_built_in_kind_is_exercised(official_schemas: OfficialSchemas) -> None:
    seen = {official_schemas.schema_id_for(d.entity) for d in fixture_documents()}
    expected = {
        "ComponentV1alpha1",
        "ApiV1alpha1",
        "ApiV1alpha1McpServer",
        "ApiV1alpha1AiModelServer",
        "ResourceV1alpha1",
        "SystemV1alpha1",
        "DomainV1alpha1",
        "GroupV1alpha1",
        "UserV1alpha1",
        "LocationV1alpha1",
        "TemplateV1beta3",
        "Entity",
    }
    assert expected <= seen
    assert len(fixture_documents()) >= 250


@pytest.mark.parametrize(
    "entity",
    [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "a"},
            "relations": [{"type": "x y", "targetRef": "k:ns/a"}],
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "a"},
            "relations": [
                {"type": "x", "targetRef": "k:ns/a", "target": {"kind": "k", "name": "a"}}
            ],
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Thing",
            "metadata": {"name": "a"},
            "status": {"items": [{"type": "t", "level": "fatal", "message": ""}]},
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Thing",
            "metadata": {"name": "a"},
            "status": {
                "items": [{"type": "t", "level": "info", "message": "", "error": {"name": ""}}]
            },
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Location",
            "metadata": {"name": "a"},
            "spec": {"presence": "maybe"},
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Group",
            "metadata": {"name": "a"},
            "spec": {"type": "team", "children": [], "profile": {"email": ""}},
        },
        {
            "apiVersion": "scaffolder.backstage.io/v1beta3",
            "kind": "Template",
            "metadata": {"name": "a"},
            "spec": {"type": "t", "steps": [{"action": "x", "if": 1}]},
        },
        {
            "apiVersion": "scaffolder.backstage.io/v1beta3",
            "kind": "Template",
            "metadata": {"name": "a"},
            "spec": {"type": "t", "steps": [], "output": {"x": 1}},
        },
        {
            "apiVersion": "scaffolder.backstage.io/v1beta3",
            "kind": "Template",
            "metadata": {"name": "a"},
            "spec": {"type": "t", "steps": [], "parameters": 5},
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "API",
            "metadata": {"name": "a"},
            "spec": {"type": "mcp-server", "lifecycle": "x", "owner": "y", "remotes": []},
        },
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Component",
            "metadata": {"name": "a", "uid": "", "links": [{"url": "https://x", "icon": ""}]},
            "spec": {"type": "a", "lifecycle": "b", "owner": "c"},
        },
        {"apiVersion": "", "kind": "Thing", "metadata": {"name": "a", "labels": {"a": 1}}},
    ],
)
def test_hand_made_invalid_entities_agree_with_schema(
    entity: dict[str, Any], official_schemas: OfficialSchemas
) -> None:
    schema_errors = official_schemas.errors(entity)
    ours = validate_entity(entity)
    assert schema_errors, "the case is meant to be invalid for the schema"
    schema_paths = [path for error in schema_errors for path in schema_error_paths(error)]
    for path in schema_paths:
        assert any(starts_with(e.path_parts, path) for e in ours), explain(ours, schema_errors)
