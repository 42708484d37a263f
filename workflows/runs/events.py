"""One event model for every run Callboard reports on.

Our own orchestrator jobs emit :class:`RunEvent` values; inbound webhooks (HCP Terraform,
GitHub, Argo CD, Humanitec, any CI through the generic format) are translated into them.
A run is identified by ``(source, run_id)``; its status only moves forward (see
:func:`status_rank`), so an event that arrives late cannot undo a later one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class RunKind(StrEnum):
    """What kind of run an event is about."""

    DEPLOYMENT = "deployment"
    TERRAFORM = "terraform"
    WORKFLOW = "workflow"


class RunStatus(StrEnum):
    """Where a run is, in words every source maps onto."""

    QUEUED = "queued"
    PLANNING = "planning"
    PLANNED = "planned"
    """A plan is ready and waits for confirmation before it is applied."""
    APPLYING = "applying"
    RUNNING = "running"
    """In progress, for sources that do not tell planning from applying (deployments, CI)."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    """A status the source sent that we do not know; recorded, never moves the run."""


TERMINAL_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})

_RANKS = {
    RunStatus.UNKNOWN: -1,
    RunStatus.QUEUED: 0,
    RunStatus.PLANNING: 1,
    RunStatus.PLANNED: 2,
    RunStatus.APPLYING: 3,
    RunStatus.RUNNING: 3,
    RunStatus.SUCCEEDED: 9,
    RunStatus.FAILED: 9,
    RunStatus.CANCELLED: 9,
}


def status_rank(status: RunStatus) -> int:
    """How far along a run with ``status`` is; a run never moves to a lower rank.

    Terminal statuses share the top rank: the first one to arrive wins, and a late
    ``running`` after ``succeeded`` changes nothing.
    """
    return _RANKS[status]


@dataclass(frozen=True, slots=True)
class RunLink:
    """A link shown with a run (the run page, the commit, the logs)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """What a terraform plan would do, as ``+add ~change -destroy`` (replacements apart)."""

    add: int = 0
    change: int = 0
    destroy: int = 0
    replace: int = 0
    imported: int = 0

    @property
    def has_changes(self) -> bool:
        """True when applying the plan changes anything."""
        return bool(self.add or self.change or self.destroy or self.replace or self.imported)

    def short(self) -> str:
        """``+3 ~1 \u22120`` with a minus sign (and ``\u00b12`` when resources are replaced)."""
        text = f"+{self.add} ~{self.change} \u2212{self.destroy}"
        if self.replace:
            text += f" \u00b1{self.replace}"
        return text


@dataclass(frozen=True, slots=True)
class RunEvent:
    """One report about a run.

    Attributes:
        source: The system that reported it (``terraform-cloud``, ``github``, ``argocd``,
            ``humanitec``, ``generic``, ``callboard``).
        run_id: The run's id within ``source``; events of one run share it.
        kind: Deployment, terraform run or workflow run.
        status: The status in Callboard's words.
        raw_status: The status as the source said it (shown when ``status`` is unknown).
        occurred_at: When the source says it happened (timezone-aware).
        event_id: Unique per event; a repeated delivery of the same event has the same id.
        component: The catalog component (a name or an entity ref) when known.
        environment: Where it runs or deploys (``production``, a workspace name ...).
        title: A one-line name for the run (workspace, workflow or application name).
        actor: Who triggered it.
        commit: The commit sha, when there is one.
        commit_message: The commit's first line or the run's message.
        links: Links to show (run page first).
        plan: Plan counts for terraform runs once a plan is known.
        detail: Longer text for the run's thread (an error, a note), shown as sent.
        summary: A summary Callboard wrote itself (a terraform plan or run summary from
            :mod:`workflows.terraform`), already formatted and escaped for chat; it takes
            the place of ``detail`` in the thread. Never text a sender wrote.
    """

    source: str
    run_id: str
    kind: RunKind
    status: RunStatus
    raw_status: str
    occurred_at: datetime
    event_id: str
    component: str | None = None
    environment: str | None = None
    title: str | None = None
    actor: str | None = None
    commit: str | None = None
    commit_message: str | None = None
    links: tuple[RunLink, ...] = field(default=())
    plan: PlanCounts | None = None
    detail: str | None = None
    summary: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("occurred_at must be timezone-aware")
        if not self.source or not self.run_id or not self.event_id:
            raise ValueError("source, run_id and event_id are required")

    @property
    def run_key(self) -> str:
        """``source:run_id``, the run's identity across events."""
        return f"{self.source}:{self.run_id}"


def derived_event_id(*parts: object) -> str:
    """A stable event id from the parts that make an event unique (for sources without
    delivery ids): the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return digest[:40]


def utc_now() -> datetime:
    """The current time in UTC (timezone-aware)."""
    return datetime.now(UTC)
