"""Who owns an entity: directly, through its system or domain, missing, or nobody."""

from __future__ import annotations

from catalog_store.ownership import GroupInfo, Ownership, UserInfo


def test_direct_owner_is_the_group_with_its_contacts(ownership: Ownership) -> None:
    answer = ownership.owner_of("payment-service")

    assert answer is not None
    assert answer.entity_ref == "component:default/payment-service"
    assert answer.entity_title == "Payment Service"
    assert (answer.owner_ref, answer.found_via, answer.via_ref, answer.missing) == (
        "group:default/payments-team",
        "direct",
        None,
        False,
    )
    assert answer.how == "direct"
    assert answer.path == ("component:default/payment-service",)
    group = answer.owner
    assert isinstance(group, GroupInfo)
    assert (group.title, group.email, group.slack_channel_id, group.slack_channel_name) == (
        "Payments",
        "payments@acme.example",
        "C0PAY",
        "payments",
    )
    assert group.channel_inherited_from is None
    assert [p.ref for p in group.parents] == ["group:default/engineering", "group:default/acme"]
    assert [m.label for m in group.members] == ["Alice Moreau", "Bob Okafor"]
    assert [c.ref for c in group.children] == ["group:default/ledger-squad"]


def test_kind_and_case_of_the_ref_are_flexible(ownership: Ownership) -> None:
    for ref in ("api:payments-api", "API:Default/Payments-API"):
        answer = ownership.owner_of(ref)
        assert answer is not None
        assert (answer.entity_ref, answer.owner_ref) == (
            "api:default/payments-api",
            "group:default/payments-team",
        )


def test_owner_through_the_system(ownership: Ownership) -> None:
    answer = ownership.owner_of("sidecar")

    assert answer is not None
    assert (answer.owner_ref, answer.found_via, answer.via_ref) == (
        "group:default/payments-team",
        "system",
        "system:default/payments",
    )
    assert answer.how == "via system system:default/payments"
    assert answer.path == ("component:default/sidecar", "system:default/payments")
    assert isinstance(answer.owner, GroupInfo) and answer.owner.slack_channel_id == "C0PAY"


def test_owner_through_the_system_domain(ownership: Ownership) -> None:
    answer = ownership.owner_of("widget")

    assert answer is not None
    assert (answer.owner_ref, answer.found_via, answer.via_ref) == (
        "group:default/engineering",
        "domain",
        "domain:default/commerce",
    )
    assert answer.how == "via domain domain:default/commerce"
    assert answer.path == (
        "component:default/widget",
        "system:default/shared-tools",
        "domain:default/commerce",
    )
    group = answer.owner
    assert isinstance(group, GroupInfo)
    assert (group.slack_channel_id, group.channel_inherited_from) == (
        "C0ACME",
        "group:default/acme",
    )


def test_a_system_without_owner_takes_its_domain_owner(ownership: Ownership) -> None:
    answer = ownership.owner_of("system:shared-tools")

    assert answer is not None
    assert (answer.owner_ref, answer.found_via, answer.via_ref) == (
        "group:default/engineering",
        "domain",
        "domain:default/commerce",
    )


def test_no_owner_anywhere(ownership: Ownership) -> None:
    answer = ownership.owner_of("lonely")

    assert answer is not None
    assert (answer.owner_ref, answer.owner, answer.found_via, answer.missing) == (
        None,
        None,
        "none",
        False,
    )
    assert answer.how == "no owner found"
    assert answer.path == ("component:default/lonely", "system:default/adrift")


def test_an_owner_that_names_no_entity_is_missing_not_guessed(ownership: Ownership) -> None:
    answer = ownership.owner_of("ghost-owned")

    assert answer is not None
    assert (answer.owner_ref, answer.owner, answer.found_via, answer.missing) == (
        "group:default/ghost-team",
        None,
        "direct",
        True,
    )


def test_a_missing_owner_found_through_the_system_is_missing_too(ownership: Ownership) -> None:
    answer = ownership.owner_of("spooky")

    assert answer is not None
    assert (answer.owner_ref, answer.owner, answer.found_via, answer.via_ref, answer.missing) == (
        "group:default/ghost-team",
        None,
        "system",
        "system:default/haunted",
        True,
    )


def test_an_entity_owned_by_a_user(ownership: Ownership) -> None:
    answer = ownership.owner_of("personal-tool")

    assert answer is not None
    assert (answer.owner_ref, answer.found_via, answer.missing) == (
        "user:default/alice",
        "direct",
        False,
    )
    user = answer.owner
    assert isinstance(user, UserInfo)
    assert (user.display_name, user.email, user.slack_user_id) == (
        "Alice Moreau",
        "alice@acme.example",
        "U0ALICE",
    )
    assert [g.ref for g in user.groups] == ["group:default/payments-team"]
    assert user.owned is None


def test_unknown_or_malformed_refs_give_no_answer(ownership: Ownership) -> None:
    assert ownership.owner_of("no-such-service") is None
    assert ownership.owner_of("component:") is None
    assert ownership.owner_of("") is None
    assert ownership.owner_chain("no-such-service") == []


def test_owner_chain_lists_entity_holders_owner_and_parents(ownership: Ownership) -> None:
    def names(ref: str) -> list[str]:
        return [f"{e['kind']}:{e['metadata']['name']}" for e in ownership.owner_chain(ref)]

    assert names("payment-service") == [
        "Component:payment-service",
        "Group:payments-team",
        "Group:engineering",
        "Group:acme",
    ]
    assert names("widget") == [
        "Component:widget",
        "System:shared-tools",
        "Domain:commerce",
        "Group:engineering",
        "Group:acme",
    ]
    assert names("looped-service") == [
        "Component:looped-service",
        "Group:loop-a",
        "Group:loop-b",
        "Group:loop-c",
    ]
    assert names("personal-tool") == ["Component:personal-tool", "User:alice"]
    assert names("ghost-owned") == ["Component:ghost-owned"]
    assert names("lonely") == ["Component:lonely", "System:adrift"]


def test_owner_chain_entities_are_served_like_the_catalog_serves_them(
    ownership: Ownership,
) -> None:
    entity, team, *_ = ownership.owner_chain("payment-service")

    assert entity["metadata"]["uid"] and entity["metadata"]["etag"]
    assert {"type": "ownedBy", "targetRef": "group:default/payments-team"} in entity["relations"]
    assert team["metadata"]["annotations"]["slack.com/channel-id"] == "C0PAY"
