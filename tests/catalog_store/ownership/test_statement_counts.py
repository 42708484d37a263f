"""Ownership answers cost a fixed handful of SQL statements, whatever the catalog's size."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from catalog_store.ownership import GroupInfo, Ownership
from tests.catalog_store.ownership.conftest import counting_statements, ingest_catalog
from tests.conftest import CatalogDb

EXPECTED = {
    "owner_of, group owner": 3,
    "owner_of, owner through a domain": 3,
    "owner_of, user owner": 2,
    "owner_of, missing owner": 2,
    "owner_of, no owner": 1,
    "group": 2,
    "owned_by_group": 2,
    "user": 3,
    "find_user_by_email": 1,
    "owner_chain": 4,
}


def statement_counts(db: CatalogDb, calls: dict[str, Callable[[], Any]]) -> dict[str, int]:
    """The statements each call sends, checking that each gave an answer."""
    counts = {}
    for name, call in calls.items():
        with counting_statements(db) as log:
            assert call(), name
        counts[name] = len(log)
    return counts


def test_statements_per_answer(acme_db: CatalogDb) -> None:
    ownership = Ownership(acme_db.sessions)

    counts = statement_counts(
        acme_db,
        {
            "owner_of, group owner": lambda: ownership.owner_of("ledger"),
            "owner_of, owner through a domain": lambda: ownership.owner_of("widget"),
            "owner_of, user owner": lambda: ownership.owner_of("personal-tool"),
            "owner_of, missing owner": lambda: ownership.owner_of("ghost-owned"),
            "owner_of, no owner": lambda: ownership.owner_of("lonely"),
            "group": lambda: ownership.group("ledger-squad"),
            "owned_by_group": lambda: ownership.owned_by_group("acme").items,
            "user": lambda: ownership.user("alice"),
            "find_user_by_email": lambda: ownership.find_user_by_email("alice@acme.example"),
            "owner_chain": lambda: ownership.owner_chain("widget"),
        },
    )

    assert counts == EXPECTED


def big_org(depth: int, members: int, child_groups: int, components: int) -> str:
    """A chain of ``depth`` groups; the deepest has members, child groups and components."""
    docs = []
    for level in range(depth):
        parent = f"parent: level-{level - 1}, " if level else ""
        annotations = "annotations: {slack.com/channel-id: C0ROOT}, " if level == 0 else ""
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Group\n"
            f"metadata: {{name: level-{level}, {annotations}}}\n"
            f"spec: {{type: team, {parent}children: []}}\n"
        )
    deepest = f"level-{depth - 1}"
    for index in range(members):
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: User\n"
            f"metadata: {{name: person-{index}}}\n"
            f"spec: {{profile: {{email: person-{index}@big.example}}, memberOf: [{deepest}]}}\n"
        )
    owners = [deepest] + [f"squad-{index}" for index in range(child_groups)]
    for owner in owners[1:]:
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Group\n"
            f"metadata: {{name: {owner}}}\nspec: {{type: squad, parent: {deepest}, children: []}}\n"
        )
    docs.append(
        "apiVersion: backstage.io/v1alpha1\nkind: Domain\n"
        f"metadata: {{name: big}}\nspec: {{owner: {deepest}}}\n"
    )
    docs.append(
        "apiVersion: acme.example/v1\nkind: System\nmetadata: {name: big-system}\n"
        "spec: {domain: big}\n"
    )
    for index in range(components):
        owner = owners[index % len(owners)]
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
            f"metadata: {{name: service-{index}}}\n"
            f"spec: {{type: service, lifecycle: production, owner: {owner}}}\n"
        )
    docs.append(
        "apiVersion: acme.example/v1\nkind: Component\nmetadata: {name: via-domain}\n"
        "spec: {type: library, system: big-system}\n"
    )
    docs.append(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: personal}\n"
        "spec: {type: tool, lifecycle: production, owner: user:person-0}\n"
    )
    docs.append(
        "apiVersion: acme.example/v1\nkind: Component\nmetadata: {name: adrift}\n"
        "spec: {type: library}\n"
    )
    docs.append(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: ghostly}\n"
        "spec: {type: tool, lifecycle: production, owner: ghost}\n"
    )
    return "\n" + "---\n".join(docs)


def test_statement_counts_do_not_grow_with_the_catalog(
    catalog_db: CatalogDb, tmp_path: Path
) -> None:
    ingest_catalog(catalog_db, tmp_path / "big", {"big.yaml": big_org(12, 60, 8, 150)})
    ownership = Ownership(catalog_db.sessions)

    counts = statement_counts(
        catalog_db,
        {
            "owner_of, group owner": lambda: ownership.owner_of("service-0"),
            "owner_of, owner through a domain": lambda: ownership.owner_of("via-domain"),
            "owner_of, user owner": lambda: ownership.owner_of("personal"),
            "owner_of, missing owner": lambda: ownership.owner_of("ghostly"),
            "owner_of, no owner": lambda: ownership.owner_of("adrift"),
            "group": lambda: ownership.group("level-11"),
            "owned_by_group": lambda: ownership.owned_by_group("level-0", limit=10).items,
            "user": lambda: ownership.user("person-0"),
            "find_user_by_email": lambda: ownership.find_user_by_email("person-7@big.example"),
            "owner_chain": lambda: ownership.owner_chain("service-0"),
        },
    )

    assert counts == EXPECTED
    team = ownership.group("level-11", member_limit=25)
    assert isinstance(team, GroupInfo)
    assert (len(team.parents), team.member_count, len(team.members)) == (11, 60, 25)
    assert (team.slack_channel_id, team.channel_inherited_from) == (
        "C0ROOT",
        "group:default/level-0",
    )
    owned = ownership.owned_by_group("level-0", limit=10)
    assert (owned.counts, len(owned.items)) == ({"Domain": 1, "Component": 150}, 11)
    assert len(ownership.owner_chain("service-0")) == 13
