"""On-call from Opsgenie's Who Is On Call API, against a strict fake on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from catalog_store.oncall import OnCallAnswer, OnCallConfig, OnCallService
from tests.catalog_store.oncall.conftest import OPSGENIE_KEY, Clock, entity
from tests.catalog_store.oncall.fake_opsgenie import FakeOpsgenie, Schedule, error, user
from tests.catalog_store.oncall.loopback import Reply, Served

NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
MONDAY = datetime(2024, 5, 13, 9, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
PRIMARY_ID = "d875a1f4-9b4e-4219-a1f3-0c26936d18de"
CAROL = user("carol@acme.example", "c569c016-a1fc-4e20-8a28-bd5dc33b798e")
DAN = user("dan@acme.example", "e9b4b0f5-7d1a-4c3e-9d7e-5b1f0c2a9e11")
ERIN = user("erin@acme.example", "0b3f9c55-2c4d-4a8b-9c1e-7e6d5f4a3b21")


@pytest.fixture
def fake(opsgenie: tuple[FakeOpsgenie, Served]) -> FakeOpsgenie:
    """Checkout's schedules: a primary rotation, a disabled one; Platform's own."""
    api, _ = opsgenie
    api.schedules += [
        Schedule(
            PRIMARY_ID,
            "Checkout Primary",
            "checkout",
            shifts=[
                (MONDAY, MONDAY + WEEK, [CAROL]),
                (MONDAY + WEEK, MONDAY + 2 * WEEK, [DAN]),
            ],
        ),
        Schedule(
            "6a1f2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b",
            "Checkout Old",
            "checkout",
            enabled=False,
            shifts=[(MONDAY, MONDAY + WEEK, [ERIN])],
        ),
        Schedule(
            "7b2e3c4d-5e6f-4a71-9b8c-0d1e2f3a4b5c",
            "Platform",
            "platform",
            shifts=[(MONDAY, MONDAY + WEEK, [ERIN])],
        ),
    ]
    return api


class Harness:
    """A service pointed at the fake, with recorded pauses and a fixed clock."""

    def __init__(self, served: Served, **config: Any) -> None:
        self.served = served
        self.sleeps: list[float] = []
        options: dict[str, Any] = {"opsgenie_key": OPSGENIE_KEY, "opsgenie_url": served.url}
        options.update(config)
        self.service = OnCallService(
            OnCallConfig(**options), lambda ref: None, clock=Clock(NOW), sleep=self.sleeps.append
        )

    def ask(self, **annotations: str) -> OnCallAnswer:
        group = entity(
            "Group",
            "checkout-team",
            {"slack.com/channel-id": "C0CHECKOUT", **annotations},
            {"type": "team", "profile": {"email": "checkout@acme.example"}, "children": []},
        )
        return self.service.who_is_on_call([entity("Component", "order-service"), group])


@pytest.fixture
def harness(opsgenie: tuple[FakeOpsgenie, Served]) -> Harness:
    return Harness(opsgenie[1])


def people(shifts: list[Any]) -> list[tuple[str, str | None, str | None]]:
    return [(s.person.name, s.person.email, s.layer) for s in shifts]


def test_schedule_by_name(fake: FakeOpsgenie, harness: Harness) -> None:
    answer = harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"})

    assert answer.problem is None and not answer.fallback
    assert (answer.source, answer.subject_ref) == ("opsgenie", "group:default/checkout-team")
    assert answer.schedule_name == "Checkout Primary"
    assert people(answer.now) == [("carol@acme.example", "carol@acme.example", "Checkout Primary")]
    assert people(answer.next) == [("dan@acme.example", "dan@acme.example", "Checkout Primary")]
    assert answer.now[0].person.provider_id == CAROL["id"]
    assert (answer.now[0].start, answer.now[0].end) == (None, None)

    current, following = harness.served.received
    assert current.path == "/v2/schedules/Checkout%20Primary/on-calls"
    assert following.path == "/v2/schedules/Checkout%20Primary/next-on-calls"
    for request in (current, following):
        assert request.headers["authorization"] == f"GenieKey {OPSGENIE_KEY}"
        assert request.param("scheduleIdentifierType") == "name"
        assert request.param("flat") == "false"
        assert request.param("date") == "2024-05-15T12:00:00+00:00"


def test_schedule_by_id(fake: FakeOpsgenie, harness: Harness) -> None:
    at = MONDAY + WEEK + timedelta(hours=1)
    answer = harness.service.who_is_on_call(
        [entity("Group", "checkout-team", {"opsgenie.com/schedule": PRIMARY_ID})], at=at
    )
    assert [s.person.name for s in answer.now] == ["dan@acme.example"]
    assert answer.next == []
    assert all(r.param("scheduleIdentifierType") == "id" for r in harness.served.received)
    assert harness.served.received[0].param("date") == "2024-05-20T10:00:00+00:00"


def test_team_uses_the_schedules_it_owns(fake: FakeOpsgenie, harness: Harness) -> None:
    answer = harness.ask(**{"opsgenie.com/team": "Checkout"})
    assert answer.schedule_name == "Checkout Primary"
    assert [s.person.name for s in answer.now] == ["carol@acme.example"]
    assert [r.path for r in harness.served.received] == [
        "/v2/schedules",
        f"/v2/schedules/{PRIMARY_ID}/on-calls",
        f"/v2/schedules/{PRIMARY_ID}/next-on-calls",
    ]


def test_teams_and_escalations_are_opened_up_to_their_users(
    fake: FakeOpsgenie, harness: Harness
) -> None:
    fake.schedules[2].shifts = [
        (
            MONDAY,
            MONDAY + WEEK,
            [
                {
                    "id": "3f0e9d8c-7b6a-4598-8172-6a5b4c3d2e1f",
                    "name": "platform",
                    "type": "team",
                    "onCallParticipants": [ERIN, CAROL],
                },
                {
                    "id": "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d",
                    "name": "platform-escalation",
                    "type": "escalation",
                    "onCallParticipants": [
                        {**ERIN, "escalationTime": 0, "notifyType": "default"},
                        {**DAN, "escalationTime": 5, "notifyType": "default"},
                    ],
                },
                {"id": "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e", "name": "vendor", "type": "team"},
            ],
        )
    ]
    answer = harness.ask(**{"opsgenie.com/team": "platform"})
    assert [s.person.name for s in answer.now] == [
        "erin@acme.example",
        "carol@acme.example",
        "dan@acme.example",
        "vendor (team)",
    ]
    assert answer.now[-1].person.email is None


def test_a_team_without_schedules(fake: FakeOpsgenie, harness: Harness) -> None:
    answer = harness.ask(**{"opsgenie.com/team": "billing"})
    assert answer.problem == "Opsgenie has no enabled schedule owned by team 'billing'"
    assert [c.value for c in answer.contacts] == ["C0CHECKOUT", "checkout@acme.example"]


def test_an_unknown_schedule(fake: FakeOpsgenie, harness: Harness) -> None:
    answer = harness.ask(**{"opsgenie.com/schedule": "Nope"})
    assert answer.problem == "Opsgenie has no schedule 'Nope'"


def test_a_refused_key(fake: FakeOpsgenie, opsgenie: tuple[FakeOpsgenie, Served]) -> None:
    harness = Harness(opsgenie[1], opsgenie_key="not-the-key")
    answer = harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"})
    assert answer.problem == (
        "Opsgenie refused Callboard's API credentials (HTTP 401); check the Opsgenie key in "
        "the configuration"
    )
    assert "not-the-key" not in repr(answer) and answer.fallback


def test_rate_limit_then_success(fake: FakeOpsgenie, harness: Harness) -> None:
    fake.script.append(Reply(429, {"message": "Too many requests"}, headers={"Retry-After": "3"}))
    answer = harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"})
    assert answer.problem is None and harness.sleeps == [3.0]


def test_server_errors_timeouts_and_garbage(
    fake: FakeOpsgenie, opsgenie: tuple[FakeOpsgenie, Served]
) -> None:
    harness = Harness(opsgenie[1], timeout=0.2, cache_ttl=0)
    fake.script.extend(error(500, "Internal error") for _ in range(3))
    assert harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"}).problem == (
        "Opsgenie is not answering properly (HTTP 500 after 3 tries)"
    )
    fake.script.append(Reply(200, {"data": []}, delay=1.0))
    assert harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"}).problem == (
        "Opsgenie is not answering (no reply within 0.2 s)"
    )
    fake.script.append(Reply(200, raw=b'{"data": {"onCallParticipants": ['))
    assert harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"}).problem == (
        "Opsgenie answered with something that is not JSON"
    )
    fake.script.append(Reply(200, {"data": {"onCallParticipants": "carol"}}))
    assert harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"}).problem == (
        "Opsgenie answered in an unexpected shape (on-call participants is not a list)"
    )
    assert harness.ask(**{"opsgenie.com/schedule": "Checkout Primary"}).problem is None
