"""Terraform plans and logs sent with the generic format become a summary in the thread:
counts, resources by action, errors; sensitive values never."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.webhooks.signing import deliver
from workflows.runs.events import PlanCounts
from workflows.webhooks import WebhookError

SECRET_VALUE = "s3cr3t-token-value"


def event(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "atlantis",
        "run_id": "plan-7",
        "kind": "terraform",
        "status": "planned",
        "occurred_at": "2026-11-22T09:00:00Z",
        "component": "payment-service",
    }
    body.update(fields)
    return body


def sensitive_plan(shared_fixtures: Path) -> dict[str, Any]:
    path = shared_fixtures / "terraform/show-json/terraform-json.110_sensitive_values.plan.json"
    plan: dict[str, Any] = json.loads(path.read_text())
    plan["output_changes"]["foo"]["after"] = SECRET_VALUE
    plan["planned_values"]["outputs"]["foo"]["value"] = SECRET_VALUE
    return plan


def test_a_plan_gives_counts_and_a_summary_without_secrets(shared_fixtures: Path) -> None:
    (run,) = deliver("generic", event(terraform_plan=sensitive_plan(shared_fixtures))).events
    assert run.plan == PlanCounts(add=7)
    assert run.summary is not None and "+7 ~0" in run.summary
    assert "null_resource.baz[0]" in run.summary
    assert SECRET_VALUE not in run.summary and run.detail is None


def test_counts_sent_by_the_sender_win(shared_fixtures: Path) -> None:
    payload = event(terraform_plan=sensitive_plan(shared_fixtures), plan_counts={"add": 1})
    (run,) = deliver("generic", payload).events
    assert run.plan == PlanCounts(add=1)


def test_a_failed_log_summarises_its_errors(shared_fixtures: Path) -> None:
    log = (shared_fixtures / "terraform/streaming-ui/plan-json-error.plan.log.jsonl").read_text()
    (run,) = deliver("generic", event(status="failed", terraform_log=log)).events
    assert run.summary is not None and "main.tf:" in run.summary


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"terraform_plan": {"format_version": "9.0"}}, "terraform_plan"),
        ({"terraform_log": "not json\n"}, "terraform_log"),
        ({"terraform_plan": "a string"}, "terraform_plan"),
    ],
)
def test_unreadable_plans_and_logs_are_refused_naming_the_field(
    fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(WebhookError) as caught:
        deliver("generic", event(**fields))
    assert caught.value.status == 400 and field in caught.value.message
