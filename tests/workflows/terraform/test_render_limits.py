"""Rendered summaries stay within Slack's limits: thousands of resources fit in
``max_chars`` with "... and N more", lines are never cut, errors get room first, and every
value from the plan is escaped."""

from __future__ import annotations

import json
import time

import pytest

from tests.workflows.terraform.fixture_data import MORE_LINE, assert_slack_safe
from tests.workflows.terraform.synthetic_plans import large_plan, plan, resource_change
from workflows.runs.events import PlanCounts
from workflows.terraform import (
    ChangeAction,
    render_plan_text,
    render_stream_text,
    summarize_plan,
    summarize_stream,
)

UNLIMITED = 10_000_000


def test_five_thousand_resources_render_within_limit() -> None:
    summary = summarize_plan(large_plan(5000))
    assert summary.counts == PlanCounts(add=715, change=715, destroy=714, replace=1428)
    started = time.perf_counter()
    text = render_plan_text(summary)
    elapsed = time.perf_counter() - started

    assert_slack_safe(text, 2900)
    assert len(text) > 2500, "the room is used, not left empty"
    lines = text.split("\n")
    assert lines[0] == "*Terraform plan:* +715 ~715 \u22120 \u00b11428".replace(
        "\u22120", "\u2212714"
    )
    headers = [line for line in lines if line.startswith("*") and line.endswith(")*")]
    assert headers == [
        "*Replace (1428)*",
        "*Destroy (714)*",
        "*Create (715)*",
        "*Update in place (715)*",
        "*Read (714)*",
    ]
    assert lines[2].startswith("\u2022 `module.team_2.aws_instance.web_2[2]` \u2014 ")
    assert "forces replacement: ami" in lines[2]
    assert "old-pw" not in text and "new-pw" not in text
    assert elapsed < 2.0


@pytest.mark.parametrize("max_chars", [120, 300, 700, 1500, 2900, 12_000, 40_000])
def test_any_limit_keeps_whole_lines(max_chars: int) -> None:
    summary = summarize_plan(large_plan(1200))
    full = set(render_plan_text(summary, max_chars=UNLIMITED).split("\n"))
    text = render_plan_text(summary, max_chars=max_chars)
    assert len(text) <= max_chars
    for line in text.split("\n"):
        assert line in full or MORE_LINE.match(line), line
    if max_chars >= 300:
        assert_slack_safe(text, max_chars)


def test_unlimited_render_lists_every_changed_resource() -> None:
    summary = summarize_plan(large_plan(700))
    text = render_plan_text(summary, max_chars=UNLIMITED)
    items = [line for line in text.split("\n") if line.startswith("\u2022 ")]
    assert len(items) == 600  # the 100 no-ops are not listed
    assert "... and" not in text


def test_smallest_limits_sum_up_and_refuse_less_than_the_headline() -> None:
    summary = summarize_plan(large_plan(50))
    tiny = render_plan_text(summary, max_chars=60)
    assert tiny.split("\n") == ["*Terraform plan:* +8 ~7 \u22127 \u00b114", "... and 43 more"]
    with pytest.raises(ValueError, match="max_chars=20"):
        render_plan_text(summary, max_chars=20)


def test_errors_get_room_before_resources() -> None:
    lines = [json.dumps({"type": "version", "terraform": "1.11.4"})]
    for index in range(3000):
        change = {
            "resource": {"addr": f"aws_s3_object.file_{index}", "resource": "x"},
            "action": "create",
        }
        lines.append(json.dumps({"type": "planned_change", "change": change}))
    diagnostic = {
        "severity": "error",
        "summary": "Quota exceeded",
        "detail": "Too many objects.",
        "range": {"filename": "objects.tf", "start": {"line": 12, "column": 1}},
    }
    lines.append(json.dumps({"type": "diagnostic", "diagnostic": diagnostic}))
    text = render_stream_text(summarize_stream(lines))
    assert_slack_safe(text, 2900)
    assert "*Errors (1)*\n\u2022 Quota exceeded at `objects.tf:12`: Too many objects." in text
    assert "*Create (3000)*" in text and MORE_LINE.search(text.replace("\n", "\n")) is None
    assert any(MORE_LINE.match(line) for line in text.split("\n"))


def test_values_from_the_plan_are_escaped() -> None:
    hostile = resource_change(
        'aws_s3_bucket.b["<!channel> & <@U123>`x`"]',
        ["update"],
        before={"acl": "private", "<b>": 1},
        after={"acl": "public", "<b>": 2},
        action_reason="<!here> & @channel reason",
    )
    document = plan(
        [hostile],
        output_changes={
            "note": {
                "actions": ["create"],
                "before": None,
                "after": "<https://evil.example|click> & \n<!everyone>",
                "after_unknown": False,
                "before_sensitive": False,
                "after_sensitive": False,
            }
        },
    )
    text = render_plan_text(summarize_plan(document))
    assert_slack_safe(text, 2900)
    assert '`aws_s3_bucket.b["&lt;!channel&gt; &amp; &lt;@U123&gt;\u02cbx\u02cb"]`' in text
    assert "&lt;!here&gt; &amp; @\u2060channel reason" in text
    assert "changes: &lt;b&gt;, acl" in text
    assert '`"&lt;https://evil.example|click&gt; &amp; &lt;!everyone&gt;"`' in text
    assert "@channel" not in text and "@\u2060channel" in text


def test_long_values_and_non_bmp_text_are_counted_as_slack_counts() -> None:
    emoji = "\U0001f680" * 40
    changes = [
        resource_change(f'null_resource.r["{emoji}{index}"]', ["create"]) for index in range(200)
    ]
    document = plan(
        changes,
        output_changes={
            "long": {
                "actions": ["create"],
                "before": None,
                "after": "x" * 500,
                "after_unknown": False,
                "before_sensitive": False,
                "after_sensitive": False,
            }
        },
    )
    summary = summarize_plan(document)
    (output,) = summary.outputs
    assert output.value == json.dumps("x" * 59 + "\u2026", ensure_ascii=False)
    text = render_plan_text(summary, max_chars=2000)
    assert_slack_safe(text, 2000)
    assert len(text.encode("utf-16-le")) // 2 > len(text)


def test_unknown_actions_are_listed_apart() -> None:
    document = plan(
        [
            resource_change("aws_thing.a", ["frobnicate"]),
            resource_change("aws_thing.b", ["forget"]),
            resource_change("aws_thing.c", ["create", "forget"]),
        ]
    )
    summary = summarize_plan(document)
    assert [resource.action for resource in summary.resources] == [
        ChangeAction.REPLACE,
        ChangeAction.FORGET,
        ChangeAction.UNKNOWN,
    ]
    assert summary.counts == PlanCounts(replace=1)
    assert summary.forgotten == 1
    text = render_plan_text(summary)
    assert "*Other actions (1)*\n\u2022 `aws_thing.a` (frobnicate)" in text
    assert "*Remove from state (not destroyed) (1)*" in text
    assert "1 to remove from state" in text.split("\n")[0]
