"""Catalog people in Slack: annotation first, then a cached lookup by email."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from catalog_store.ownership import Ownership, PeopleResolver, PersonInfo


class SlackOutage(RuntimeError):
    """What a Slack client raises when Slack cannot be reached."""


class FakeDirectory:
    """Slack's ``users.lookupByEmail``: case-insensitive, None for unknown addresses."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = {email.lower(): user_id for email, user_id in users.items()}
        self.calls: list[str] = []
        self.failing = False
        self.gate: threading.Event | None = None
        self._lock = threading.Lock()

    def lookup_by_email(self, email: str) -> str | None:
        with self._lock:
            self.calls.append(email)
        if self.gate is not None:
            assert self.gate.wait(5)
        if self.failing:
            raise SlackOutage("ratelimited")
        return self.users.get(email.lower())


class Clock:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def user(name: str, email: str | None = None, slack_id: str | None = None) -> dict[str, Any]:
    """A User entity."""
    metadata: dict[str, Any] = {"name": name}
    if slack_id:
        metadata["annotations"] = {"slack.com/user-id": slack_id}
    spec: dict[str, Any] = {"memberOf": []}
    if email:
        spec["profile"] = {"email": email}
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "User",
        "metadata": metadata,
        "spec": spec,
    }


@pytest.fixture
def directory() -> FakeDirectory:
    return FakeDirectory({"bob@acme.example": "U0BOB", "carol@acme.example": "U0CAROL"})


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_annotation_wins_without_asking_slack(directory: FakeDirectory) -> None:
    resolver = PeopleResolver(directory, ttl=60)

    assert resolver.slack_id_for(user("alice", "bob@acme.example", slack_id="U0ALICE")) == (
        "U0ALICE"
    )
    assert resolver.slack_id_for(user("nobody")) is None
    assert directory.calls == []


def test_found_addresses_are_cached_until_the_ttl(directory: FakeDirectory, clock: Clock) -> None:
    resolver = PeopleResolver(directory, ttl=60, clock=clock)

    assert resolver.slack_id_for(user("bob", "bob@acme.example")) == "U0BOB"
    assert resolver.slack_id_for_email(" BOB@Acme.Example ") == "U0BOB"
    clock.now += 59
    assert resolver.slack_id_for_email("bob@acme.example") == "U0BOB"
    assert directory.calls == ["bob@acme.example"]

    clock.now += 2
    directory.users["bob@acme.example"] = "U0BOB2"
    assert resolver.slack_id_for_email("bob@acme.example") == "U0BOB2"
    assert len(directory.calls) == 2


def test_unknown_addresses_are_cached_too(directory: FakeDirectory, clock: Clock) -> None:
    resolver = PeopleResolver(directory, ttl=600, negative_ttl=30, clock=clock)

    assert resolver.slack_id_for_email("new@acme.example") is None
    assert resolver.slack_id_for_email("new@acme.example") is None
    assert directory.calls == ["new@acme.example"]

    directory.users["new@acme.example"] = "U0NEW"
    clock.now += 31
    assert resolver.slack_id_for_email("new@acme.example") == "U0NEW"
    assert len(directory.calls) == 2


def test_a_failing_lookup_gives_no_mention_and_is_retried_soon(
    directory: FakeDirectory, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    resolver = PeopleResolver(directory, ttl=3600, error_ttl=10, clock=clock)
    bob = PersonInfo("user:default/bob", "bob", "Bob Okafor", "bob@acme.example")
    directory.failing = True

    assert resolver.slack_id_for_person(bob) is None
    assert bob.label == "Bob Okafor"
    assert resolver.slack_id_for_person(bob) is None
    assert len(directory.calls) == 1
    assert "SlackOutage" in caplog.text and "bob@acme.example" not in caplog.text

    directory.failing = False
    clock.now += 11
    assert resolver.slack_id_for_person(bob) == "U0BOB"
    clock.now += 3000
    assert resolver.slack_id_for_person(bob) == "U0BOB"
    assert len(directory.calls) == 2


def test_the_cache_is_bounded_least_recently_used_first(directory: FakeDirectory) -> None:
    resolver = PeopleResolver(directory, ttl=60, max_entries=2)

    resolver.slack_id_for_email("bob@acme.example")
    resolver.slack_id_for_email("carol@acme.example")
    resolver.slack_id_for_email("bob@acme.example")
    resolver.slack_id_for_email("dan@acme.example")
    assert len(resolver) == 2
    resolver.slack_id_for_email("bob@acme.example")
    resolver.slack_id_for_email("carol@acme.example")

    assert directory.calls == [
        "bob@acme.example",
        "carol@acme.example",
        "dan@acme.example",
        "carol@acme.example",
    ]


def test_concurrent_lookups_of_one_address_ask_slack_once(directory: FakeDirectory) -> None:
    resolver = PeopleResolver(directory, ttl=60)
    directory.gate = threading.Event()

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(resolver.slack_id_for_email, "carol@acme.example") for _ in range(8)]
        threading.Timer(0.2, directory.gate.set).start()
        results = [future.result(timeout=10) for future in futures]

    assert results == ["U0CAROL"] * 8
    assert directory.calls == ["carol@acme.example"]


def test_catalog_people_resolved_for_a_team(ownership: Ownership, directory: FakeDirectory) -> None:
    resolver = PeopleResolver(directory, ttl=60)
    directory.users["bob.okafor@acme.example"] = "U0BOB"
    team = ownership.group("payments-team")
    assert team is not None

    mentions = {m.name: resolver.slack_id_for_person(m) for m in team.members}
    found = ownership.find_user_by_email("bob.okafor@acme.example")

    assert mentions == {"alice": "U0ALICE", "bob": "U0BOB"}
    assert directory.calls == ["Bob.Okafor@Acme.example"]
    assert found is not None and resolver.slack_id_for_person(found) == "U0BOB"
    assert len(directory.calls) == 1


def test_a_fresh_roster_answers_without_asking_slack() -> None:
    directory = FakeDirectory({"ana@acme.example": "U0ANA"})
    clock = Clock()
    resolver = PeopleResolver(directory, roster_max_age=600, clock=clock)
    resolver.use_roster({"Ana@Acme.Example": "U0ANA", " bo@acme.example ": "U0BO"})
    assert resolver.slack_id_for_email("ana@acme.example") == "U0ANA"
    assert resolver.slack_id_for_email("BO@acme.example") == "U0BO"
    assert resolver.slack_id_for_email("gone@acme.example") is None
    assert directory.calls == []
    assert resolver.roster_age() == 0


def test_a_stale_roster_gives_way_to_lookups_by_address() -> None:
    directory = FakeDirectory({"new@acme.example": "U0NEW"})
    clock = Clock()
    resolver = PeopleResolver(directory, roster_max_age=600, clock=clock)
    resolver.use_roster({"ana@acme.example": "U0ANA"})
    assert resolver.slack_id_for_email("new@acme.example") is None
    clock.now += 601
    assert resolver.slack_id_for_email("new@acme.example") == "U0NEW"
    assert directory.calls == ["new@acme.example"]
    resolver.use_roster({"new@acme.example": "U0NEW2"})
    assert resolver.slack_id_for_email("new@acme.example") == "U0NEW2"
    assert directory.calls == ["new@acme.example"]


def test_without_a_roster_the_age_is_unknown() -> None:
    assert PeopleResolver(FakeDirectory({})).roster_age() is None
