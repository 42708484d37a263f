"""HCP Terraform / Terraform Enterprise notifications (generic destination).

The notification configuration's token signs the raw body: ``X-TFE-Notification-Signature``
is its hex HMAC-SHA512. Run notifications use payload version 1: run and workspace fields
at the top level and one item per notification in ``notifications[]``. Health assessment
and workspace notifications use payload version 2; they, and any notification without
a run, are ignored.

The trigger says where the run is (``run:needs_attention`` is a plan waiting for
confirmation or a policy override, whatever stage name ``run_status`` carries);
``run_status`` tells a cancelled run from an errored one, places notifications with other
triggers, and is kept as the raw status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workflows.runs.events import RunEvent, RunKind, RunStatus, derived_event_id
from workflows.webhooks.delivery import InboundDelivery
from workflows.webhooks.errors import describe, malformed
from workflows.webhooks.fields import Fields, links
from workflows.webhooks.verify import check_hmac

SOURCE = "terraform-cloud"
SIGNATURE_HEADER = "X-TFE-Notification-Signature"

TRIGGER_STATUSES: Mapping[str, RunStatus] = {
    "run:created": RunStatus.QUEUED,
    "run:planning": RunStatus.PLANNING,
    "run:needs_attention": RunStatus.PLANNED,
    "run:applying": RunStatus.APPLYING,
    "run:completed": RunStatus.SUCCEEDED,
    "run:errored": RunStatus.FAILED,
}
"""Where each run trigger puts the run."""

RUN_STATUSES: Mapping[str, RunStatus] = {
    "pending": RunStatus.QUEUED,
    "fetching": RunStatus.QUEUED,
    "fetching_completed": RunStatus.QUEUED,
    "queuing": RunStatus.QUEUED,
    "plan_queued": RunStatus.QUEUED,
    "pre_plan_running": RunStatus.PLANNING,
    "pre_plan_completed": RunStatus.PLANNING,
    "planning": RunStatus.PLANNING,
    "cost_estimating": RunStatus.PLANNING,
    "policy_checking": RunStatus.PLANNING,
    "post_plan_running": RunStatus.PLANNING,
    "planned": RunStatus.PLANNED,
    "cost_estimated": RunStatus.PLANNED,
    "policy_checked": RunStatus.PLANNED,
    "policy_override": RunStatus.PLANNED,
    "policy_soft_failed": RunStatus.PLANNED,
    "post_plan_completed": RunStatus.PLANNED,
    "post_plan_awaiting_decision": RunStatus.PLANNED,
    "confirmed": RunStatus.APPLYING,
    "apply_queued": RunStatus.APPLYING,
    "queuing_apply": RunStatus.APPLYING,
    "pre_apply_running": RunStatus.APPLYING,
    "pre_apply_completed": RunStatus.APPLYING,
    "applying": RunStatus.APPLYING,
    "post_apply_running": RunStatus.APPLYING,
    "post_apply_completed": RunStatus.APPLYING,
    "applied": RunStatus.SUCCEEDED,
    "planned_and_finished": RunStatus.SUCCEEDED,
    "planned_and_saved": RunStatus.SUCCEEDED,
    "errored": RunStatus.FAILED,
    "discarded": RunStatus.CANCELLED,
    "canceled": RunStatus.CANCELLED,
    "force_canceled": RunStatus.CANCELLED,
}
"""Every documented run status, in Callboard's words."""


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """Check ``X-TFE-Notification-Signature`` (hex HMAC-SHA512 of the body)."""
    check_hmac(headers, SIGNATURE_HEADER, secret=secret, message=body, digest="sha512")


def run_status(trigger: str, raw_status: str | None) -> RunStatus:
    """The status a notification with ``trigger`` and ``run_status`` reports."""
    by_status = RUN_STATUSES.get(raw_status or "")
    if trigger == "run:errored" and by_status is RunStatus.CANCELLED:
        return RunStatus.CANCELLED
    by_trigger = TRIGGER_STATUSES.get(trigger)
    if by_trigger is not None:
        return by_trigger
    return by_status or RunStatus.UNKNOWN


def translate(payload: dict[str, Any]) -> InboundDelivery:
    """The run events of a notification payload (one per item of ``notifications``)."""
    body = Fields(payload)
    version = body.raw("payload_version")
    if version in (2, "2"):
        trigger = body.opt_text("trigger") or "unknown"
        return InboundDelivery(
            SOURCE, None, (), ignored=f"{trigger} notifications are not about a run"
        )
    if version is None:
        raise malformed("payload_version: required")
    if version not in (1, "1"):
        raise malformed(f"payload_version: unsupported version {describe(version)}")
    notifications = body.objects("notifications")
    triggers = [item.opt_text("trigger") or "" for item in notifications]
    if "verification" in triggers:
        return InboundDelivery(SOURCE, None, (), ping=True)
    if body.raw("run_id") is None and not any(t.startswith("run:") for t in triggers):
        return InboundDelivery(
            SOURCE,
            None,
            (),
            ignored=f"{triggers[0] or 'unknown'} notifications are not about a run",
        )
    return InboundDelivery(SOURCE, None, tuple(_event(body, item) for item in notifications))


def _event(body: Fields, item: Fields) -> RunEvent:
    run_id = body.text("run_id")
    trigger = item.text("trigger")
    raw_status = item.opt_text("run_status")
    occurred_at = item.opt_time("run_updated_at") or body.opt_time("run_created_at")
    if occurred_at is None:
        raise malformed(f"{item.name('run_updated_at')}: required")
    workspace = body.opt_text("workspace_name")
    return RunEvent(
        source=SOURCE,
        run_id=run_id,
        kind=RunKind.TERRAFORM,
        status=run_status(trigger, raw_status),
        raw_status=raw_status or trigger,
        occurred_at=occurred_at,
        event_id=derived_event_id(
            SOURCE, run_id, trigger, raw_status or "", occurred_at.isoformat()
        ),
        component=workspace,
        environment=workspace,
        title=workspace,
        actor=body.opt_text("run_created_by") or item.opt_text("run_updated_by"),
        commit_message=body.opt_prose("run_message", keep=1000),
        links=links(("Run", body.opt_text("run_url", max_chars=2000))),
    )
