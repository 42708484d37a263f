"""On-call from PagerDuty's REST API v2, against a strict fake on loopback."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from catalog_store.oncall import OnCallAnswer, OnCallConfig, OnCallService
from tests.catalog_store.oncall.conftest import PAGERDUTY_TOKEN, Clock, entity
from tests.catalog_store.oncall.fake_pagerduty import FakePagerDuty, OnCall, User, error
from tests.catalog_store.oncall.loopback import Reply, Served

NOW = datetime(2024, 5, 15, 12, 0, tzinfo=UTC)
ALICE = User("PALICE1", "Alice Moreau", "alice@acme.example")
BOB = User("PBOB002", "Bob Okafor", "bob@acme.example")
CAROL = User("PCAROL3", "Carol Tan", "carol@acme.example")
POLICY = ("PEP0001", "Payments escalation")
PRIMARY = ("PSCHED1", "Payments primary")
WEEK = timedelta(days=7)
MONDAY = datetime(2024, 5, 13, 9, 0, tzinfo=UTC)


def payments_team(**annotations: str) -> dict[str, Any]:
    return entity(
        "Group",
        "payments-team",
        {"slack.com/channel-id": "C0PAYMENTS", **annotations},
        {"type": "team", "profile": {"email": "payments@acme.example"}, "children": []},
    )


@pytest.fixture
def fake(pagerduty: tuple[FakePagerDuty, Served]) -> FakePagerDuty:
    """The fake with a service, its policy and a week-by-week rotation."""
    api, _ = pagerduty
    api.services["PPAYMNT"] = ("Payments API", *POLICY)
    api.oncalls += [
        OnCall(ALICE, POLICY, 1, PRIMARY, MONDAY, MONDAY + WEEK),
        OnCall(BOB, POLICY, 1, PRIMARY, MONDAY + WEEK, MONDAY + 2 * WEEK),
        OnCall(ALICE, POLICY, 1, PRIMARY, MONDAY + 2 * WEEK, MONDAY + 3 * WEEK),
        OnCall(CAROL, POLICY, 2, None, None, None),
    ]
    return api


@pytest.fixture
def served(pagerduty: tuple[FakePagerDuty, Served]) -> Served:
    return pagerduty[1]


class Harness:
    """A service pointed at the fake, with recorded pauses and a hand-moved clock."""

    def __init__(self, served: Served, **config: Any) -> None:
        self.served = served
        self.sleeps: list[float] = []
        self.clock = Clock(NOW)
        options: dict[str, Any] = {"pagerduty_token": PAGERDUTY_TOKEN, "pagerduty_url": served.url}
        options.update(config)
        self.service = OnCallService(
            OnCallConfig(**options), lambda ref: None, clock=self.clock, sleep=self.sleeps.append
        )

    def ask(self, **annotations: str) -> OnCallAnswer:
        return self.service.who_is_on_call([payments_team(**annotations)])

    def paths(self) -> list[str]:
        return [request.path for request in self.served.received]


@pytest.fixture
def harness(served: Served) -> Harness:
    return Harness(served)


def people(shifts: list[Any]) -> list[tuple[str, str | None, int | None]]:
    return [(s.person.name, s.person.email, s.level) for s in shifts]


def test_service_id_goes_through_the_services_escalation_policy(
    fake: FakePagerDuty, harness: Harness
) -> None:
    answer = harness.ask(**{"pagerduty.com/service-id": "PPAYMNT"})

    assert answer.problem is None and not answer.fallback
    assert (answer.source, answer.subject_ref) == ("pagerduty", "group:default/payments-team")
    assert answer.schedule_name == "Payments API"
    assert people(answer.now) == [
        ("Alice Moreau", "alice@acme.example", 1),
        ("Carol Tan", "carol@acme.example", 2),
    ]
    alice, carol = answer.now
    assert (alice.start, alice.end, alice.layer) == (MONDAY, MONDAY + WEEK, "Payments primary")
    assert alice.person.provider_id == "PALICE1" and alice.person.user_ref is None
    assert (carol.start, carol.end, carol.layer) == (None, None, None)
    assert people(answer.next) == [("Bob Okafor", "bob@acme.example", 1)]
    assert answer.next[0].start == MONDAY + WEEK

    services, oncalls = harness.served.received
    assert services.path == "/services/PPAYMNT"
    assert oncalls.path == "/oncalls"
    assert oncalls.params("escalation_policy_ids[]") == ["PEP0001"]
    assert oncalls.param("since") == "2024-05-15T12:00:00+00:00"
    assert oncalls.param("until") == "2024-05-29T12:00:00+00:00"
    assert oncalls.param("earliest") == "true"
    assert oncalls.params("include[]") == ["users"]
    for request in harness.served.received:
        assert request.headers["authorization"] == f"Token token={PAGERDUTY_TOKEN}"
        assert request.headers["accept"] == "application/vnd.pagerduty+json;version=2"


def test_escalation_policy_id(fake: FakePagerDuty, harness: Harness) -> None:
    answer = harness.ask(**{"pagerduty.com/escalation-policy-id": "PEP0001"})
    assert answer.schedule_name == "Payments escalation"
    assert [s.person.name for s in answer.now] == ["Alice Moreau", "Carol Tan"]
    assert harness.paths() == ["/oncalls"]


def test_schedule_id(fake: FakePagerDuty, harness: Harness) -> None:
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.schedule_name == "Payments primary"
    assert people(answer.now) == [("Alice Moreau", "alice@acme.example", 1)]
    assert people(answer.next) == [("Bob Okafor", "bob@acme.example", 1)]
    (request,) = harness.served.received
    assert request.params("schedule_ids[]") == ["PSCHED1"]


def test_an_explicit_moment(fake: FakePagerDuty, harness: Harness) -> None:
    answer = harness.service.who_is_on_call(
        [payments_team(**{"pagerduty.com/schedule-id": "PSCHED1"})],
        at=MONDAY + WEEK + timedelta(hours=1),
    )
    assert [s.person.name for s in answer.now] == ["Bob Okafor"]
    assert [s.person.name for s in answer.next] == ["Alice Moreau"]


def test_pages_are_followed(served: Served, pagerduty: tuple[FakePagerDuty, Served]) -> None:
    api, _ = pagerduty
    api.oncalls += [
        OnCall(User(f"PU{n:05d}", f"User {n}", f"u{n}@acme.example"), POLICY, n, None, None, None)
        for n in range(1, 131)
    ]
    harness = Harness(served)
    answer = harness.ask(**{"pagerduty.com/escalation-policy-id": "PEP0001"})
    assert len(answer.now) == 130 and answer.now[-1].level == 130
    assert [r.param("offset") for r in served.received] == ["0", "100"]


def test_unknown_service(fake: FakePagerDuty, harness: Harness) -> None:
    answer = harness.ask(**{"pagerduty.com/service-id": "PNOPE"})
    assert answer.problem == "PagerDuty has no service 'PNOPE'"
    assert answer.fallback and answer.now == []


def test_a_refused_token_is_reported_without_the_token(served: Served) -> None:
    harness = Harness(served, pagerduty_token="wrong-token-1234")
    answer = harness.ask(**{"pagerduty.com/service-id": "PPAYMNT"})
    assert answer.problem == (
        "PagerDuty refused Callboard's API credentials (HTTP 401); check the PagerDuty key in "
        "the configuration"
    )
    assert "wrong-token" not in repr(answer)
    assert [(c.kind, c.value) for c in answer.contacts] == [
        ("slack_channel", "C0PAYMENTS"),
        ("email", "payments@acme.example"),
    ]
    assert answer.fallback
    assert len(served.received) == 1  # not retried


def test_429_waits_as_asked_then_succeeds(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.append(error(429, "Rate Limit Exceeded", 2020, headers={"Retry-After": "2"}))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem is None
    assert harness.sleeps == [2.0]
    assert len(harness.served.received) == 2


def test_429_asking_for_too_long_a_wait_gives_up_at_once(
    fake: FakePagerDuty, harness: Harness
) -> None:
    fake.script.append(error(429, "Rate Limit Exceeded", 2020, headers={"Retry-After": "120"}))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == (
        "PagerDuty is limiting Callboard's requests (HTTP 429) and asks to wait 120 s"
    )
    assert harness.sleeps == [] and len(harness.served.received) == 1


def test_429_without_retry_after_backs_off_then_gives_up(
    fake: FakePagerDuty, harness: Harness
) -> None:
    fake.script.extend(error(429, "Rate Limit Exceeded", 2020) for _ in range(3))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty is limiting Callboard's requests (HTTP 429 after 3 tries)"
    assert harness.sleeps == [0.25, 0.5]


def test_5xx_is_retried(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.extend([error(500, "Internal Server Error", 0), Reply(502, raw=b"bad gateway")])
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem is None and [s.person.name for s in answer.now] == ["Alice Moreau"]
    assert harness.sleeps == [0.25, 0.5] and len(harness.served.received) == 3


def test_5xx_every_time_is_a_problem(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.extend(Reply(503, raw=b"") for _ in range(3))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty is not answering properly (HTTP 503 after 3 tries)"
    assert len(harness.served.received) == 3


def test_a_timeout_is_a_problem(fake: FakePagerDuty, served: Served) -> None:
    harness = Harness(served, timeout=0.2)
    fake.script.append(Reply(200, {"oncalls": []}, delay=1.0))
    started = time.monotonic()
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty is not answering (no reply within 0.2 s)"
    assert time.monotonic() - started < 1.0


def test_garbage_is_a_problem(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.append(Reply(200, raw=b"<html>Service Unavailable</html>"))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty answered with something that is not JSON"


def test_json_of_the_wrong_shape_is_a_problem(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.append(Reply(200, {"oncalls": {"user": "alice"}}))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty answered in an unexpected shape (oncalls is not a list)"
    fake.script.append(Reply(200, {"oncalls": [{"user": {"id": "P1"}, "escalation_level": "1"}]}))
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED2"})
    assert answer.problem == (
        "PagerDuty answered in an unexpected shape (an on-call's escalation_level is not a number)"
    )


def test_an_unreachable_provider_is_a_problem() -> None:
    unused = Served("http://127.0.0.1:9", [])
    harness = Harness(unused)
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty cannot be reached (ConnectError)"
    assert harness.sleeps == [0.25, 0.5]


def test_rejected_parameters_are_a_problem(fake: FakePagerDuty, served: Served) -> None:
    harness = Harness(served, lookahead=timedelta(days=120))  # over PagerDuty's 90 days
    answer = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert answer.problem == "PagerDuty does not accept schedule 'PSCHED1' (HTTP 400)"


def test_retry_after_is_really_waited_for(fake: FakePagerDuty, served: Served) -> None:
    service = OnCallService(
        OnCallConfig(pagerduty_token=PAGERDUTY_TOKEN, pagerduty_url=served.url),
        lambda ref: None,
    )
    fake.script.append(error(429, "Rate Limit Exceeded", 2020, headers={"Retry-After": "1"}))
    started = time.monotonic()
    with service:
        answer = service.who_is_on_call([payments_team(**{"pagerduty.com/schedule-id": "PSCHED1"})])
    assert answer.problem is None
    assert time.monotonic() - started >= 1.0


def test_answers_are_cached_for_the_ttl(fake: FakePagerDuty, harness: Harness) -> None:
    first = harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    harness.clock.advance(59)
    assert harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"}).now == first.now
    assert len(harness.served.received) == 1
    harness.clock.advance(2)
    harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"})
    assert len(harness.served.received) == 2


def test_failures_are_cached_briefly(fake: FakePagerDuty, harness: Harness) -> None:
    fake.script.extend(Reply(503, raw=b"") for _ in range(3))
    assert harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"}).problem is not None
    harness.clock.advance(5)
    assert harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"}).problem is not None
    assert len(harness.served.received) == 3
    harness.clock.advance(6)
    assert harness.ask(**{"pagerduty.com/schedule-id": "PSCHED1"}).problem is None
    assert len(harness.served.received) == 4
