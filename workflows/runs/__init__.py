"""Runs (deployments, terraform plans and applies, CI workflow runs) and the events that
move them from one status to the next, whatever system reported them."""

from workflows.runs.events import (
    TERMINAL_STATUSES,
    PlanCounts,
    RunEvent,
    RunKind,
    RunLink,
    RunStatus,
    status_rank,
)

__all__ = [
    "TERMINAL_STATUSES",
    "PlanCounts",
    "RunEvent",
    "RunKind",
    "RunLink",
    "RunStatus",
    "status_rank",
]
