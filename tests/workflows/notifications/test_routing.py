"""Routing runs to channels, over the example catalog and over fixed components."""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from catalog_store.ingest.config import LocationSpec
from catalog_store.ingest.service import CatalogService
from tests.conftest import CatalogDb
from tests.workflows.notifications.conftest import Clock, Events
from tests.workflows.notifications.recording_chat import RecordingChat
from tests.workflows.notifications.stack import FAST, PAYMENTS, Stack
from workflows.notifications.directory import (
    CatalogRunDirectory,
    ComponentInfo,
    InMemoryRunDirectory,
)
from workflows.notifications.messages import RunCard
from workflows.notifications.routing import (
    NotificationConfig,
    Route,
    Router,
    RunFacts,
    Target,
    check_channels,
    normalize_channel,
)
from workflows.runs.events import RunKind, RunStatus

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXTRA = """
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: ledger-crew
spec:
  type: team
  parent: payments-team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger-jobs
  annotations:
    callboard.dev/terraform-workspace: ledger-prod
spec:
  type: service
  lifecycle: production
  owner: ledger-crew
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-edge
  annotations:
    callboard.dev/slack-channel: "{edge_channel}"
spec:
  type: service
  lifecycle: production
  owner: checkout-team
"""
CONFIG = NotificationConfig(
    default_channel="#deploys",
    routes=(
        Route(name="releases", environments=("Production",), channel="#Releases", digest=True),
        Route(name="oncall", statuses=("failed",), also_oncall=True),
    ),
    delivery=FAST,
)


class Catalog:
    """The example catalog plus a file of extra entities, ingested into the database."""

    def __init__(self, db: CatalogDb, folder: Path) -> None:
        self.extra = folder / "extra.yaml"
        self.write("#edge-deploys")
        config = load_settings(EXAMPLES / "callboard.yaml").ingest_config()
        config = dataclasses.replace(
            config,
            locations=(*config.locations, LocationSpec("file", str(self.extra))),
            allowed_file_roots=(*config.allowed_file_roots, folder),
        )
        self.service = CatalogService(db.sessions, config)

    def write(self, edge_channel: str) -> None:
        self.extra.write_text(textwrap.dedent(EXTRA).format(edge_channel=edge_channel))

    def refresh(self) -> None:
        stats = self.service.refresh_all()
        assert not [error for stat in stats.values() for error in stat.errors]


@pytest.fixture
def catalog(db: CatalogDb, tmp_path: Path) -> Iterator[Catalog]:
    catalog = Catalog(db, tmp_path)
    catalog.refresh()
    try:
        yield catalog
    finally:
        catalog.service.http.close()


def channels_of(chat: RecordingChat) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for posted in chat.posted.values():
        if isinstance(posted.message, RunCard):
            found.setdefault(posted.message.run_key, set()).add(posted.channel)
    return found


def test_runs_go_to_component_owner_or_default_channels_plus_routes(
    db: CatalogDb, catalog: Catalog, clock: Clock, chat: RecordingChat
) -> None:
    directory = CatalogRunDirectory(db.sessions, recheck_seconds=0)
    stack = Stack(db.sessions, clock, chat, CONFIG, directory=directory)
    deploy = Events(defaults={"environment": "staging"})
    stack.service.accept(
        [
            deploy("by-name", "running", 0, component="Payment-Service"),
            deploy("by-ref", "running", 0, component="component:default/order-service"),
            deploy("by-slug", "running", 0, component="acme/payment-service", source="github"),
            deploy("inherited", "running", 0, component="ledger-prod", kind=RunKind.TERRAFORM),
            deploy("annotated", "running", 0, component="checkout-edge"),
            deploy("unknown", "running", 0, component="mystery-app"),
            deploy("prod", "running", 0, component="ledger-service", environment="production"),
        ]
    )
    stack.drain()
    assert channels_of(chat) == {
        "generic:by-name": {"C0PAYMENTS"},
        "generic:by-ref": {"C0CHECKOUT"},
        "github:by-slug": {"C0PAYMENTS"},
        "generic:inherited": {"C0PAYMENTS"},
        "generic:annotated": {"#edge-deploys"},
        "generic:unknown": {"#deploys"},
        "generic:prod": {"C0PAYMENTS", "#releases"},
    }
    cards = {
        p.message.run_key: p.message for p in chat.posted.values() if isinstance(p.message, RunCard)
    }
    assert cards["generic:unknown"].note == "component mystery-app is not in the catalog"
    assert cards["generic:unknown"].component == "mystery-app"
    assert cards["github:by-slug"].component_ref == "component:default/payment-service"
    assert cards["generic:inherited"].component == "ledger-jobs"
    assert cards["generic:by-name"].note is None


