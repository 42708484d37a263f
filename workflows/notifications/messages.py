"""What the chat client renders: run cards, thread replies and digests, free of Slack types.

Each message has a plain-text ``text`` for notifications and clients without blocks.
Values come from run events as they were sent; escaping them is the renderer's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.runs.events import TERMINAL_STATUSES, PlanCounts, RunKind, RunLink, RunStatus

_KIND_WORDS = {
    RunKind.DEPLOYMENT: "Deployment",
    RunKind.TERRAFORM: "Terraform run",
    RunKind.WORKFLOW: "Workflow run",
}


@dataclass(frozen=True, slots=True)
class StatusStep:
    """A status a run went through, with when the source says it got there."""

    status: RunStatus
    at: datetime
    raw_status: str | None = None


@dataclass(frozen=True, slots=True)
class RunCard:
    """The one message of a run in a channel, updated in place as the run moves.

    Attributes:
        run_key: ``source:run_id``.
        source: The reporting system.
        run_id: The run's id there.
        kind: Deployment, terraform run or workflow run.
        title: The run's title (else the component's name, else the run id).
        component: The component's name to show (the catalog's name, else the hint).
        component_ref: The catalog entity ref, when the component is in the catalog.
        environment: Where it runs.
        status: The current status.
        raw_status: The source's word for it.
        history: The statuses it went through, oldest first, ending with ``status``.
        plan: Plan counts of a terraform run.
        actor: Who triggered it.
        commit: The full commit sha.
        commit_message: The commit's first line or the run's message.
        links: Links, run page first.
        note: A remark, e.g. that the component is not in the catalog.
        started_at: The first event's time.
        updated_at: The latest event's time.
    """

    run_key: str
    source: str
    run_id: str
    kind: RunKind
    title: str
    component: str | None
    component_ref: str | None
    environment: str | None
    status: RunStatus
    raw_status: str | None
    history: tuple[StatusStep, ...]
    plan: PlanCounts | None
    actor: str | None
    commit: str | None
    commit_message: str | None
    links: tuple[RunLink, ...]
    note: str | None
    started_at: datetime | None
    updated_at: datetime | None

    @property
    def commit_short(self) -> str | None:
        """The first 7 characters of the commit sha."""
        return self.commit[:7] if self.commit else None

    @property
    def terminal(self) -> bool:
        """Whether the run has ended."""
        return self.status in TERMINAL_STATUSES

    @property
    def text(self) -> str:
        """One line: ``Deployment payment-service to production: succeeded``."""
        words = [_KIND_WORDS.get(self.kind, "Run"), self.title]
        if self.environment and self.environment != self.title:
            words.append(f"({self.environment})")
        line = " ".join(words) + f": {self.status.value}"
        if self.plan is not None:
            line += f" {self.plan.short()}"
        return line


class ReplyKind(StrEnum):
    """What a thread reply is about."""

    PLAN = "plan"
    """The plan summary of a terraform run."""
    DETAIL = "detail"
    """Details of a run's end (a summary of what was applied)."""
    FAILURE = "failure"
    """Why a run failed or was cancelled, and who is on call when asked for."""
    UNKNOWN_STATUS = "unknown_status"
    """The source reported a status Callboard does not know."""


@dataclass(frozen=True, slots=True)
class ThreadReply:
    """A reply in a run card's thread.

    Attributes:
        kind: What it is about.
        run_key: The run.
        title: The run's title.
        status: The status it is about (for unknown statuses: ``UNKNOWN``).
        raw_status: The source's word for it.
        body: Longer text (a plan summary, an error); may be empty.
        formatted: ``body`` is a summary Callboard formatted and escaped for chat itself;
            otherwise it is text as a sender wrote it, to be shown verbatim.
        mention_user_ids: Slack user ids to mention (the people on call).
        oncall_asked: On-call mentions were asked for (``mention_user_ids`` may still be
            empty when nobody is found).
    """

    kind: ReplyKind
    run_key: str
    title: str
    status: RunStatus
    raw_status: str | None
    body: str
    mention_user_ids: tuple[str, ...] = ()
    oncall_asked: bool = False
    formatted: bool = False

    @property
    def text(self) -> str:
        """A plain-text fallback of the reply."""
        if self.kind is ReplyKind.UNKNOWN_STATUS:
            head = f"{self.title}: the source reported status {self.raw_status!r}"
        elif self.kind is ReplyKind.PLAN:
            head = f"{self.title}: plan"
        else:
            head = f"{self.title}: {self.status.value}"
        parts = [head]
        if self.body:
            parts.append(self.body)
        if self.oncall_asked and not self.mention_user_ids:
            parts.append("Nobody on call was found.")
        return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class DigestEntry:
    """A run listed in a digest."""

    run_key: str
    kind: RunKind
    title: str
    component: str | None
    environment: str | None
    status: RunStatus
    at: datetime
    url: str | None = None
    actor: str | None = None
    plan: PlanCounts | None = None


@dataclass(frozen=True, slots=True)
class Digest:
    """What happened in a channel over a period.

    Attributes:
        channel: The channel it is for.
        period_start: Start of the period (inclusive).
        period_end: End of the period (exclusive).
        deployed: Deployments that succeeded, newest first.
        failed: Runs that failed, newest first.
        drifting: Terraform workspaces whose latest plan-only run found changes.
    """

    channel: str
    period_start: datetime
    period_end: datetime
    deployed: tuple[DigestEntry, ...]
    failed: tuple[DigestEntry, ...]
    drifting: tuple[DigestEntry, ...]

    @property
    def empty(self) -> bool:
        """Whether nothing happened."""
        return not (self.deployed or self.failed or self.drifting)

    @property
    def text(self) -> str:
        """A plain-text summary: counts of each section."""
        return (
            f"Digest: {len(self.deployed)} deployed, {len(self.failed)} failed, "
            f"{len(self.drifting)} drifting"
        )


ChatMessage = RunCard | ThreadReply | Digest
"""Any message the outbox hands to the chat client."""
