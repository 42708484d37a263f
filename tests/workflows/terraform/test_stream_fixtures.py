"""Every real streamed ``plan -json`` / ``apply -json`` log in the fixtures gives the right
final state, counts, resources, errors and outputs, and secrets never reach the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.workflows.terraform.fixture_data import (
    assert_no_secret,
    assert_slack_safe,
    fixture_lines,
    stream_secrets,
    terraform_fixtures,
)
from workflows.runs.events import PlanCounts, RunStatus
from workflows.terraform import (
    SENSITIVE,
    ChangeAction,
    ResourceOutcome,
    StreamState,
    StreamSummarizer,
    render_stream_text,
    summarize_stream,
)


@dataclass(frozen=True)
class Expected:
    state: StreamState
    counts: PlanCounts | None
    groups: dict[ChangeAction, list[str]] = field(default_factory=dict)
    errors: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    """(summary, file:line, address) of each error."""
    outputs: dict[str, str | None] = field(default_factory=dict)
    headline: str = ""


FOO = {ChangeAction.CREATE: ["null_resource.foo"]}
PLAN_FOO = Expected(
    StreamState.PLANNED, PlanCounts(add=1), FOO, headline="*Terraform plan:* +1 ~0 \u22120"
)
TRIGGERS_ERROR = Expected(
    StreamState.ERRORED,
    None,
    errors=[("Unsupported block type", "main.tf:2", None)],
    headline="*Terraform plan failed*",
)
NO_CHANGES = Expected(StreamState.PLANNED, PlanCounts(), headline="*Terraform plan:* no changes")

STREAMS = {
    "streaming-ui/apply-json-with-error.plan.log.jsonl": TRIGGERS_ERROR,
    "streaming-ui/apply-json-with-outputs.apply.log.jsonl": Expected(
        StreamState.APPLIED,
        PlanCounts(add=1),
        FOO,
        outputs={"complex": None, "secret": SENSITIVE, "simple": None},
        headline="*Terraform apply complete:* +1 ~0 \u22120",
    ),
    "streaming-ui/apply-json-with-outputs.plan.log.jsonl": Expected(
        StreamState.PLANNED,
        PlanCounts(add=1),
        FOO,
        outputs={"complex": None, "secret": SENSITIVE, "simple": None},
        headline="*Terraform plan:* +1 ~0 \u22120",
    ),
    "streaming-ui/apply-json-with-provisioner-error.apply.log.jsonl": Expected(
        StreamState.ERRORED,
        None,
        {ChangeAction.REPLACE: ["null_resource.foo"]},
        errors=[("local-exec provisioner error", "main.tf:2", "null_resource.foo")],
        headline="*Terraform apply failed*",
    ),
    "streaming-ui/apply-json-with-provisioner-error.plan.log.jsonl": PLAN_FOO,
    "streaming-ui/apply-json-with-provisioner.apply.log.jsonl": Expected(
        StreamState.APPLIED,
        PlanCounts(replace=1),
        {ChangeAction.REPLACE: ["null_resource.foo"]},
        headline="*Terraform apply complete:* +0 ~0 \u22120 \u00b11",
    ),
    "streaming-ui/apply-json-with-provisioner.plan.log.jsonl": PLAN_FOO,
    "streaming-ui/apply-json.apply.log.jsonl": Expected(
        StreamState.APPLIED,
        PlanCounts(add=1),
        FOO,
        headline="*Terraform apply complete:* +1 ~0 \u22120",
    ),
    "streaming-ui/apply-json.plan.log.jsonl": PLAN_FOO,
    "streaming-ui/plan-json-basic.plan.log.jsonl": PLAN_FOO,
    "streaming-ui/plan-json-error.plan.log.jsonl": TRIGGERS_ERROR,
    "streaming-ui/plan-json-full.plan.log.jsonl": Expected(
        StreamState.PLANNED,
        PlanCounts(add=1, change=1),
        {
            ChangeAction.CREATE: ["tfcoremock_complex_resource.example"],
            ChangeAction.UPDATE: ["tfcoremock_simple_resource.example"],
        },
        headline="*Terraform plan:* +1 ~1 \u22120",
    ),
    "streaming-ui/plan-json-no-changes.plan.log.jsonl": NO_CHANGES,
    "generated-tf-1.0.3/apply.stream.jsonl": Expected(
        StreamState.APPLIED,
        PlanCounts(),
        outputs={"greeting": '"hello demo"', "secret": SENSITIVE},
        headline="*Terraform apply complete:* no changes",
    ),
    "generated-tf-1.0.3/plan-error.stream.jsonl": Expected(
        StreamState.ERRORED,
        None,
        errors=[("Invalid single-argument block definition", "bad.tf:1", None)],
        headline="*Terraform plan failed*",
    ),
    "generated-tf-1.0.3/plan-update.stream.jsonl": NO_CHANGES,
    "generated-tf-1.0.3/plan.stream.jsonl": NO_CHANGES,
}
RUN_STATUSES = {
    StreamState.PLANNED: RunStatus.PLANNED,
    StreamState.APPLIED: RunStatus.SUCCEEDED,
    StreamState.ERRORED: RunStatus.FAILED,
}


def test_every_stream_fixture_is_covered(shared_fixtures: Path) -> None:
    root = terraform_fixtures(shared_fixtures)
    on_disk = {str(path.relative_to(root)) for path in root.glob("*/*.jsonl")}
    assert on_disk == set(STREAMS)


@pytest.mark.parametrize("name", sorted(STREAMS))
def test_stream_fixture_summary(shared_fixtures: Path, name: str) -> None:
    expected = STREAMS[name]
    lines = fixture_lines(terraform_fixtures(shared_fixtures) / name)
    summary = summarize_stream(lines)

    assert summary.state is expected.state
    assert summary.run_status is RUN_STATUSES[expected.state]
    assert summary.counts == expected.counts
    groups = {
        action: [resource.address for resource in items]
        for action, items in summary.by_action().items()
    }
    assert groups == expected.groups
    assert [
        (error.summary, error.location, error.address) for error in summary.errors
    ] == expected.errors
    assert {output.name: output.value for output in summary.outputs} == expected.outputs

    rendered = render_stream_text(summary)
    assert_slack_safe(rendered, 2900)
    assert rendered.split("\n")[0] == expected.headline
    for summary_text, location, _ in expected.errors:
        assert summary_text in rendered and f"`{location}`" in rendered
    assert_no_secret(rendered, stream_secrets(lines))
    assert_no_secret(repr(summary), stream_secrets(lines))


def test_change_summary_and_version_are_kept(shared_fixtures: Path) -> None:
    path = terraform_fixtures(shared_fixtures) / "streaming-ui/apply-json.apply.log.jsonl"
    summary = summarize_stream(path.read_bytes())
    assert summary.operation == "apply"
    assert summary.change_summary == "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
    assert summary.terraform_version == "1.3.7"
    assert summary.updated_at is not None and summary.updated_at.utcoffset() is not None
    assert summary.resources[0].outcome is ResourceOutcome.APPLIED


def test_provisioner_failure_is_followed_line_by_line(shared_fixtures: Path) -> None:
    path = (
        terraform_fixtures(shared_fixtures)
        / "streaming-ui/apply-json-with-provisioner-error.apply.log.jsonl"
    )
    summarizer = StreamSummarizer()
    states = []
    texts = []
    for line in fixture_lines(path):
        summarizer.feed(line)
        states.append(summarizer.state)
        texts.append(render_stream_text(summarizer.summary()))
    assert states[0] is StreamState.PLANNING
    assert StreamState.APPLYING in states
    assert states[-1] is StreamState.ERRORED
    assert texts[0] == "*Terraform:* planning\u2026"
    assert any(text.startswith("*Terraform:* applying\u2026 0/1 done") for text in texts)

    summary = summarizer.summary()
    (resource,) = summary.resources
    assert resource.outcome is ResourceOutcome.FAILED
    assert [(failure.provisioner, failure.action) for failure in summary.failures] == [
        ("local-exec", None),
        (None, "create"),
    ]
    (error,) = summary.errors
    assert error.detail.startswith("Error running command 'exit 125'")
    text = render_stream_text(summary)
    assert "`null_resource.foo` \u2014 *failed*" in text
    assert (
        "\u2022 local-exec provisioner error at `main.tf:2` on `null_resource.foo`: "
        "Error running command 'exit 125': exit status 125. Output:" in text
    )


def test_sensitive_stream_output_value_never_shown(shared_fixtures: Path) -> None:
    path = (
        terraform_fixtures(shared_fixtures) / "streaming-ui/apply-json-with-outputs.apply.log.jsonl"
    )
    summary = summarize_stream(fixture_lines(path))
    text = render_stream_text(summary)
    assert "my-secret" not in text and "my-secret" not in repr(summary)
    assert "`secret`: (sensitive)" in text

    generated = terraform_fixtures(shared_fixtures) / "generated-tf-1.0.3/apply.stream.jsonl"
    text = render_stream_text(summarize_stream(fixture_lines(generated)))
    assert "s3cr3t" not in text
    assert '`greeting`: `"hello demo"`' in text
