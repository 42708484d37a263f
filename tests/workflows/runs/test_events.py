"""The run event model: statuses only move forward, counts read as Slack shows them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from workflows.runs import (
    TERMINAL_STATUSES,
    PlanCounts,
    RunEvent,
    RunKind,
    RunStatus,
    status_rank,
)
from workflows.runs.events import derived_event_id


def event(**changes: object) -> RunEvent:
    values: dict[str, object] = {
        "source": "generic",
        "run_id": "42",
        "kind": RunKind.DEPLOYMENT,
        "status": RunStatus.RUNNING,
        "raw_status": "running",
        "occurred_at": datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
        "event_id": "e1",
    }
    values.update(changes)
    return RunEvent(**values)  # type: ignore[arg-type]


def test_a_run_moves_forward_only() -> None:
    order = [RunStatus.QUEUED, RunStatus.PLANNING, RunStatus.PLANNED, RunStatus.APPLYING]
    ranks = [status_rank(s) for s in order]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert status_rank(RunStatus.RUNNING) == status_rank(RunStatus.APPLYING)
    assert {status_rank(s) for s in TERMINAL_STATUSES} == {max(status_rank(s) for s in RunStatus)}
    assert status_rank(RunStatus.UNKNOWN) < status_rank(RunStatus.QUEUED)


def test_plan_counts_read_like_a_terraform_summary() -> None:
    assert PlanCounts(3, 1, 0).short() == "+3 ~1 \u22120"
    assert PlanCounts(1, 0, 2, replace=2).short() == "+1 ~0 \u22122 \u00b12"
    assert not PlanCounts().has_changes
    assert PlanCounts(imported=1).has_changes


def test_events_need_an_identity_and_an_aware_time() -> None:
    assert event().run_key == "generic:42"
    with pytest.raises(ValueError, match="timezone"):
        event(occurred_at=datetime(2026, 11, 22, 9, 0))
    for blank in ("source", "run_id", "event_id"):
        with pytest.raises(ValueError, match="required"):
            event(**{blank: ""})


def test_derived_ids_are_stable_and_distinct() -> None:
    assert derived_event_id("run-1", "run:planning", 5) == derived_event_id(
        "run-1", "run:planning", 5
    )
    assert derived_event_id("run-1", "run:planning") != derived_event_id("run-1", "run:applying")
    assert len(derived_event_id("x")) == 40
