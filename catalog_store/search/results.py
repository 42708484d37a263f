"""What a search returns: pages of hits, each saying why it matched."""

from __future__ import annotations

from dataclasses import dataclass

from catalog_store.search.query import ParsedQuery


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """A field value that matched the query.

    Attributes:
        field: The searchable field, e.g. ``name``, ``alias``, ``tag`` (see
            :data:`catalog_store.search.documents.FIELDS`).
        text: The field's value as written, e.g. ``payment-service``.
        terms: The words of that value that matched, case-folded.
    """

    field: str
    text: str
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One entity found.

    Attributes:
        entity_ref: The lower-cased reference ``kind:namespace/name``.
        entity_id: The entity's uid.
        kind: The kind as written.
        namespace: The namespace as written.
        name: ``metadata.name``.
        title: ``metadata.title`` (or display name), if any.
        description: ``metadata.description``, if any.
        owner: ``spec.owner`` as written, if any.
        system: The name of ``spec.system``, if any.
        lifecycle: ``spec.lifecycle``, if any.
        type: ``spec.type``, if any.
        score: The relevance, higher is better (about 0 to 1).
        matches: The fields that matched, strongest field first.
    """

    entity_ref: str
    entity_id: str
    kind: str
    namespace: str
    name: str
    title: str | None
    description: str | None
    owner: str | None
    system: str | None
    lifecycle: str | None
    type: str | None
    score: float
    matches: list[FieldMatch]


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of results.

    Attributes:
        hits: The hits of the page, best first.
        total: How many entities matched in all.
        offset: How many hits come before this page.
        limit: The most hits a page holds.
        query: The query that was run.
    """

    hits: list[SearchHit]
    total: int
    offset: int
    limit: int
    query: ParsedQuery
