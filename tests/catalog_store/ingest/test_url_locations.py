"""URL locations, read over HTTP from a loopback server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from catalog_store.ingest.config import LocationSpec
from tests.catalog_store.ingest.conftest import (
    ServiceFactory,
    component,
    entities,
    stored_errors,
    write,
)
from tests.conftest import CatalogDb


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        if self.path.startswith("/redirect/"):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/redirect/"))
            self.end_headers()
            return
        super().do_GET()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on an ephemeral loopback port."""
    folder = tmp_path / "www"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_url_location_tree_with_relative_targets_and_placeholders(
    served: tuple[Path, str], make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    folder, base = served
    write(
        folder / "catalog/all.yaml",
        """
        apiVersion: backstage.io/v1alpha1
        kind: Location
        metadata: {name: remote}
        spec: {targets: [./svc.yaml, ./missing.yaml]}
    """,
    )
    write(folder / "catalog/svc.yaml", component("remote-svc", definition={"$text": "./doc.md"}))
    write(folder / "catalog/doc.md", "# docs\n")
    service = make_service(
        LocationSpec("url", f"{base}/catalog/all.yaml"), reading_hosts=("127.0.0.1",)
    )
    service.refresh_all()
    stored = entities(catalog_db)
    assert sorted(stored) == ["component:default/remote-svc", "location:default/remote"]
    assert stored["component:default/remote-svc"]["spec"]["definition"] == "# docs\n"
    assert (
        stored["location:default/remote"]["metadata"]["annotations"][
            "backstage.io/managed-by-location"
        ]
        == f"url:{base}/catalog/all.yaml"
    )
    (error,) = stored_errors(catalog_db)
    assert error == f"{base}/catalog/missing.yaml: not found (HTTP 404)"


def test_hosts_outside_the_reading_allow_list_are_refused(
    served: tuple[Path, str], make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    folder, base = served
    write(folder / "svc.yaml", component("svc"))
    make_service(
        LocationSpec("url", f"{base}/svc.yaml"), reading_hosts=("example.com",)
    ).refresh_all()
    assert entities(catalog_db) == {}
    (error,) = stored_errors(catalog_db)
    assert "reading from host '127.0.0.1' is not allowed" in error


def test_redirects_are_followed_only_to_allowed_hosts(
    served: tuple[Path, str], make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    folder, base = served
    write(folder / "svc.yaml", component("svc"))
    port = base.rsplit(":", 1)[1]
    inside = make_service(
        LocationSpec("url", f"{base}/redirect//svc.yaml"), reading_hosts=("127.0.0.1",)
    )
    inside.refresh_all()
    assert list(entities(catalog_db)) == ["component:default/svc"]

    elsewhere = f"{base}/redirect/http://localhost:{port}/svc.yaml"
    make_service(LocationSpec("url", elsewhere), reading_hosts=("127.0.0.1",)).refresh_all()
    errors = stored_errors(catalog_db)
    assert any("reading from host 'localhost' is not allowed" in e for e in errors)
