"""The real ``terraform`` binary: a module of built-in ``terraform_data`` resources (no
provider download) is planned, shown and applied, and our summaries of its ``show -json``
plans and ``-json`` streams give the counts, the replacements and the redaction expected."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from workflows.runs.events import PlanCounts
from workflows.terraform import (
    SENSITIVE,
    ChangeAction,
    ResourceChange,
    ResourceOutcome,
    StreamState,
    StreamSummarizer,
    render_plan_text,
    render_stream_text,
    summarize_plan_json,
    summarize_stream,
)

TERRAFORM = shutil.which("terraform")
pytestmark = pytest.mark.skipif(
    TERRAFORM is None, reason="the terraform CLI is not on PATH; these tests run the real binary"
)

OLD_SECRET = "hunter2-TOPSECRET-0c7e"
NEW_SECRET = "rotated-SECRET-9b41"
MAIN_TF = """
variable "db_password" {
  type      = string
  sensitive = true
}

variable "generation" {
  type    = number
  default = 1
}

resource "terraform_data" "keep" {
  input = "steady"
}

resource "terraform_data" "rotated" {
  input            = "gen-${var.generation}"
  triggers_replace = [var.generation]
}

resource "terraform_data" "secret" {
  input = var.db_password
}

output "password" {
  value     = var.db_password
  sensitive = true
}

