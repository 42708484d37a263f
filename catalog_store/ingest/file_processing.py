"""Turning one catalog file into entity candidates, Location targets and precise errors.

Each document is validated on its own: a bad document gives errors with file, line and
field, and the other documents of the file go on. Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalog_store.catalog_writer import ProcessingError
from catalog_store.ingest.placeholders import PlaceholderError, PlaceholderResolver, Reader
from catalog_store.ingest.rules import KindRules
from catalog_store.ingest.sources import SourceError
from catalog_store.model import (
    EntityRef,
    FieldError,
    Relation,
    build_search_rows,
    derive_relations,
    entity_ref_of,
    validate_entity,
)
from catalog_store.yaml_documents import LineIndex, YamlError, decode_text, load_documents

MANAGED_BY_LOCATION = "backstage.io/managed-by-location"
MANAGED_BY_ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
SERVER_FIELDS = ("uid", "etag", "generation")
UID_SEARCH_KEY = "metadata.uid"

RelationValues = tuple[str, str, str, str]
"""A relation as stored: ``(source_key, type, target_ref, target_key)``."""


@dataclass(slots=True)
class EntityCandidate:
    """A valid entity read from a file, ready to be stored.

    Besides the entity itself it carries what storing it takes, prepared where the file
    was read (possibly another process): the body as stored JSON, its relations as row
    values, and its search rows except ``metadata.uid`` (the uid is given when stored), as
    a column of keys and a column of values: the writer pairs them with the entity's row
    id without a Python loop, and they travel between processes in less space.
    """

    ref: EntityRef
    address: str
    display: str
    body_json: str
    relation_rows: list[RelationValues]
    search_keys: list[str]
    search_values: list[str | None]
    content_hash: str
    document_index: int
    lines: LineIndex

    @property
    def body(self) -> dict[str, Any]:
        """The entity as stored (without uid, etag, relations or status)."""
        body: dict[str, Any] = json.loads(self.body_json)
        return body

    @property
    def line(self) -> int | None:
        """The line where the entity's document starts."""
        return self.lines.line(self.document_index)

    @property
    def key(self) -> str:
        """The lower-cased entity ref."""
        return self.ref.key


@dataclass(slots=True)
class LocationTarget:
    """A target named by a ``kind: Location`` entity."""

    type: str
    target: str
    line: int | None


@dataclass(slots=True)
class FileResult:
    """What one file produced."""

    address: str
    display: str
    content_hash: str
    entities: list[EntityCandidate] = field(default_factory=list)
    kept_refs: list[str] = field(default_factory=list)
    targets: list[LocationTarget] = field(default_factory=list)
    dependencies: dict[str, str] = field(default_factory=dict)
    errors: list[ProcessingError] = field(default_factory=list)
    failed: bool = False


@dataclass(frozen=True, slots=True)
class FileContext:
    """What processing a file needs to know about its location."""

    location_type: str
    origin_annotation: str
    rules: KindRules
    reader: Reader
    annotation: Callable[[str], str]
    skip_remote_placeholders: bool = False


def content_hash(raw: bytes) -> str:
    """The sha256 hex digest used to skip unchanged files."""
    return hashlib.sha256(raw).hexdigest()


def entity_hash(body: dict[str, Any]) -> str:
    """A stable digest of an entity body."""
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def process_file(address: str, display: str, raw: bytes, context: FileContext) -> FileResult:
    """Parse, resolve, validate and prepare every document of one file."""
    result = FileResult(address=address, display=display, content_hash=content_hash(raw))
    try:
        text = decode_text(raw)
        documents = load_documents(text)
    except YamlError as exc:
        result.failed = True
        result.errors.append(ProcessingError(display, exc.message, line=exc.line))
        return result
    resolver = PlaceholderResolver(
        context.reader,
        address,
        skip_remote=context.skip_remote_placeholders,
        # Every placeholder key starts with "$": a file without one has nothing to resolve.
        enabled="$" in text,
    )
    lines = LineIndex(text)
    for document in documents:
        _process_document(document.index, document.data, lines, resolver, context, result)
    result.dependencies = resolver.dependencies
    return result


