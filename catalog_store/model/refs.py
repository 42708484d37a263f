"""Entity references: ``[kind:][namespace/]name`` in string or compound form."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_NAMESPACE = "default"


class InvalidEntityRef(ValueError):
    """An entity reference could not be parsed."""


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A parsed entity reference.

    Attributes:
        kind: The kind as written, e.g. ``"Component"``.
        namespace: The namespace as written; ``"default"`` when the reference had none.
        name: The name as written.
    """

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        """Return the string form ``kind:namespace/name`` with kind and namespace lower-cased."""
        return f"{self.kind.lower()}:{self.namespace.lower()}/{self.name}"

    @property
    def key(self) -> str:
        """The fully lower-cased string form: the case-insensitive identity of the entity."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()


def _describe(ref: object) -> str:
    try:
        return json.dumps(ref, default=repr)
    except (TypeError, ValueError):
        return repr(ref)


def _split_ref_string(ref: str) -> tuple[str | None, str | None, str]:
    """Split ``[kind:][namespace/]name`` the way Backstage's parseEntityRef does.

    The first ``:`` ends the kind unless a ``/`` comes before it; the first ``/`` ends
    the namespace; everything after both is the name.
    """
    colon = ref.find(":")
    slash = ref.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = ref[:colon] if colon != -1 else None
    namespace = ref[colon + 1 : slash] if slash != -1 else None
    name = ref[max(colon + 1, slash + 1) :]
    if kind == "" or namespace == "" or name == "":
        raise InvalidEntityRef(
            f"Entity reference {ref!r} was not on the form [<kind>:][<namespace>/]<name>"
        )
    return kind, namespace, name


def _optional_text(ref: Mapping[str, Any], field: str) -> str | None:
    value = ref.get(field)
    if value is None or isinstance(value, str):
        return value
    raise InvalidEntityRef(f"Entity reference {_describe(ref)} has a {field} that is not a string")


def parse_entity_ref(
    ref: str | Mapping[str, Any],
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse an entity reference with Backstage's ``parseEntityRef`` rules.

    Args:
        ref: A string ``"[kind:][namespace/]name"`` or a mapping with ``kind``,
            optional ``namespace`` and ``name``.
        default_kind: The kind to use when the reference has none.
        default_namespace: The namespace to use when the reference has none
            (an empty value means ``"default"``).

    Returns:
        The parsed reference; kind, namespace and name keep their case.

    Raises:
        InvalidEntityRef: The reference is empty, not a string or mapping, has an
            empty part (``":x"``, ``"k:/x"``, ``"ns/"``), or has no kind and no
            default kind was given.
    """
    if not ref:
        raise InvalidEntityRef("Entity reference must not be empty")
    fallback_namespace = default_namespace or DEFAULT_NAMESPACE
    if isinstance(ref, str):
        kind, namespace, name = _split_ref_string(ref)
    elif isinstance(ref, Mapping):
        kind = _optional_text(ref, "kind")
        namespace = _optional_text(ref, "namespace")
        name = _optional_text(ref, "name") or ""
    else:
        raise InvalidEntityRef(
            f"Entity reference must be a string or a mapping, not {type(ref).__name__}"
        )
    if kind is None:
        kind = default_kind
    if namespace is None:
        namespace = fallback_namespace
    if not kind:
        raise InvalidEntityRef(
            f"Entity reference {_describe(ref)} had missing or empty kind "
            '(e.g. did not start with "component:" or similar)'
        )
    if not namespace:
        raise InvalidEntityRef(f"Entity reference {_describe(ref)} had missing or empty namespace")
    if not name:
        raise InvalidEntityRef(f"Entity reference {_describe(ref)} had missing or empty name")
    return EntityRef(kind, namespace, name)


def entity_ref_of(entity: Mapping[str, Any]) -> EntityRef:
    """Return the reference of an entity from its kind, namespace and name.

    Args:
        entity: An entity with ``kind`` and ``metadata.name`` (``metadata.namespace``
            defaults to ``"default"``).

    Returns:
        The entity's reference.

    Raises:
        InvalidEntityRef: The kind, name or namespace is missing, empty or not a string.
    """
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        raise InvalidEntityRef("Entity has no metadata object")
    namespace = metadata.get("namespace")
    return EntityRef(
        _required_text("kind", entity.get("kind")),
        _required_text("metadata.namespace", DEFAULT_NAMESPACE if namespace is None else namespace),
        _required_text("metadata.name", metadata.get("name")),
    )


def _required_text(field: str, value: object) -> str:
    if isinstance(value, str) and value:
        return value
    raise InvalidEntityRef(f"Entity {field} must be a non-empty string, got {value!r}")
