"""Answers follow the catalog as it changes: owners, members and parents re-read."""

from __future__ import annotations

from pathlib import Path

from catalog_store.ownership import Ownership
from tests.catalog_store.ownership.conftest import CATALOG_FILES, ingest_catalog
from tests.conftest import CatalogDb


def test_a_new_owner_a_new_member_and_a_new_parent_show_after_refresh(
    acme_db: CatalogDb, tmp_path: Path
) -> None:
    ownership = Ownership(acme_db.sessions)
    before = ownership.owned_by_group("payments-team")
    files = {
        "org.yaml": CATALOG_FILES["org.yaml"]
        .replace("members: [zed]", "members: [zed, bob]")
        .replace(
            "spec: {type: team, parent: loop-b, children: []}",
            "spec: {type: team, parent: acme, children: []}",
        ),
        "software.yaml": CATALOG_FILES["software.yaml"].replace(
            "owner: ledger-squad, system: payments", "owner: payments-team, system: payments"
        ),
    }

    stats = ingest_catalog(acme_db, tmp_path / "catalog", files)

    assert (stats.added, stats.updated) == (0, 3)
    after = ownership.owned_by_group("payments-team")
    assert before.counts == after.counts
    assert {i.ref: i.direct for i in before.items}["component:default/ledger"] is False
    assert {i.ref: i.direct for i in after.items}["component:default/ledger"] is True
    ledger = ownership.owner_of("ledger")
    assert ledger is not None and ledger.owner_ref == "group:default/payments-team"
    squad = ownership.group("ledger-squad")
    assert squad is not None
    assert [m.name for m in squad.members] == ["bob", "carol", "zed"]
    bob = ownership.user("bob")
    assert bob is not None
    assert [g.ref for g in bob.groups] == [
        "group:default/ledger-squad",
        "group:default/payments-team",
    ]
    loop_a = ownership.group("loop-a")
    assert loop_a is not None
    assert [p.ref for p in loop_a.parents] == ["group:default/acme"]
    assert (loop_a.slack_channel_id, loop_a.channel_inherited_from) == (
        "C0ACME",
        "group:default/acme",
    )
    assert ownership.owned_by_group("acme").counts["Component"] == 3