def test_catalog_answers_are_cached_until_the_catalog_changes(
    db: CatalogDb, catalog: Catalog, clock: Clock, chat: RecordingChat
) -> None:
    directory = CatalogRunDirectory(db.sessions, recheck_seconds=0)
    stack = Stack(db.sessions, clock, chat, CONFIG, directory=directory)
    deploy = Events(defaults={"component": "checkout-edge"})
    for index in range(50):
        stack.service.accept([deploy(f"r{index}", "running", index)])
    assert directory.queries == 1
    assert stack.service.accept([deploy("late", "queued", 0, component="nothing-here")])
    assert stack.service.accept([deploy("late2", "queued", 0, component="nothing-here")])
    assert directory.queries == 2
    catalog.write("C0EDGE")
    catalog.refresh()
    info = directory.component("checkout-edge")
    assert info is not None and info.channel == "C0EDGE" and directory.queries == 3


def test_a_failure_route_adds_a_channel_when_the_run_fails(
    db: CatalogDb, clock: Clock, chat: RecordingChat, events: Events
) -> None:
    config = NotificationConfig(
        default_channel="#deploys",
        routes=(Route(statuses=("failed",), kinds=("deployment",), channel="C0INCIDENT"),),
        delivery=FAST,
    )
    stack = Stack(db.sessions, clock, chat, config)
    stack.service.accept([events("r1", "running", 0)])
    stack.drain()
    assert channels_of(chat) == {"generic:r1": {"C0PAYMENTS"}}
    stack.service.accept([events("r1", "failed", 5)])
    stack.drain()
    assert channels_of(chat) == {"generic:r1": {"C0PAYMENTS", "C0INCIDENT"}}
    (incident,) = chat.messages_in("C0INCIDENT")
    assert isinstance(incident.message, RunCard) and incident.message.status is RunStatus.FAILED


def test_route_matching_is_case_insensitive_and_every_list_must_match() -> None:
    route = Route(environments=("Production",), components=("Payment-Service",), channel="rel")
    router = Router(NotificationConfig(default_channel="C0DEFAULT", routes=(route,)), _dir())

    def facts(environment: str, hint: str) -> RunFacts:
        return RunFacts(
            "github",
            RunKind.DEPLOYMENT,
            RunStatus.RUNNING,
            environment,
            hint,
            router.component(hint),
        )

    assert router.targets(facts("PRODUCTION", "pmts")) == [Target("C0PAYMENTS"), Target("#rel")]
    assert router.targets(facts("staging", "pmts")) == [Target("C0PAYMENTS")]
    assert router.targets(facts("production", "other")) == [Target("C0DEFAULT")]
    assert router.note(facts("production", "other")) == "component other is not in the catalog"


def test_flags_without_a_channel_apply_to_the_primary_channel() -> None:
    config = NotificationConfig(
        routes=(
            Route(statuses=("failed",), also_oncall=True),
            Route(kinds=("terraform",), to_owner_channel=True, digest=True),
        )
    )
    router = Router(config, _dir())
    failed = RunFacts("x", RunKind.DEPLOYMENT, RunStatus.FAILED, None, "pmts", PAYMENTS)
    assert router.targets(failed) == [Target("C0PAYMENTS", also_oncall=True)]
    planned = RunFacts("x", RunKind.TERRAFORM, RunStatus.PLANNED, None, "pmts", PAYMENTS)
    assert router.targets(planned) == [Target("C0PAYMENTS", digest=True)]
    nowhere = RunFacts("x", RunKind.DEPLOYMENT, RunStatus.FAILED, None, None, None)
    assert router.targets(nowhere) == []


def test_channels_are_normalised_and_checked() -> None:
    assert normalize_channel("C0123ABC") == "C0123ABC"
    assert normalize_channel(" Deploys ") == "#deploys"
    assert normalize_channel("#Deploys") == "#deploys"
    with pytest.raises(ValueError):
        normalize_channel(" # ")
    with pytest.raises(ValueError, match="unknown statuses"):
        Route(statuses=("exploded",))

    class Workspace:
        def channel_id(self, channel: str) -> str | None:
            return {"#deploys": "C0DEPLOYS", "C0KNOWN": "C0KNOWN"}.get(channel)

    config = NotificationConfig(
        default_channel="deploys",
        routes=(Route(channel="C0KNOWN"), Route(channel="#gone"), Route(channel="#gone")),
    )
    assert check_channels(config, Workspace()) == ["#gone"]
    resolved = config.with_channel_ids(Workspace())
    assert resolved.default_channel == "C0DEPLOYS"
    assert [r.channel for r in resolved.routes] == ["C0KNOWN", "#gone", "#gone"]


def _dir() -> InMemoryRunDirectory:
    return InMemoryRunDirectory(
        [PAYMENTS, ComponentInfo("component:default/other-thing", "other-thing")],
        aliases={"pmts": PAYMENTS.ref},
    )
