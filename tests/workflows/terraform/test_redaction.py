"""Values marked sensitive anywhere (change masks, ``sensitive_values`` of planned or prior
state, sensitive outputs in any of the places terraform marks them) are never kept or
shown; attribute names are shown with "(sensitive)" instead."""

from __future__ import annotations

import json
from typing import Any

from tests.workflows.terraform.fixture_data import assert_no_secret, plan_secrets
from tests.workflows.terraform.synthetic_plans import plan, resource_change
from workflows.terraform import (
    SENSITIVE,
    render_plan_text,
    render_stream_text,
    summarize_plan,
    summarize_stream,
)

SECRETS = {
    "pw-old-1f3e",
    "pw-new-77aa",
    "tok-9c1d",
    "whole-object-b1",
    "cfg-only-out",
    "prior-only-out",
    "before-only-out",
    "nested-out-5d",
    "planned-only-out",
    "drift-secret-42",
}


def _output(before: Any, after: Any, **masks: Any) -> dict[str, Any]:
    change = {"actions": ["update"], "before": before, "after": after, "after_unknown": False}
    change.update({"before_sensitive": False, "after_sensitive": False, **masks})
    return change


def sensitive_plan() -> dict[str, Any]:
    """A plan hiding a secret in each place terraform can mark one."""
    changes = [
        resource_change(
            "aws_db_instance.main",
            ["update"],
            before={"password": "pw-old-1f3e", "size": "small"},
            after={"password": "pw-new-77aa", "size": "large"},
            before_sensitive=None,
            after_sensitive=None,
        ),
        resource_change(
            "aws_instance.web",
            ["update"],
            before={"tags": {"token": "tok-0000", "team": "a"}},
            after={"tags": {"token": "tok-9c1d", "team": "a"}},
            before_sensitive={"tags": {"token": True}},
            after_sensitive={"tags": {"token": True}},
        ),
        resource_change(
            "aws_secret.all",
            ["delete", "create"],
            before={"value": "old"},
            after={"value": "whole-object-b1"},
            before_sensitive=True,
            after_sensitive=True,
            change_extra={"replace_paths": [["value"]]},
        ),
    ]
    for change in changes[:1]:
        del change["change"]["before_sensitive"]
        del change["change"]["after_sensitive"]
    return plan(
        changes,
        planned_values={
            "outputs": {"planned": {"sensitive": True, "value": "planned-only-out"}},
            "root_module": {
                "resources": [
                    {
                        "address": "aws_db_instance.main",
                        "values": {"password": "pw-new-77aa"},
                        "sensitive_values": {"password": True},
                    }
                ]
            },
        },
        prior_state={
            "values": {
                "outputs": {"prior": {"sensitive": True, "value": "prior-only-out"}},
                "root_module": {
                    "child_modules": [
                        {
                            "resources": [
                                {
                                    "address": "aws_db_instance.main",
                                    "values": {"password": "pw-old-1f3e"},
                                    "sensitive_values": {"password": True},
                                }
                            ]
                        }
                    ]
                },
            }
        },
        configuration={"root_module": {"outputs": {"configured": {"sensitive": True}}}},
        output_changes={
            "configured": _output(None, "cfg-only-out"),
            "prior": _output("prior-only-out", "prior-only-out2"),
            "before_only": _output("before-only-out", "now-public", before_sensitive=True),
            "nested": _output({"a": "x"}, {"a": "nested-out-5d"}, after_sensitive={"a": True}),
            "planned": _output(None, "planned-only-out"),
            "public": _output("v1", "v2"),
        },
        resource_drift=[
            resource_change(
                "aws_db_instance.main",
                ["update"],
                before={"password": "x", "port": 1},
                after={"password": "drift-secret-42", "port": 2},
                before_sensitive={"password": True},
                after_sensitive={"password": True},
            )
        ],
    )


def test_every_secret_is_found_by_the_test_walker() -> None:
    assert plan_secrets(sensitive_plan()) >= SECRETS


def test_sensitive_attributes_are_named_never_valued() -> None:
    summary = summarize_plan(sensitive_plan())
    attributes = {
        resource.address: [(item.name, item.sensitive) for item in resource.attributes]
        for resource in summary.resources
    }
    assert attributes == {
        "aws_secret.all": [("value", True)],
        "aws_db_instance.main": [("password", True), ("size", False)],
        "aws_instance.web": [("tags", True)],
    }
    text = render_plan_text(summary)
    assert "`aws_db_instance.main` \u2014 changes: password (sensitive), size" in text
    assert "`aws_instance.web` \u2014 changes: tags (sensitive)" in text
    assert "`aws_secret.all` \u2014 forces replacement: value (sensitive)" in text
    assert "`aws_db_instance.main` updated: password (sensitive), port" in text
    assert_no_secret(text, SECRETS | {"tok-0000", "small", "large"})
    assert_no_secret(repr(summary), SECRETS)


def test_outputs_marked_anywhere_are_sensitive() -> None:
    summary = summarize_plan(sensitive_plan())
    shown = {
        output.name: (output.sensitive, output.previous, output.value) for output in summary.outputs
    }
    assert shown == {
        "configured": (True, SENSITIVE, SENSITIVE),
        "prior": (True, SENSITIVE, SENSITIVE),
        "before_only": (True, SENSITIVE, SENSITIVE),
        "nested": (True, SENSITIVE, SENSITIVE),
        "planned": (True, SENSITIVE, SENSITIVE),
        "public": (False, '"v1"', '"v2"'),
    }
    text = render_plan_text(summary)
    assert '`public` (update): `"v1"` \u2192 `"v2"`' in text
    assert "`before_only` (update): (sensitive)" in text
    assert "now-public" not in text


def test_sensitive_outputs_in_streams_are_hidden() -> None:
    outputs = {
        "db_password": {"sensitive": True, "type": "string", "value": "stream-pw-31"},
        "endpoint": {"sensitive": False, "type": "string", "value": "db.internal:5432"},
        "keys": {"sensitive": True, "type": ["list", "string"], "value": ["k-one", "k-two"]},
    }
    lines = [
        json.dumps({"type": "change_summary", "changes": {"operation": "apply"}}),
        json.dumps({"type": "outputs", "outputs": outputs}),
    ]
    summary = summarize_stream(lines)
    text = render_stream_text(summary)
    assert_no_secret(text, {"stream-pw-31", "k-one", "k-two"})
    assert_no_secret(repr(summary), {"stream-pw-31", "k-one", "k-two"})
    assert '`endpoint`: `"db.internal:5432"`' in text
    assert "`db_password`: (sensitive)" in text and "`keys`: (sensitive)" in text
