"""Fixtures of the catalog API tests: an app over a real database and a fake writer.

The database comes from ``catalog_db`` (tests/conftest.py): a migrated SQLite file,
and the same on PostgreSQL when ``CALLBOARD_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from catalog_store.api import create_catalog_router, install_error_handlers
from tests.catalog_store.api.factories import (
    add_location,
    add_location_file,
    component,
    entity,
    insert_entity,
)
from tests.catalog_store.api.fake_writer import FakeWriter
from tests.conftest import CatalogDb

ClientFactory = Callable[..., TestClient]


@pytest.fixture
def writer() -> FakeWriter:
    """The fake write side of the catalog."""
    return FakeWriter()


def build_app(db: CatalogDb, writer: FakeWriter, tokens: Sequence[str] = ()) -> FastAPI:
    """An application with the catalog router mounted as the application mounts it."""
    app = FastAPI()
    install_error_handlers(app)
    router = create_catalog_router(sessions=db.sessions, writer=writer, api_tokens=tokens)
    app.include_router(router, prefix="/api/catalog")

    @app.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


@pytest.fixture
def make_client(catalog_db: CatalogDb, writer: FakeWriter) -> ClientFactory:
    """Build a test client, optionally with API tokens."""

    def make(tokens: Sequence[str] = ()) -> TestClient:
        return TestClient(build_app(catalog_db, writer, tokens), raise_server_exceptions=False)

    return make


@pytest.fixture
def client(make_client: ClientFactory) -> TestClient:
    """A client of the open (token-less) API."""
    return make_client()


@dataclass
class Catalog:
    """The uids of the seeded entities by short name, and the location id."""

    uids: dict[str, str] = field(default_factory=dict)
    location_id: str = ""


@pytest.fixture
def catalog(catalog_db: CatalogDb) -> Catalog:
    """A small catalog: components, an API, groups, a user, a system, a resource and
    locations, with one orphan and one entity with processing errors."""
    seeded = Catalog()
    with catalog_db.sessions.begin() as session:
        loc = add_location(session, "/catalog/all.yaml")
        seeded.location_id = loc

        def put(key: str, body: dict[str, object], address: str, **kwargs: object) -> None:
            seeded.uids[key] = insert_entity(
                session,
                body,
                location_id=loc,
                address=address,
                **kwargs,  # type: ignore[arg-type]
            )

        root, teams, services = "/catalog/all.yaml", "/catalog/teams.yaml", "/catalog/svc/c.yaml"
        put("root", entity("Location", "root", {"targets": ["./teams.yaml", "./svc/*.yaml"]}), root)
        put(
            "artist-web",
            component("artist-web", type_="website", tags=["java", "web"], system="audio-playback"),
            services,
        )
        put("wayback", component("Wayback-Search", owner="team-b", tags=["python"]), services)
        put(
            "playback-order",
            component("playback-order", lifecycle="experimental", dependsOn=["resource:db"]),
            services,
            errors=[("spec.owner", "team-x is unknown"), (None, "second problem")],
        )
        put(
            "queue-proxy",
            component("queue-proxy", namespace="ops", owner="group:ops/team-c"),
            services,
            orphan=True,
        )
        put(
            "order-api",
            entity(
                "API",
                "order-api",
                {
                    "type": "openapi",
                    "lifecycle": "production",
                    "owner": "team-a",
                    "definition": "x",
                },
            ),
            services,
        )
        put(
            "team-a",
            entity("Group", "team-a", {"type": "team", "children": []}, title="Team A"),
            teams,
        )
        put("team-b", entity("Group", "team-b", {"type": "team", "children": []}), teams)
        put("jdoe", entity("User", "jdoe", {"memberOf": ["team-a"]}), teams)
        put("system", entity("System", "audio-playback", {"owner": "team-a"}), services)
        put("db", entity("Resource", "db", {"type": "database", "owner": "team-b"}), services)
        add_location_file(
            session,
            loc,
            root,
            targets=["./teams.yaml", "./svc/*.yaml"],
            entity_refs=["location:default/root"],
        )
        add_location_file(
            session,
            loc,
            teams,
            entity_refs=["group:default/team-a", "group:default/team-b", "user:default/jdoe"],
        )
        add_location_file(
            session,
            loc,
            services,
            entity_refs=[
                "component:default/artist-web",
                "component:default/wayback-search",
                "component:default/playback-order",
                "component:ops/queue-proxy",
                "api:default/order-api",
                "system:default/audio-playback",
                "resource:default/db",
            ],
        )
    return seeded
