"""The assembled HTTP app: scheduled refresh, the catalog API, health checks, and the
``callboard serve`` process on the example configuration."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.scheduler import refresh_once, sqlite_refresh_lock
from bot.wiring import Wiring
from tests.app_wiring import wiring_over
from tests.catalog_store.ingest.conftest import component

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def wiring(tmp_path: Path, database_url: str) -> Iterator[Wiring]:
    with wiring_over(tmp_path, database_url, component("svc")) as built:
        yield built


def test_scheduled_refresh_fills_the_catalog_served_by_the_api(wiring: Wiring) -> None:
    with TestClient(create_app(wiring)) as client:
        headers = {"Authorization": "Bearer t0ken"}
        deadline = time.monotonic() + 20
        names: list[str] = []
        while time.monotonic() < deadline and not names:
            response = client.get("/api/catalog/entities", headers=headers)
            assert response.status_code == 200
            names = [e["metadata"]["name"] for e in response.json()]
            time.sleep(0.05)
        assert names == ["svc"]
        assert client.get("/api/catalog/entities").status_code == 401
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ok"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_processes(pid: int) -> list[int]:
    """The processes serving requests: ``pid`` itself, or its spawned workers."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    workers = [
        int(child)
        for child in children
        if "spawn_main" in Path(f"/proc/{child}/cmdline").read_text(errors="replace")
    ]
    return workers or [pid]


def test_one_process_refreshes_a_sqlite_catalog_at_a_time(tmp_path: Path) -> None:
    with wiring_over(tmp_path, f"sqlite:///{tmp_path / 'c.db'}", component("svc")) as wiring:
        with sqlite_refresh_lock(wiring.engine.url.database) as held:
            assert held
            assert refresh_once(wiring) is False
        assert refresh_once(wiring) is True


@pytest.mark.parametrize("workers", [1, 2])
def test_callboard_serve_on_the_example_configuration(tmp_path: Path, workers: int) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(REPO / "examples", examples, ignore=shutil.ignore_patterns(".callboard"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "callboard"),
            "serve",
            "--config",
            str(examples / "callboard.yaml"),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/catalog/entities/by-name/component/default/payment-service"
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline:
            try:
                response = httpx.get(url, timeout=2)
                if response.status_code == 200:
                    body = response.json()
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert body is not None, "the example catalog was not served in time"
        assert body["spec"]["owner"] == "payments-team"
        assert (examples / ".callboard/callboard.db").exists()
        assert len(server_processes(process.pid)) == workers
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert f"http://127.0.0.1:{port}/api/catalog/entities" in output
