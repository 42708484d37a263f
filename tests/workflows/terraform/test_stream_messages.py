"""Streamed messages the fixtures do not hold, shaped as Terraform 1.11 writes them: drift,
moves, imports, state removals, destroys and warnings."""

from __future__ import annotations

import json
from typing import Any

from tests.workflows.terraform.fixture_data import assert_slack_safe
from workflows.runs.events import PlanCounts, RunStatus
from workflows.terraform import (
    ChangeAction,
    ResourceOutcome,
    StreamState,
    render_stream_text,
    summarize_stream,
)


def _resource(address: str) -> dict[str, Any]:
    kind, name = address.split(".")
    return {
        "addr": address,
        "module": "",
        "resource": address,
        "implied_provider": kind.split("_")[0],
        "resource_type": kind,
        "resource_name": name,
        "resource_key": None,
    }


def _change(kind: str, address: str, action: str, **extra: Any) -> str:
    change = {"resource": _resource(address), "action": action, **extra}
    return json.dumps({"type": kind, "change": change, "@message": f"{address}: {action}"})


def _hook(kind: str, address: str, action: str) -> str:
    return json.dumps({"type": kind, "hook": {"resource": _resource(address), "action": action}})


def test_drift_moves_imports_and_removals() -> None:
    lines = [
        _change("resource_drift", "aws_instance.web", "update"),
        _change("resource_drift", "aws_eip.ip", "delete"),
        _change(
            "planned_change",
            "aws_instance.api",
            "move",
            previous_resource=_resource("aws_instance.old_api"),
        ),
        _change("planned_change", "aws_s3_bucket.logs", "import", importing={"id": "logs"}),
        _change(
            "planned_change",
            "aws_iam_role.ci",
            "update",
            importing={"id": "ci"},
            previous_resource=_resource("aws_iam_role.build"),
        ),
        _change("planned_change", "aws_sqs_queue.old", "remove"),
        _change("planned_change", "aws_eip.ip", "create"),
        _change(
            "planned_change",
            "aws_instance.web",
            "delete",
            reason="delete_because_no_resource_config",
        ),
        json.dumps(
            {
                "type": "change_summary",
                "changes": {"add": 1, "change": 1, "import": 2, "remove": 1, "operation": "plan"},
                "@message": "Plan: 2 to import, 1 to add, 1 to change, 1 to destroy.",
            }
        ),
        json.dumps(
            {
                "type": "diagnostic",
                "@level": "warning",
                "diagnostic": {"severity": "warning", "summary": "Deprecated attribute"},
            }
        ),
    ]
    summary = summarize_stream(lines)
    assert summary.state is StreamState.PLANNED and summary.run_status is RunStatus.PLANNED
    assert summary.plan_counts == PlanCounts(add=1, change=1, destroy=1, imported=2)
    assert [(item.address, item.action) for item in summary.drift] == [
        ("aws_eip.ip", ChangeAction.DELETE),
        ("aws_instance.web", ChangeAction.UPDATE),
    ]
    assert [(item.address, item.action) for item in summary.resources] == [
        ("aws_instance.web", ChangeAction.DELETE),
        ("aws_eip.ip", ChangeAction.CREATE),
        ("aws_iam_role.ci", ChangeAction.UPDATE),
        ("aws_s3_bucket.logs", ChangeAction.IMPORT),
        ("aws_instance.api", ChangeAction.MOVE),
        ("aws_sqs_queue.old", ChangeAction.FORGET),
    ]
    assert summary.errors == () and len(summary.warnings) == 1

    text = render_stream_text(summary)
    assert_slack_safe(text, 2900)
    assert text.split("\n")[0] == (
        "*Terraform plan:* +1 ~1 \u22121 \u00b7 2 to import \u00b7 2 moved"
    )
    assert "`aws_instance.web` \u2014 no longer in the configuration" in text
    assert "`aws_iam_role.ci` (moved from `aws_iam_role.build`) (imported)" in text
    assert "*Move (1)*\n\u2022 `aws_instance.api` (moved from `aws_instance.old_api`)" in text
    assert "*Changed outside terraform (2)*\n\u2022 `aws_eip.ip` deleted" in text
    assert "*Warnings (1)*\n\u2022 Deprecated attribute" in text


def test_replacement_halves_and_progress() -> None:
    lines = [
        _change("planned_change", "aws_instance.web", "replace", reason="tainted"),
        _change("planned_change", "aws_instance.db", "update"),
        json.dumps(
            {
                "type": "change_summary",
                "changes": {"add": 1, "change": 1, "remove": 1, "operation": "plan"},
            }
        ),
        _hook("apply_start", "aws_instance.web", "delete"),
        _hook("apply_complete", "aws_instance.web", "delete"),
        _hook("apply_start", "aws_instance.web", "create"),
    ]
    summary = summarize_stream(lines)
    assert summary.state is StreamState.APPLYING
    assert summary.plan_counts == PlanCounts(change=1, replace=1)
    web = summary.resources[0]
    assert (web.action, web.reason, web.outcome) == (
        ChangeAction.REPLACE,
        "replace_because_tainted",
        ResourceOutcome.APPLYING,
    )
    assert summary.progress == (0, 2)
    text = render_stream_text(summary)
    assert text.split("\n")[0] == (
        "*Terraform:* applying\u2026 0/2 done \u00b7 plan +0 ~1 \u22120 \u00b11"
    )
    assert "`aws_instance.web` \u2014 tainted; in progress" in text

    lines.append(_hook("apply_complete", "aws_instance.web", "create"))
    assert summarize_stream(lines).progress == (1, 2)
