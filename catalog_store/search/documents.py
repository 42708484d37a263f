"""What the search index knows of an entity: the fields people search by.

:func:`document_of` reads an entity (as stored or served) into a
:class:`SearchDocument`. The searchable fields, with the weight a match in each carries:

============  ======  =========================================================
field         weight  source
============  ======  =========================================================
name          1.00    ``metadata.name``
alias         0.95    annotation ``callboard.dev/aliases`` (comma-separated)
title         0.90    ``metadata.title``, else ``spec.profile.displayName``
tag           0.70    ``metadata.tags``
system        0.55    the name of ``spec.system``
owner         0.50    the name of the ``spec.owner`` reference
kind          0.45    ``kind``
description   0.45    ``metadata.description``
type          0.40    ``spec.type``
link          0.40    ``metadata.links[].title`` and ``.url``
============  ======  =========================================================
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from catalog_store.model.refs import (
    DEFAULT_NAMESPACE,
    InvalidEntityRef,
    entity_ref_of,
    parse_entity_ref,
)
from catalog_store.search.text import DESCRIPTION_STOP_WORDS

ALIASES_ANNOTATION = "callboard.dev/aliases"
MAX_FIELD_TEXT = 2_000
"""Longer field text is cut to this many characters before indexing."""
_URL_NOISE = frozenset({"http", "https", "www"})


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A searchable field: its name, weight and whether its whole value can be typed."""

    name: str
    weight: float
    primary: bool
    stop_words: frozenset[str] = frozenset()
    repeated: bool = False
    """Whether many entities share the same values (worth caching their words)."""


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", 1.00, primary=True),
    FieldSpec("alias", 0.95, primary=True),
    FieldSpec("title", 0.90, primary=True),
    FieldSpec("tag", 0.70, primary=False, repeated=True),
    FieldSpec("system", 0.55, primary=False, repeated=True),
    FieldSpec("owner", 0.50, primary=False, repeated=True),
    FieldSpec("kind", 0.45, primary=False, repeated=True),
    FieldSpec("description", 0.45, primary=False, stop_words=DESCRIPTION_STOP_WORDS),
    FieldSpec("type", 0.40, primary=False, repeated=True),
    FieldSpec("link", 0.40, primary=False, stop_words=DESCRIPTION_STOP_WORDS | _URL_NOISE),
)
"""Every searchable field, strongest first; a field's position is its number in the index."""

FIELD_NUMBERS = {spec.name: number for number, spec in enumerate(FIELDS)}
PRIMARY_FIELDS = tuple(n for n, spec in enumerate(FIELDS) if spec.primary)

KIND_WEIGHTS = {
    "component": 1.00,
    "system": 1.00,
    "domain": 0.97,
    "api": 0.96,
    "resource": 0.95,
    "template": 0.95,
    "airesource": 0.94,
    "environment": 0.94,
    "group": 0.92,
    "user": 0.88,
    "location": 0.80,
}
"""How much an entity's kind lifts its score when the query does not ask for a kind."""
OTHER_KIND_WEIGHT = 0.93


def kind_weight(kind: str) -> float:
    """The weight of a kind (case-insensitive)."""
    return KIND_WEIGHTS.get(kind.lower(), OTHER_KIND_WEIGHT)


