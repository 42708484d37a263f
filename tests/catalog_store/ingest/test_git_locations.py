"""Git locations: real repositories over file://, refreshed after commits."""

from __future__ import annotations

import logging
from pathlib import Path

import git
import pytest

from catalog_store.ingest.config import LocationSpec
from catalog_store.ingest.git_source import redact_url
from tests.catalog_store.ingest.conftest import (
    ServiceFactory,
    component,
    entities,
    stored_errors,
    write,
)
from tests.conftest import CatalogDb


def commit_all(repo: git.Repo, message: str) -> None:
    """Stage everything and commit."""
    repo.git.add(A=True)
    repo.index.commit(message)


@pytest.fixture
def remote(tmp_path: Path) -> git.Repo:
    """A repository with catalog files in several folders."""
    repo = git.Repo.init(tmp_path / "remote", initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Test").set_value("user", "email", "t@example.com")
    root = Path(repo.working_tree_dir or "")
    write(root / "catalog-info.yaml", component("root-svc"))
    write(root / "services/a/catalog-info.yaml", component("svc-a"))
    write(root / "services/b/catalog-info.yaml", component("svc-b"))
    write(root / "services/b/README.md", "# not a catalog file\n")
    commit_all(repo, "initial")
    return repo


def test_discovers_catalog_info_files_and_refreshes_only_what_a_commit_changed(
    remote: git.Repo, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    url = f"file://{remote.working_tree_dir}"
    service = make_service(LocationSpec("git", url, branch="main"))
    (first,) = service.refresh_all().values()
    assert sorted(entities(catalog_db)) == [
        "component:default/root-svc",
        "component:default/svc-a",
        "component:default/svc-b",
    ]
    assert first.errors == []
    annotation = entities(catalog_db)["component:default/svc-a"]["metadata"]["annotations"]
    assert annotation["backstage.io/managed-by-location"] == (
        f"git:{url}#services/a/catalog-info.yaml"
    )

    root = Path(remote.working_tree_dir or "")
    write(root / "services/a/catalog-info.yaml", component("svc-a", owner="team-z"))
    (root / "services/b/catalog-info.yaml").unlink()
    commit_all(remote, "change a, drop b")

    (second,) = service.refresh_all().values()
    assert (second.files_read, second.files_unchanged) == (1, 1)
    assert (second.updated, second.orphaned) == (1, 1)
    assert entities(catalog_db)["component:default/svc-a"]["spec"]["owner"] == "team-z"


def test_custom_catalog_path_glob(
    remote: git.Repo, make_service: ServiceFactory, catalog_db: CatalogDb
) -> None:
    url = f"file://{remote.working_tree_dir}"
    make_service(
        LocationSpec("git", url, catalog_path="services/**/catalog-info.yaml")
    ).refresh_all()
    assert sorted(entities(catalog_db)) == ["component:default/svc-a", "component:default/svc-b"]


def test_unreachable_remote_keeps_entities_and_never_shows_credentials(
    remote: git.Repo,
    make_service: ServiceFactory,
    catalog_db: CatalogDb,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = f"file://{remote.working_tree_dir}"
    service = make_service(LocationSpec("git", url))
    service.refresh_all()
    gone = tmp_path / "remote-moved"
    Path(remote.working_tree_dir or "").rename(gone)
    caplog.set_level(logging.DEBUG)
    service.refresh_all()
    assert len(entities(catalog_db)) == 3
    (error,) = stored_errors(catalog_db)
    assert "could not fetch" in error

    secret_url = "https://deploy-bot:ghp_SECRET123@127.0.0.1:9/acme/catalog.git"
    secret = make_service(LocationSpec("git", secret_url))
    secret.refresh_all()
    errors = " ".join(stored_errors(catalog_db))
    assert "ghp_SECRET123" not in errors and "deploy-bot" not in errors
    assert "https://***@127.0.0.1:9/acme/catalog.git" in errors
    assert "ghp_SECRET123" not in caplog.text
    assert [loc.target for loc in secret.list_locations() if "acme" in loc.target] == [
        "https://***@127.0.0.1:9/acme/catalog.git"
    ]


def test_redact_url() -> None:
    assert redact_url("https://u:p@host:8443/r.git") == "https://***@host:8443/r.git"
    assert redact_url("https://host/r.git") == "https://host/r.git"
