"""Backstage's own ``@backstage/catalog-client`` (npm), unchanged, against the API.

The app runs under uvicorn on a loopback port; ``tests/catalog_client_js/run_client.js``
calls every client method the catalog serves and prints the results as JSON. The
client's packages come from ``package-lock.json`` (``npm ci`` when ``node_modules`` is
missing).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from catalog_store.catalog_writer import LocationInfo
from tests.catalog_store.api.conftest import Catalog, build_app
from tests.catalog_store.api.fake_writer import FakeWriter
from tests.conftest import CatalogDb

CLIENT_DIR = Path(__file__).resolve().parents[2] / "catalog_client_js"
TOKEN = "client-token"


def _require(binary: str) -> str:
    path = shutil.which(binary)
    if path is None:
        pytest.skip(f"`{binary}` is not installed; the catalog client test needs Node.js and npm")
    return path


@pytest.fixture(scope="module")
def client_script() -> Path:
    """The node script, with the client's packages installed from the lock file."""
    node = _require("node")
    npm = _require("npm")
    if not (CLIENT_DIR / "node_modules" / "@backstage" / "catalog-client").is_dir():
        result = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=CLIENT_DIR,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in {CLIENT_DIR}:\n{result.stdout}\n{result.stderr}")
    assert node
    return CLIENT_DIR / "run_client.js"


@pytest.fixture
def server_url(catalog_db: CatalogDb, writer: FakeWriter, catalog: Catalog) -> Iterator[str]:
    """The app with token auth, served by uvicorn on an ephemeral loopback port."""
    writer.known_refs.add("component:default/artist-web")
    writer.known_uids.add(catalog.uids["artist-web"])
    writer.entities_by_target["https://example.com/catalog-info.yaml"] = [
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "new"}}
    ]
    writer.locations["config-1"] = LocationInfo("config-1", "file", "/catalog/all.yaml")
    writer.location_of_entity["component:default/artist-web"] = "config-1"
    app = build_app(catalog_db, writer, [TOKEN])
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _run(script: Path, url: str) -> dict[str, Any]:
    result = subprocess.run(
        ["node", str(script), url, TOKEN],
        cwd=CLIENT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    output: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backstage_catalog_client_works_unchanged(
    client_script: Path, server_url: str, catalog: Catalog, writer: FakeWriter
) -> None:
    out = _run(client_script, server_url)

    assert out["getEntities"] == [
        {"kind": "Component", "metadata": {"name": "playback-order"}},
        {"kind": "Component", "metadata": {"name": "artist-web"}},
    ]
    assert sorted(out["getEntitiesAnyOf"]) == ["jdoe", "team-a", "team-b"]
    assert out["getEntitiesExists"] == ["artist-web"]
    assert out["getEntitiesPaged"] == 3
    assert out["getEntitiesByRefs"] == [
        {"kind": "Component", "metadata": {"name": "artist-web"}},
        None,
        {"kind": "Group", "metadata": {"name": "team-a"}},
    ]
    assert out["getEntitiesByRefsFiltered"] == [None, {"metadata": {"name": "team-a"}}]

    components = ["artist-web", "playback-order", "queue-proxy", "Wayback-Search"]
    assert out["queryEntities"] == {
        "names": components,
        "pageSizes": [2, 2],
        "totalItems": [4, 4],
    }
    assert out["queryEntitiesByPredicate"]["names"] == ["team-b", "team-a", "jdoe"]
    assert out["queryEntitiesByPredicate"]["pageSizes"] == [1, 1, 1]
    assert sorted(out["queryEntitiesFullText"]) == [
        "Wayback-Search",
        "audio-playback",
        "playback-order",
    ]
    assert out["streamEntities"] == sorted(components)

    assert out["getEntityByRef"]["name"] == "artist-web"
    assert out["getEntityByRef"]["uid"] == catalog.uids["artist-web"]
    assert {"type": "ownedBy", "targetRef": "group:default/team-a"} in out["getEntityByRef"][
        "relations"
    ]
    assert out["getEntityByRefMissing"] is None
    assert out["getEntityAncestors"] == {
        "rootEntityRef": "component:default/artist-web",
        "items": [
            {"name": "artist-web", "parentEntityRefs": ["location:default/root"]},
            {"name": "root", "parentEntityRefs": []},
        ],
    }

    assert out["getEntityFacets"] == {
        "facets": {
            "kind": [{"value": "component", "count": 4}],
            "spec.type": [{"value": "service", "count": 3}, {"value": "website", "count": 1}],
        }
    }
    assert out["getEntityFacetsByPredicate"] == {
        "facets": {"kind": [{"value": "group", "count": 2}, {"value": "user", "count": 1}]}
    }

    location = {"id": "loc-1", "type": "url", "target": "https://example.com/catalog-info.yaml"}
    assert out["addLocation"] == {
        "location": location,
        "entities": [
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": "new"},
            }
        ],
    }
    assert out["addLocationDryRun"]["exists"] is True
    assert out["addLocationAgain"] == {
        "name": "ResponseError",
        "statusCode": 409,
        "bodyErrorName": "ConflictError",
    }
    assert out["getLocations"] == {
        "items": [{"id": "config-1", "type": "file", "target": "/catalog/all.yaml"}, location]
    }
    assert out["getLocationById"] == location
    assert out["getLocationByRef"] == location
    assert out["queryLocations"] == {"items": [location], "totalItems": 1, "pageInfo": {}}
    assert out["getLocationByEntity"] == {
        "id": "config-1",
        "type": "file",
        "target": "/catalog/all.yaml",
    }
    assert out["getLocationByIdAfterRemove"] is None

    assert out["validateEntityValid"] == {"valid": True}
    assert out["validateEntityInvalid"] == {
        "valid": False,
        "errors": [{"name": "InputError", "message": "spec: must have required property 'owner'"}],
    }
    assert out["refreshEntity"] == "ok"
    assert out["refreshEntityMissing"] == {
        "name": "ResponseError",
        "statusCode": 404,
        "bodyErrorName": "NotFoundError",
    }
    assert out["removeEntityByUid"] == "ok"
    assert ("delete_entity", catalog.uids["artist-web"]) in writer.calls
    assert ("delete_location", "loc-1") in writer.calls
