"""Humanitec deployment webhooks, with the payload template of the example webhook."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.webhooks.signing import NOW, SECRETS, deliver, encode
from workflows.runs.events import RunKind, RunLink, RunStatus
from workflows.webhooks import WebhookError, parse_webhook

EXAMPLE = Path(__file__).resolve().parents[3] / "examples/notifications/humanitec-webhook.json"

STARTED = {
    "event": "deployment.started",
    "org_id": "acme",
    "app_id": "payment-service",
    "env_id": "production",
    "deploy_id": "17a2c3f4e5d6b7a8",
    "delta_id": "2f1c8b5a4e3d0b6e2d0a3c1b4a6f9d7e2f1c8b5a",
    "set_id": "gHbGhF2uR0C0Wq1M5nLwTRA3pRzQv1lQ0yHv3WcvHkE",
    "status": "in progress",
    "comment": "Roll out 9f2c1e7: raise the queue visibility timeout",
    "triggered_by": "alice@acme.example",
    "triggered_at": "2024-05-01T10:01:12.183Z",
}


def payload_from_example(values: dict[str, str]) -> dict[str, Any]:
    """The example webhook's payload with its ``${...}`` placeholders filled as Humanitec does."""
    template = json.loads(EXAMPLE.read_text())["payload"]
    filled = {
        key: re.sub(r"\$\{(\w+)\}", lambda match: values.get(match.group(1), ""), value)
        for key, value in template.items()
    }
    return filled


def test_the_example_webhook_subscribes_to_deployments_with_a_bearer_token() -> None:
    example = json.loads(EXAMPLE.read_text())
    assert example["headers"]["Authorization"].startswith("Bearer ")
    assert {(t["scope"], t["type"]) for t in example["triggers"]} == {
        ("deployment", "started"),
        ("deployment", "finished"),
    }
    assert example["url"].endswith("/webhooks/humanitec")


def test_a_deployment_from_start_to_finish() -> None:
    (started,) = deliver("humanitec", payload_from_example(STARTED)).events
    finished_values = dict(
        STARTED, event="deployment.finished", status="succeeded",
        triggered_at="2024-05-01T10:03:40.001Z",
    )  # fmt: skip
    (finished,) = deliver("humanitec", payload_from_example(finished_values)).events
    assert started.run_key == finished.run_key
    assert started.run_id == "acme/payment-service/production/17a2c3f4e5d6b7a8"
    assert (started.status, started.raw_status) == (RunStatus.RUNNING, "in progress")
    assert (finished.status, finished.raw_status) == (RunStatus.SUCCEEDED, "succeeded")
    assert started.event_id != finished.event_id
    assert finished.kind is RunKind.DEPLOYMENT
    assert finished.component == finished.title == "payment-service"
    assert finished.environment == "production"
    assert finished.actor == "alice@acme.example"
    assert finished.commit_message == "Roll out 9f2c1e7: raise the queue visibility timeout"
    assert finished.occurred_at == datetime(2024, 5, 1, 10, 3, 40, 1000, tzinfo=UTC)
    assert finished.links == ()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("succeeded", RunStatus.SUCCEEDED),
        ("Succeeded", RunStatus.SUCCEEDED),
        ("failed", RunStatus.FAILED),
        ("cancelled", RunStatus.CANCELLED),
        ("", RunStatus.UNKNOWN),
        ("half-done", RunStatus.UNKNOWN),
    ],
)
def test_finished_statuses(status: str, expected: RunStatus) -> None:
    values = dict(STARTED, event="deployment.finished", status=status)
    (event,) = deliver("humanitec", payload_from_example(values)).events
    assert event.status is expected
    assert event.raw_status == (status or "deployment.finished")


def test_a_started_deployment_is_running_whatever_its_status() -> None:
    (event,) = deliver("humanitec", payload_from_example(dict(STARTED, status=""))).events
    assert (event.status, event.raw_status) == (RunStatus.RUNNING, "deployment.started")


def test_other_triggers_are_ignored() -> None:
    delivery = deliver(
        "humanitec",
        {"event": "environment.created", "app_id": "payment-service", "env_id": "pr-12"},
    )
    assert delivery.events == ()
    assert delivery.ignored == "Humanitec environment.created events are not about a deployment"


def test_an_added_url_is_the_deployment_link() -> None:
    payload = dict(STARTED, url="https://app.humanitec.io/orgs/acme/apps/payment-service")
    (event,) = deliver("humanitec", payload).events
    assert event.links == (RunLink("Deployment", payload["url"]),)


def test_the_same_delivery_has_the_same_event_id() -> None:
    assert deliver("humanitec", STARTED) == deliver("humanitec", dict(STARTED))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("app_id", "", "app_id: required"),
        ("deploy_id", None, "deploy_id: required"),
        ("env_id", 3, "env_id: expected a string, got a number"),
        ("triggered_at", "", "triggered_at: required"),
        ("triggered_at", "last tuesday", "triggered_at: 'last tuesday' is not an ISO 8601"),
        ("event", None, "event: required"),
    ],
)
def test_malformed_payloads_name_the_field(field: str, value: Any, message: str) -> None:
    with pytest.raises(WebhookError) as refused:
        deliver("humanitec", dict(STARTED, **{field: value}))
    assert refused.value.status == 400
    assert refused.value.message.startswith(message)


def test_the_token_must_match() -> None:
    body = encode(STARTED)
    with pytest.raises(WebhookError) as refused:
        parse_webhook(
            "humanitec", {"Authorization": f"Bearer {SECRETS.argocd}"}, body, SECRETS, now=NOW
        )
    assert refused.value.status == 401
