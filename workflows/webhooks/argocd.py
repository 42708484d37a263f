"""Argo CD notifications, sent by its webhook service with Callboard's JSON template.

Argo CD's webhook service cannot sign a body, so it sends a shared secret as
``Authorization: Bearer <secret>`` (a header of ``service.webhook.callboard``). The body
is Callboard's own template (``examples/notifications/argocd-notifications-cm.yaml``),
rendered by Argo CD from the application's state; version 1 has these fields:

* ``version``: ``1``.
* ``event``: which trigger fired: ``sync-running``, ``sync-succeeded``, ``sync-failed``
  or ``health-degraded``.
* ``app_name``, ``app_namespace``, ``project``: the Application.
* ``argocd_url``: Argo CD's address (``context.argocdUrl``), for the link to the app.
* ``destination_server``, ``destination_namespace``, ``destination_name``: where it deploys.
* ``sync_status``, ``sync_revision``: ``Synced`` / ``OutOfSync`` and the revision.
* ``health_status``, ``health_message``: ``Healthy``, ``Progressing``, ``Degraded`` ...
* ``reconciled_at``: when Argo CD last compared the application.
* ``operation``: the sync operation (``phase``, ``message``, ``started_at``,
  ``finished_at``, ``initiated_by``, ``automated``), or null when there is none.
* Optional, for templates that know them: ``environment``, ``commit_message``.

A run is one sync operation of one application (identified by the time it started);
``health-degraded`` fails the operation it follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id
from workflows.webhooks.delivery import InboundDelivery
from workflows.webhooks.errors import describe, malformed
from workflows.webhooks.fields import Fields, first_line, links
from workflows.webhooks.verify import check_bearer

SOURCE = "argocd"

OPERATION_PHASES: Mapping[str, RunStatus] = {
    "Running": RunStatus.RUNNING,
    "Terminating": RunStatus.CANCELLED,
    "Succeeded": RunStatus.SUCCEEDED,
    "Failed": RunStatus.FAILED,
    "Error": RunStatus.FAILED,
}
"""Sync operation phases, in Callboard's words."""

HEALTH_DEGRADED = "health-degraded"
EVENTS = ("sync-running", "sync-succeeded", "sync-failed", HEALTH_DEGRADED)
"""The ``event`` values of Callboard's template, one per trigger."""

_DETAIL_CHARS = 4000


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Check ``Authorization: Bearer <secret>``."""
    check_bearer(headers, secret=secret)


def translate(payload: dict[str, Any]) -> InboundDelivery:
    """The run event of one Argo CD notification."""
    body = Fields(payload)
    version = body.raw("version")
    if version is None:
        raise malformed("version: required")
    if version not in (1, "1"):
        raise malformed(f"version: unsupported version {describe(version)}")
    return InboundDelivery(SOURCE, None, (_event(body),))


def _event(body: Fields) -> RunEvent:
    event = body.text("event", max_chars=100)
    app_name = body.text("app_name")
    app_namespace = body.opt_text("app_namespace") or ""
    operation = body.opt_child("operation")
    phase = operation.opt_text("phase") if operation else None
    health = body.opt_text("health_status")
    started_at = operation.opt_time("started_at") if operation else None
    finished_at = operation.opt_time("finished_at") if operation else None
    reconciled_at = body.opt_time("reconciled_at")
    revision = body.opt_text("sync_revision")

    if event == HEALTH_DEGRADED:
        status, raw_status = RunStatus.FAILED, health or "Degraded"
        moments = (reconciled_at, finished_at, started_at)
    else:
        status = OPERATION_PHASES.get(phase or "", RunStatus.UNKNOWN)
        raw_status = phase or event
        moments = (finished_at, started_at, reconciled_at)
    occurred_at = _first(moments)
    if occurred_at is None:
        raise malformed("operation.started_at or reconciled_at: required")

    app = f"{app_namespace}/{app_name}" if app_namespace else app_name
    if started_at is not None:
        run_id = f"{app}@{started_at.isoformat()}"
    elif revision:
        run_id = f"{app}@{revision}"
    else:
        run_id = app

    argocd_url = body.opt_text("argocd_url", max_chars=1000)
    app_url = f"{argocd_url.rstrip('/')}/applications/{app_name}" if argocd_url else None
    operation_message = (
        operation.opt_prose("message", keep=_DETAIL_CHARS) if operation is not None else None
    )
    health_message = body.opt_prose("health_message", keep=_DETAIL_CHARS)
    detail = health_message if event == HEALTH_DEGRADED else operation_message
    return RunEvent(
        source=SOURCE,
        run_id=run_id,
        kind=RunKind.DEPLOYMENT,
        status=status,
        raw_status=raw_status,
        occurred_at=occurred_at,
        event_id=derived_event_id(
            SOURCE,
            app,
            event,
            phase or "",
            health or "",
            revision or "",
            _iso(started_at),
            _iso(finished_at),
            _iso(occurred_at),
        ),
        component=app_name,
        environment=(
            body.opt_text("environment")
            or body.opt_text("destination_name")
            or body.opt_text("destination_namespace")
        ),
        title=app_name,
        actor=_actor(operation),
        commit=revision,
        commit_message=first_line(body.opt_prose("commit_message", keep=1000)),
        links=links(("Application", app_url)),
        detail=detail,
    )


def _first(moments: tuple[datetime | None, ...]) -> datetime | None:
    return next((moment for moment in moments if moment is not None), None)


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _actor(operation: Fields | None) -> str | None:
    if operation is None:
        return None
    user = operation.opt_text("initiated_by")
    if user:
        return user
    return "automated sync" if operation.opt_bool("automated") else None
