"""Ownership answers over the example Acme catalog shipped in ``examples/catalog``."""

from __future__ import annotations

from pathlib import Path

from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.ownership import GroupInfo, Ownership
from tests.catalog_store.ingest.conftest import ALL_KINDS
from tests.conftest import REPO, CatalogDb


def test_who_owns_the_payment_service(catalog_db: CatalogDb, tmp_path: Path) -> None:
    config = IngestConfig(
        locations=(LocationSpec("file", str(REPO / "examples/catalog/all.yaml")),),
        rules=ALL_KINDS,
        base_dir=REPO / "examples",
        reading_hosts=(),
        git_cache_dir=tmp_path / "git-cache",
    )
    (stats,) = CatalogService(catalog_db.sessions, config).refresh_all().values()
    assert stats.errors == []
    ownership = Ownership(catalog_db.sessions)

    answer = ownership.owner_of("payment-service")

    assert answer is not None and answer.found_via == "direct"
    team = answer.owner
    assert isinstance(team, GroupInfo)
    assert (team.ref, team.email, team.slack_channel_id, team.slack_channel_name) == (
        "group:default/payments-team",
        "payments@acme.example",
        "C0PAYMENTS",
        "payments-team",
    )
    assert [p.ref for p in team.parents] == ["group:default/engineering", "group:default/acme"]
    assert [(m.label, m.email) for m in team.members] == [
        ("Alice Moreau", "alice@acme.example"),
        ("Bob Okafor", "bob@acme.example"),
    ]
    owned = ownership.owned_by_group("engineering")
    assert owned.counts["Component"] == 5
    assert {i.owner_ref for i in owned.items if i.kind == "Component"} == {
        "group:default/payments-team",
        "group:default/checkout-team",
        "group:default/platform-team",
    }
    erin = ownership.find_user_by_email("erin@acme.example")
    assert erin is not None and erin.ref == "user:default/erin"
