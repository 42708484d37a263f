"""Humanitec Platform Orchestrator webhooks for deployments.

Humanitec sends the headers configured on the webhook, so it authenticates with a shared
secret as ``Authorization: Bearer <secret>``. Its payload is a template of ``${...}``
placeholders; Callboard reads the parameters of the ``deployment.started`` and
``deployment.finished`` triggers under their own names (every value a string):
``event``, ``org_id``, ``app_id``, ``env_id``, ``deploy_id``, ``delta_id``, ``set_id``,
``status``, ``comment``, ``triggered_by``, ``triggered_at`` (see
``examples/notifications/humanitec-webhook.json``). Other triggers (environments
created or deleted) are verified and ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id
from workflows.webhooks.delivery import InboundDelivery
from workflows.webhooks.fields import Fields, first_line, links
from workflows.webhooks.verify import check_bearer

SOURCE = "humanitec"
STARTED = "deployment.started"
FINISHED = "deployment.finished"

DEPLOYMENT_STATUSES: Mapping[str, RunStatus] = {
    "pending": RunStatus.QUEUED,
    "queued": RunStatus.QUEUED,
    "in progress": RunStatus.RUNNING,
    "in_progress": RunStatus.RUNNING,
    "running": RunStatus.RUNNING,
    "started": RunStatus.RUNNING,
    "succeeded": RunStatus.SUCCEEDED,
    "success": RunStatus.SUCCEEDED,
    "failed": RunStatus.FAILED,
    "failure": RunStatus.FAILED,
    "error": RunStatus.FAILED,
    "cancelled": RunStatus.CANCELLED,
    "canceled": RunStatus.CANCELLED,
}
"""Deployment statuses (compared case-insensitively), in Callboard's words."""


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Check ``Authorization: Bearer <secret>``."""
    check_bearer(headers, secret=secret)


def deployment_status(event: str, raw_status: str | None) -> RunStatus:
    """The status a ``deployment.*`` event with ``status`` reports.

    A started deployment is running whatever its status says; a finished one with a
    status Callboard does not know is unknown.
    """
    if event == STARTED:
        return RunStatus.RUNNING
    return DEPLOYMENT_STATUSES.get((raw_status or "").lower(), RunStatus.UNKNOWN)


def translate(payload: dict[str, Any]) -> InboundDelivery:
    """The run event of one Humanitec webhook delivery."""
    body = Fields(payload)
    event = body.text("event", max_chars=100)
    if event not in (STARTED, FINISHED):
        return InboundDelivery(
            SOURCE, None, (), ignored=f"Humanitec {event} events are not about a deployment"
        )
    org_id = body.opt_text("org_id")
    app_id = body.text("app_id")
    env_id = body.text("env_id")
    deploy_id = body.text("deploy_id")
    raw_status = body.opt_text("status", max_chars=100)
    occurred_at = body.time("triggered_at")
    run_id = "/".join(part for part in (org_id, app_id, env_id, deploy_id) if part)
    return InboundDelivery(
        SOURCE,
        None,
        (
            RunEvent(
                source=SOURCE,
                run_id=run_id,
                kind=RunKind.DEPLOYMENT,
                status=deployment_status(event, raw_status),
                raw_status=raw_status or event,
                occurred_at=occurred_at,
                event_id=derived_event_id(
                    SOURCE, run_id, event, raw_status or "", occurred_at.isoformat()
                ),
                component=app_id,
                environment=env_id,
                title=app_id,
                actor=body.opt_text("triggered_by"),
                commit_message=first_line(body.opt_prose("comment", keep=1000)),
                links=links(("Deployment", body.opt_text("url", max_chars=2000))),
            ),
        ),
    )