def _process_document(
    index: int,
    data: Any,
    lines: LineIndex,
    resolver: PlaceholderResolver,
    context: FileContext,
    result: FileResult,
) -> None:
    def line_of(path: tuple[str | int, ...]) -> int | None:
        return lines.line(index, path)

    def fail(
        message: str,
        path: tuple[str | int, ...] = (),
        ref: str | None = None,
        field_name: str | None = None,
    ) -> None:
        result.errors.append(
            ProcessingError(
                result.display, message, line=line_of(path), field=field_name, entity_ref=ref
            )
        )

    if not isinstance(data, dict):
        fail(f"document {index + 1} is not a mapping (got {type(data).__name__})")
        return
    ref = _ref_or_none(data)
    ref_key = ref.key if ref is not None else None
    try:
        entity = resolver.resolve(data)
    except PlaceholderError as exc:
        fail(exc.message, exc.path, ref_key, format_path(exc.path))
        if ref_key is not None:
            result.kept_refs.append(ref_key)
        return
    field_errors = [
        e for e in validate_entity(entity) if not _under_any(tuple(e.path_parts), resolver.skipped)
    ]
    if field_errors:
        for error in field_errors:
            fail(error.message, tuple(error.path_parts), ref_key, error.path)
        if ref_key is not None:
            result.kept_refs.append(ref_key)
        return
    assert ref is not None
    if not context.rules.allows(ref.kind):
        fail(context.rules.refusal(ref.kind), ("kind",), ref_key, "kind")
        return
    relations, relation_errors = derive_relations(entity)
    if relation_errors:
        for error in relation_errors:
            fail(error.message, tuple(error.path_parts), ref.key, error.path)
        result.kept_refs.append(ref.key)
        return
    body = _final_body(entity, result.address, context)
    if ref.kind.lower() == "location":
        _collect_targets(entity, index, lines, context, result)
    search_rows = [row for row in build_search_rows(body, ()) if row[0] != UID_SEARCH_KEY]
    result.entities.append(
        EntityCandidate(
            ref=ref,
            address=result.address,
            display=result.display,
            body_json=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
            relation_rows=relation_values(relations),
            search_keys=[key for key, _ in search_rows],
            search_values=[value for _, value in search_rows],
            content_hash=entity_hash(body),
            document_index=index,
            lines=lines,
        )
    )


def relation_values(relations: list[Relation]) -> list[RelationValues]:
    """Relations as the values of their stored rows."""
    return [
        (relation.source.key, relation.type, str(relation.target), relation.target.key)
        for relation in relations
    ]


def _under_any(path: tuple[str | int, ...], prefixes: list[tuple[str | int, ...]]) -> bool:
    return any(path[: len(prefix)] == prefix for prefix in prefixes)


def format_path(parts: tuple[str | int, ...]) -> str:
    """``("spec", "steps", 0)`` as ``spec.steps[0]``."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _ref_or_none(data: dict[str, Any]) -> EntityRef | None:
    try:
        return entity_ref_of(data)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None


def _final_body(entity: dict[str, Any], address: str, context: FileContext) -> dict[str, Any]:
    body = {k: v for k, v in entity.items() if k not in ("relations", "status")}
    metadata = {k: v for k, v in body["metadata"].items() if k not in SERVER_FIELDS}
    metadata.setdefault("namespace", "default")
    annotations = dict(metadata.get("annotations") or {})
    annotations[MANAGED_BY_LOCATION] = context.annotation(address)
    annotations[MANAGED_BY_ORIGIN_LOCATION] = context.origin_annotation
    metadata["annotations"] = annotations
    body["metadata"] = metadata
    return body


def _collect_targets(
    entity: dict[str, Any], index: int, lines: LineIndex, context: FileContext, result: FileResult
) -> None:
    spec = entity.get("spec") or {}
    target_type = str(spec.get("type") or context.location_type)
    named: list[tuple[str, tuple[str | int, ...]]] = []
    if isinstance(spec.get("target"), str):
        named.append((spec["target"], ("spec", "target")))
    for position, target in enumerate(spec.get("targets") or []):
        if isinstance(target, str):
            named.append((target, ("spec", "targets", position)))
    for target, path in named:
        result.targets.append(
            LocationTarget(type=target_type, target=target, line=lines.line(index, path))
        )


def source_error(display: str, exc: SourceError, line: int | None = None) -> ProcessingError:
    """A file-level error for a source that could not be read."""
    return ProcessingError(display, str(exc), line=line)


__all__ = ["EntityCandidate", "FieldError", "FileContext", "FileResult", "process_file"]
