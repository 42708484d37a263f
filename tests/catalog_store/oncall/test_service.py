"""Choosing the source along the chain, built-in schedules, problems and contacts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from catalog_store.ingest.config import IngestConfig, LocationSpec
from catalog_store.ingest.service import CatalogService
from catalog_store.oncall import (
    SCHEDULE_ANNOTATION,
    SCHEDULE_API_VERSION,
    OnCallConfig,
    OnCallService,
)
from catalog_store.queries.entity_queries import entity_by_key
from tests.catalog_store.oncall.conftest import PAGERDUTY_TOKEN, Clock, entity, layer, schedule
from tests.catalog_store.oncall.fake_pagerduty import FakePagerDuty, OnCall, User
from tests.catalog_store.oncall.loopback import Served
from tests.conftest import CatalogDb

REPO = Path(__file__).resolve().parents[3]
BERLIN = ZoneInfo("Europe/Berlin")
WEDNESDAY_NOON = datetime(2024, 1, 3, 12, 0, tzinfo=BERLIN)

USERS = {
    "user:default/alice": entity(
        "User",
        "alice",
        spec={"profile": {"displayName": "Alice Moreau", "email": "alice@acme.example"}},
    ),
    "user:default/bob": entity("User", "bob", spec={"profile": {"email": "bob@acme.example"}}),
}


def team(name: str, **annotations: str) -> dict[str, Any]:
    return entity(
        "Group",
        name,
        {"slack.com/channel-id": f"C0{name.upper()}", **annotations},
        {"type": "team", "profile": {"email": f"{name}@acme.example"}, "children": []},
    )


def schedule_entity(name: str, spec: dict[str, Any], title: str | None = None) -> dict[str, Any]:
    found = entity("Schedule", name, spec=spec, api_version=SCHEDULE_API_VERSION)
    if title:
        found["metadata"]["title"] = title
    return found


class Catalog:
    """Entities by lower-case ref, as a lookup."""

    def __init__(self, *entities: dict[str, Any]) -> None:
        self.entities = dict(USERS)
        for found in entities:
            meta = found["metadata"]
            self.entities[f"{found['kind']}:{meta['namespace']}/{meta['name']}".lower()] = found
        self.asked: list[str] = []

    def __call__(self, ref: str) -> dict[str, Any] | None:
        self.asked.append(ref)
        return self.entities.get(ref)


PRIMARY = schedule_entity(
    "primary", schedule(layer(members=("alice", "bob"))), title="Team A primary"
)


def service(catalog: Catalog, **config: Any) -> OnCallService:
    return OnCallService(OnCallConfig(**config), catalog, clock=Clock(WEDNESDAY_NOON))


def test_the_owner_groups_schedule_answers_for_a_component() -> None:
    catalog = Catalog(PRIMARY)
    component = entity("Component", "svc")
    answer = service(catalog).who_is_on_call(
        [component, team("team-a", **{SCHEDULE_ANNOTATION: "primary"}), team("engineering")]
    )
    assert answer.problem is None and not answer.fallback
    assert (answer.source, answer.subject_ref) == ("schedule", "group:default/team-a")
    assert answer.schedule_name == "Team A primary"
    # 2024-01-03 is turn 2 of a daily rotation from 2024-01-01: alice.
    (now,) = answer.now
    assert (now.person.name, now.person.email, now.person.user_ref) == (
        "Alice Moreau",
        "alice@acme.example",
        "user:default/alice",
    )
    (following,) = answer.next
    assert (following.person.name, following.person.email) == ("bob", "bob@acme.example")
    assert catalog.asked[0] == "schedule:default/primary"
    assert [(c.kind, c.value, c.entity_ref) for c in answer.contacts] == [
        ("slack_channel", "C0TEAM-A", "group:default/team-a"),
        ("email", "team-a@acme.example", "group:default/team-a"),
    ]


def test_the_first_annotated_entity_along_the_chain_wins() -> None:
    other = schedule_entity("other", schedule(layer(members=("bob",))))
    catalog = Catalog(PRIMARY, other)
    chain = [
        entity("Component", "svc", {SCHEDULE_ANNOTATION: "schedule:default/other"}),
        team("team-a", **{SCHEDULE_ANNOTATION: "primary"}),
    ]
    answer = service(catalog).who_is_on_call(chain)
    assert answer.subject_ref == "component:default/svc"
    assert [s.person.name for s in answer.now] == ["bob"]
    # The parent's annotation is used when the group itself has none.
    answer = service(catalog).who_is_on_call(
        [team("team-a"), team("engineering", **{SCHEDULE_ANNOTATION: "primary"})]
    )
    assert answer.subject_ref == "group:default/engineering"
    assert [s.person.name for s in answer.now] == ["Alice Moreau"]


def test_the_built_in_schedule_comes_before_providers_on_one_entity() -> None:
    answer = service(Catalog(PRIMARY)).who_is_on_call(
        [team("team-a", **{"pagerduty.com/service-id": "P1", SCHEDULE_ANNOTATION: "primary"})]
    )
    assert answer.source == "schedule" and answer.problem is None


def test_nothing_annotated() -> None:
    answer = service(Catalog()).who_is_on_call([entity("Component", "svc"), team("team-a")])
    assert answer.source == "none" and answer.subject_ref == "component:default/svc"
    assert answer.problem == (
        "no on-call schedule, PagerDuty or Opsgenie annotation is set on component:default/svc "
        "or the groups above it"
    )
    assert answer.fallback and [c.value for c in answer.contacts] == [
        "C0TEAM-A",
        "team-a@acme.example",
    ]


@pytest.mark.parametrize(
    ("annotation", "problem"),
    [
        (
            "pagerduty.com/service-id",
            "PagerDuty is set for group:default/team-a (pagerduty.com/service-id) but no "
            "PagerDuty API token is configured",
        ),
        (
            "opsgenie.com/team",
            "Opsgenie is set for group:default/team-a (opsgenie.com/team) but no Opsgenie API "
            "key is configured",
        ),
    ],
)
def test_missing_credentials(annotation: str, problem: str) -> None:
    answer = service(Catalog()).who_is_on_call([team("team-a", **{annotation: "X1"})])
    assert answer.problem == problem and answer.fallback
    assert answer.contacts


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (
            "missing",
            "the schedule schedule:default/missing (callboard.dev/oncall-schedule on "
            "group:default/team-a) is not in the catalog",
        ),
        (
            "group:team-a",
            "callboard.dev/oncall-schedule on group:default/team-a must name a Schedule "
            "(got 'group:team-a')",
        ),
        (
            "broken",
            "the schedule schedule:default/broken is not valid: spec.timeZone: unknown time zone "
            "'Mars/Olympus' (use an IANA name such as Europe/Berlin)",
        ),
    ],
)
def test_schedule_problems(value: str, problem: str) -> None:
    broken = schedule_entity("broken", schedule(layer(), time_zone="Mars/Olympus"))
    answer = service(Catalog(PRIMARY, broken)).who_is_on_call(
        [team("team-a", **{SCHEDULE_ANNOTATION: value})]
    )
    assert answer.problem == problem and answer.fallback


def test_a_failing_catalog_lookup_is_a_problem_not_an_exception() -> None:
    def failing(ref: str) -> dict[str, Any] | None:
        raise RuntimeError("database is locked")

    answer = OnCallService(OnCallConfig(), failing).who_is_on_call(
        [team("team-a", **{SCHEDULE_ANNOTATION: "primary"})]
    )
    assert (
        answer.problem == "the schedule schedule:default/primary could not be read from the catalog"
    )


def test_user_lookup_is_separate_when_given() -> None:
    catalog = Catalog(PRIMARY)
    answer = OnCallService(
        OnCallConfig(),
        catalog,
        clock=Clock(WEDNESDAY_NOON),
        user_lookup=lambda ref: None,
    ).who_is_on_call([team("team-a", **{SCHEDULE_ANNOTATION: "primary"})])
    assert [(s.person.name, s.person.email) for s in answer.now] == [("alice", None)]
    assert catalog.asked == ["schedule:default/primary"]


def test_the_config_does_not_show_credentials() -> None:
    config = OnCallConfig(pagerduty_token="secret-pd-token", opsgenie_key="secret-og-key")
    assert "secret" not in repr(config)


# -- the example catalog, from a real database ---------------------------------------------


def ingest_examples(catalog_db: CatalogDb, tmp_path: Path) -> None:
    config = IngestConfig(
        locations=(LocationSpec("file", str(REPO / "examples/catalog/all.yaml")),),
        rules=(
            {
                "allow": [
                    "Component",
                    "API",
                    "Resource",
                    "System",
                    "Domain",
                    "Group",
                    "User",
                    "Location",
                    "Template",
                    "Schedule",
                ]
            },
        ),
        base_dir=REPO / "examples",
        reading_hosts=(),
        git_cache_dir=tmp_path / "git-cache",
    )
    results = CatalogService(catalog_db.sessions, config).refresh_all()
    assert [stats.errors for stats in results.values()] == [[]]


def lookup_in(catalog_db: CatalogDb) -> Any:
    def lookup(ref: str) -> dict[str, Any] | None:
        with catalog_db.sessions() as session:
            row = entity_by_key(session, ref)
        return None if row is None else json.loads(row.body)

    return lookup


def chain_of(lookup: Any, ref: str) -> list[dict[str, Any]]:
    """The entity, its owner and the owner's parents, as the bot builds the chain."""
    chain = [lookup(ref)]
    owner = chain[0]["spec"].get("owner")
    group = lookup(f"group:default/{owner}") if owner else None
    while group is not None:
        chain.append(group)
        parent = group["spec"].get("parent")
        group = lookup(f"group:default/{parent}") if parent else None
    return chain


