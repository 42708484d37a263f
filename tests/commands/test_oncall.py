"""``oncall``: now and next from the owner's schedule, or a clear fallback."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.errors import CommandError
from commands.oncall import oncall
from commands.plain_text import render_oncall
from commands.services import Discovery
from commands.whois import whois
from tests.commands.conftest import Directory

WEDNESDAY_NOON_BERLIN = datetime(2024, 1, 3, 11, 0, tzinfo=UTC)


@pytest.fixture
def dan_in_slack(directory: Directory) -> None:
    directory.known["dan@acme.example"] = "U0DAN"


@pytest.mark.usefixtures("dan_in_slack")
def test_a_team_answers_from_its_schedule_with_mentions(discovery: Discovery) -> None:
    reply = oncall(discovery, "checkout team", at=WEDNESDAY_NOON_BERLIN)
    answer = reply.oncall
    assert (answer.source, answer.subject_ref) == ("schedule", "group:default/checkout-team")
    assert [s.person.user_ref for s in answer.now] == ["user:default/dan"]
    assert [s.person.user_ref for s in answer.next] == ["user:default/carol"]
    assert reply.mentions == {"user:default/dan": "U0DAN"}
    text = render_oncall(reply)
    assert "On call now (Callboard schedule: Checkout primary on-call):" in text
    assert "@U0DAN" in text


def test_a_component_answers_through_its_owner(discovery: Discovery) -> None:
    reply = oncall(discovery, "order service", at=WEDNESDAY_NOON_BERLIN)
    assert reply.entity.ref == "component:default/order-service"
    assert reply.oncall.subject_ref == "group:default/checkout-team"
    assert reply.oncall.now


def test_whois_carries_the_same_answer(discovery: Discovery) -> None:
    answer = whois(discovery, "order service", at=WEDNESDAY_NOON_BERLIN)
    assert answer.oncall is not None
    assert [s.person.user_ref for s in answer.oncall.now] == ["user:default/dan"]


def test_a_provider_without_credentials_falls_back_to_contacts(discovery: Discovery) -> None:
    reply = oncall(discovery, "payments team")
    answer = reply.oncall
    assert answer.source == "pagerduty"
    assert answer.problem is not None and "PagerDuty" in answer.problem
    assert answer.fallback
    assert [c.value for c in answer.contacts] == ["C0PAYMENTS", "payments@acme.example"]
    text = render_oncall(reply)
    assert "contact channel C0PAYMENTS" in text


def test_an_empty_target_gives_an_example(discovery: Discovery) -> None:
    with pytest.raises(CommandError, match="oncall payments-team"):
        oncall(discovery, "")
