"""The facts about an entity that answers show, read from its served form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_DESCRIPTION_CHARS = 2_000


@dataclass(frozen=True, slots=True)
class Link:
    """A link of the entity (``metadata.links``)."""

    url: str
    title: str | None = None


@dataclass(frozen=True, slots=True)
class EntityCard:
    """An entity as answers present it.

    Attributes:
        ref: The lower-case ref ``kind:namespace/name``.
        kind: The kind as written.
        namespace: The namespace.
        name: ``metadata.name``.
        title: ``metadata.title`` (or a group's or user's display name).
        description: ``metadata.description``, cut to a readable length.
        type: ``spec.type``.
        lifecycle: ``spec.lifecycle``.
        system: ``spec.system``.
        owner: ``spec.owner`` as written.
        tags: ``metadata.tags``.
        links: ``metadata.links`` with an http(s) URL.
    """

    ref: str
    kind: str
    namespace: str
    name: str
    title: str | None
    description: str | None
    type: str | None
    lifecycle: str | None
    system: str | None
    owner: str | None
    tags: tuple[str, ...]
    links: tuple[Link, ...]

    @property
    def label(self) -> str:
        """The name to show: the title, else ``metadata.name``."""
        return self.title or self.name


def _text(mapping: Mapping[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) and value.strip() else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def entity_card(ref: str, entity: Mapping[str, Any]) -> EntityCard:
    """The card of a served entity."""
    metadata = _mapping(entity.get("metadata"))
    spec = _mapping(entity.get("spec"))
    profile = _mapping(spec.get("profile"))
    description = _text(metadata, "description")
    if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
        description = description[: MAX_DESCRIPTION_CHARS - 1].rstrip() + "…"
    tags = metadata.get("tags")
    links = metadata.get("links")
    return EntityCard(
        ref=ref,
        kind=str(entity.get("kind") or ref.split(":", 1)[0]),
        namespace=_text(metadata, "namespace") or "default",
        name=str(metadata.get("name") or ref.rsplit("/", 1)[-1]),
        title=_text(metadata, "title") or _text(profile, "displayName"),
        description=description,
        type=_text(spec, "type"),
        lifecycle=_text(spec, "lifecycle"),
        system=_text(spec, "system"),
        owner=_text(spec, "owner"),
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
        links=tuple(
            Link(url=link["url"], title=_text(link, "title"))
            for link in (links if isinstance(links, list) else [])
            if isinstance(link, Mapping)
            and isinstance(link.get("url"), str)
            and link["url"].startswith(("http://", "https://"))
        ),
    )