def test_the_example_catalog(
    catalog_db: CatalogDb, tmp_path: Path, pagerduty: tuple[FakePagerDuty, Served]
) -> None:
    ingest_examples(catalog_db, tmp_path)
    lookup = lookup_in(catalog_db)
    fake, served = pagerduty
    fake.services["PPAYMNT"] = ("Payments", "PEPPAY1", "Payments escalation")
    fake.oncalls.append(
        OnCall(
            User("PBOB002", "Bob Okafor", "bob@acme.example"),
            ("PEPPAY1", "Payments escalation"),
            1,
            None,
            None,
            None,
        )
    )
    oncall = OnCallService(
        OnCallConfig(pagerduty_token=PAGERDUTY_TOKEN, pagerduty_url=served.url),
        lookup,
        clock=Clock(WEDNESDAY_NOON),
    )

    # Checkout: the weekday daytime layer of the built-in schedule (dan on 2024-01-03).
    answer = oncall.who_is_on_call(chain_of(lookup, "component:default/order-service"))
    assert (answer.source, answer.subject_ref, answer.schedule_name) == (
        "schedule",
        "group:default/checkout-team",
        "Checkout primary on-call",
    )
    assert [(s.person.name, s.person.email, s.layer) for s in answer.now] == [
        ("Dan Kowalski", "dan@acme.example", "business-hours")
    ]
    assert [s.person.name for s in answer.next] == ["Carol Tan"]  # the weekly layer at 18:00
    # Christmas: the override.
    christmas = oncall.who_is_on_call(
        chain_of(lookup, "component:default/order-service"),
        at=datetime(2024, 12, 25, 12, 0, tzinfo=BERLIN),
    )
    assert [(s.person.name, s.layer) for s in christmas.now] == [("Carol Tan", "override")]

    # Platform: erin every day, in New York time.
    platform = oncall.who_is_on_call(chain_of(lookup, "group:default/platform-team"))
    assert [(s.person.name, s.person.user_ref) for s in platform.now] == [
        ("Erin Lindqvist", "user:default/erin")
    ]
    assert platform.next == []

    # Payments pages through PagerDuty.
    payments = oncall.who_is_on_call(chain_of(lookup, "component:default/payment-service"))
    assert (payments.source, payments.schedule_name) == ("pagerduty", "Payments")
    assert [(s.person.name, s.person.email) for s in payments.now] == [
        ("Bob Okafor", "bob@acme.example")
    ]
    assert [c.value for c in payments.contacts] == ["C0PAYMENTS", "payments@acme.example"]
