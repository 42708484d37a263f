"""``whois``: the entity, its owner with contacts, mentions and on-call."""

from __future__ import annotations

import json

import pytest

from catalog_store.ownership import GroupInfo
from commands.errors import CommandError, NothingFound
from commands.json_output import to_jsonable
from commands.plain_text import render_whois
from commands.services import Discovery
from commands.whois import whois
from tests.catalog_store.ownership.conftest import counting_statements
from tests.commands.conftest import Directory
from tests.conftest import CatalogDb


@pytest.mark.parametrize("text", ["payment srvice", "pmts", "Payment Service", "payment-service"])
def test_typos_aliases_and_titles_find_the_service(discovery: Discovery, text: str) -> None:
    answer = whois(discovery, text)
    assert answer.entity.ref == "component:default/payment-service"
    assert answer.matched


def test_the_owner_comes_with_channel_email_and_members(discovery: Discovery) -> None:
    answer = whois(discovery, "payment srvice")
    assert answer.owner is not None
    assert answer.owner.owner_ref == "group:default/payments-team"
    group = answer.owner.owner
    assert isinstance(group, GroupInfo)
    assert group.slack_channel_id == "C0PAYMENTS"
    assert group.email == "payments@acme.example"
    assert {m.name for m in group.members} >= {"alice", "bob"}
    assert answer.oncall is not None


def test_members_are_mentioned_through_the_directory_once(
    discovery: Discovery, directory: Directory
) -> None:
    first = whois(discovery, "payment-service")
    assert first.mentions["user:default/alice"] == "U0ALICE"
    assert first.mentions["user:default/bob"] == "U0BOB"
    calls = len(directory.calls)
    whois(discovery, "payment-service")
    assert len(directory.calls) == calls  # answered from the cache


def test_a_full_reference_is_taken_as_written(discovery: Discovery) -> None:
    answer = whois(discovery, "group:default/payments-team")
    assert answer.entity.kind == "Group"
    assert answer.group is not None and answer.group.slack_channel_id == "C0PAYMENTS"
    assert answer.owned is not None and answer.owned.counts.get("Component", 0) >= 1
    assert answer.matched == ()


def test_a_user_shows_their_groups(discovery: Discovery) -> None:
    answer = whois(discovery, "user:default/alice")
    assert answer.user is not None
    assert "group:default/payments-team" in {g.ref for g in answer.user.groups}
    assert answer.oncall is None


def test_nothing_found_says_so(discovery: Discovery) -> None:
    with pytest.raises(NothingFound, match="Nothing in the catalog matches"):
        whois(discovery, "zqxjkvwy")


def test_an_empty_query_gives_an_example(discovery: Discovery) -> None:
    with pytest.raises(CommandError, match="whois payment-service"):
        whois(discovery, "  ")


def test_answers_render_as_text_and_json(discovery: Discovery) -> None:
    answer = whois(discovery, "payment srvice")
    text = render_whois(answer)
    assert text.splitlines()[0].startswith("payment-service")
    assert "Owner: Payments (group:default/payments-team)" in text
    assert "@U0ALICE" in text
    data = json.loads(json.dumps(to_jsonable(answer)))
    assert data["entity"]["ref"] == "component:default/payment-service"
    assert data["owner"]["owner"]["slack_channel_id"] == "C0PAYMENTS"


@pytest.mark.parametrize("text", ["payment-service", "component:default/payment-service"])
def test_a_component_is_read_once_with_its_owner(
    discovery: Discovery, catalog_db: CatalogDb, text: str
) -> None:
    discovery.search.search("warm up", limit=1)
    with counting_statements(catalog_db) as owner_reads:
        owner, _chain = discovery.ownership.owner_and_chain("component:default/payment-service")
    assert owner is not None
    with counting_statements(catalog_db) as whois_reads:
        answer = whois(discovery, text)
    assert answer.entity.ref == "component:default/payment-service"
    assert len(whois_reads) == len(owner_reads)
