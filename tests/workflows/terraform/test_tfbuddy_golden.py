"""Our summaries of tfbuddy's real plans agree with tfbuddy's golden Markdown: the same
counts and the same resources under imports, additions, changes, replacements, destructions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.workflows.terraform.fixture_data import assert_slack_safe, terraform_fixtures
from workflows.terraform import ChangeAction, render_plan_text, summarize_plan_json

CASES = ("basic", "destroy-create", "import", "replace")
SECTION = re.compile(r":\w+: <b>(\w+):</b> (\d+)\s*<ul>(.*?)</ul>", re.S)
PLAN_LINE = re.compile(
    r"<b>Plan: </b> (\d+) to import, (\d+) to add, (\d+) to change, (\d+) to replace "
    r"and (\d+) to destroy\."
)
SECTION_ACTIONS = {
    "Additions": ChangeAction.CREATE,
    "Changes": ChangeAction.UPDATE,
    "Replacements": ChangeAction.REPLACE,
    "Destructions": ChangeAction.DELETE,
}


def golden(markdown: str) -> tuple[dict[str, list[str]], dict[str, int], tuple[int, ...]]:
    """tfbuddy's sections (name -> addresses, name -> count) and its plan line's numbers."""
    lists: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for name, count, body in SECTION.findall(markdown):
        lists[name] = re.findall(r"<code>(.*?)</code>", body)
        counts[name] = int(count)
    plan = PLAN_LINE.search(markdown)
    assert plan is not None
    return lists, counts, tuple(int(number) for number in plan.groups())


def test_every_golden_case_is_covered(shared_fixtures: Path) -> None:
    folder = terraform_fixtures(shared_fixtures) / "tfbuddy-plan-markdown"
    assert {path.stem for path in folder.glob("*.md")} == set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_matches_tfbuddy_markdown(shared_fixtures: Path, case: str) -> None:
    folder = terraform_fixtures(shared_fixtures) / "tfbuddy-plan-markdown"
    lists, counts, plan_line = golden((folder / f"{case}.md").read_text())
    summary = summarize_plan_json((folder / f"{case}.tfplan.json").read_bytes())

    assert set(lists) == {"Imports", *SECTION_ACTIONS}
    for name, addresses in lists.items():
        assert len(addresses) == counts[name]
    groups = summary.by_action()
    for name, action in SECTION_ACTIONS.items():
        assert [resource.address for resource in groups.get(action, ())] == lists[name]
    assert [resource.address for resource in summary.resources if resource.importing] == lists[
        "Imports"
    ]

    imported, add, change, replace, destroy = plan_line
    counts_now = summary.counts
    assert (
        counts_now.imported,
        counts_now.add,
        counts_now.change,
        counts_now.replace,
        counts_now.destroy,
    ) == (imported, add, change, replace, destroy)

    rendered = render_plan_text(summary)
    assert_slack_safe(rendered, 2900)
    assert rendered.split("\n")[0].startswith(f"*Terraform plan:* {counts_now.short()}")
    for addresses in lists.values():
        for address in addresses:
            assert f"\u2022 `{address}`" in rendered
