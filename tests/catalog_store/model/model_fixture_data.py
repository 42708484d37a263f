"""Fixture data for the entity model tests: real catalog files and Backstage's schemas.

``/work/shared/fixtures`` (found as ``../shared/fixtures`` next to the repository) holds
real Backstage catalog files and the official JSON schemas. This module finds the
entity documents there, loads the schemas into one validator per ``$id``, and makes
deliberately broken copies of the entities.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT7

FIXTURES = Path(__file__).resolve().parents[3] / ".." / "shared" / "fixtures"
ENTITY_ROOTS = ("backstage", "catalogs")
SCHEMA_DIR = FIXTURES / "backstage/backstage/packages/catalog-model/src/schema"
TEMPLATE_SCHEMA = (
    FIXTURES / "backstage/backstage/plugins/scaffolder-common/src/Template.v1beta3.schema.json"
)
ABSENT_REASON = f"../shared/fixtures is absent: {FIXTURES} does not exist"

KIND_SCHEMA_IDS = {
    "Component": "ComponentV1alpha1",
    "API": "ApiV1alpha1",
    "Resource": "ResourceV1alpha1",
    "System": "SystemV1alpha1",
    "Domain": "DomainV1alpha1",
    "Group": "GroupV1alpha1",
    "User": "UserV1alpha1",
    "Location": "LocationV1alpha1",
    "Template": "TemplateV1beta3",
}
"""Official schema of each built-in kind (kind names as Backstage's schemas spell them)."""

API_TYPE_SCHEMA_IDS = {
    "mcp-server": "ApiV1alpha1McpServer",
    "ai-model-server": "ApiV1alpha1AiModelServer",
}
"""API spec types that Backstage validates with their own schema instead of ApiV1alpha1."""


def fixtures_present() -> bool:
    """Whether the shared fixture folder exists."""
    return FIXTURES.is_dir()


def require_fixtures() -> Path:
    """Return the fixture folder, skipping the calling test when it is absent."""
    if not fixtures_present():
        pytest.skip(ABSENT_REASON)
    return FIXTURES.resolve()


@dataclass(frozen=True)
class FixtureDocument:
    """One entity document from a fixture file."""

    path: Path
    index: int
    entity: dict[str, Any] = field(compare=False)

    @property
    def label(self) -> str:
        """A short test id: the file below the fixture folder and the document number."""
        return f"{self.path.relative_to(FIXTURES.resolve())}#{self.index}"


def iter_yaml_files() -> Iterator[Path]:
    """Every YAML file below the entity roots of the fixture folder, sorted."""
    root = FIXTURES.resolve()
    for sub in ENTITY_ROOTS:
        for path in sorted((root / sub).rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                yield path


def load_documents(path: Path) -> list[Any]:
    """All YAML documents of a file; [] when it is not plain YAML (e.g. a Jinja skeleton)."""
    try:
        return list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    except yaml.YAMLError:
        return []


def is_entity(document: Any) -> bool:
    """Whether a document looks like an entity: apiVersion, kind and metadata present."""
    return isinstance(document, dict) and {"apiVersion", "kind", "metadata"} <= document.keys()


@functools.cache
def fixture_documents() -> tuple[FixtureDocument, ...]:
    """Every entity document of every fixture YAML file."""
    if not fixtures_present():
        return ()
    found: list[FixtureDocument] = []
    for path in iter_yaml_files():
        for index, document in enumerate(load_documents(path)):
            if is_entity(document):
                found.append(FixtureDocument(path, index, document))
    return tuple(found)


class OfficialSchemas:
    """Backstage's JSON schemas, wired together with a referencing registry."""

    def __init__(self) -> None:
        """Load every schema file and register it under its ``$id``."""
        documents: dict[str, dict[str, Any]] = {}
        for path in [*sorted(SCHEMA_DIR.rglob("*.schema.json")), TEMPLATE_SCHEMA]:
            schema = json.loads(path.read_text(encoding="utf-8"))
            documents[schema["$id"]] = schema
        # Backstage also ships API.v1alpha1.ai-model-server.schema.json, which differs
        # from the mcp-server schema only in its id and spec.type constant.
        ai_model_server = copy.deepcopy(documents["ApiV1alpha1McpServer"])
        ai_model_server["$id"] = "ApiV1alpha1AiModelServer"
        ai_model_server["allOf"][1]["properties"]["spec"]["properties"]["type"] = {
            "const": "ai-model-server"
        }
        documents["ApiV1alpha1AiModelServer"] = ai_model_server
        self.documents = documents
        registry: Registry[Any] = Registry().with_resources(
            (schema_id, DRAFT7.create_resource(schema)) for schema_id, schema in documents.items()
        )
        self._validators = {
            schema_id: jsonschema.Draft7Validator(schema, registry=registry)
            for schema_id, schema in documents.items()
        }

    def schema_id_for(self, entity: Mapping[str, Any]) -> str:
        """The schema Backstage validates an entity with: its kind's, or plain ``Entity``."""
        kind_id = KIND_SCHEMA_IDS.get(entity.get("kind"))  # type: ignore[arg-type]
        if kind_id is None:
            return "Entity"
        spec = entity.get("spec")
        if kind_id == "ApiV1alpha1" and isinstance(spec, dict):
            kind_id = API_TYPE_SCHEMA_IDS.get(spec.get("type"), kind_id)  # type: ignore[arg-type]
        versions = self.kind_part(kind_id)["properties"]["apiVersion"]["enum"]
        return kind_id if entity.get("apiVersion") in versions else "Entity"

    def kind_part(self, schema_id: str) -> dict[str, Any]:
        """The kind-specific half of a kind schema's ``allOf``."""
        part: dict[str, Any] = self.documents[schema_id]["allOf"][1]
        return part

    def required_spec_fields(self, entity: Mapping[str, Any]) -> list[str]:
        """The spec fields the entity's schema requires ([] for plain ``Entity``)."""
        schema_id = self.schema_id_for(entity)
        if schema_id == "Entity":
            return []
        required: list[str] = self.kind_part(schema_id)["properties"]["spec"].get("required", [])
        return required

    def spec_properties(self, entity: Mapping[str, Any]) -> dict[str, Any]:
        """The spec properties the entity's schema describes ({} for plain ``Entity``)."""
        schema_id = self.schema_id_for(entity)
        if schema_id == "Entity":
            return {}
        properties: dict[str, Any] = self.kind_part(schema_id)["properties"]["spec"]["properties"]
        return properties

    def errors(self, entity: Any) -> list[jsonschema.ValidationError]:
        """The schema errors of an entity, with the schema chosen by ``schema_id_for``."""
        schema_id = self.schema_id_for(entity) if isinstance(entity, dict) else "Entity"
        return list(self._validators[schema_id].iter_errors(entity))


_SCHEMAS: OfficialSchemas | None = None


def official_schemas_or_none() -> OfficialSchemas | None:
    """The loaded schemas, shared between collection and tests; None without fixtures."""
    global _SCHEMAS
    if _SCHEMAS is None and fixtures_present():
        _SCHEMAS = OfficialSchemas()
    return _SCHEMAS


_DELETE = object()
FieldPath = tuple[str | int, ...]
Break = tuple[str, dict[str, Any], FieldPath, bool]
"""(label, broken copy, broken path, whether the official schema rejects the copy too)."""


def _broken(
    entity: dict[str, Any], label: str, path: FieldPath, value: Any, *, schema_rejects: bool = True
) -> Break:
    """A copy of ``entity`` with ``path`` set to ``value`` (or deleted when value is _DELETE)."""
    broken = copy.deepcopy(entity)
    node: Any = broken
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return label, broken, path, schema_rejects


def _spec(entity: dict[str, Any]) -> dict[str, Any]:
    spec = entity.get("spec")
    return spec if isinstance(spec, dict) else {}


def _drop_required_spec_field(entity: dict[str, Any], schemas: OfficialSchemas) -> list[Break]:
    spec = _spec(entity)
    return [
        _broken(entity, f"drop-spec.{name}", ("spec", name), _DELETE)
        for name in schemas.required_spec_fields(entity)
        if name in spec
    ]


def _owner_wrong_type(entity: dict[str, Any], schemas: OfficialSchemas) -> list[Break]:
    if "owner" not in schemas.spec_properties(entity) or not _spec(entity):
        return []
    return [_broken(entity, "owner-wrong-type", ("spec", "owner"), 123)]


def _spec_list_given_a_string(entity: dict[str, Any], schemas: OfficialSchemas) -> list[Break]:
    spec = _spec(entity)
    return [
        _broken(entity, f"spec.{name}-not-a-list", ("spec", name), "a-string")
        for name, rule in schemas.spec_properties(entity).items()
        if rule.get("type") == "array" and name in spec
    ]


def _metadata_breaks(entity: dict[str, Any], schemas: OfficialSchemas) -> list[Break]:
    label, broken, _, rejects = _broken(
        entity, "link-without-url", ("metadata", "links"), [{"title": "Dashboard"}]
    )
    return [
        _broken(entity, "name-70-chars", ("metadata", "name"), "a" * 70, schema_rejects=False),
        _broken(
            entity, "name-with-space", ("metadata", "name"), "my service", schema_rejects=False
        ),
        _broken(entity, "tags-not-a-list", ("metadata", "tags"), "java"),
        (label, broken, ("metadata", "links", 0, "url"), rejects),
    ]


def _envelope_breaks(entity: dict[str, Any], schemas: OfficialSchemas) -> list[Break]:
    return [
        _broken(entity, "extra-top-level-key", ("extra",), {"a": 1}),
        _broken(entity, "spec-not-an-object", ("spec",), "not an object"),
    ]


BREAKAGES = (
    _drop_required_spec_field,
    _owner_wrong_type,
    _spec_list_given_a_string,
    _metadata_breaks,
    _envelope_breaks,
)
"""Ways to break a fixture entity. Most break a rule of the official schemas; the name
breakages break rules that live in Backstage code (FieldFormatEntityPolicy) only."""


@dataclass(frozen=True)
class BrokenCopy:
    """A fixture entity broken on purpose."""

    source: FixtureDocument
    breakage: str
    entity: dict[str, Any] = field(compare=False)
    broken_path: FieldPath
    schema_rejects: bool


@functools.cache
def broken_copies() -> tuple[BrokenCopy, ...]:
    """Every applicable (fixture entity, breakage) pair, each as a fresh broken copy."""
    schemas = official_schemas_or_none()
    if schemas is None:
        return ()
    copies: list[BrokenCopy] = []
    for document in fixture_documents():
        if not isinstance(document.entity.get("metadata"), dict):
            continue
        for breakage in BREAKAGES:
            for label, entity, path, schema_rejects in breakage(document.entity, schemas):
                copies.append(BrokenCopy(document, label, entity, path, schema_rejects))
    return tuple(copies)
