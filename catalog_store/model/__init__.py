"""The Backstage entity model: references, validation, relations and search rows.

Plain, typed functions over parsed entity documents; no I/O.
"""

from catalog_store.model.errors import FieldError
from catalog_store.model.refs import (
    DEFAULT_NAMESPACE,
    EntityRef,
    InvalidEntityRef,
    entity_ref_of,
    parse_entity_ref,
)
from catalog_store.model.relations import (
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
    Relation,
    derive_relations,
)
from catalog_store.model.search_rows import build_search_rows
from catalog_store.model.validation import KNOWN_KINDS, validate_entity

__all__ = [
    "DEFAULT_NAMESPACE",
    "KNOWN_KINDS",
    "RELATION_API_CONSUMED_BY",
    "RELATION_API_PROVIDED_BY",
    "RELATION_CHILD_OF",
    "RELATION_CONSUMES_API",
    "RELATION_DEPENDENCY_OF",
    "RELATION_DEPENDS_ON",
    "RELATION_HAS_MEMBER",
    "RELATION_HAS_PART",
    "RELATION_MEMBER_OF",
    "RELATION_OWNED_BY",
    "RELATION_OWNER_OF",
    "RELATION_PARENT_OF",
    "RELATION_PART_OF",
    "RELATION_PROVIDES_API",
    "EntityRef",
    "FieldError",
    "InvalidEntityRef",
    "Relation",
    "build_search_rows",
    "derive_relations",
    "entity_ref_of",
    "parse_entity_ref",
    "validate_entity",
]
