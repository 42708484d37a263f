"""The assembled application serves the search API under ``/api/search`` with the same
bearer tokens as the catalog API, following the catalog as it is ingested."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.settings import load_settings
from bot.wiring import Wiring, build_wiring
from tests.catalog_store.ingest.conftest import component, write


@pytest.fixture
def wiring(tmp_path: Path, database_url: str) -> Iterator[Wiring]:
    write(tmp_path / "catalog/c.yaml", component("payment-service", owner="payments-team"))
    config = write(
        tmp_path / "callboard.yaml",
        f"""
        database:
          url: {database_url}
        auth:
          apiTokens: [t0ken]
        catalog:
          refreshIntervalSeconds: 3600
          locations:
            - type: file
              target: ./catalog/c.yaml
    """,
    )
    built = build_wiring(load_settings(config))
    try:
        yield built
    finally:
        built.close()


def test_the_app_serves_search(wiring: Wiring) -> None:
    wiring.catalog.refresh_all()
    client = TestClient(create_app(wiring, background=False))
    assert client.get("/api/search/query", params={"term": "pmt svc"}).status_code == 401
    response = client.get(
        "/api/search/query",
        params={"term": "paymnet srvice"},
        headers={"Authorization": "Bearer t0ken"},
    )
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["document"]["location"] == "/catalog/default/component/payment-service"
    assert first["document"]["owner"] == "payments-team"
