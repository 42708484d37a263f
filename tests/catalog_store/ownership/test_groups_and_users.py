"""Groups (parents, channels, members), what groups and users own, users by email."""

from __future__ import annotations

import pytest

from catalog_store.ownership import Ownership, graph_queries


def test_parent_chain_runs_up_to_the_root(ownership: Ownership) -> None:
    squad = ownership.group("ledger-squad")

    assert squad is not None
    assert [p.ref for p in squad.parents] == [
        "group:default/payments-team",
        "group:default/engineering",
        "group:default/acme",
    ]
    assert squad.title == "Ledger squad"
    assert squad.email is None


def test_channel_comes_from_the_nearest_parent_that_has_one(ownership: Ownership) -> None:
    squad = ownership.group("ledger-squad")
    engineering = ownership.group("engineering")
    acme = ownership.group("group:default/acme")

    assert squad is not None and engineering is not None and acme is not None
    assert (squad.slack_channel_id, squad.slack_channel_name, squad.channel_inherited_from) == (
        "C0PAY",
        "payments",
        "group:default/payments-team",
    )
    assert (engineering.slack_channel_id, engineering.channel_inherited_from) == (
        "C0ACME",
        "group:default/acme",
    )
    assert (acme.slack_channel_id, acme.slack_channel_name, acme.channel_inherited_from) == (
        "C0ACME",
        "acme-all",
        None,
    )
    assert acme.parents == ()


def test_a_cycle_of_parents_ends_and_lists_each_group_once(ownership: Ownership) -> None:
    loop_a = ownership.group("loop-a")
    loop_c = ownership.group("loop-c")

    assert loop_a is not None and loop_c is not None
    assert [p.ref for p in loop_a.parents] == ["group:default/loop-b", "group:default/loop-c"]
    assert (loop_a.slack_channel_id, loop_a.channel_inherited_from) == (
        "C0LOOPB",
        "group:default/loop-b",
    )
    assert [p.ref for p in loop_c.parents] == ["group:default/loop-a", "group:default/loop-b"]
    assert loop_c.channel_inherited_from == "group:default/loop-b"


def test_members_from_either_side_once_with_missing_people_kept(ownership: Ownership) -> None:
    payments = ownership.group("payments-team")
    squad = ownership.group("ledger-squad")

    assert payments is not None and squad is not None
    assert payments.member_count == 2
    assert [(m.ref, m.email, m.slack_user_id) for m in payments.members] == [
        ("user:default/alice", "alice@acme.example", "U0ALICE"),
        ("user:default/bob", "Bob.Okafor@Acme.example", None),
    ]
    assert [(m.ref, m.label, m.missing) for m in squad.members] == [
        ("user:default/carol", "Carol Tan", False),
        ("user:default/zed", "zed", True),
    ]


def test_member_limit_keeps_the_counts(ownership: Ownership) -> None:
    payments = ownership.group("payments-team", member_limit=1)

    assert payments is not None
    assert (len(payments.members), payments.member_count) == (1, 2)
    assert (len(payments.children), payments.child_count) == (1, 1)


def test_a_parent_missing_from_the_catalog_is_kept_and_marked(ownership: Ownership) -> None:
    squad = ownership.group("orphan-squad")

    assert squad is not None
    assert [(p.ref, p.name, p.missing) for p in squad.parents] == [
        ("group:default/vanished-department", "vanished-department", True)
    ]
    assert (squad.slack_channel_id, squad.channel_inherited_from) == (None, None)
    assert (squad.members, squad.member_count) == ((), 0)


def test_unknown_group(ownership: Ownership) -> None:
    assert ownership.group("user:alice") is None
    assert ownership.user("group:acme") is None
    assert ownership.group("ghost-team") is None
    assert ownership.group("group:") is None


def test_owned_by_a_group_directly_and_through_child_groups(ownership: Ownership) -> None:
    owned = ownership.owned_by_group("payments-team")

    assert owned.owners == ("group:default/payments-team", "group:default/ledger-squad")
    assert owned.counts == {"System": 1, "Component": 2, "API": 1, "Resource": 1}
    assert owned.total == 5 and not owned.truncated
    assert [(i.ref, i.owner_ref, i.direct) for i in owned.items] == [
        ("system:default/payments", "group:default/payments-team", True),
        ("component:default/ledger", "group:default/ledger-squad", False),
        ("component:default/payment-service", "group:default/payments-team", True),
        ("api:default/payments-api", "group:default/payments-team", True),
        ("resource:default/ledger-db", "group:default/ledger-squad", False),
    ]
    assert list(owned.by_kind()) == ["System", "Component", "API", "Resource"]


