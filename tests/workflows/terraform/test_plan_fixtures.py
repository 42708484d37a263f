"""Every real ``terraform show -json`` plan in the fixtures (format 0.1 to 1.2, Terraform
0.12 to 1.15) is summarised with the right counts, groups, reasons, drift and outputs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.workflows.terraform.fixture_data import (
    assert_no_secret,
    assert_slack_safe,
    plan_secrets,
    terraform_fixtures,
)
from workflows.runs.events import PlanCounts
from workflows.terraform import (
    SENSITIVE,
    ChangeAction,
    render_plan_text,
    summarize_plan,
    summarize_plan_json,
)


@dataclass(frozen=True)
class Expected:
    format_version: str
    counts: PlanCounts
    groups: dict[ChangeAction, list[str]] = field(default_factory=dict)
    moved: int = 0
    outputs: dict[str, str | None] = field(default_factory=dict)
    """Output name -> the value shown (None: no value shown)."""


NULL_SEVEN = [
    "module.foo.null_resource.aliased",
    "module.foo.null_resource.foo",
    "null_resource.bar",
    "null_resource.baz[0]",
    "null_resource.baz[1]",
    "null_resource.baz[2]",
    "null_resource.foo",
]
OUTPUTS_UNKNOWN = {
    "foo": SENSITIVE,
    "interpolated": "(known after apply)",
    "interpolated_deep": "(known after apply)",
    "list": None,
    "map": None,
    "referenced": "(known after apply)",
    "referenced_deep": "(known after apply)",
    "string": '"foo"',
}
OUTPUTS_KNOWN = {
    **OUTPUTS_UNKNOWN,
    "interpolated": '"424881806176056736"',
    "interpolated_deep": None,
    "referenced": '"424881806176056736"',
    "referenced_deep": None,
}

SHOW_JSON = {
    "terraform-cloud-testdata.plan-json-basic.plan-unredacted.json": Expected(
        "1.1", PlanCounts(add=1), {ChangeAction.CREATE: ["null_resource.foo"]}
    ),
    "terraform-cloud-testdata.plan-json-full.plan-unredacted.json": Expected(
        "1.1",
        PlanCounts(add=2),
        {
            ChangeAction.CREATE: [
                "tfcoremock_complex_resource.example",
                "tfcoremock_simple_resource.example",
            ]
        },
    ),
    "terraform-cloud-testdata.plan-json-no-changes.plan-unredacted.json": Expected(
        "1.1", PlanCounts()
    ),
    "terraform-json.110_basic.plan.json": Expected(
        "1.0", PlanCounts(add=7), {ChangeAction.CREATE: NULL_SEVEN}, outputs=OUTPUTS_UNKNOWN
    ),
    "terraform-json.110_sensitive_values.plan.json": Expected(
        "0.2", PlanCounts(add=7), {ChangeAction.CREATE: NULL_SEVEN}, outputs=OUTPUTS_UNKNOWN
    ),
    "terraform-json.action_reason.plan.json": Expected(
        "1.2", PlanCounts(replace=1), {ChangeAction.REPLACE: ["null_resource.example"]}
    ),
    "terraform-json.basic.plan-0.15.json": Expected(
        "0.1",
        PlanCounts(add=1),
        {ChangeAction.CREATE: ["test_instance.test"]},
        outputs={"test": SENSITIVE},
    ),
    "terraform-json.basic.plan.json": Expected(
        "0.1",
        PlanCounts(add=7),
        {ChangeAction.CREATE: NULL_SEVEN, ChangeAction.READ: ["data.null_data_source.baz"]},
        outputs=OUTPUTS_UNKNOWN,
    ),
    "terraform-json.config_resource_depends_on.plan.json": Expected(
        "0.1", PlanCounts(replace=1), {ChangeAction.REPLACE: ["null_resource.bar"]}
    ),
    "terraform-json.deep_module.plan.json": Expected(
        "0.1", PlanCounts(add=1), {ChangeAction.CREATE: ["module.foo.module.bar.null_resource.baz"]}
    ),
    "terraform-json.explicit_null.plan.json": Expected(
        "0.1",
        PlanCounts(add=3),
        {ChangeAction.CREATE: ["null_resource.bar", "null_resource.baz", "null_resource.foo"]},
    ),
    "terraform-json.has_changes.plan.json": Expected("0.1", PlanCounts(), outputs=OUTPUTS_KNOWN),
    "terraform-json.has_checks.plan.json": Expected(
        "1.2",
        PlanCounts(add=2),
        {
            ChangeAction.CREATE: [
                'module.files.local_file.foo["file1.txt"]',
                'module.files.local_file.foo["file2.txt"]',
            ]
        },
    ),
    "terraform-json.identity.plan.json": Expected(
        "1.2",
        PlanCounts(change=1, imported=1),
        {ChangeAction.UPDATE: ["corner_user_identity.user"]},
    ),
    "terraform-json.moved_block.plan.json": Expected(
        "1.2", PlanCounts(), {ChangeAction.MOVE: ["random_id.test2"]}, moved=1
    ),
    "terraform-json.no_changes.plan.json": Expected("0.1", PlanCounts(), outputs=OUTPUTS_KNOWN),
    "terraform-json.output_depends_on.plan.json": Expected(
        "0.1",
        PlanCounts(add=2),
        {ChangeAction.CREATE: ["null_resource.bar", "null_resource.foo"]},
        outputs={"id": "(known after apply)"},
    ),
    "terraform-json.registry_module.plan.json": Expected(
        "0.1", PlanCounts(add=1), {ChangeAction.CREATE: ["module.module.null_resource.resource"]}
    ),
    "generated-tf-1.0.3/plan.show.json": Expected(
        "0.2", PlanCounts(), outputs={"greeting": '"hello demo"', "secret": SENSITIVE}
    ),
    "generated-tf-1.0.3/plan-update.show.json": Expected(
        "0.2", PlanCounts(), outputs={"greeting": '"goodbye demo"'}
    ),
}


def _path(shared_fixtures: Path, name: str) -> Path:
    root = terraform_fixtures(shared_fixtures)
    return root / name if "/" in name else root / "show-json" / name


def test_every_plan_fixture_is_covered(shared_fixtures: Path) -> None:
    root = terraform_fixtures(shared_fixtures)
    on_disk = {path.name for path in (root / "show-json").glob("*.json")}
    on_disk |= {
        f"generated-tf-1.0.3/{path.name}" for path in root.glob("generated-tf-1.0.3/*.json")
    }
    assert on_disk == set(SHOW_JSON)


@pytest.mark.parametrize("name", sorted(SHOW_JSON))
def test_plan_fixture_summary(shared_fixtures: Path, name: str) -> None:
    expected = SHOW_JSON[name]
    text = _path(shared_fixtures, name).read_bytes()
    summary = summarize_plan_json(text)

    assert summary.format_version == expected.format_version
    assert summary.counts == expected.counts
    assert summary.moved == expected.moved
    groups = {
        action: [resource.address for resource in items]
        for action, items in summary.by_action().items()
    }
    assert groups == expected.groups
    assert {output.name: output.value for output in summary.outputs} == expected.outputs

    rendered = render_plan_text(summary)
    assert_slack_safe(rendered, 2900)
    for addresses in expected.groups.values():
        for address in addresses:
            assert f"`{address}`" in rendered
    assert_no_secret(rendered, plan_secrets(json.loads(text)), harmless=" ".join(NULL_SEVEN))


def test_replace_reason_and_forced_attributes(shared_fixtures: Path) -> None:
    tainted = summarize_plan_json(
        _path(shared_fixtures, "terraform-json.action_reason.plan.json").read_text()
    )
    (resource,) = tainted.resources
    assert resource.reason == "replace_because_tainted"
    assert resource.raw_actions == ("delete", "create")
    assert "`null_resource.example` \u2014 tainted" in render_plan_text(tainted)

    plan = json.loads(
        (
            terraform_fixtures(shared_fixtures) / "tfbuddy-plan-markdown/replace.tfplan.json"
        ).read_text()
    )
    replaced = summarize_plan(plan).by_action()[ChangeAction.REPLACE]
    pet = next(item for item in replaced if item.address == "random_pet.rando[0]")
    assert pet.reason == "replace_because_cannot_update"
    forced = [attribute.name for attribute in pet.attributes if attribute.forces_replacement]
    assert forced == ["keepers", "length"]


def test_moved_imported_and_updated_resources(shared_fixtures: Path) -> None:
    moved = summarize_plan_json(
        _path(shared_fixtures, "terraform-json.moved_block.plan.json").read_text()
    )
    (resource,) = moved.resources
    assert resource.previous_address == "random_id.test"
    assert "(moved from `random_id.test`)" in render_plan_text(moved)
    assert "1 moved" in render_plan_text(moved).split("\n")[0]

    imported = summarize_plan_json(
        _path(shared_fixtures, "terraform-json.identity.plan.json").read_text()
    )
    (resource,) = imported.resources
    assert resource.importing and resource.action is ChangeAction.UPDATE
    assert [attribute.name for attribute in resource.attributes] == ["age", "name"]
    text = render_plan_text(imported)
    assert "`corner_user_identity.user` (imported) \u2014 changes: age, name" in text
    assert "a@example.com" not in text


def test_drift_is_reported(shared_fixtures: Path) -> None:
    path = terraform_fixtures(shared_fixtures) / "tfbuddy-plan-markdown/replace.tfplan.json"
    summary = summarize_plan_json(path.read_text())
    assert [(item.address, item.action) for item in summary.drift] == [
        ("time_rotating.moar_pets", ChangeAction.DELETE)
    ]
    text = render_plan_text(summary)
    assert "*Changed outside terraform (1)*\n\u2022 `time_rotating.moar_pets` deleted" in text


def test_sensitive_outputs_and_attributes_are_redacted(shared_fixtures: Path) -> None:
    path = _path(shared_fixtures, "terraform-json.basic.plan-0.15.json")
    summary = summarize_plan_json(path.read_text())
    (output,) = summary.outputs
    assert output.sensitive and output.value == SENSITIVE
    text = render_plan_text(summary)
    assert "boop" not in text and "boop" not in repr(summary)
    assert "`test` (create): (sensitive)" in text

    sensitive = summarize_plan_json(
        _path(shared_fixtures, "terraform-json.110_sensitive_values.plan.json").read_text()
    )
    foo = next(output for output in sensitive.outputs if output.name == "foo")
    assert foo.sensitive and foo.value == SENSITIVE
    assert '"bar"' not in render_plan_text(sensitive)
    assert '"bar"' not in repr(sensitive)


def test_generated_output_update_shows_old_and_new(shared_fixtures: Path) -> None:
    summary = summarize_plan_json(
        _path(shared_fixtures, "generated-tf-1.0.3/plan-update.show.json").read_text()
    )
    text = render_plan_text(summary)
    assert text.split("\n")[0] == "*Terraform plan:* no resource changes \u00b7 1 output changes"
    assert '`greeting` (update): `"hello demo"` \u2192 `"goodbye demo"`' in text
    assert "s3cr3t" not in text
