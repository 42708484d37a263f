"""Fixtures of on-call tests: fake providers on loopback, a settable clock, schedule helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.catalog_store.oncall.fake_opsgenie import FakeOpsgenie
from tests.catalog_store.oncall.fake_pagerduty import FakePagerDuty
from tests.catalog_store.oncall.loopback import Served, serve

PAGERDUTY_TOKEN = "pd-token-Zs8fQ2"
OPSGENIE_KEY = "eb24a1c0-faa2-4ba2-a551-1a1f565c8890"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    """A clock at 2024-05-15 12:00 UTC."""
    return Clock(datetime(2024, 5, 15, 12, 0, tzinfo=UTC))


@pytest.fixture
def pagerduty() -> Iterator[tuple[FakePagerDuty, Served]]:
    """A fake PagerDuty API on loopback."""
    fake = FakePagerDuty(PAGERDUTY_TOKEN)
    with serve(fake) as served:
        yield fake, served


@pytest.fixture
def opsgenie() -> Iterator[tuple[FakeOpsgenie, Served]]:
    """A fake Opsgenie API on loopback."""
    fake = FakeOpsgenie(OPSGENIE_KEY)
    with serve(fake) as served:
        yield fake, served


def layer(
    name: str = "primary",
    members: tuple[str, ...] = ("alice", "bob", "carol"),
    rotation: Any = "daily",
    handoff: str = "09:00",
    start: str = "2024-01-01",
    **extra: Any,
) -> dict[str, Any]:
    """A schedule layer as written in YAML."""
    return {
        "name": name,
        "members": list(members),
        "rotation": rotation,
        "handoff": handoff,
        "start": start,
        **extra,
    }


def schedule(
    *layers: dict[str, Any], time_zone: str = "Europe/Berlin", overrides: Any = None
) -> dict[str, Any]:
    """A schedule spec as written in YAML."""
    spec: dict[str, Any] = {"owner": "team-a", "timeZone": time_zone, "layers": list(layers)}
    if overrides is not None:
        spec["overrides"] = overrides
    return spec


def entity(
    kind: str,
    name: str,
    annotations: dict[str, str] | None = None,
    spec: dict[str, Any] | None = None,
    api_version: str = "backstage.io/v1alpha1",
) -> dict[str, Any]:
    """An entity as the catalog serves it."""
    metadata: dict[str, Any] = {"name": name, "namespace": "default"}
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, "spec": spec or {}}
