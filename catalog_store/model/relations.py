"""Relations between entities, derived from the spec fields of the built-in kinds.

The derivation follows Backstage's ``BuiltinKindsEntityProcessor``: every reference
in a relation field gives two relations, the entity's own (``A ownedBy B``) and
its reverse (``B ownerOf A``). References without a namespace inherit the
entity's namespace; those without a kind get the field's default kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from catalog_store.model.errors import FieldError, PathPart
from catalog_store.model.refs import (
    DEFAULT_NAMESPACE,
    EntityRef,
    InvalidEntityRef,
    parse_entity_ref,
)
from catalog_store.model.validation_checks import type_name

RELATION_OWNED_BY = "ownedBy"
RELATION_OWNER_OF = "ownerOf"
RELATION_PART_OF = "partOf"
RELATION_HAS_PART = "hasPart"
RELATION_DEPENDS_ON = "dependsOn"
RELATION_DEPENDENCY_OF = "dependencyOf"
RELATION_PROVIDES_API = "providesApi"
RELATION_API_PROVIDED_BY = "apiProvidedBy"
RELATION_CONSUMES_API = "consumesApi"
RELATION_API_CONSUMED_BY = "apiConsumedBy"
RELATION_MEMBER_OF = "memberOf"
RELATION_HAS_MEMBER = "hasMember"
RELATION_CHILD_OF = "childOf"
RELATION_PARENT_OF = "parentOf"


@dataclass(frozen=True, slots=True)
class Relation:
    """A directed relation ``source --type--> target``."""

    source: EntityRef
    type: str
    target: EntityRef


@dataclass(frozen=True, slots=True)
class _RelationField:
    field: str
    default_kind: str | None
    outgoing: str
    incoming: str


_OWNER = _RelationField("owner", "Group", RELATION_OWNED_BY, RELATION_OWNER_OF)
_SYSTEM = _RelationField("system", "System", RELATION_PART_OF, RELATION_HAS_PART)
_DEPENDS_ON = _RelationField("dependsOn", None, RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF)
_DEPENDENCY_OF = _RelationField("dependencyOf", None, RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON)

RELATION_FIELDS: Mapping[str, tuple[_RelationField, ...]] = {
    "component": (
        _OWNER,
        _RelationField("subcomponentOf", "Component", RELATION_PART_OF, RELATION_HAS_PART),
        _RelationField("providesApis", "API", RELATION_PROVIDES_API, RELATION_API_PROVIDED_BY),
        _RelationField("consumesApis", "API", RELATION_CONSUMES_API, RELATION_API_CONSUMED_BY),
        _DEPENDS_ON,
        _DEPENDENCY_OF,
        _SYSTEM,
    ),
    "api": (_OWNER, _SYSTEM),
    "resource": (_OWNER, _DEPENDS_ON, _DEPENDENCY_OF, _SYSTEM),
    "system": (
        _OWNER,
        _RelationField("domain", "Domain", RELATION_PART_OF, RELATION_HAS_PART),
    ),
    "domain": (
        _OWNER,
        _RelationField("subdomainOf", "Domain", RELATION_PART_OF, RELATION_HAS_PART),
    ),
    "user": (_RelationField("memberOf", "Group", RELATION_MEMBER_OF, RELATION_HAS_MEMBER),),
    "group": (
        _RelationField("parent", "Group", RELATION_CHILD_OF, RELATION_PARENT_OF),
        _RelationField("children", "Group", RELATION_PARENT_OF, RELATION_CHILD_OF),
        _RelationField("members", "User", RELATION_HAS_MEMBER, RELATION_MEMBER_OF),
    ),
    "template": (_OWNER,),
}
"""Relation fields of ``spec`` per lower-case kind, in Backstage's order."""


def _self_ref(entity: Mapping[str, Any]) -> EntityRef | FieldError:
    kind = entity.get("kind")
    if not isinstance(kind, str) or not kind:
        return FieldError(("kind",), "must be a non-empty string to derive relations")
    metadata = entity.get("metadata")
    if not isinstance(metadata, Mapping):
        return FieldError(("metadata",), "must be an object to derive relations")
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        return FieldError(("metadata", "name"), "must be a non-empty string to derive relations")
    namespace = metadata.get("namespace", DEFAULT_NAMESPACE)
    if namespace is None:
        namespace = DEFAULT_NAMESPACE
    if not isinstance(namespace, str) or not namespace:
        return FieldError(
            ("metadata", "namespace"), "must be a non-empty string to derive relations"
        )
    return EntityRef(kind, namespace, name)


@lru_cache(maxsize=16384)
def _parse_target(
    target: str, default_kind: str | None, namespace: str
) -> tuple[EntityRef, str] | str:
    """Parse a reference (memoized: owners and systems repeat across many entities).

    Returns:
        The reference and its key, or the parse error's message.
    """
    try:
        ref = parse_entity_ref(target, default_kind=default_kind, default_namespace=namespace)
    except InvalidEntityRef as exc:
        return str(exc)
    return ref, ref.key


def _targets(value: Any, path: tuple[PathPart, ...]) -> list[tuple[tuple[PathPart, ...], Any]]:
    if isinstance(value, list | tuple):
        return [((*path, index), item) for index, item in enumerate(value)]
    return [(path, value)]


def derive_relations(entity: Mapping[str, Any]) -> tuple[list[Relation], list[FieldError]]:
    """Derive the relations an entity's spec declares, in both directions.

    Args:
        entity: An entity of any kind; only built-in kinds (matched
            case-insensitively) have relation fields.

    Returns:
        The relations without duplicates, in field order, each reference giving the
        entity's relation followed by its reverse; and one error for every
        reference that could not be parsed (the rest are still derived).
    """
    if not isinstance(entity, Mapping):
        return [], [FieldError((), "must be an object to derive relations")]
    kind = entity.get("kind")
    fields = RELATION_FIELDS.get(kind.lower()) if isinstance(kind, str) else None
    spec = entity.get("spec")
    if fields is None or not isinstance(spec, Mapping):
        return [], []
    me = _self_ref(entity)
    if isinstance(me, FieldError):
        return [], [me]
    me_key = me.key
    relations: list[Relation] = []
    errors: list[FieldError] = []
    seen: set[tuple[str, str, str]] = set()
    for rule in fields:
        value = spec.get(rule.field)
        if not value:
            continue
        for path, target in _targets(value, ("spec", rule.field)):
            if not isinstance(target, str):
                message = f"must be an entity reference string (got {type_name(target)})"
                errors.append(FieldError(path, message))
                continue
            parsed = _parse_target(target, rule.default_kind, me.namespace)
            if isinstance(parsed, str):
                errors.append(FieldError(path, parsed))
                continue
            other, other_key = parsed
            for identity, relation in (
                ((me_key, rule.outgoing, other_key), (me, rule.outgoing, other)),
                ((other_key, rule.incoming, me_key), (other, rule.incoming, me)),
            ):
                if identity not in seen:
                    seen.add(identity)
                    relations.append(Relation(*relation))
    return relations, errors
