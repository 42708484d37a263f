"""Across every source: the same delivery always gives the same event ids, distinct events
never share one, and no payload mangling gets past a 400."""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.webhooks import github_samples
from tests.workflows.webhooks.gotemplate import render
from tests.workflows.webhooks.signing import deliver
from tests.workflows.webhooks.test_argocd import app_in, template_body
from tests.workflows.webhooks.test_generic import MINIMAL, documented_example
from tests.workflows.webhooks.test_humanitec import STARTED
from workflows.runs.events import RunEvent
from workflows.webhooks import InboundDelivery, WebhookError

Sample = tuple[str, Any, dict[str, Any]]


def samples(shared_fixtures: Path) -> list[Sample]:
    """(source, payload, header options) for one delivery of every kind the tests know."""
    found: list[Sample] = []
    for path in sorted((shared_fixtures / "terraform" / "tfc-notifications").glob("*.json")):
        found.append(("terraform-cloud", json.loads(path.read_text()), {}))
    in_progress = github_samples.deployment_status("in_progress", "2024-05-01T10:02:00Z", 1)
    github = [
        ("deployment", github_samples.DEPLOYMENT_CREATED),
        ("deployment_status", github_samples.DEPLOYMENT_STATUS_SUCCESS),
        ("deployment_status", in_progress),
        ("workflow_run", github_samples.WORKFLOW_RUN_COMPLETED),
        ("workflow_run", github_samples.workflow_run("in_progress", "in_progress", None)),
        ("workflow_run", github_samples.workflow_run("requested", "queued", None, attempt=2)),
    ]
    for number, (event, payload) in enumerate(github):
        found.append(("github", payload, {"event": event, "delivery": f"delivery-{number}"}))
    for event, phase in (("sync-running", "Running"), ("sync-succeeded", "Succeeded"),
                         ("sync-failed", "Failed"), ("health-degraded", "Succeeded")):  # fmt: skip
        body = render(
            template_body(f"callboard-{event}"),
            {"app": app_in(phase), "context": {"argocdUrl": "https://argocd.acme.example"}},
        )
        found.append(("argocd", json.loads(body), {}))
    finished = dict(STARTED, event="deployment.finished", status="succeeded")
    found += [("humanitec", STARTED, {}), ("humanitec", finished, {})]
    found += [
        ("generic", MINIMAL, {}),
        ("generic", dict(MINIMAL, status="succeeded"), {}),
        ("generic", documented_example(), {}),
    ]
    return found


def events_of(sample: Sample) -> tuple[RunEvent, ...]:
    source, payload, options = sample
    return deliver(source, copy.deepcopy(payload), **options).events


def test_the_same_delivery_gives_the_same_events(shared_fixtures: Path) -> None:
    for sample in samples(shared_fixtures):
        assert events_of(sample) == events_of(sample), sample[0]


def test_distinct_events_have_distinct_ids(shared_fixtures: Path) -> None:
    known = samples(shared_fixtures)
    events = [event for sample in known for event in events_of(sample)]
    assert len(events) == len(known) - 1, "every sample but the verification ping is an event"
    assert len({event.event_id for event in events}) == len(events)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (iteratively, depth first)."""
    stack = [(prefix, value)]
    while stack:
        path, node = stack.pop()
        if path:
            yield path
        if isinstance(node, dict):
            stack.extend(((*path, key), child) for key, child in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, index), child) for index, child in enumerate(node))


_REPLACEMENTS: list[Any] = [
    None, True, 0, -1, 2**70, 1.5, "", " ", "x" * 5000, "2024-13-45T99:99:99Z",
    "javascript:alert(1)", [], [None], {}, {"id": None}, [[[]]], "\u0000\ud7ff\u202e",
]  # fmt: skip


def _mangle(payload: Any, rng: random.Random) -> Any:
    mangled = copy.deepcopy(payload)
    for _ in range(rng.randint(1, 3)):
        paths = list(_paths(mangled))
        if not paths:
            return rng.choice(_REPLACEMENTS)
        path = rng.choice(paths)
        parent = mangled
        for part in path[:-1]:
            parent = parent[part]
        if isinstance(parent, dict) and rng.random() < 0.3:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(_REPLACEMENTS))
    return mangled


@pytest.mark.parametrize("seed", range(int(os.environ.get("CALLBOARD_FUZZ_SEEDS", "4"))))
def test_mangled_payloads_are_read_or_refused_with_400(shared_fixtures: Path, seed: int) -> None:
    rng = random.Random(seed)
    outcomes = {"read": 0, "refused": 0}
    for sample in samples(shared_fixtures):
        source, payload, options = sample
        for _ in range(60):
            try:
                delivery = deliver(source, _mangle(payload, rng), **options)
            except WebhookError as error:
                assert error.status == 400, (source, error)
                assert len(error.message) < 300
                outcomes["refused"] += 1
            else:
                assert isinstance(delivery, InboundDelivery)
                outcomes["read"] += 1
    assert outcomes["read"] and outcomes["refused"]
