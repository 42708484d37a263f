"""Turning what a person typed into the entity they mean.

A full reference (``component:default/payment-service``, ``group:payments-team``) is
looked up as written; anything else goes through the fuzzy search, whose best hit is the
answer and whose next hits are offered as "did you mean".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from catalog_store.model.refs import InvalidEntityRef, parse_entity_ref
from catalog_store.search import QueryError, SearchHit
from commands.errors import CommandError, NothingFound
from commands.services import Discovery

MAX_QUERY_CHARS = 500
"""Longer input is cut here before it is searched."""
ALTERNATIVES = 4


@dataclass(frozen=True, slots=True)
class Target:
    """The entity a query resolved to.

    Attributes:
        ref: Its lower-case ref.
        entity: The entity as the catalog serves it.
        hit: The search hit that found it; None when the query was a full reference.
        alternatives: The next best hits, for "did you mean".
    """

    ref: str
    entity: Mapping[str, Any]
    hit: SearchHit | None
    alternatives: tuple[SearchHit, ...]


def clean_query(text: str) -> str:
    """``text`` with surrounding blanks removed and cut to :data:`MAX_QUERY_CHARS`."""
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def _as_reference(text: str) -> str | None:
    """The lower-case ref of ``text`` when it is written as a reference with a kind."""
    if " " in text or ":" not in text:
        return None
    try:
        return parse_entity_ref(text).key
    except (InvalidEntityRef, ValueError):
        return None


def resolve_target(
    discovery: Discovery,
    text: str,
    *,
    example: str,
    read: Callable[[str], Mapping[str, Any] | None] | None = None,
) -> Target:
    """The entity ``text`` means.

    Args:
        discovery: The services.
        text: What the person typed.
        example: A sample query for the "tell me what" message, e.g. ``whois payments``.
        read: Reads a candidate by lower-case ref (None when the catalog no longer has
            it); ``discovery.lookup`` by default. A command that reads more about the
            entity anyway passes a reader that keeps what it read.

    Raises:
        CommandError: the query is empty or malformed (the message says how to fix it).
        NothingFound: nothing matches.
    """
    query = clean_query(text)
    if not query:
        raise CommandError(f"Tell me what to look up, for example `{example}`.")
    read = read or discovery.lookup
    reference = _as_reference(query)
    if reference is not None:
        entity = read(reference)
        if entity is not None:
            return Target(reference, entity, None, ())
    try:
        page = discovery.search.search(query, limit=1 + ALTERNATIVES)
    except QueryError as exc:
        raise CommandError(str(exc)) from None
    for position, hit in enumerate(page.hits):
        entity = read(hit.entity_ref)
        if entity is not None:
            rest = tuple(page.hits[position + 1 :])
            return Target(hit.entity_ref, entity, hit, rest)
    raise NothingFound(
        f"Nothing in the catalog matches “{query}”. Try fewer words, a team name, "
        "or `find` with a filter such as `kind:api`."
    )
