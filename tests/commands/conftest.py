"""A discovery stack over the example catalog, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from catalog_store.ingest.service import CatalogService
from catalog_store.oncall import OnCallConfig, OnCallService
from catalog_store.ownership import Ownership, PeopleResolver
from catalog_store.search import CatalogSearch
from commands.services import Discovery, entity_lookup
from tests.conftest import CatalogDb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


class Directory:
    """A Slack directory that knows some addresses and counts its lookups."""

    def __init__(self, known: dict[str, str]) -> None:
        self.known = known
        self.calls: list[str] = []

    def lookup_by_email(self, email: str) -> str | None:
        self.calls.append(email)
        return self.known.get(email.lower())


@pytest.fixture
def directory() -> Directory:
    return Directory({"alice@acme.example": "U0ALICE", "bob@acme.example": "U0BOB"})


@pytest.fixture
def discovery(catalog_db: CatalogDb, directory: Directory) -> Iterator[Discovery]:
    settings = load_settings(EXAMPLES / "callboard.yaml")
    service = CatalogService(catalog_db.sessions, settings.ingest_config())
    stats = service.refresh_all()
    assert not [e for s in stats.values() for e in s.errors]
    lookup = entity_lookup(catalog_db.sessions)
    oncall = OnCallService(OnCallConfig(), lookup)
    try:
        yield Discovery(
            search=CatalogSearch(catalog_db.sessions),
            ownership=Ownership(catalog_db.sessions),
            oncall=oncall,
            lookup=lookup,
            people=PeopleResolver(directory),
        )
    finally:
        oncall.close()
        service.http.close()