class SearchDocument(NamedTuple):
    """The searchable part of one entity.

    A tuple of strings, so that the collector stops tracking the many documents of an
    index once they have survived a collection.

    Attributes:
        entity_id: The entity's uid.
        entity_ref: The lower-cased reference ``kind:namespace/name``.
        kind: The kind as written, e.g. ``Component``.
        namespace: The namespace as written.
        name: ``metadata.name``.
        title: ``metadata.title`` (or a User's or Group's display name), if any.
        description: ``metadata.description``, if any.
        owner: ``spec.owner`` as written, if any.
        owner_ref: The owner's lower-cased full reference (kind defaulting to ``group``).
        system: The name of ``spec.system``, if any.
        lifecycle: ``spec.lifecycle``, if any.
        type: ``spec.type``, if any.
        tags: ``metadata.tags``.
        aliases: The alternate names of the ``callboard.dev/aliases`` annotation.
        links: ``(title, url)`` of every ``metadata.links`` item.
    """

    entity_id: str
    entity_ref: str
    kind: str
    namespace: str
    name: str
    title: str | None = None
    description: str | None = None
    owner: str | None = None
    owner_ref: str | None = None
    system: str | None = None
    lifecycle: str | None = None
    type: str | None = None
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()

    @property
    def owner_name(self) -> str | None:
        """The name part of the owner reference."""
        if self.owner_ref is None:
            return None
        return self.owner_ref.rpartition("/")[2]

    def field_values(self, field: str) -> Iterator[str]:
        """The values of a searchable field, as written."""
        if field == "name":
            yield self.name
        elif field == "alias":
            yield from self.aliases
        elif field == "title":
            if self.title:
                yield self.title
        elif field == "tag":
            yield from self.tags
        elif field == "system":
            if self.system:
                yield self.system
        elif field == "owner":
            owner = self.owner_name
            if owner:
                yield owner
        elif field == "kind":
            yield self.kind
        elif field == "description":
            if self.description:
                yield self.description
        elif field == "type":
            if self.type:
                yield self.type
        elif field == "link":
            for title, url in self.links:
                if title:
                    yield title
                if url:
                    yield url


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _shared(value: str | None) -> str | None:
    return None if value is None else sys.intern(value)


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(sys.intern(v.strip()) for v in values if isinstance(v, str) and v.strip())


def _aliases(annotations: Any) -> tuple[str, ...]:
    if not isinstance(annotations, Mapping):
        return ()
    raw = annotations.get(ALIASES_ANNOTATION)
    if not isinstance(raw, str):
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _links(values: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(values, list):
        return ()
    links = []
    for item in values:
        if isinstance(item, Mapping):
            title = _text(item.get("title")) or ""
            url = _text(item.get("url")) or ""
            if title or url:
                links.append((sys.intern(title), url))
    return tuple(links)


def _ref_key(value: str | None, default_kind: str) -> str | None:
    if value is None:
        return None
    try:
        return sys.intern(parse_entity_ref(value, default_kind=default_kind).key)
    except InvalidEntityRef:
        return None


def document_of(entity_id: str, entity: Mapping[str, Any]) -> SearchDocument | None:
    """Read the searchable fields of an entity.

    Args:
        entity_id: The entity's uid (the index's identity of the entity).
        entity: The entity body, as stored or served.

    Returns:
        Its search document, or None when the entity has no valid kind and name.
    """
    try:
        ref = entity_ref_of(entity)
    except InvalidEntityRef:
        return None
    metadata = entity.get("metadata")
    metadata = metadata if isinstance(metadata, Mapping) else {}
    spec = entity.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    title = _text(metadata.get("title"))
    if title is None:
        profile = spec.get("profile")
        if isinstance(profile, Mapping):
            title = _text(profile.get("displayName"))
    owner = _text(spec.get("owner"))
    system_ref = _ref_key(_text(spec.get("system")), "system")
    return SearchDocument(
        entity_id=entity_id,
        entity_ref=ref.key,
        kind=sys.intern(ref.kind),
        namespace=sys.intern(ref.namespace or DEFAULT_NAMESPACE),
        name=ref.name,
        title=title,
        description=_text(metadata.get("description")),
        owner=_shared(owner),
        owner_ref=_ref_key(owner, "group"),
        system=_shared(system_ref.rpartition("/")[2]) if system_ref else None,
        lifecycle=_shared(_text(spec.get("lifecycle"))),
        type=_shared(_text(spec.get("type"))),
        tags=_texts(metadata.get("tags")),
        aliases=_aliases(metadata.get("annotations")),
        links=_links(metadata.get("links")),
    )
