"""Where a streamed ``terraform plan -json`` / ``apply -json`` run is, and what it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from workflows.runs.events import PlanCounts, RunStatus
from workflows.terraform.changes import (
    ChangeAction,
    Diagnostic,
    OutputChange,
    ResourceChange,
    ResourceOutcome,
)
from workflows.terraform.plan_summary import group_by_action


class StreamState(StrEnum):
    """The state a streamed run is in after the lines read so far."""

    PLANNING = "planning"
    PLANNED = "planned"
    APPLYING = "applying"
    APPLIED = "applied"
    ERRORED = "errored"


_RUN_STATUSES = {
    StreamState.PLANNING: RunStatus.PLANNING,
    StreamState.PLANNED: RunStatus.PLANNED,
    StreamState.APPLYING: RunStatus.APPLYING,
    StreamState.APPLIED: RunStatus.SUCCEEDED,
    StreamState.ERRORED: RunStatus.FAILED,
}


_NO_APPLY_STEP = frozenset(
    {ChangeAction.NO_OP, ChangeAction.MOVE, ChangeAction.IMPORT, ChangeAction.FORGET}
)


@dataclass(frozen=True, slots=True)
class ResourceFailure:
    """A resource whose apply or provisioner failed.

    Attributes:
        address: The resource instance address.
        action: The hook's action (``create``, ``delete`` ...) when terraform said.
        provisioner: The provisioner that failed (``local-exec``), None for the apply itself.
        message: Terraform's one-line message (``null_resource.foo: Creation errored ...``).
    """

    address: str
    action: str | None
    provisioner: str | None
    message: str


@dataclass(frozen=True, slots=True)
class StreamSummary:
    """A streamed run: its state, counts, resources, drift, outputs and errors.

    Attributes:
        state: Where the run is.
        operation: The last change summary's operation (``plan``, ``apply``, ``destroy``).
        change_summary: Terraform's last summary line (``Apply complete! Resources: ...``).
        plan_counts: What the plan would do, once its change summary arrived.
        applied_counts: What the apply or destroy did, once its change summary arrived.
        resources: The resources that change, replacements and destroys first, with how
            far the run got with each.
        drift: Resources changed outside terraform.
        outputs: The outputs of the last ``outputs`` message.
        diagnostics: Errors and warnings, in the order they came.
        failures: Resources whose apply or provisioner failed.
        terraform_version: The version in the stream's ``version`` message.
        updated_at: The timestamp of the last message read.
    """

    state: StreamState
    operation: str | None = None
    change_summary: str | None = None
    plan_counts: PlanCounts | None = None
    applied_counts: PlanCounts | None = None
    resources: tuple[ResourceChange, ...] = field(default=())
    drift: tuple[ResourceChange, ...] = field(default=())
    outputs: tuple[OutputChange, ...] = field(default=())
    diagnostics: tuple[Diagnostic, ...] = field(default=())
    failures: tuple[ResourceFailure, ...] = field(default=())
    terraform_version: str | None = None
    updated_at: datetime | None = None

    @property
    def counts(self) -> PlanCounts | None:
        """What was applied when the apply finished, else what the plan would do."""
        return self.applied_counts or self.plan_counts

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that are errors."""
        return tuple(diagnostic for diagnostic in self.diagnostics if diagnostic.is_error)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """The diagnostics that are not errors."""
        return tuple(diagnostic for diagnostic in self.diagnostics if not diagnostic.is_error)

    @property
    def run_status(self) -> RunStatus:
        """The state as a run status: applied is ``succeeded``, errored is ``failed``."""
        return _RUN_STATUSES[self.state]

    @property
    def progress(self) -> tuple[int, int]:
        """``(finished, total)`` resources the apply works on (failed ones count as finished).

        Moves, imports without other changes and state removals have no apply step and
        are not counted.
        """
        started = [
            resource
            for resource in self.resources
            if resource.outcome is not None and resource.action not in _NO_APPLY_STEP
        ]
        finished = sum(
            1
            for resource in started
            if resource.outcome in (ResourceOutcome.APPLIED, ResourceOutcome.FAILED)
        )
        return finished, len(started)

    def by_action(self) -> dict[ChangeAction, tuple[ResourceChange, ...]]:
        """The resources grouped by action, in the order summaries show them."""
        return group_by_action(self.resources)
