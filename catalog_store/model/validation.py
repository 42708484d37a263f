"""Validation of whole entities, following Backstage's catalog-model rules.

``validate_entity`` applies, in one pass and without raising:

* the envelope (``Entity`` schema and ``NoForeignRootFieldsEntityPolicy``): apiVersion,
  kind, metadata, optional spec object, relations and status shapes, no other
  top-level fields; apiVersion and kind in Backstage's formats;
* ``metadata`` (``EntityMeta`` schema and ``FieldFormatEntityPolicy``);
* the ``spec`` rules of built-in kinds at the apiVersions their schemas name;
* the stitcher's rule that no two keys of one object differ only in letter case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from catalog_store.model.errors import FieldError
from catalog_store.model.validation_checks import (
    ErrorCollector,
    Path,
    as_object,
    as_text,
    check_fields,
    list_of,
    object_with,
    one_of,
    shown,
    string,
    text,
)
from catalog_store.model.validation_formats import (
    API_VERSION_RULE,
    KIND_RULE,
    is_valid_api_version,
    is_valid_kind,
)
from catalog_store.model.validation_kinds import KNOWN_KINDS, spec_rules_for, validate_spec
from catalog_store.model.validation_meta import validate_metadata

__all__ = ["KNOWN_KINDS", "validate_entity"]

ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec", "relations", "status")
MAX_KEY_CHECK_DEPTH = 100
MAX_CHECKED_CONTAINERS = 100_000
_NOT_KEY_CHECKED = frozenset({"relations", "status"})
_RELATION_TYPE = re.compile(r"[A-Za-z0-9_]+")


def _relation_type(errors: ErrorCollector, value: Any, path: Path) -> None:
    kind = as_text(errors, value, path)
    if kind is not None and _RELATION_TYPE.fullmatch(kind) is None:
        errors.add(path, f"must be letters, digits and underscores (got {shown(kind)})")


def _no_other_fields(errors: ErrorCollector, value: Any, path: Path) -> None:
    errors.add(path, "is not an allowed field")


_REFERENCE = object_with(
    {"kind": (text, True), "namespace": (text, True), "name": (text, True)},
    other=_no_other_fields,
)
_RELATIONS = list_of(
    object_with(
        {"type": (_relation_type, True), "targetRef": (text, True), "target": (_REFERENCE, False)},
        other=_no_other_fields,
    )
)
_STATUS_ERROR = object_with(
    {
        "name": (text, True),
        "message": (string, True),
        "code": (string, False),
        "stack": (string, False),
    }
)
_STATUS_ITEM = object_with(
    {
        "type": (text, True),
        "level": (one_of(("info", "warning", "error")), True),
        "message": (string, True),
        "error": (_STATUS_ERROR, False),
    }
)
_STATUS = object_with({"items": (list_of(_STATUS_ITEM), False)})


def _envelope_text(
    errors: ErrorCollector,
    root: Mapping[str, Any],
    field: str,
    is_valid: Callable[[str], bool],
    rule: str,
) -> str | None:
    if field not in root:
        errors.add((field,), "required")
        return None
    value = as_text(errors, root[field], (field,))
    if value is not None and not is_valid(value):
        errors.add((field,), f"{rule} (got {shown(value)})")
    return value


def _report_case_duplicates(errors: ErrorCollector, node: Mapping[Any, Any], path: Path) -> None:
    seen: dict[str, str] = {}
    for key in node:
        name = str(key)
        first = seen.setdefault(name.lower(), name)
        if first != name:
            errors.add((*path, name), f"differs from key {first!r} only in letter case")


class _KeyCaseCheck:
    """Reports keys of one object that differ only in letter case (``spec.Owner``/``owner``).

    Walks at most ``MAX_CHECKED_CONTAINERS`` objects and lists, so that documents whose
    parts are shared many times over cannot make the walk explode.
    """

    __slots__ = ("errors", "remaining")

    def __init__(self, errors: ErrorCollector) -> None:
        self.errors = errors
        self.remaining = MAX_CHECKED_CONTAINERS

    def walk(self, node: Any, path: Path) -> None:
        """Check one object or list and everything below it."""
        self.remaining -= 1
        if self.remaining < 0 or len(path) > MAX_KEY_CHECK_DEPTH:
            return
        if isinstance(node, list):
            self.walk_items(node, path)
            return
        if len(node) > 1:
            try:
                distinct = len({key.lower() for key in node})
            except AttributeError:
                distinct = len({str(key).lower() for key in node})
            if distinct != len(node):
                _report_case_duplicates(self.errors, node, path)
        for key, value in node.items():
            if isinstance(value, dict):
                if path or key not in _NOT_KEY_CHECKED:
                    self.walk(value, (*path, str(key)))
            elif isinstance(value, list) and (path or key not in _NOT_KEY_CHECKED):
                self.walk_items(value, (*path, str(key)))

    def walk_items(self, items: list[Any], path: Path) -> None:
        """Check the objects and lists inside a list (scalars need no check)."""
        for index, item in enumerate(items):
            if isinstance(item, dict) or isinstance(item, list):  # noqa: SIM101
                self.walk(item, (*path, index))


def _check_key_case(errors: ErrorCollector, root: dict[Any, Any]) -> None:
    check = _KeyCaseCheck(errors)
    check.walk(root, ())
    if check.remaining < 0:
        errors.add((), f"has more than {MAX_CHECKED_CONTAINERS} nested objects and lists")


def _validate(errors: ErrorCollector, entity: Any) -> None:
    root = as_object(errors, entity, ())
    if root is None:
        return
    for key in root:
        if key not in ROOT_FIELDS:
            errors.add(
                (str(key),),
                "is not an allowed top-level field (allowed: " + ", ".join(ROOT_FIELDS) + ")",
            )
    api_version = _envelope_text(errors, root, "apiVersion", is_valid_api_version, API_VERSION_RULE)
    kind = _envelope_text(errors, root, "kind", is_valid_kind, KIND_RULE)
    if "metadata" in root:
        metadata = as_object(errors, root["metadata"], ("metadata",))
        if metadata is not None:
            validate_metadata(errors, metadata, ("metadata",))
    else:
        errors.add(("metadata",), "required")
    check_fields(errors, root, (), {"relations": (_RELATIONS, False), "status": (_STATUS, False)})
    spec = root.get("spec")
    rules = spec_rules_for(kind, api_version, spec) if kind and api_version else None
    if "spec" in root:
        spec_object = as_object(errors, spec, ("spec",))
        if spec_object is not None and rules is not None:
            validate_spec(errors, spec_object, rules)
    elif rules is not None:
        errors.add(("spec",), "required")
    if isinstance(root, dict):
        _check_key_case(errors, root)


def validate_entity(entity: Any) -> list[FieldError]:
    """Check an entity against Backstage's rules for its envelope, metadata and kind.

    Unknown kinds, and built-in kinds at an apiVersion their schema does not name,
    get the envelope and metadata rules only. Kinds are matched case-insensitively.

    Args:
        entity: Anything, typically one parsed YAML document.

    Returns:
        The problems found (at most 50), each naming its field; empty when valid.
        Never raises.
    """
    errors = ErrorCollector()
    try:
        _validate(errors, entity)
    except Exception as exc:  # a last resort: malformed input must never escape as an error
        errors.add((), f"could not be validated ({type(exc).__name__})")
    return errors.errors