def test_owned_through_the_whole_tree_with_a_limit_per_kind(ownership: Ownership) -> None:
    owned = ownership.owned_by_group("acme", limit=1)

    assert owned.owners == (
        "group:default/acme",
        "group:default/engineering",
        "group:default/payments-team",
        "group:default/ledger-squad",
    )
    assert owned.counts == {"Domain": 1, "System": 1, "Component": 2, "API": 1, "Resource": 1}
    assert [i.ref for i in owned.items] == [
        "domain:default/commerce",
        "system:default/payments",
        "component:default/ledger",
        "api:default/payments-api",
        "resource:default/ledger-db",
    ]
    assert owned.truncated
    assert {kind: len(items) for kind, items in owned.by_kind().items()}["Component"] == 1


def test_owned_through_a_cycle_of_groups(ownership: Ownership) -> None:
    owned = ownership.owned_by_group("loop-b")

    assert owned.owners == ("group:default/loop-b", "group:default/loop-a", "group:default/loop-c")
    assert [(i.ref, i.direct) for i in owned.items] == [("component:default/looped-service", False)]


def test_owned_by_a_missing_group_lists_what_names_it(ownership: Ownership) -> None:
    owned = ownership.owned_by_group("ghost-team")

    assert [i.ref for i in owned.items] == [
        "system:default/haunted",
        "component:default/ghost-owned",
    ]
    assert ownership.owned_by_group(":").items == ()


def test_limits_below_one_are_refused(ownership: Ownership) -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        ownership.owned_by_group("acme", limit=0)
    with pytest.raises(ValueError, match="limit must be at least 1"):
        ownership.user("alice", limit=0)
    with pytest.raises(ValueError, match="member_limit must be at least 1"):
        ownership.group("acme", member_limit=0)
    with pytest.raises(ValueError, match="member_limit must be at least 1"):
        ownership.owner_of("ledger", member_limit=0)


def test_a_user_with_groups_and_what_they_own(ownership: Ownership) -> None:
    alice = ownership.user("alice")

    assert alice is not None
    assert [g.ref for g in alice.groups] == ["group:default/payments-team"]
    assert alice.owned is not None
    assert alice.owned.owners == (
        "user:default/alice",
        "group:default/payments-team",
        "group:default/ledger-squad",
    )
    assert [(i.ref, i.direct) for i in alice.owned.items] == [
        ("system:default/payments", True),
        ("component:default/ledger", False),
        ("component:default/payment-service", True),
        ("component:default/personal-tool", True),
        ("api:default/payments-api", True),
        ("resource:default/ledger-db", False),
    ]


def test_a_user_in_several_groups(ownership: Ownership) -> None:
    carol = ownership.user("user:default/carol", limit=5)

    assert carol is not None
    assert [g.ref for g in carol.groups] == ["group:default/ledger-squad", "group:default/loop-a"]
    assert carol.owned is not None
    assert {i.ref: i.direct for i in carol.owned.items} == {
        "component:default/ledger": True,
        "component:default/looped-service": True,
        "resource:default/ledger-db": True,
    }
    assert ownership.user("nobody") is None


def test_find_a_user_by_email_case_insensitively(ownership: Ownership) -> None:
    bob = ownership.find_user_by_email("  bob.okafor@ACME.example ")

    assert bob is not None
    assert (bob.ref, bob.display_name, bob.email) == (
        "user:default/bob",
        "Bob Okafor",
        "Bob.Okafor@Acme.example",
    )
    assert ownership.find_user_by_email("payments@acme.example") is None
    assert ownership.find_user_by_email("nobody@acme.example") is None
    assert ownership.find_user_by_email(" ") is None


def test_many_owners_are_read_through_the_hierarchy_query(
    ownership: Ownership, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = ownership.owned_by_group("acme")
    monkeypatch.setattr(graph_queries, "MAX_LISTED_OWNERS", 1)

    assert ownership.owned_by_group("acme") == listed
    assert len(listed.owners) == 4 and listed.total == 6
