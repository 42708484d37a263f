"""The assembled application serves the search API under ``/api/search`` with the same
bearer tokens as the catalog API, following the catalog as it is ingested."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.wiring import Wiring
from tests.app_wiring import wiring_over
from tests.catalog_store.ingest.conftest import component


@pytest.fixture
def wiring(tmp_path: Path, database_url: str) -> Iterator[Wiring]:
    with wiring_over(
        tmp_path, database_url, component("payment-service", owner="payments-team")
    ) as built:
        yield built


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
