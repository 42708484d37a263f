"""The services a command answers from, bundled so commands stay free of wiring."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from catalog_store.oncall import OnCallService
from catalog_store.ownership import Ownership, PeopleResolver
from catalog_store.queries.entity_queries import entity_by_key
from catalog_store.search import CatalogSearch
from commands.notifications import NotificationDesk

EntityLookup = Callable[[str], Mapping[str, Any] | None]
"""Finds an entity by its lower-case ref (``component:default/x``), as it was written
(``metadata.uid`` added; no relations or status: answers need neither)."""


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def entity_lookup(sessions: sessionmaker[Session]) -> EntityLookup:
    """A lookup of entities by lower-case ref: one indexed read, no relations."""

    def lookup(key: str) -> Mapping[str, Any] | None:
        with sessions() as session:
            row = entity_by_key(session, key.lower())
        if row is None:
            return None
        body = json.loads(row.body)
        if not isinstance(body, dict):
            return None
        metadata = body.get("metadata")
        if isinstance(metadata, dict):
            body["metadata"] = {**metadata, "uid": row.id}
        return body

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
        notifications: Run-notification health, when notifications are set up.
    """

    search: CatalogSearch
    ownership: Ownership
    oncall: OnCallService
    lookup: EntityLookup
    people: PeopleResolver | None = None
    clock: Callable[[], datetime] = field(default=utc_now)
    notifications: NotificationDesk | None = None
