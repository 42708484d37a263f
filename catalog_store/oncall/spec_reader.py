"""Reading a parsed YAML spec field by field, collecting errors that name each field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from catalog_store.model.errors import FieldError, PathPart
from catalog_store.model.refs import DEFAULT_NAMESPACE, InvalidEntityRef, parse_entity_ref

Path = tuple[PathPart, ...]


def type_name(value: object) -> str:
    """Name a value's type in JSON terms, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    return "string" if isinstance(value, str) else type(value).__name__


class SpecReader:
    """Reads a spec field by field, collecting every error it finds (as :class:`FieldError`)."""

    def __init__(self, namespace: str) -> None:
        """Start with no errors; refs without a namespace get ``namespace``."""
        self.namespace = namespace or DEFAULT_NAMESPACE
        self.errors: list[FieldError] = []

    def fail(self, path: Path, message: str) -> None:
        """Record an error at ``path``."""
        self.errors.append(FieldError(path, message))

    def mapping(self, value: Any, path: Path, allowed: Sequence[str]) -> Mapping[str, Any] | None:
        """``value`` if it is an object; fields not in ``allowed`` are errors."""
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object (got {type_name(value)})")
            return None
        for key in value:
            if key not in allowed:
                self.fail((*path, str(key)), "is not an allowed field")
        return value

    def text(self, value: Any, path: Path) -> str | None:
        """``value`` trimmed if it is a non-empty string (a YAML date counts as its text)."""
        if isinstance(value, date):
            return value.isoformat()
        if not isinstance(value, str):
            self.fail(path, f"must be a string (got {type_name(value)})")
            return None
        if not value.strip():
            self.fail(path, "must not be empty")
            return None
        return value.strip()

    def required_text(self, obj: Mapping[str, Any], field: str, path: Path) -> str | None:
        """The text of a required field of ``obj``."""
        if field not in obj:
            self.fail((*path, field), "required")
            return None
        return self.text(obj[field], (*path, field))

    def items(self, value: Any, path: Path, what: str) -> list[Any] | None:
        """``value`` if it is a non-empty list (of ``what``)."""
        if not isinstance(value, list | tuple):
            self.fail(path, f"must be a list (got {type_name(value)})")
            return None
        if not value:
            self.fail(path, f"must list at least one {what}")
            return None
        return list(value)

    def ref(self, value: Any, path: Path, kinds: Sequence[str], default_kind: str) -> str | None:
        """The lower-case ref an entity reference names, if it is of one of ``kinds``."""
        text = self.text(value, path)
        if text is None:
            return None
        try:
            ref = parse_entity_ref(
                text, default_kind=default_kind, default_namespace=self.namespace
            )
        except InvalidEntityRef as exc:
            self.fail(path, str(exc))
            return None
        if ref.kind.lower() not in kinds:
            self.fail(path, f"must refer to a {' or '.join(kinds)} (got {text!r})")
            return None
        return ref.key
