"""What is not a plan or a log raises one clear ``PlanFormatError``; what is only
incomplete (missing keys, unknown message types) is read as far as it goes."""

from __future__ import annotations

import json

import pytest

from workflows.runs.events import PlanCounts
from workflows.terraform import (
    ChangeAction,
    PlanFormatError,
    StreamState,
    StreamSummarizer,
    render_plan_text,
    render_stream_text,
    summarize_plan,
    summarize_plan_json,
    summarize_stream,
)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("terraform says hi", "the plan is not JSON: Expecting value at line 1, column 1"),
        (b"\xff\xfe{", "the plan is not UTF-8 text"),
        ("[1, 2]", "a plan is a JSON object, not a list"),
        ('"plan"', "a plan is a JSON object, not a string"),
        ('{"hello": 1}', "not a terraform plan: no format_version, resource_changes or"),
        ('{"format_version": "1.0", "values": {}}', "this is terraform state"),
        ('{"format_version": 1.2}', "format_version is a number, not a string"),
        ('{"format_version": "x.y"}', "format_version 'x.y' is not a version number"),
        ('{"format_version": "2.0"}', "plan format_version 2.0 is not supported"),
        ('{"format_version": "1.2", "resource_changes": {}}', "resource_changes is an object"),
        ('{"format_version": "1.2", "resource_changes": [3]}', "resource_changes[0] is a number"),
        ('{"format_version": "1.2", "resource_changes": [{}]}', "resource_changes[0] has no"),
        ('{"format_version": "1.1", "resource_drift": "no"}', "resource_drift is a string"),
    ],
)
def test_malformed_plans_raise_plan_format_error(text: str | bytes, message: str) -> None:
    with pytest.raises(PlanFormatError) as raised:
        summarize_plan_json(text)
    assert str(raised.value).startswith(message)
    assert isinstance(raised.value, ValueError)


def test_plan_mapping_of_the_wrong_type_raises() -> None:
    with pytest.raises(PlanFormatError, match="a plan is a JSON object, not a list"):
        summarize_plan([])  # type: ignore[arg-type]


def test_missing_keys_are_tolerated() -> None:
    document = {
        "format_version": "1.2",
        "resource_changes": [
            {"type": "aws_instance", "name": "web", "module_address": "module.a", "index": 0},
            {"address": "aws_instance.db", "change": {"actions": ["update"]}},
            {"type": "aws_ami", "name": "x", "mode": "data", "change": {"actions": ["read"]}},
            {"type": "aws_iam_user", "name": "u", "index": "bob", "change": {"actions": "x"}},
        ],
        "output_changes": {"broken": "x", "ok": {"actions": ["delete"]}},
        "checks": [
            {"status": "fail"},
            {"address": {"to_display": "check.health"}, "status": "fail"},
            {"address": {"to_display": "check.fine"}, "status": "pass"},
        ],
        "errored": True,
    }
    summary = summarize_plan(document)
    assert [(item.address, item.action) for item in summary.resources] == [
        ("aws_instance.db", ChangeAction.UPDATE),
        ("data.aws_ami.x", ChangeAction.READ),
        ("module.a.aws_instance.web[0]", ChangeAction.UNKNOWN),
        ('aws_iam_user.u["bob"]', ChangeAction.UNKNOWN),
    ]
    assert summary.counts == PlanCounts(change=1)
    assert summary.failed_checks == ("check.health",)
    assert [(output.name, output.action, output.value) for output in summary.outputs] == [
        ("ok", "delete", None)
    ]
    text = render_plan_text(summary)
    assert text.split("\n")[0] == "*Terraform plan errored* (partial plan): +0 ~1 \u22120"
    assert "(no action given)" in text
    assert "*Checks failed (1)*\n\u2022 `check.health`" in text


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"type": "version"}', "{not json"], "line 2 of the log is not JSON"),
        (["[1]"], "line 1 of the log is not a JSON object"),
        (['"text"'], "line 1 of the log is not a JSON object"),
        ([b"\xff"], "line 1 of the log is not UTF-8 text"),
        (["", "   ", "Terraform v1.11"], "line 3 of the log is not JSON"),
    ],
)
def test_malformed_log_lines_raise_plan_format_error(lines: list[str], message: str) -> None:
    with pytest.raises(PlanFormatError, match=message):
        summarize_stream(lines)


def test_log_messages_missing_keys_or_of_unknown_types_are_skipped() -> None:
    messages = [
        {"type": "version"},
        {"type": "planned_change"},
        {"type": "planned_change", "change": {"resource": {}}},
        {"type": "planned_change", "change": {"resource": {"addr": "a.b"}, "action": "mutate"}},
        {"type": "apply_start", "hook": "x"},
        {"type": "change_summary", "changes": {"add": "three"}},
        {"type": "something_new", "payload": [1, 2]},
        {"no_type": True},
        {"type": "outputs", "outputs": {"x": "y"}},
        {"type": "diagnostic", "@level": "warning", "@message": "Warning: deprecated"},
    ]
    summary = summarize_stream("\n".join(json.dumps(message) for message in messages))
    assert summary.state is StreamState.APPLYING
    assert [(item.address, item.action) for item in summary.resources] == [
        ("a.b", ChangeAction.UNKNOWN)
    ]
    assert summary.counts is None and summary.outputs == ()
    (warning,) = summary.warnings
    assert (warning.severity, warning.summary) == ("warning", "Warning: deprecated")
    assert summary.errors == ()
    text = render_stream_text(summary)
    assert "*Warnings (1)*\n\u2022 Warning: deprecated" in text
    assert "*Other actions (1)*\n\u2022 `a.b` (mutate)" in text


def test_state_only_moves_forward_and_errored_stays() -> None:
    summarizer = StreamSummarizer()
    apply_summary = {"type": "change_summary", "changes": {"add": 1, "operation": "apply"}}
    summarizer.feed(json.dumps(apply_summary))
    summarizer.feed(json.dumps({"type": "change_summary", "changes": {"operation": "plan"}}))
    assert summarizer.state is StreamState.APPLIED
    summarizer.feed(json.dumps({"type": "apply_errored", "hook": {}}))
    summarizer.feed(json.dumps({"type": "change_summary", "changes": {"operation": "apply"}}))
    assert summarizer.summary().state is StreamState.ERRORED
