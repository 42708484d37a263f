"""The services a command answers from, bundled so commands stay free of wiring."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalog_store.oncall import OnCallService
from catalog_store.ownership import Ownership, PeopleResolver
from catalog_store.queries.entity_queries import entity_by_key
from catalog_store.queries.entity_reader import build_entities
from catalog_store.search import CatalogSearch

EntityLookup = Callable[[str], Mapping[str, Any] | None]
"""Finds a served entity by its lower-case ref (``component:default/x``)."""


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def entity_lookup(sessions: sessionmaker[Session]) -> EntityLookup:
    """A lookup of served entities (with uid, etag and relations) by lower-case ref."""

    def lookup(key: str) -> Mapping[str, Any] | None:
        with sessions() as session:
            row = entity_by_key(session, key.lower())
            if row is None:
                return None
            return build_entities(session, [row])[0]

    return lookup


@dataclass(slots=True)
class Discovery:
    """What discovery commands need: search, ownership, on-call and people.

    Attributes:
        search: The fuzzy search index, following the catalog.
        ownership: Owners, groups, members and contacts.
        oncall: Who is on call, from schedules or paging providers.
        lookup: Served entities by ref.
        people: Slack user ids of catalog people; None where there is no Slack.
        clock: The current time (aware).
    """

    search: CatalogSearch
    ownership: Ownership
    oncall: OnCallService
    lookup: EntityLookup
    people: PeopleResolver | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
