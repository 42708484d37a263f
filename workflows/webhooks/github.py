"""GitHub repository or organization webhooks: deployments and workflow runs.

``X-Hub-Signature-256`` is ``sha256=`` + the hex HMAC-SHA256 of the raw body with the
webhook secret; ``X-GitHub-Event`` names the event and ``X-GitHub-Delivery`` identifies
the delivery (a redelivery keeps it, so event ids derived from it deduplicate).

Followed events:

* ``deployment`` (``created``): a deployment is queued. The run is the deployment.
* ``deployment_status`` (``created``): the deployment's new state.
* ``workflow_run`` (``requested``, ``in_progress``, ``completed``): a workflow run; each
  attempt (re-run) is a run of its own.
* ``ping``: the webhook was set up.

Every other event is verified and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id
from workflows.webhooks.delivery import InboundDelivery
from workflows.webhooks.errors import malformed
from workflows.webhooks.fields import Fields, first_line, links
from workflows.webhooks.verify import check_hmac

SOURCE = "github"
SIGNATURE_HEADER = "X-Hub-Signature-256"
EVENT_HEADER = "X-GitHub-Event"
DELIVERY_HEADER = "X-GitHub-Delivery"

DEPLOYMENT_STATES: Mapping[str, RunStatus] = {
    "queued": RunStatus.QUEUED,
    "pending": RunStatus.QUEUED,
    "waiting": RunStatus.QUEUED,
    "in_progress": RunStatus.RUNNING,
    "success": RunStatus.SUCCEEDED,
    "failure": RunStatus.FAILED,
    "error": RunStatus.FAILED,
    # A newer deployment to the same environment replaced this one: it says nothing
    # about how this deployment went, so it never moves the run.
    "inactive": RunStatus.UNKNOWN,
}
"""Deployment status states, in Callboard's words."""

WORKFLOW_RUN_STATUSES: Mapping[str, RunStatus] = {
    "requested": RunStatus.QUEUED,
    "queued": RunStatus.QUEUED,
    "pending": RunStatus.QUEUED,
    "waiting": RunStatus.QUEUED,
    "in_progress": RunStatus.RUNNING,
}
"""Workflow run statuses before the run completes."""

WORKFLOW_RUN_CONCLUSIONS: Mapping[str, RunStatus] = {
    "success": RunStatus.SUCCEEDED,
    "neutral": RunStatus.SUCCEEDED,
    "failure": RunStatus.FAILED,
    "timed_out": RunStatus.FAILED,
    "startup_failure": RunStatus.FAILED,
    "cancelled": RunStatus.CANCELLED,
    "skipped": RunStatus.CANCELLED,
    "stale": RunStatus.CANCELLED,
    # Waiting for someone to approve the run: it may still run, with the same id.
    "action_required": RunStatus.UNKNOWN,
}
"""Workflow run conclusions (status ``completed``)."""

