"""Plan and run summaries as Slack ``mrkdwn`` text within a size limit.

A headline with the counts comes first, then the resources grouped by action
(replacements and destroys first), drift, errors, warnings and outputs. Values from the
plan are escaped; sensitive values were never kept, so they cannot be shown. When
everything does not fit, each group ends with "... and N more"; errors get room first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from workflows.runs.events import PlanCounts
from workflows.terraform.actions import reason_words
from workflows.terraform.changes import (
    AttributeChange,
    ChangeAction,
    Diagnostic,
    OutputChange,
    ResourceChange,
    ResourceOutcome,
)
from workflows.terraform.plan_summary import PlanSummary, group_by_action
from workflows.terraform.redaction import KNOWN_AFTER_APPLY, SENSITIVE
from workflows.terraform.slack_text import Section, code, fit_sections, plain
from workflows.terraform.stream_summary import ResourceFailure, StreamState, StreamSummary

DEFAULT_MAX_CHARS = 2900
"""Room for a summary in one Slack text object (3000) with some to spare."""
MAX_ATTRIBUTES = 8
"""How many changed attribute names one resource line names."""

_GROUP_TITLES = {
    ChangeAction.REPLACE: "Replace",
    ChangeAction.DELETE: "Destroy",
    ChangeAction.CREATE: "Create",
    ChangeAction.UPDATE: "Update in place",
    ChangeAction.IMPORT: "Import",
    ChangeAction.MOVE: "Move",
    ChangeAction.READ: "Read",
    ChangeAction.FORGET: "Remove from state (not destroyed)",
    ChangeAction.UNKNOWN: "Other actions",
}
_ERRORS_FIRST, _RESOURCES, _DRIFT, _OUTPUTS, _WARNINGS = 0, 1, 2, 3, 4


def render_plan_text(summary: PlanSummary, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """A plan summary as ``mrkdwn`` of at most ``max_chars`` characters (as Slack counts).

    Raises:
        ValueError: ``max_chars`` is too small for the headline.
    """
    sections = [
        *_resource_sections(summary.resources),
        _drift_section(summary.drift),
        _section(
            "Checks failed",
            [f"\u2022 {code(address)}" for address in summary.failed_checks],
            _ERRORS_FIRST,
        ),
        _section("Outputs", [_output_line(output) for output in summary.outputs], _OUTPUTS),
    ]
    return fit_sections(_plan_headline(summary), sections, max_chars)


def render_stream_text(summary: StreamSummary, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """A streamed run's summary as ``mrkdwn`` of at most ``max_chars`` characters.

    Raises:
        ValueError: ``max_chars`` is too small for the headline.
    """
    errors = [_diagnostic_line(diagnostic) for diagnostic in summary.errors]
    errors.extend(_failure_line(failure) for failure in _unexplained_failures(summary))
    sections = [
        *_resource_sections(summary.resources),
        _drift_section(summary.drift),
        _section("Errors", errors, _ERRORS_FIRST),
        _section(
            "Warnings",
            [_diagnostic_line(diagnostic) for diagnostic in summary.warnings],
            _WARNINGS,
        ),
        _section("Outputs", [_output_line(output) for output in summary.outputs], _OUTPUTS),
    ]
    return fit_sections(_stream_headline(summary), sections, max_chars)


def _section(title: str, items: Sequence[str], priority: int) -> Section:
    return Section(f"*{title} ({len(items)})*", tuple(items), priority)


def _counts_text(counts: PlanCounts, *, moved: int = 0, forgotten: int = 0) -> str:
    parts = [counts.short()]
    if counts.imported:
        parts.append(f"{counts.imported} to import")
    if moved:
        parts.append(f"{moved} moved")
    if forgotten:
        parts.append(f"{forgotten} to remove from state")
    return " \u00b7 ".join(parts)


def _plan_headline(summary: PlanSummary) -> str:
    counts = _counts_text(summary.counts, moved=summary.moved, forgotten=summary.forgotten)
    if summary.errored:
        return f"*Terraform plan errored* (partial plan): {counts}"
    drift = f" \u00b7 {len(summary.drift)} changed outside terraform" if summary.drift else ""
    if not summary.has_changes:
        return f"*Terraform plan:* no changes{drift}"
    if not summary.resources:
        outputs = len(summary.outputs)
        return f"*Terraform plan:* no resource changes \u00b7 {outputs} output changes{drift}"
    return f"*Terraform plan:* {counts}{drift}"


def _stream_headline(summary: StreamSummary) -> str:
    moved = sum(1 for resource in summary.resources if resource.moved)
    plan = _counts_text(summary.plan_counts, moved=moved) if summary.plan_counts else None
    if summary.state is StreamState.PLANNING:
        return "*Terraform:* planning\u2026"
    if summary.state is StreamState.PLANNED:
        counts = summary.plan_counts
        if plan is None or counts is None or (not counts.has_changes and not moved):
            return "*Terraform plan:* no changes"
        return f"*Terraform plan:* {plan}"
    if summary.state is StreamState.APPLYING:
        done, total = summary.progress
        head = f"*Terraform:* applying\u2026 {done}/{total} done"
        return f"{head} \u00b7 plan {plan}" if plan else head
    if summary.state is StreamState.APPLIED:
        applied = summary.applied_counts or PlanCounts()
        if summary.operation == "destroy":
            return f"*Terraform destroy complete:* \u2212{applied.destroy}"
        result = _counts_text(applied) if applied.has_changes else "no changes"
        return f"*Terraform apply complete:* {result}"
    applying = summary.failures or any(
        resource.outcome not in (None, ResourceOutcome.PENDING) for resource in summary.resources
    )
    head = "*Terraform apply failed*" if applying else "*Terraform plan failed*"
    return f"{head} \u00b7 plan {plan}" if plan else head


def _resource_sections(resources: Iterable[ResourceChange]) -> list[Section]:
    return [
        _section(_GROUP_TITLES[action], [_resource_line(item) for item in items], _RESOURCES)
        for action, items in group_by_action(resources).items()
    ]


def _drift_section(drift: Sequence[ResourceChange]) -> Section:
    lines = [_drift_line(resource) for resource in drift]
    return _section("Changed outside terraform", lines, _DRIFT)


def _resource_line(resource: ResourceChange) -> str:
    line = f"\u2022 {code(resource.address)}"
    if resource.deposed:
        line += " (deposed object)"
    if resource.moved and resource.previous_address is not None:
        line += f" (moved from {code(resource.previous_address)})"
    if resource.importing and resource.action is not ChangeAction.IMPORT:
        line += " (imported)"
    if resource.action is ChangeAction.UNKNOWN:
        line += f" ({plain(', '.join(resource.raw_actions) or 'no action given')})"
    notes = []
    if resource.reason:
        notes.append(plain(reason_words(resource.reason)))
    attributes = _attributes_text(resource.action, resource.attributes)
    if attributes:
        notes.append(attributes)
    if resource.outcome is ResourceOutcome.FAILED:
        notes.append("*failed*")
    elif resource.outcome is ResourceOutcome.APPLYING:
        notes.append("in progress")
    return line + (" \u2014 " + "; ".join(notes) if notes else "")


def _drift_line(resource: ResourceChange) -> str:
    words = {
        ChangeAction.UPDATE: "updated",
        ChangeAction.DELETE: "deleted",
        ChangeAction.CREATE: "created",
    }
    done = words.get(resource.action, plain(", ".join(resource.raw_actions) or "changed"))
    line = f"\u2022 {code(resource.address)} {done}"
    if resource.attributes:
        line += f": {_attribute_names(resource.attributes)}"
    return line


def _attribute_names(attributes: Sequence[AttributeChange]) -> str:
    names = []
    for attribute in attributes[:MAX_ATTRIBUTES]:
        name = plain(attribute.name, 80)
        if attribute.sensitive:
            name += " (sensitive)"
        if attribute.known_after_apply:
            name += " (known after apply)"
        names.append(name)
    if len(attributes) > MAX_ATTRIBUTES:
        names.append(f"+{len(attributes) - MAX_ATTRIBUTES} more")
    return ", ".join(names)


def _attributes_text(action: ChangeAction, attributes: Sequence[AttributeChange]) -> str:
    """What a resource line says of its attributes: for replacements, the ones that force
    it; for updates, all that change; "" when there is nothing to say."""
    if action is ChangeAction.REPLACE:
        forced = [attribute for attribute in attributes if attribute.forces_replacement]
        return f"forces replacement: {_attribute_names(forced)}" if forced else ""
    return f"changes: {_attribute_names(attributes)}" if attributes else ""


def _shown(value: str) -> str:
    return value if value in (SENSITIVE, KNOWN_AFTER_APPLY) else code(value)


def _output_line(output: OutputChange) -> str:
    line = f"\u2022 {code(output.name)}"
    if output.action:
        line += f" ({plain(output.action, 40)})"
    if output.sensitive:
        return f"{line}: {SENSITIVE}"
    if output.previous is not None and output.value is not None:
        return f"{line}: {_shown(output.previous)} \u2192 {_shown(output.value)}"
    if output.value is not None:
        return f"{line}: {_shown(output.value)}"
    if output.previous is not None:
        return f"{line}: was {_shown(output.previous)}"
    return line


def _diagnostic_line(diagnostic: Diagnostic) -> str:
    line = f"\u2022 {plain(diagnostic.summary or diagnostic.severity, 200)}"
    if diagnostic.location:
        line += f" at {code(diagnostic.location, 120)}"
    if diagnostic.address:
        line += f" on {code(diagnostic.address, 160)}"
    if diagnostic.detail:
        line += f": {plain(diagnostic.detail)}"
    return line


def _unexplained_failures(summary: StreamSummary) -> list[ResourceFailure]:
    """Failures of resources no error diagnostic names (those need a line of their own)."""
    named = {diagnostic.address for diagnostic in summary.errors if diagnostic.address}
    seen: set[str] = set()
    failures = []
    for failure in summary.failures:
        if failure.address in named or failure.address in seen:
            continue
        seen.add(failure.address)
        failures.append(failure)
    return failures


def _failure_line(failure: ResourceFailure) -> str:
    return f"\u2022 {plain(failure.message, 200)}"
