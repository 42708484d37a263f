"""What one ``terraform show -json`` plan would do, ready to report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from workflows.runs.events import PlanCounts
from workflows.terraform.changes import (
    ACTION_ORDER,
    ChangeAction,
    OutputChange,
    ResourceChange,
)


def group_by_action(
    resources: Iterable[ResourceChange],
) -> dict[ChangeAction, tuple[ResourceChange, ...]]:
    """Resources grouped in :data:`ACTION_ORDER`, keeping their order within a group;
    empty groups and no-ops are left out."""
    groups: dict[ChangeAction, list[ResourceChange]] = {action: [] for action in ACTION_ORDER}
    for resource in resources:
        if resource.action in groups:
            groups[resource.action].append(resource)
    return {action: tuple(items) for action, items in groups.items() if items}


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A plan's counts, the resources it changes, drift, outputs and checks.

    Attributes:
        counts: ``+add ~change -destroy`` with replacements and imports apart.
        resources: The resources that change, replacements and destroys first (see
            :data:`~workflows.terraform.changes.ACTION_ORDER`); no-ops are left out.
        drift: Resources changed outside terraform since the last run.
        outputs: Root module outputs that change (no-ops left out).
        moved: How many resources move to a new address.
        forgotten: How many resources leave the state without being destroyed.
        failed_checks: Addresses of checks that failed or errored.
        errored: Terraform said planning failed (the plan is partial).
        complete: Terraform said whether applying this plan completes the work (None when
            the plan format predates it).
        format_version: The plan's ``format_version``.
        terraform_version: The terraform version that wrote the plan.
    """

    counts: PlanCounts
    resources: tuple[ResourceChange, ...] = field(default=())
    drift: tuple[ResourceChange, ...] = field(default=())
    outputs: tuple[OutputChange, ...] = field(default=())
    moved: int = 0
    forgotten: int = 0
    failed_checks: tuple[str, ...] = field(default=())
    errored: bool = False
    complete: bool | None = None
    format_version: str | None = None
    terraform_version: str | None = None

    @property
    def has_changes(self) -> bool:
        """True when applying the plan changes any resource, the state or an output."""
        return bool(self.resources or self.outputs)

    def by_action(self) -> dict[ChangeAction, tuple[ResourceChange, ...]]:
        """The resources grouped by action, in the order summaries show them."""
        return group_by_action(self.resources)