output "generation" {
  value = terraform_data.rotated.output
}
"""
FAILING_TF = """
resource "terraform_data" "boom" {
  input = "x"

  provisioner "local-exec" {
    command = "echo failing >&2; exit 3"
  }
}
"""


class Workspace:
    """A directory with a module, where terraform runs without any CLI configuration."""

    def __init__(self, root: Path, module: str) -> None:
        self.root = root
        (root / "main.tf").write_text(module)
        self.env = {key: value for key, value in os.environ.items() if not key.startswith("TF_")}
        self.env.update(
            TF_CLI_CONFIG_FILE=str(root / "missing.tfrc"),
            TF_IN_AUTOMATION="1",
            TF_INPUT="0",
            CHECKPOINT_DISABLE="1",
        )

    def command(self, *args: str) -> list[str]:
        assert TERRAFORM is not None
        return [TERRAFORM, *args]

    def run(self, *args: str, expect: int = 0) -> str:
        """Run terraform; its stdout, after checking the exit code."""
        done = subprocess.run(
            self.command(*args),
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == expect, done.stderr
        return done.stdout

    def follow(self, *args: str) -> Iterator[str]:
        """Run terraform and yield its stdout line by line while it runs."""
        with subprocess.Popen(
            self.command(*args),
            cwd=self.root,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        ) as process:
            assert process.stdout is not None
            yield from process.stdout
            assert process.wait(timeout=180) == 0


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """The ``terraform_data`` module, initialised."""
    workspace = Workspace(tmp_path, MAIN_TF)
    workspace.run("init", "-no-color")
    return workspace


def _addresses(
    groups: dict[ChangeAction, tuple[ResourceChange, ...]],
) -> dict[ChangeAction, list[str]]:
    return {action: [item.address for item in items] for action, items in groups.items()}


def test_first_plan_and_apply(workspace: Workspace) -> None:
    secret = f"db_password={OLD_SECRET}"
    workspace.run("plan", "-out=first.tfplan", "-var", secret)
    shown = workspace.run("show", "-json", "first.tfplan")
    assert OLD_SECRET in shown, "the plan really holds the secret"
    plan = summarize_plan_json(shown)
    assert plan.counts == PlanCounts(add=3)
    assert _addresses(plan.by_action()) == {
        ChangeAction.CREATE: [
            "terraform_data.keep",
            "terraform_data.rotated",
            "terraform_data.secret",
        ]
    }
    outputs = {output.name: output.value for output in plan.outputs}
    assert outputs == {"generation": "(known after apply)", "password": SENSITIVE}
    text = render_plan_text(plan)
    assert text.split("\n")[0] == "*Terraform plan:* +3 ~0 \u22120"
    assert OLD_SECRET not in text and OLD_SECRET not in repr(plan)

    streamed = summarize_stream(workspace.run("plan", "-json", "-var", secret).splitlines())
    assert streamed.state is StreamState.PLANNED
    assert streamed.plan_counts == PlanCounts(add=3)
    assert streamed.terraform_version is not None

    applied = summarize_stream(workspace.run("apply", "-json", "first.tfplan").splitlines())
    assert applied.state is StreamState.APPLIED
    assert applied.applied_counts == PlanCounts(add=3)
    assert {resource.outcome for resource in applied.resources} == {ResourceOutcome.APPLIED}
    assert applied.progress == (3, 3)
    text = render_stream_text(applied)
    assert text.split("\n")[0] == "*Terraform apply complete:* +3 ~0 \u22120"
    assert '`generation`: `"gen-1"`' in text and "`password`: (sensitive)" in text
    assert OLD_SECRET not in text

    destroyed = summarize_stream(
        workspace.run("destroy", "-json", "-auto-approve", "-var", secret).splitlines()
    )
    assert (destroyed.state, destroyed.operation) == (StreamState.APPLIED, "destroy")
    assert destroyed.plan_counts == destroyed.applied_counts == PlanCounts(destroy=3)
    assert render_stream_text(destroyed).split("\n")[:2] == [
        "*Terraform destroy complete:* \u22123",
        "*Destroy (3)*",
    ]


def test_replacement_update_and_redaction(workspace: Workspace) -> None:
    workspace.run("apply", "-auto-approve", "-var", f"db_password={OLD_SECRET}")
    new_vars = ["-var", "generation=2", "-var", f"db_password={NEW_SECRET}"]

    workspace.run("plan", "-out=second.tfplan", *new_vars)
    shown = workspace.run("show", "-json", "second.tfplan")
    assert OLD_SECRET in shown and NEW_SECRET in shown
    plan = summarize_plan_json(shown.encode())
    assert plan.counts == PlanCounts(change=1, replace=1)
    groups = plan.by_action()
    assert _addresses(groups) == {
        ChangeAction.REPLACE: ["terraform_data.rotated"],
        ChangeAction.UPDATE: ["terraform_data.secret"],
    }
    (rotated,) = groups[ChangeAction.REPLACE]
    assert rotated.reason == "replace_because_cannot_update"
    assert [item.name for item in rotated.attributes if item.forces_replacement] == [
        "triggers_replace"
    ]
    (updated,) = groups[ChangeAction.UPDATE]
    assert [(item.name, item.sensitive, item.known_after_apply) for item in updated.attributes] == [
        ("input", True, False),
        ("output", False, True),
    ]
    # Terraform does not mark the copy of the secret in ``output`` as sensitive: resource
    # attribute values are never shown, whatever the masks say.
    change = next(
        entry["change"]
        for entry in json.loads(shown)["resource_changes"]
        if entry["address"] == "terraform_data.secret"
    )
    assert change["before"]["output"] == OLD_SECRET
    assert "output" not in change["before_sensitive"]
    password = next(output for output in plan.outputs if output.name == "password")
    assert (password.action, password.value, password.previous) == ("update", SENSITIVE, SENSITIVE)
    text = render_plan_text(plan)
    assert (
        "`terraform_data.rotated` \u2014 cannot be updated in place; forces replacement: " in text
    )
    assert "triggers_replace" in text
    assert (
        "`terraform_data.secret` \u2014 changes: input (sensitive), output (known after apply)"
        in text
    )
    for secret in (OLD_SECRET, NEW_SECRET):
        assert secret not in text and secret not in repr(plan)

    streamed = summarize_stream(workspace.run("plan", "-json", *new_vars).splitlines())
    assert streamed.plan_counts == PlanCounts(change=1, replace=1)
    replaced = streamed.by_action()[ChangeAction.REPLACE]
    assert [(item.address, item.reason) for item in replaced] == [
        ("terraform_data.rotated", "replace_because_cannot_update")
    ]

    summarizer = StreamSummarizer()
    states = []
    for line in workspace.follow("apply", "-json", "second.tfplan"):
        summarizer.feed(line)
        states.append(summarizer.state)
        assert NEW_SECRET not in render_stream_text(summarizer.summary())
    assert states[0] is StreamState.PLANNING and states[-1] is StreamState.APPLIED
    assert StreamState.APPLYING in states
    applied = summarizer.summary()
    assert applied.applied_counts == PlanCounts(change=1, replace=1)
    text = render_stream_text(applied)
    assert text.split("\n")[0] == "*Terraform apply complete:* +0 ~1 \u22120 \u00b11"
    assert '`generation`: `"gen-2"`' in text

    requested = summarize_stream(
        workspace.run("plan", "-json", "-replace=terraform_data.keep", *new_vars).splitlines()
    )
    assert [(item.address, item.reason) for item in requested.resources] == [
        ("terraform_data.keep", "replace_by_request")
    ]
    assert requested.plan_counts == PlanCounts(replace=1)


def test_failed_provisioner_then_tainted_replacement(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path, FAILING_TF)
    workspace.run("init", "-no-color")

    failed = summarize_stream(
        workspace.run("apply", "-json", "-auto-approve", expect=1).splitlines()
    )
    assert failed.state is StreamState.ERRORED
    (error,) = failed.errors
    assert (error.summary, error.address, error.location) == (
        "local-exec provisioner error",
        "terraform_data.boom",
        "main.tf:5",
    )
    assert "exit status 3" in error.detail
    assert [(item.address, item.outcome) for item in failed.resources] == [
        ("terraform_data.boom", ResourceOutcome.FAILED)
    ]
    text = render_stream_text(failed)
    assert text.split("\n")[0] == "*Terraform apply failed* \u00b7 plan +1 ~0 \u22120"
    assert "`terraform_data.boom` \u2014 *failed*" in text
    assert "local-exec provisioner error at `main.tf:5` on `terraform_data.boom`" in text

    workspace.run("plan", "-out=retry.tfplan", expect=0)
    plan = summarize_plan_json(workspace.run("show", "-json", "retry.tfplan"))
    (resource,) = plan.resources
    assert (resource.action, resource.reason) == (ChangeAction.REPLACE, "replace_because_tainted")
    assert plan.counts == PlanCounts(replace=1)
    assert "`terraform_data.boom` \u2014 tainted" in render_plan_text(plan)

    streamed = summarize_stream(workspace.run("plan", "-json").splitlines())
    assert [(item.address, item.reason) for item in streamed.resources] == [
        ("terraform_data.boom", "replace_because_tainted")
    ]
    assert json.loads(workspace.run("show", "-json", "retry.tfplan"))["format_version"] == "1.2"