_COMMIT_MESSAGE_CHARS = 1000
_DETAIL_CHARS = 4000


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Check ``X-Hub-Signature-256`` (``sha256=`` + hex HMAC-SHA256 of the body)."""
    check_hmac(
        headers, SIGNATURE_HEADER, secret=secret, message=body, digest="sha256", prefix="sha256="
    )


def translate(payload: dict[str, Any], headers: Mapping[str, str]) -> InboundDelivery:
    """The run event of a GitHub delivery, by its ``X-GitHub-Event`` header.

    Args:
        payload: The parsed body.
        headers: The delivery's headers, keyed by lower-case name.
    """
    event = headers.get(EVENT_HEADER.lower(), "").strip()
    if not event:
        raise malformed(f"the {EVENT_HEADER} header is missing")
    delivery_id = headers.get(DELIVERY_HEADER.lower(), "").strip()[:200] or None
    body = Fields(payload)
    if event == "ping":
        return InboundDelivery(SOURCE, delivery_id, (), ping=True)
    action = body.opt_text("action")
    translator = _TRANSLATORS.get(event)
    if translator is None:
        return InboundDelivery(
            SOURCE, delivery_id, (), ignored=f"GitHub {event[:60]} events are not followed"
        )
    followed_actions = _ACTIONS[event]
    if action not in followed_actions:
        return InboundDelivery(
            SOURCE,
            delivery_id,
            (),
            ignored=f"GitHub {event} {(action or 'without action')[:60]} is not followed",
        )
    event_id = derived_event_id(SOURCE, delivery_id or _fallback_key(event, body))
    return InboundDelivery(SOURCE, delivery_id, (translator(body, event_id),))


def _fallback_key(event: str, body: Fields) -> str:
    """What identifies the event when the delivery has no id: the object and its update.

    Every followed event carries its object under the event's own name.
    """
    item = body.child(event)
    return "/".join(
        (
            event,
            body.opt_text("action") or "",
            item.identifier("id"),
            item.opt_identifier("run_attempt") or "",
            item.opt_text("state") or item.opt_text("status") or "",
            item.opt_text("conclusion") or "",
            item.opt_text("updated_at") or item.opt_text("created_at") or "",
        )
    )


def _login(item: Fields | None) -> str | None:
    return item.opt_text("login") if item is not None else None


def _commit_url(repository: Fields, sha: str | None) -> str | None:
    base = repository.opt_text("html_url", max_chars=2000)
    return f"{base}/commit/{sha}" if base and sha else None


def _deployment_created(body: Fields, event_id: str) -> RunEvent:
    return _deployment_run_event(body, None, event_id)


def _deployment_status(body: Fields, event_id: str) -> RunEvent:
    return _deployment_run_event(body, body.child("deployment_status"), event_id)


def _deployment_run_event(body: Fields, status: Fields | None, event_id: str) -> RunEvent:
    deployment = body.child("deployment")
    repository = body.child("repository")
    repo_name = repository.text("full_name")
    sha = deployment.opt_text("sha")
    environment = (status.opt_text("environment") if status else None) or deployment.opt_text(
        "environment"
    )
    occurred_at: datetime
    if status is None:
        raw_status = "created"
        run_status = RunStatus.QUEUED
        occurred_at = deployment.time("created_at")
        detail = deployment.opt_prose("description", keep=_DETAIL_CHARS)
        run_links = links(("Commit", _commit_url(repository, sha)))
    else:
        raw_status = status.text("state")
        run_status = DEPLOYMENT_STATES.get(raw_status, RunStatus.UNKNOWN)
        occurred_at = status.opt_time("updated_at") or status.time("created_at")
        detail = status.opt_prose("description", keep=_DETAIL_CHARS)
        run_links = links(
            ("Logs", status.opt_text("log_url", max_chars=2000)),
            ("Logs", status.opt_text("target_url", max_chars=2000)),
            ("Environment", status.opt_text("environment_url", max_chars=2000)),
            ("Commit", _commit_url(repository, sha)),
        )
    return RunEvent(
        source=SOURCE,
        run_id=deployment.identifier("id"),
        kind=RunKind.DEPLOYMENT,
        status=run_status,
        raw_status=raw_status,
        occurred_at=occurred_at,
        event_id=event_id,
        component=repo_name,
        environment=environment,
        title=f"{repo_name} to {environment}" if environment else repo_name,
        actor=_login(deployment.opt_child("creator")) or _login(body.opt_child("sender")),
        commit=sha,
        links=run_links,
        detail=detail,
    )


def _workflow_run_event(body: Fields, event_id: str) -> RunEvent:
    run = body.child("workflow_run")
    repository = body.child("repository")
    status = run.text("status")
    conclusion = run.opt_text("conclusion")
    if status == "completed":
        raw_status = conclusion or status
        run_status = WORKFLOW_RUN_CONCLUSIONS.get(raw_status, RunStatus.UNKNOWN)
    else:
        raw_status = status
        run_status = WORKFLOW_RUN_STATUSES.get(status, RunStatus.UNKNOWN)
    head_commit = run.opt_child("head_commit")
    message = head_commit.opt_prose("message", keep=_COMMIT_MESSAGE_CHARS) if head_commit else None
    workflow = body.opt_child("workflow")
    name = run.opt_text("name") or (workflow.opt_text("name") if workflow else None)
    attempt = run.opt_int("run_attempt") or 1
    sha = run.opt_text("head_sha")
    return RunEvent(
        source=SOURCE,
        run_id=f"{run.identifier('id')}/{attempt}",
        kind=RunKind.WORKFLOW,
        status=run_status,
        raw_status=raw_status,
        occurred_at=run.opt_time("updated_at") or run.time("created_at"),
        event_id=event_id,
        component=repository.text("full_name"),
        environment=None,
        title=name,
        actor=(
            _login(run.opt_child("triggering_actor"))
            or _login(run.opt_child("actor"))
            or _login(body.opt_child("sender"))
        ),
        commit=sha,
        commit_message=first_line(message)
        or run.opt_prose("display_title", keep=_COMMIT_MESSAGE_CHARS),
        links=links(
            ("Run", run.opt_text("html_url", max_chars=2000)),
            ("Commit", _commit_url(repository, sha)),
        ),
    )


_TRANSLATORS = {
    "deployment": _deployment_created,
    "deployment_status": _deployment_status,
    "workflow_run": _workflow_run_event,
}
_ACTIONS: Mapping[str, frozenset[str | None]] = {
    "deployment": frozenset({"created"}),
    "deployment_status": frozenset({"created"}),
    "workflow_run": frozenset({"requested", "in_progress", "completed"}),
}
