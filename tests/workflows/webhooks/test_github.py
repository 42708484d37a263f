"""GitHub deployments, deployment statuses and workflow runs."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.workflows.webhooks import github_samples as samples
from tests.workflows.webhooks.signing import NOW, SECRETS, deliver, encode, github_headers
from workflows.runs.events import RunKind, RunLink, RunStatus
from workflows.webhooks import WebhookError, parse_webhook


def test_a_created_deployment_is_queued() -> None:
    delivery = deliver("github", samples.DEPLOYMENT_CREATED, event="deployment")
    assert delivery.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958"
    (event,) = delivery.events
    assert event.source == "github"
    assert event.run_id == "1419829530"
    assert event.kind is RunKind.DEPLOYMENT
    assert event.status is RunStatus.QUEUED
    assert event.raw_status == "created"
    assert event.occurred_at == datetime(2024, 5, 1, 10, 1, 12, tzinfo=UTC)
    assert event.component == "acme/payment-service"
    assert event.environment == "production"
    assert event.title == "acme/payment-service to production"
    assert event.actor == "alice"
    assert event.commit == samples.SHA
    assert event.links == (
        RunLink("Commit", f"https://github.com/acme/payment-service/commit/{samples.SHA}"),
    )


def test_a_deployment_status_moves_the_same_run() -> None:
    (created,) = deliver("github", samples.DEPLOYMENT_CREATED, event="deployment").events
    (status,) = deliver(
        "github", samples.DEPLOYMENT_STATUS_SUCCESS, event="deployment_status", delivery="d-2"
    ).events
    assert status.run_key == created.run_key == "github:1419829530"
    assert status.status is RunStatus.SUCCEEDED
    assert status.raw_status == "success"
    assert status.occurred_at == datetime(2024, 5, 1, 10, 4, 51, tzinfo=UTC)
    assert status.actor == "alice", "the deployment's creator, not the bot that reported"
    assert status.detail == "Deployed to production"
    assert status.links == (
        RunLink("Logs", samples.JOB_URL),
        RunLink("Environment", "https://payments.acme.example"),
        RunLink("Commit", f"https://github.com/acme/payment-service/commit/{samples.SHA}"),
    )
    assert status.event_id != created.event_id


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("queued", RunStatus.QUEUED),
        ("pending", RunStatus.QUEUED),
        ("waiting", RunStatus.QUEUED),
        ("in_progress", RunStatus.RUNNING),
        ("success", RunStatus.SUCCEEDED),
        ("failure", RunStatus.FAILED),
        ("error", RunStatus.FAILED),
        ("inactive", RunStatus.UNKNOWN),
        ("reticulating", RunStatus.UNKNOWN),
    ],
)
def test_deployment_states(state: str, expected: RunStatus) -> None:
    payload = samples.deployment_status(state, "2024-05-01T10:03:00Z", 2846519700)
    (event,) = deliver("github", payload, event="deployment_status").events
    assert event.status is expected
    assert event.raw_status == state


@pytest.mark.parametrize(
    ("action", "status", "conclusion", "expected", "raw"),
    [
        ("requested", "queued", None, RunStatus.QUEUED, "queued"),
        ("requested", "requested", None, RunStatus.QUEUED, "requested"),
        ("in_progress", "in_progress", None, RunStatus.RUNNING, "in_progress"),
        ("completed", "completed", "success", RunStatus.SUCCEEDED, "success"),
        ("completed", "completed", "failure", RunStatus.FAILED, "failure"),
        ("completed", "completed", "timed_out", RunStatus.FAILED, "timed_out"),
        ("completed", "completed", "startup_failure", RunStatus.FAILED, "startup_failure"),
        ("completed", "completed", "cancelled", RunStatus.CANCELLED, "cancelled"),
        ("completed", "completed", "skipped", RunStatus.CANCELLED, "skipped"),
        ("completed", "completed", "neutral", RunStatus.SUCCEEDED, "neutral"),
        ("completed", "completed", "action_required", RunStatus.UNKNOWN, "action_required"),
        ("completed", "completed", "a_new_conclusion", RunStatus.UNKNOWN, "a_new_conclusion"),
    ],
)
def test_workflow_run_statuses(
    action: str, status: str, conclusion: str | None, expected: RunStatus, raw: str
) -> None:
    payload = samples.workflow_run(action, status, conclusion)
    (event,) = deliver("github", payload, event="workflow_run").events
    assert event.status is expected
    assert event.raw_status == raw


def test_a_workflow_run_event() -> None:
    (event,) = deliver("github", samples.WORKFLOW_RUN_COMPLETED, event="workflow_run").events
    assert event.kind is RunKind.WORKFLOW
    assert event.run_id == "8927361520/1"
    assert event.component == "acme/payment-service"
    assert event.environment is None, "a branch is not an environment"
    assert event.title == "CI"
    assert event.actor == "alice"
    assert event.commit == samples.SHA
    assert event.commit_message == "Raise the payments queue visibility timeout"
    assert event.occurred_at == datetime(2024, 5, 1, 10, 3, 2, tzinfo=UTC)
    assert event.links[0] == RunLink(
        "Run", "https://github.com/acme/payment-service/actions/runs/8927361520"
    )


def test_each_attempt_of_a_workflow_run_is_a_run_of_its_own() -> None:
    first = deliver("github", samples.workflow_run("completed", "completed", "failure", 1),
                    event="workflow_run", delivery="a").events[0]  # fmt: skip
    rerun = deliver("github", samples.workflow_run("requested", "queued", None, 2),
                    event="workflow_run", delivery="b").events[0]  # fmt: skip
    assert first.run_id == "8927361520/1"
    assert rerun.run_id == "8927361520/2"


def test_ping_and_unfollowed_events() -> None:
    ping = deliver("github", samples.PING, event="ping")
    assert ping.ping and ping.events == ()
    push = deliver("github", samples.PUSH, event="push")
    assert push.events == () and not push.ping
    assert push.ignored == "GitHub push events are not followed"
    edited = copy.deepcopy(samples.WORKFLOW_RUN_COMPLETED)
    edited["action"] = "archived"
    assert deliver("github", edited, event="workflow_run").ignored is not None


def test_event_ids_come_from_the_delivery_id() -> None:
    payload = samples.DEPLOYMENT_STATUS_SUCCESS
    one = deliver("github", payload, event="deployment_status", delivery="d-1").events[0]
    again = deliver("github", payload, event="deployment_status", delivery="d-1").events[0]
    other = deliver("github", payload, event="deployment_status", delivery="d-2").events[0]
    assert one == again
    assert one.event_id != other.event_id


def test_without_a_delivery_id_the_event_id_comes_from_the_content() -> None:
    payload = samples.DEPLOYMENT_STATUS_SUCCESS
    one = deliver("github", payload, event="deployment_status", delivery=None)
    assert one.delivery_id is None
    again = deliver("github", payload, event="deployment_status", delivery=None)
    later = samples.deployment_status("success", "2024-05-01T10:09:00Z", 2846519999)
    other = deliver("github", later, event="deployment_status", delivery=None)
    assert one.events[0].event_id == again.events[0].event_id != other.events[0].event_id


def test_the_signature_covers_the_exact_body() -> None:
    body = encode(samples.DEPLOYMENT_STATUS_SUCCESS)
    headers = github_headers(body, "deployment_status")
    with pytest.raises(WebhookError) as refused:
        parse_webhook("github", headers, body + b" ", SECRETS, now=NOW)
    assert refused.value.status == 401
    headers["X-Hub-Signature-256"] = headers["X-Hub-Signature-256"].replace("sha256=", "sha1=")
    with pytest.raises(WebhookError) as refused:
        parse_webhook("github", headers, body, SECRETS, now=NOW)
    assert refused.value.status == 401


def test_the_event_header_is_required() -> None:
    body = encode(samples.DEPLOYMENT_STATUS_SUCCESS)
    headers = github_headers(body, "deployment_status")
    del headers["X-GitHub-Event"]
    with pytest.raises(WebhookError) as refused:
        parse_webhook("github", headers, body, SECRETS, now=NOW)
    assert (refused.value.status, refused.value.message) == (
        400,
        "the X-GitHub-Event header is missing",
    )


def without(payload: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(payload)
    target = changed
    for part in path[:-1]:
        target = target[part]
    del target[path[-1]]
    return changed


@pytest.mark.parametrize(
    ("event", "payload", "message"),
    [
        (
            "deployment_status",
            without(samples.DEPLOYMENT_STATUS_SUCCESS, "deployment_status", "state"),
            "deployment_status.state: required",
        ),
        (
            "deployment_status",
            without(samples.DEPLOYMENT_STATUS_SUCCESS, "deployment_status"),
            "deployment_status: required",
        ),
        (
            "deployment",
            without(samples.DEPLOYMENT_CREATED, "deployment", "id"),
            "deployment.id: required",
        ),
        (
            "deployment",
            without(samples.DEPLOYMENT_CREATED, "repository", "full_name"),
            "repository.full_name: required",
        ),
        (
            "workflow_run",
            without(samples.WORKFLOW_RUN_COMPLETED, "workflow_run", "status"),
            "workflow_run.status: required",
        ),
    ],
)
def test_missing_fields_are_named(event: str, payload: dict[str, Any], message: str) -> None:
    with pytest.raises(WebhookError) as refused:
        deliver("github", payload, event=event)
    assert (refused.value.status, refused.value.message) == (400, message)


def test_wrong_types_are_named() -> None:
    payload = copy.deepcopy(samples.WORKFLOW_RUN_COMPLETED)
    payload["workflow_run"]["run_attempt"] = "2"
    with pytest.raises(WebhookError) as refused:
        deliver("github", payload, event="workflow_run")
    assert refused.value.message == "workflow_run.run_attempt: expected an integer, got a string"
    payload = copy.deepcopy(samples.DEPLOYMENT_CREATED)
    payload["deployment"]["id"] = True
    with pytest.raises(WebhookError) as refused:
        deliver("github", payload, event="deployment")
    assert refused.value.message.startswith("deployment.id: expected a string or an integer")


def test_links_that_are_not_web_addresses_are_dropped() -> None:
    payload = copy.deepcopy(samples.DEPLOYMENT_STATUS_SUCCESS)
    payload["deployment_status"].update(
        log_url="javascript:alert(1)", target_url="", environment_url="ftp://files"
    )
    (event,) = deliver("github", payload, event="deployment_status").events
    assert [link.label for link in event.links] == ["Commit"]


def test_deployments_made_by_one_workflow_run_differ_without_delivery_ids() -> None:
    first = copy.deepcopy(samples.DEPLOYMENT_CREATED)
    first["workflow_run"] = copy.deepcopy(samples.WORKFLOW_RUN_COMPLETED["workflow_run"])
    second = copy.deepcopy(first)
    second["deployment"].update(id=1419829531, environment="staging")
    one = deliver("github", first, event="deployment", delivery=None).events[0]
    two = deliver("github", second, event="deployment", delivery=None).events[0]
    assert one.event_id != two.event_id
